/**
 * Reads the legs of a split suite as untrusted data: a leg's report.json may come from another job's artifact
 * (a fork's, in the workflow_run commenter), so it is size-checked, never followed through a symlink, parsed as
 * JSON and validated against schema/report.schema.json before merge looks at it.
 */
import { lstat, readdir, readFile } from 'node:fs/promises'
import path from 'node:path'
import type { LegInput } from './merge-legs.js'
import { reportProblems } from '../report/validate.js'
import type { Report } from '../model/report.js'

export const LEG_REPORT_FILE = 'report.json'
/** a report.json with every histogram and timeline of a large suite stays well under this */
export const LEG_MAX_BYTES = 50_000_000

/** How many legs one merge takes, and how large their files may be together: legs are read into memory at once. */
export interface LegLimits {
  maxLegs: number
  maxTotalBytes: number
}

export const DEFAULT_LEG_LIMITS: LegLimits = { maxLegs: 64, maxTotalBytes: 256_000_000 }

/** Reads `file` (no symlinks, at most maxBytes) or says why not. */
export async function readUntrustedFile(
  file: string,
  maxBytes = LEG_MAX_BYTES
): Promise<{ text: string } | { problem: string }> {
  const info = await lstat(file).catch(() => undefined)
  if (!info) return { problem: `no ${path.basename(file)} in ${path.dirname(file)}` }
  if (info.isSymbolicLink() || !info.isFile())
    return { problem: `${file} is not a regular file; refusing it` }
  if (info.size > maxBytes)
    return { problem: `${file} is ${info.size} bytes, over the ${maxBytes}-byte limit; refusing it` }
  return { text: await readFile(file, 'utf8') }
}

/** Parses a leg's report.json text: JSON, then the report schema; problems name the leg. */
export function parseLegReport(text: string, source: string): LegInput {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    return { source, problem: `its report.json is not valid JSON: ${(err as Error).message}` }
  }
  const problems = reportProblems(data)
  if (problems.length)
    return {
      source,
      problem: `its report.json is not a valid perfgate report: ${problems.slice(0, 5).join('; ')}`
    }
  return { source, report: data as Report }
}

/** One leg directory: its report.json, read and checked. */
export async function readLegDir(dir: string, source = dir): Promise<LegInput> {
  const read = await readUntrustedFile(path.join(dir, LEG_REPORT_FILE))
  if ('problem' in read) return { source, problem: read.problem }
  return parseLegReport(read.text, source)
}

/**
 * The leg directories among `paths`: a path holding `file` is a leg; any other directory stands for its
 * subdirectories that hold one (actions/download-artifact puts each artifact in its own subdirectory). A path
 * that is neither is kept, so that reading it reports the problem. More than `limits.maxLegs` legs, or leg files
 * larger than `limits.maxTotalBytes` together, are refused before any is read.
 */
export async function legDirectories(
  paths: readonly string[],
  file = LEG_REPORT_FILE,
  limits: LegLimits = DEFAULT_LEG_LIMITS
): Promise<string[]> {
  const dirs = await findLegDirectories(paths, file)
  if (dirs.length > limits.maxLegs)
    throw new Error(
      `found ${dirs.length} legs (directories holding ${file}) under ${paths.join(', ')}, more than the ${limits.maxLegs} ` +
        'perfgate merges at once; download only the artifacts of this run (a pattern such as perfgate-leg-*), or split ' +
        'the suite into fewer legs'
    )
  let total = 0
  for (const dir of dirs) {
    const info = await lstat(path.join(dir, file)).catch(() => undefined)
    if (info?.isFile()) total += info.size
  }
  if (total > limits.maxTotalBytes)
    throw new Error(
      `the ${dirs.length} legs' ${file} files hold ${total} bytes together, over the ${limits.maxTotalBytes}-byte ` +
        'limit of one merge; refusing them (a leg report of a large suite stays well under a tenth of that)'
    )
  return dirs
}

async function findLegDirectories(paths: readonly string[], file: string): Promise<string[]> {
  const out: string[] = []
  for (const p of paths) {
    if (await lstat(path.join(p, file)).catch(() => undefined)) {
      out.push(p)
      continue
    }
    const entries = await readdir(p, { withFileTypes: true }).catch(() => [])
    const subdirs = entries
      .filter(e => e.isDirectory())
      .map(e => path.join(p, e.name))
      .sort()
    const legs: string[] = []
    for (const sub of subdirs) if (await lstat(path.join(sub, file)).catch(() => undefined)) legs.push(sub)
    out.push(...(legs.length ? legs : [p]))
  }
  return out
}
