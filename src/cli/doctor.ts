/**
 * `perfgate doctor [FILE]` and `perfgate validate --deep`: the config checked, then tried once against the real
 * service (measure/doctor.ts), each step on its own line with what is wrong.
 */
import { parseArgs } from 'node:util'
import { existsSync } from 'node:fs'
import path from 'node:path'
import { discoverConfig, noConfigMessage } from '../config/discover.js'
import { loadConfig } from '../config/load.js'
import { ConfigError } from '../config/problems.js'
import type { Config } from '../config/types.js'
import { diagnose, doctorVerdict, type DoctorStep } from '../measure/doctor.js'
import { DOCTOR_FLAGS } from './flags.js'
import type { CliIO } from './io.js'
import { environmentOf } from '../measure/environment.js'

function describeStep(s: DoctorStep): string {
  const lines = [`  ${s.ok ? 'ok  ' : 'FAIL'}  ${s.step.padEnd(16)} ${s.detail}`]
  if (s.outputTail?.length) lines.push(...s.outputTail.slice(-10).map(l => `        | ${l}`))
  return lines.join('\n')
}

/** Tries a loaded config against its service; prints each step; 0 when every step passed, else 2. */
export async function runDoctor(
  config: Config,
  shown: string,
  io: CliIO,
  json?: Record<string, unknown>
): Promise<number> {
  if (!json) io.stderr.write(`perfgate doctor: starting the service of ${shown} once (nothing is measured)\n`)
  const steps = await diagnose(config, { extraCaCerts: environmentOf(process.env).extraCaCerts })
  const healthy = steps.every(s => s.ok)
  if (json) io.stdout.write(`${JSON.stringify({ file: shown, ...json, healthy, steps }, null, 2)}\n`)
  else io.stdout.write(`${steps.map(describeStep).join('\n')}\n${doctorVerdict(steps)}\n`)
  return healthy ? 0 : 2
}

/** perfgate doctor [FILE] [--json] */
export async function commandDoctor(args: string[], io: CliIO): Promise<number> {
  const { positionals, values } = parseArgs({ args, allowPositionals: true, options: DOCTOR_FLAGS })
  const named = positionals[0]
  const file = discoverConfig(io.cwd, named)
  const shown = path.relative(io.cwd, file) || file
  if (!named && !existsSync(file)) {
    io.stderr.write(`perfgate: ${noConfigMessage(io.cwd)}\n`)
    return 2
  }
  let config: Config
  try {
    config = await loadConfig(file, io.cwd)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    io.stderr.write(`${err.message}\nperfgate doctor: fix the config first (perfgate validate)\n`)
    return 2
  }
  return runDoctor(config, shown, io, values.json ? {} : undefined)
}
