/** A problem in a config file, at its file:line:col; all of a file's problems are reported at once. */
export interface ConfigProblem {
  file: string
  line: number
  col: number
  /** JSON pointer of the value, e.g. /scenarios/0/thresholds/latency.p95 */
  path: string
  message: string
}

export function formatProblems(problems: readonly ConfigProblem[]): string {
  // a problem of the file as a whole (a YAML syntax error, a duplicate key) has no path to show
  return problems
    .map(p => `${p.file}:${p.line}:${p.col}: ${p.message}${p.path ? ` [${p.path}]` : ''}`)
    .join('\n')
}

/** Everything wrong with a config file, all at once, each at its file:line:col. */
export class ConfigError extends Error {
  readonly problems: ConfigProblem[]
  constructor(
    readonly file: string,
    problems: ConfigProblem[]
  ) {
    const sorted = [...problems].sort((a, b) => a.line - b.line || a.col - b.col)
    super(formatProblems(sorted))
    this.name = 'ConfigError'
    this.problems = sorted
  }
}
