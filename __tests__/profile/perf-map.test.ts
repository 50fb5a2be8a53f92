import { describe, expect, it } from '@jest/globals'
import { newestPerfMap } from '../../src/profile/perf-map.js'

describe("V8's perf map with its stale lines left out", () => {
  it('keeps the newest of the lines that name the same addresses, and every line nothing newer overlaps', () => {
    const map = [
      '7fbecf7ab9c0 3c0 Eval:~ node:internal/streams/from:1:1',
      '7fbecf700000 40 JS:*handler /srv/app.js:3:10',
      '7fbecf7ab9c0 200 JS:*parserOnIncoming node:_http_server:1026:26',
      '7fbecf7abd80 100 JS:~ node:internal/streams/from:1:1',
      '7fbecf7ac000 80 JS:~old /srv/app.js:9:1',
      '7fbecf7ac040 80 JS:*new /srv/app.js:12:1',
      ''
    ].join('\n')
    const { text, dropped } = newestPerfMap(map)
    expect(text.split('\n').filter(Boolean)).toEqual([
      '7fbecf700000 40 JS:*handler /srv/app.js:3:10',
      '7fbecf7ab9c0 200 JS:*parserOnIncoming node:_http_server:1026:26',
      '7fbecf7abd80 100 JS:~ node:internal/streams/from:1:1',
      '7fbecf7ac040 80 JS:*new /srv/app.js:12:1'
    ])
    expect(dropped).toBe(2)
  })

  it('leaves a map without overlaps as it is, and skips lines that are not map lines', () => {
    const map = '1000 10 JS:*a /a.js:1:1\n1010 10 JS:*b /b.js:1:1\nnot a line\n'
    expect(newestPerfMap(map)).toEqual({
      text: '1000 10 JS:*a /a.js:1:1\n1010 10 JS:*b /b.js:1:1\n',
      dropped: 0
    })
  })
})
