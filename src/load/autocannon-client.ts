/**
 * Patches to autocannon's Client (lib/httpClient.js, autocannon 9) that perfgate's closed model applies to every
 * client through autocannon's setupClient hook, which runs in the client's constructor before its first connect.
 */

/** The parts of autocannon's Client these patches touch. */
interface AutocannonClient extends NodeJS.EventEmitter {
  conn?: NodeJS.EventEmitter
  destroyed: boolean
  /** autocannon's http-parser-js parser: one per client, shared by the connections it opens in turn */
  parser: { type: string; initialize(type: string): void; finish(): Error | undefined }
  pipelinedRequests: { size(): number; clear(): void; addBody(data: Buffer): void }
  _connect(): void
  _doRequest(): void
  _resetConnection(): void
}

/**
 * How a connection ends, on every connection the client opens. autocannon never tells its parser that the server
 * closed, so a close-delimited body (HTTP/1.1 with `Connection: close` and no length, or HTTP/1.0 without one:
 * PHP's built-in server) never completed: no response was counted, and the parser, still in that body, read the
 * next connection's response as more of it. Here the server's close (`end`) completes such a response first, as
 * RFC 9112 §6.3 says, and each connection gets a fresh parser. A request still unanswered when the server closes
 * is lost: autocannon would reconnect silently and keep it queued, timing the next response from the lost
 * request's start; it is counted as a reset (`onDropped`) and dropped. A socket error drops it uncounted
 * (autocannon reports the error itself).
 */
function readToClose(client: AutocannonClient, onDropped: () => void): void {
  const connect = client._connect
  client._connect = function (this: AutocannonClient) {
    this.parser.initialize(this.parser.type)
    connect.call(this)
    const conn = this.conn
    if (!conn) return
    // autocannon's own 'end' listener reconnects; it is replaced by one that first reads the close
    conn.removeAllListeners('end')
    conn.on('end', () => {
      if (this.destroyed || this.conn !== conn) return
      // completes a close-delimited response ('response'), after which the client may already have moved on
      this.parser.finish()
      if (this.destroyed || this.conn !== conn) return
      if (this.pipelinedRequests.size() > 0) {
        onDropped()
        this.pipelinedRequests.clear()
      }
      this._connect()
    })
    // prepended, so this runs before autocannon's own handler reconnects and queues the next request
    conn.prependListener('error', () => {
      if (this.destroyed || this.conn !== conn) return
      this.pipelinedRequests.clear()
    })
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
    readToClose(client, onDropped)
    honourConnectionClose(client)
    discardBodies(client)
    window?.add(client)
  }
}
