/**
 * What the Actions runner would run as workflow commands in these log lines: a line is split at \r and \n, a
 * line starting with `::` (after spaces) or holding `##[` is a command, and `::stop-commands::TOKEN` turns that
 * off until `::TOKEN::`. Returns the commands run, groups and fences that end left out; a stop-commands that is
 * never resumed is a command run (it silences every later command of the step).
 */
export function commandsRun(logLines: readonly string[]): string[] {
  const run: string[] = []
  let stopped: string | undefined
  for (const line of logLines.flatMap(l => l.split(/\r\n|\r|\n/))) {
    const text = line.trimStart()
    if (stopped !== undefined) {
      if (text === `::${stopped}::`) stopped = undefined
      continue
    }
    const stop = /^::stop-commands::(.+)$/.exec(text)
    if (stop) {
      stopped = stop[1]
      continue
    }
    if (/^::(group|endgroup)::/.test(text)) continue
    if (text.startsWith('::') || text.includes('##[')) run.push(text)
  }
  if (stopped !== undefined) run.push(`::stop-commands::${stopped}`)
  return run
}
