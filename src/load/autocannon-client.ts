/**
 * Patches to autocannon's Client (lib/httpClient.js, autocannon 9) that perfgate's closed model applies to every
 * client through autocannon's setupClient hook, which runs in the client's constructor before its first connect.
 */

/** The parts of autocannon's Client these patches touch. */
interface AutocannonClient extends NodeJS.EventEmitter {
  conn?: NodeJS.EventEmitter
  destroyed: boolean
  pipelinedRequests: { size(): number; clear(): void; addBody(data: Buffer): void }
  _connect(): void
  _doRequest(): void
  _resetConnection(): void
}

/**
 * autocannon reconnects silently when the server closes a connection with a request in flight, and keeps that
 * request queued, so the next response would be timed from the lost request's start. Such a close is counted as a
 * reset (`onDropped`) and the lost request dropped, on every connection the client opens.
 */
function dropLostRequests(client: AutocannonClient, onDropped: () => void): void {
  const connect = client._connect
  client._connect = function (this: AutocannonClient) {
    connect.call(this)
    const dropInFlight = (counted: boolean) => () => {
      if (this.destroyed || this.pipelinedRequests.size() === 0) return
      if (counted) onDropped()
      this.pipelinedRequests.clear()
    }
    // prepended, so these run before autocannon's own handlers reconnect and queue the next request
    this.conn?.prependListener('end', dropInFlight(true))
    this.conn?.prependListener('error', dropInFlight(false))
  }
}

/**
 * autocannon ignores `Connection: close` (and an HTTP/1.0 response without keep-alive): it writes the next request
 * on the connection the server is closing, and that request is lost with it. Here the next request goes out on a
 * new connection instead, as browsers, wrk and Node's own agent do.
 */
function honourConnectionClose(client: AutocannonClient): void {
  let serverCloses = false
  // the parser's headers-complete event, emitted before the response's body and its 'response' event
  client.on('headers', (info: { shouldKeepAlive?: boolean }) => {
    serverCloses = info.shouldKeepAlive === false
  })
  const doRequest = client._doRequest
  client._doRequest = function (this: AutocannonClient) {
    if (serverCloses && !this.destroyed) {
      serverCloses = false
      this._resetConnection() // closes this connection and opens one, which sends the request
      return
    }
    doRequest.call(this)
  }
}

/**
 * autocannon appends every response body to a string (`body += chunk`, a UTF-8 decode per chunk) for its
 * expectBody/verifyBody options, which perfgate never sets: a 1 MB response cost a 1 MB decode and concatenation.
 * Bodies are counted in bytes only (autocannon's addByteCount), never kept.
 */
function discardBodies(client: AutocannonClient): void {
  client.pipelinedRequests.addBody = () => undefined
}

/**
 * The clients of one run, so that the run's window ends cleanly: once closed, no client starts a request (nor
 * reconnects to send one), and the run can wait for the requests still out before it stops autocannon, whose own
 * stop cuts connections with requests on them that the service may still read after the run has returned.
 */
export class ClientWindow {
  private readonly clients: AutocannonClient[] = []
  private closed = false

  /** wraps the client's request start last, so that a closed window stops every path to a new request */
  add(client: AutocannonClient): void {
    this.clients.push(client)
    const doRequest = client._doRequest
    const isOpen = () => !this.closed
    client._doRequest = function (this: AutocannonClient) {
      if (isOpen()) doRequest.call(this)
    }
  }

  close(): void {
    this.closed = true
  }

  /** requests written and not yet answered */
  inFlight(): number {
    return this.clients.reduce((n, c) => n + (c.destroyed ? 0 : c.pipelinedRequests.size()), 0)
  }
}

/** The setupClient hook: every patch above, on every client autocannon makes. */
export function tuneClient(onDropped: () => void, window?: ClientWindow): (client: unknown) => void {
  return raw => {
    const client = raw as AutocannonClient
    dropLostRequests(client, onDropped)
    honourConnectionClose(client)
    discardBodies(client)
    window?.add(client)
  }
}
