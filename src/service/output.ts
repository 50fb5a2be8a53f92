/** The longest line kept while it is still arriving; the rest of it is counted and dropped. */
export const LINE_LIMIT = 64 * 1024
/** Each kept line is cut to this many characters (a tail is for reading). */
const KEPT_LINE_LIMIT = 2000
/** The kept lines together stay under this many characters. */
export const TAIL_LIMIT = 64 * 1024

type Stream = 'stdout' | 'stderr'

/**
 * Keeps the last `limit` lines of a process's stdout and stderr, in arrival order, in bounded memory: a line that
 * never ends (a progress bar redrawn with `\r`, a binary blob) is capped at 64 KB while it arrives, a bare `\r`
 * starts the line over as a terminal would, and the kept tail stays under 64 KB. What is dropped is counted.
 */
export class OutputTail {
  private readonly lines: string[] = []
  private keptChars = 0
  private partial: Record<Stream, string> = { stdout: '', stderr: '' }
  /** characters never kept: the rest of over-long lines and text overwritten by `\r` */
  dropped = 0

  constructor(private readonly limit = 200) {}

  push(chunk: string, stream: Stream, onLine?: (line: string, stream: Stream) => void): void {
    const parts = chunk.split('\n')
    const last = parts.pop()!
    for (const part of parts) {
      const text = this.append(stream, part)
      const line = text.endsWith('\r') ? text.slice(0, -1) : text
      this.partial[stream] = ''
      this.add(line)
      onLine?.(line, stream)
    }
    this.partial[stream] = this.append(stream, last)
  }

  /**
   * The line in progress with `text` added. A `\r` followed by more text restarts the line (a trailing one may be
   * the first half of `\r\n`, so it waits for the next character), and the line never grows past LINE_LIMIT.
   */
  private append(stream: Stream, text: string): string {
    let current = this.partial[stream]
    if (current.endsWith('\r') && text !== '') {
      this.dropped += current.length
      current = ''
    }
    const cr = text.lastIndexOf('\r', text.length - 2)
    if (cr >= 0) {
      this.dropped += current.length + cr + 1
      current = ''
      text = text.slice(cr + 1)
    }
    const room = Math.max(0, LINE_LIMIT - current.length)
    if (text.length > room) {
      this.dropped += text.length - room
      text = text.slice(0, room)
    }
    return current + text
  }

  private add(line: string): void {
    const kept = line.length > KEPT_LINE_LIMIT ? `${line.slice(0, KEPT_LINE_LIMIT)}…` : line
    this.dropped += line.length - Math.min(line.length, KEPT_LINE_LIMIT)
    this.lines.push(kept)
    this.keptChars += kept.length
    while (this.lines.length > this.limit || (this.keptChars > TAIL_LIMIT && this.lines.length > 1)) {
      this.keptChars -= this.lines.shift()!.length
    }
  }

  /** Characters held in memory now (kept lines and lines in progress). */
  get size(): number {
    return this.keptChars + this.partial.stdout.length + this.partial.stderr.length
  }

  tail(count = 40): string[] {
    const pending = [this.partial.stdout, this.partial.stderr]
      .filter(Boolean)
      .map(p => (p.length > KEPT_LINE_LIMIT ? `${p.slice(0, KEPT_LINE_LIMIT)}…` : p))
    return [...this.lines, ...pending].slice(-count)
  }
}

export function formatTail(lines: string[]): string {
  return lines.length
    ? ` Last lines of output:\n${lines.map(l => `  | ${l}`).join('\n')}`
    : ' It printed nothing.'
}
