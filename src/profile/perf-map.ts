/**
 * V8's perf map (`/tmp/perf-<pid>.map` under `--perf-basic-prof`) gains a line for every code object V8 creates,
 * and never loses one: once the garbage collector frees code (a module's top-level function run once at start-up,
 * a function deoptimized), newer code can take its addresses, and the file then names the same address twice.
 * perf picks one of the overlapping lines, often the stale one: an Express service's `parserOnIncoming` read as
 * `node:internal/streams/from`'s start-up code. The profiling step runs after warm-up, under steady load, so the
 * newest line for an address is the code that ran there: `newestPerfMap` keeps, of lines whose ranges overlap,
 * only those no newer line overlaps.
 */

interface MapLine {
  order: number
  start: bigint
  end: bigint
  text: string
}

function parseLine(text: string, order: number): MapLine | undefined {
  const match = /^([0-9a-fA-F]+) ([0-9a-fA-F]+) /.exec(text)
  if (!match) return undefined
  const start = BigInt(`0x${match[1]}`)
  return { order, start, end: start + BigInt(`0x${match[2]}`), text }
}

const overlaps = (a: MapLine, b: MapLine) => a.start < b.end && b.start < a.end

/** The map's lines, each stale line (overlapped by a newer one) left out, in their original order. */
export function newestPerfMap(text: string): { text: string; dropped: number } {
  const lines = text
    .split('\n')
    .map((line, i) => parseLine(line, i))
    .filter((line): line is MapLine => line !== undefined)
  const byStart = [...lines].sort((a, b) =>
    a.start < b.start ? -1 : a.start > b.start ? 1 : a.order - b.order
  )
  const kept = new Set<MapLine>()
  // clusters of lines that overlap one another, in address order; within one, newest first, a line is kept
  // when no kept (newer) line overlaps it
  for (let i = 0; i < byStart.length;) {
    let end = byStart[i]!.end
    let j = i + 1
    while (j < byStart.length && byStart[j]!.start < end) {
      if (byStart[j]!.end > end) end = byStart[j]!.end
      j++
    }
    const cluster = byStart.slice(i, j).sort((a, b) => b.order - a.order)
    const chosen: MapLine[] = []
    for (const line of cluster) if (!chosen.some(c => overlaps(c, line))) chosen.push(line)
    for (const line of chosen) kept.add(line)
    i = j
  }
  const out = lines.filter(line => kept.has(line))
  return { text: out.map(line => `${line.text}\n`).join(''), dropped: lines.length - out.length }
}
