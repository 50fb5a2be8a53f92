import { existsSync } from 'node:fs'
import { loadConfig } from '../config/load.js'
import { ConfigError } from '../config/problems.js'
import type { Config } from '../config/types.js'
import { discoverConfig, noConfigMessage } from '../config/discover.js'
import type { CliIO } from './io.js'

/** Loads the named config, or the first of CONFIG_CANDIDATES in the working directory; problems go to stderr. */
export async function loadOrReport(named: string | undefined, io: CliIO): Promise<Config | undefined> {
  const file = discoverConfig(io.cwd, named)
  if (!named && !existsSync(file)) {
    io.stderr.write(`perfgate: ${noConfigMessage(io.cwd)}\n`)
    return undefined
  }
  try {
    // config.file stays resolvable from the process's directory: run and compare find the repository from it
    return await loadConfig(file)
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr.write(`${err.message}\n`)
      return undefined
    }
    throw err
  }
}
