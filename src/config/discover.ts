import { existsSync, statSync } from 'node:fs'
import path from 'node:path'

/** Where perfgate looks for its config when none is named, in this order. */
export const CONFIG_CANDIDATES = ['perfgate.yml', 'perfgate.yaml', '.github/perfgate.yml'] as const

const isFile = (file: string) => existsSync(file) && statSync(file).isFile()

/**
 * The config file to load: the one named (resolved against `dir`), else the first of CONFIG_CANDIDATES that
 * exists in `dir`, else `dir/perfgate.yml` (whose absence loadConfig then reports, with the candidates).
 */
export function discoverConfig(dir: string, named?: string): string {
  if (named) return path.resolve(dir, named)
  for (const candidate of CONFIG_CANDIDATES) {
    const file = path.resolve(dir, candidate)
    if (isFile(file)) return file
  }
  return path.resolve(dir, firstCandidate())
}

// a call, not CONFIG_CANDIDATES[0]: ncc's asset relocation evaluates a constant path and would bundle every
// perfgate.yml in the checkout (examples/*/perfgate.yml) and rewrite this line to point into dist/
const firstCandidate = (): string => CONFIG_CANDIDATES[0]

/** What to say when no config was named and none of the candidates exists. */
export function noConfigMessage(dir: string): string {
  return `no config found in ${dir}: perfgate looks for ${CONFIG_CANDIDATES.join(', ')}. Run \`perfgate init\` to write one, or pass --config FILE`
}
