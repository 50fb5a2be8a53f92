/** The baseline store `perfgate baseline` and `perfgate history` read, and how their store errors end them. */
import { existsSync } from 'node:fs'
import path from 'node:path'
import { DirectoryStore } from '../baseline/directory.js'
import { GitBranchStore } from '../baseline/git.js'
import { CorruptRecordError, NewerBaselineError, StoreError } from '../baseline/record.js'
import type { BaselineStore } from '../baseline/store.js'
import { DEFAULTS } from '../config/defaults.js'
import { discoverConfig } from '../config/discover.js'
import { loadConfig } from '../config/load.js'
import { ConfigError } from '../config/problems.js'
import { repoRoot } from '../git/history.js'
import type { Writer } from './io.js'

export interface StoreIO {
  stderr: Writer
  cwd: string
}

/** The store: --baseline DIR (a directory store), --branch, else the config's baseline section. */
export async function storeFromOptions(
  values: { baseline?: string; branch?: string; remote?: string; config?: string },
  io: StoreIO
): Promise<BaselineStore> {
  if (values.baseline) return new DirectoryStore(path.resolve(io.cwd, values.baseline))
  const repo = (await repoRoot(io.cwd)) ?? io.cwd
  let spec: { store: string; branch: string; remote: string; directory: string } = {
    ...DEFAULTS.baseline,
    directory: path.resolve(io.cwd, DEFAULTS.baseline.directory)
  }
  const configFile = discoverConfig(io.cwd, values.config)
  if (!values.branch && existsSync(configFile)) spec = (await loadConfig(configFile)).baseline
  if (!values.branch && spec.store === 'directory') return new DirectoryStore(spec.directory)
  return new GitBranchStore({
    repo,
    branch: values.branch ?? spec.branch,
    remote: values.remote ?? spec.remote,
    log: message => io.stderr.write(`${message}\n`)
  })
}

type ErrorClass = abstract new (...args: never[]) => Error

/** What reading the store (or the config that names it) may throw: said in one line, exit 2. */
const STORE_ERRORS: ErrorClass[] = [StoreError, NewerBaselineError, CorruptRecordError, ConfigError]

/**
 * The exit code of a store command that threw `err`: 2 with its message for a store error (or one of `also`),
 * anything else is rethrown (a bug, shown with its stack by the CLI's door).
 */
export function storeErrorExit(err: unknown, stderr: Writer, also: readonly ErrorClass[] = []): number {
  if ([...STORE_ERRORS, ...also].some(kind => err instanceof kind)) {
    stderr.write(`perfgate: ${(err as Error).message}\n`)
    return 2
  }
  throw err
}
