import * as core from '@actions/core'

/** GitHub drops a step summary over 1 MiB entirely; stay well below. */
const SUMMARY_LIMIT_BYTES = 900 * 1024

/** The job summary is best effort: outside GitHub (no GITHUB_STEP_SUMMARY in `env`) it is skipped with a note. */
export async function writeSummary(markdown: string, env: NodeJS.ProcessEnv): Promise<void> {
  if (!env.GITHUB_STEP_SUMMARY) {
    core.info('perfgate: no GITHUB_STEP_SUMMARY, so no job summary (the same text is in summary.md)')
    return
  }
  try {
    await core.summary.addRaw(markdown).write()
  } catch (err) {
    core.warning(`perfgate: could not write the job summary: ${(err as Error).message}`)
  }
}

export function capSummary(markdown: string): string {
  if (Buffer.byteLength(markdown) <= SUMMARY_LIMIT_BYTES) return markdown
  const note =
    '\n\n… the summary was cut to stay under GitHub’s 1 MiB limit; the full report is in the report artifact.\n'
  let cut = markdown.slice(0, SUMMARY_LIMIT_BYTES - 2048)
  while (Buffer.byteLength(cut) > SUMMARY_LIMIT_BYTES - 2048)
    cut = cut.slice(0, Math.floor(cut.length * 0.95))
  return cut.slice(0, cut.lastIndexOf('\n')) + note
}
