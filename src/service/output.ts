/** Keeps the last `limit` lines of a process's stdout and stderr, in arrival order. */
export class OutputTail {
  private readonly lines: string[] = []
  private partial: Record<'stdout' | 'stderr', string> = { stdout: '', stderr: '' }

  constructor(private readonly limit = 200) {}

  push(
    chunk: string,
    stream: 'stdout' | 'stderr',
    onLine?: (line: string, stream: 'stdout' | 'stderr') => void
  ): void {
    const text = this.partial[stream] + chunk
    const parts = text.split(/\r?\n/)
    this.partial[stream] = parts.pop() ?? ''
    for (const line of parts) {
      this.add(line)
      onLine?.(line, stream)
    }
  }

  private add(line: string): void {
    this.lines.push(line.length > 2000 ? `${line.slice(0, 2000)}…` : line)
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit)
  }

  tail(count = 40): string[] {
    const pending = [this.partial.stdout, this.partial.stderr].filter(Boolean)
    return [...this.lines, ...pending].slice(-count)
  }
}

export function formatTail(lines: string[]): string {
  return lines.length
    ? ` Last lines of output:\n${lines.map(l => `  | ${l}`).join('\n')}`
    : ' It printed nothing.'
}
