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

/** The setupClient hook: every patch above, on every client autocannon makes. */
export function tuneClient(onDropped: () => void): (client: unknown) => void {
  return raw => {
    const client = raw as AutocannonClient
    dropLostRequests(client, onDropped)
    honourConnectionClose(client)
    discardBodies(client)
  }
}
