import http from 'node:http'
import { once } from 'node:events'
import type { AddressInfo } from 'node:net'

export interface TestServer {
  url: string
  port: number
  /** requests the server saw */
  seen: () => number
  bodies: string[]
  close: () => Promise<void>
}

/** A node:http server on 127.0.0.1 with an ephemeral port, answering with `handler`. */
export async function startTestServer(
  handler: (req: http.IncomingMessage, res: http.ServerResponse, n: number) => void
): Promise<TestServer> {
  let count = 0
  const bodies: string[] = []
  const server = http.createServer((req, res) => {
    count++
    const chunks: Buffer[] = []
    req.on('data', c => chunks.push(c))
    req.on('end', () => {
      if (chunks.length) bodies.push(Buffer.concat(chunks).toString())
      handler(req, res, count)
    })
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen: () => count,
    bodies,
    close: async () => {
      server.closeAllConnections()
      server.close()
      if (server.listening) await once(server, 'close')
    }
  }
}
