import { describe, expect, it } from '@jest/globals'
import type { LookupAddress } from 'node:dns'
import { probeHttp, probeTcp, type Lookup } from '../../src/service/ready.js'
import { startTestServer } from '../../__fixtures__/servers.js'

/**
 * localhost as Node >= 17 may resolve it (verbatim order, ::1 first), whatever this machine's /etc/hosts says and
 * whichever Node runs the test: the probe must still reach a service that listens on 127.0.0.1 only.
 */
const ipv6First: Lookup = (hostname, options, callback) => {
  const addresses: LookupAddress[] = [
    { address: '::1', family: 6 },
    { address: '127.0.0.1', family: 4 }
  ]
  const all = typeof options === 'object' && options !== null && (options as { all?: boolean }).all
  if (all) (callback as (err: null, addresses: LookupAddress[]) => void)(null, addresses)
  else (callback as (err: null, address: string, family: number) => void)(null, '::1', 6)
}

describe('readiness probes of a name that resolves to ::1 first', () => {
  it('reach a service bound to 127.0.0.1 only, over HTTP and TCP', async () => {
    const server = await startTestServer((_, res) => res.end('ok'))
    try {
      expect(await probeHttp(`http://localhost:${server.port}/health`, 2000, ipv6First)).toMatchObject({
        ok: true
      })
      expect((await probeTcp('localhost', server.port, 2000, ipv6First)).ok).toBe(true)
    } finally {
      await server.close()
    }
  })
})
