import { parseArgs } from 'node:util'
import { VALIDATE_FLAGS } from './flags.js'
import path from 'node:path'
import { existsSync } from 'node:fs'
import { loadConfig } from '../config/load.js'
import { ConfigError } from '../config/problems.js'
import type { Config } from '../config/types.js'
import { discoverConfig, noConfigMessage } from '../config/discover.js'
import type { CliIO } from './io.js'
import { runDoctor } from './doctor.js'

/** perfgate validate [FILE] [--json] */
export async function commandValidate(args: string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: VALIDATE_FLAGS })
  const named = positionals[0]
  const file = discoverConfig(io.cwd, named)
  const shown = path.relative(io.cwd, file) || file
  if (values.json) {
    const answer = (body: object, code: number) => {
      io.stdout.write(`${JSON.stringify({ file: shown, ...body }, null, 2)}\n`)
      return code
    }
    if (!named && !existsSync(file))
      return answer({ valid: false, problems: [{ message: noConfigMessage(io.cwd) }] }, 2)
    try {
      const config = await loadConfig(file, io.cwd)
      const valid = { valid: true, scenarios: config.scenarios.length, checks: countChecks(config) }
      if (values.deep) return runDoctor(config, shown, io, valid)
      return answer(valid, 0)
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err
      return answer({ valid: false, problems: err.problems }, 2)
    }
  }
  if (!named && !existsSync(file)) {
    io.stderr.write(`perfgate: ${noConfigMessage(io.cwd)}\n`)
    return 2
  }
  let config: Config
  try {
    // validate only reads the file: its problems are named relative to the working directory
    config = await loadConfig(file, io.cwd)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.stderr.write(`${err.message}\n`)
    return 2
  }
  const n = config.scenarios.length
  io.stdout.write(`${shown} is valid: ${n} scenario${n === 1 ? '' : 's'}, ${countChecks(config)} checks\n`)
  return values.deep ? runDoctor(config, shown, io) : 0
}

const countChecks = (config: Config) =>
  config.scenarios.reduce((n, s) => n + s.thresholds.length + s.regression.length, 0)
