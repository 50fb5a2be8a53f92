/**
 * `perfgate init`, writing: only the files that are missing, unless --force, which replaces each one that exists
 * and keeps what it replaces beside it as FILE.bak. Nothing the user wrote is lost.
 */
import { existsSync } from 'node:fs'
import { copyFile, mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Writer } from './io.js'

export interface PlannedFile {
  file: string
  text: string
}

export interface WriteOutcome {
  written: string[]
  kept: string[]
  backedUp: string[]
}

/** Writes the missing files (every file with `force`, backing up the ones it replaces). */
export async function writePlanned(files: readonly PlannedFile[], force: boolean): Promise<WriteOutcome> {
  const outcome: WriteOutcome = { written: [], kept: [], backedUp: [] }
  for (const { file, text } of files) {
    if (existsSync(file)) {
      if (!force) {
        outcome.kept.push(file)
        continue
      }
      await copyFile(file, `${file}.bak`)
      outcome.backedUp.push(`${file}.bak`)
    }
    await mkdir(path.dirname(file), { recursive: true })
    await writeFile(file, text)
    outcome.written.push(file)
  }
  return outcome
}

/** What was written, kept and backed up, one line each, paths relative to `cwd`. */
export function reportWrites(outcome: WriteOutcome, cwd: string, out: Writer): void {
  const shown = (f: string) => path.relative(cwd, f) || f
  for (const file of outcome.kept) out.write(`kept ${shown(file)} (it exists; --force replaces it)\n`)
  for (const file of outcome.backedUp) out.write(`saved ${shown(file)} (what --force replaced)\n`)
  for (const file of outcome.written) out.write(`wrote ${shown(file)}\n`)
}
