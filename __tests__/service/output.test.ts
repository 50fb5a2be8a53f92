import { describe, expect, it } from '@jest/globals'
import { LINE_LIMIT, OutputTail, TAIL_LIMIT } from '../../src/service/output.js'

describe('the output tail', () => {
  it('keeps lines of both streams in order, split across chunks, with \\r\\n ends', () => {
    const tail = new OutputTail()
    const seen: string[] = []
    tail.push('one\r', 'stdout', l => seen.push(l))
    tail.push('\ntw', 'stdout', l => seen.push(l))
    tail.push('err\n', 'stderr', l => seen.push(l))
    tail.push('o\n', 'stdout', l => seen.push(l))
    expect(seen).toEqual(['one', 'err', 'two'])
    expect(tail.tail()).toEqual(['one', 'err', 'two'])
  })

  it('holds a line without a newline in bounded memory and counts what it drops', () => {
    const tail = new OutputTail()
    const chunk = 'x'.repeat(64 * 1024)
    for (let i = 0; i < 160; i++) tail.push(chunk, 'stdout') // 10 MiB, never a newline
    expect(tail.size).toBeLessThanOrEqual(LINE_LIMIT)
    expect(tail.dropped).toBe(160 * chunk.length - LINE_LIMIT)
    const seen: string[] = []
    tail.push('\n', 'stdout', l => seen.push(l))
    expect(seen[0]).toHaveLength(LINE_LIMIT)
    expect(tail.tail()[0]!.length).toBeLessThanOrEqual(2001)
  })

  it('treats a progress bar redrawn with \\r as one line that starts over', () => {
    const tail = new OutputTail()
    for (let i = 0; i <= 100_000; i++) tail.push(`\rprogress ${i % 101}%`, 'stderr')
    expect(tail.size).toBeLessThan(100)
    expect(tail.tail()).toEqual(['progress 10%'])
    expect(tail.dropped).toBeGreaterThan(1_000_000)
  })

  it('keeps the tail under its size limit however long the lines', () => {
    const tail = new OutputTail(200)
    for (let i = 0; i < 1000; i++) tail.push(`${i} ${'y'.repeat(5000)}\n`, 'stdout')
    expect(tail.size).toBeLessThanOrEqual(TAIL_LIMIT + 2001)
    expect(tail.tail(1)[0]).toMatch(/^999 y+…$/)
  })
})
