import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { responseEnd } from './harness/http1-client.js'
import { countProblems, latencyProblems, serverCount } from './harness/reference.js'
import { verdictCell, type ZooRow } from './harness/table.js'

let dir: string
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-zoo-count-'))
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("the zoo's HTTP/1.x reference client", () => {
  const response = (text: string) => Buffer.from(text.replaceAll('\n', '\r\n'))

  it('ends a response at its Content-Length, at the last chunk, or at the close', () => {
    const sized = response('HTTP/1.1 200 OK\nContent-Length: 5\n\nhello')
    expect(responseEnd(sized)).toBe(sized.length)
    expect(responseEnd(sized.subarray(0, sized.length - 1))).toBeUndefined()
    const chunked = response('HTTP/1.1 200 OK\nTransfer-Encoding: chunked\n\n6\nHello \n0\n\n')
    expect(responseEnd(chunked)).toBe(chunked.length)
    expect(responseEnd(chunked.subarray(0, chunked.length - 2))).toBeUndefined()
    expect(responseEnd(response('HTTP/1.1 200 OK\nConnection: close\n\nHello'))).toBe('close')
    expect(responseEnd(response('HTTP/1.1 200 OK\nContent-Le'))).toBeUndefined()
  })
})

describe("the server's own count", () => {
  it("sums an app's answered.<pid> files (one per process) and counts a log's lines, or those that match", async () => {
    writeFileSync(path.join(dir, 'answered.101'), '40')
    writeFileSync(path.join(dir, 'answered.102'), '2')
    writeFileSync(path.join(dir, 'answered.103.tmp'), '1000')
    expect(await serverCount(dir, { app: true })).toBe(42)
    writeFileSync(path.join(dir, 'answered.log'), '\n\n\n')
    expect(await serverCount(dir, { log: 'answered.log' })).toBe(3)
    writeFileSync(path.join(dir, 'stderr.log'), '"GET / HTTP/1.1" 200 -\nstarted\n"GET / HTTP/1.0" 200 -\n')
    expect(await serverCount(dir, { log: 'stderr.log', match: /"GET \/ HTTP\/1\.[01]" 200/ })).toBe(2)
    expect(await serverCount(dir, { log: 'missing.log' })).toBe(0)
  })

  it('agrees with perfgate within the requests in flight, and never when perfgate counted nothing', () => {
    expect(countProblems({ server: 1010, perfgate: 1000, inFlight: 10 })).toEqual([])
    expect(countProblems({ server: 1011, perfgate: 1000, inFlight: 10 })[0]).toMatch(
      /answered 1011 responses where perfgate counted 1000: more apart than the 10 requests in flight/
    )
    expect(countProblems({ server: 0, perfgate: 0, inFlight: 10 })).toHaveLength(1)
  })
})

describe("the zoo's verdict", () => {
  const check = { reference: 'h2load', perfgate: 1100, referenceP50: 1000, ratio: 1.1 }

  it('holds p50 within 1 ± tolerance of the reference', () => {
    expect(latencyProblems(check, 0.2)).toEqual([])
    expect(latencyProblems({ ...check, ratio: 1.25 }, 0.2)[0]).toMatch(/h2load's is 1.25, outside 1 ± 0.2/)
  })

  it('says what passed, or every problem', () => {
    const row: ZooRow = {
      server: 's',
      what: 'w',
      run: 'pass',
      compare: 'inconclusive',
      cleanup: 'clean',
      count: { server: 10, perfgate: 10, inFlight: 10 },
      latency: check,
      problems: []
    }
    expect(verdictCell(row)).toBe('pass: run, A/A compare, cleanup, counts agree, p50 within 20 %')
    expect(verdictCell({ ...row, problems: ['a', 'b'] })).toBe('FAIL: a; b')
  })
})
