/** The zoo's servers: each is a few-line app in __tests__/zoo/servers, started the way its own docs start it. */

/** A tool a server needs from the machine (apt packages, or the IPv6 loopback). */
export type Tool =
  'nginx' | 'python3' | 'php' | 'lighttpd' | 'caddy' | 'ipv6' | 'openssl' | 'grpcio' | 'h2load'

/**
 * How a server counts the responses it answered, for the zoo's count check: `app`, the app's own answered.<pid>
 * files (servers/count.mjs); or a log in its temp dir with a line per response (lines matching `match`), `stderr`
 * for its standard error, which the count check sends to stderr.log. `settleMs`: how long after the load the count
 * is complete (a buffered log's flush).
 */
export type ServerCount = { app: true } | { log: string; match?: RegExp; stderr?: boolean; settleMs?: number }

export interface ZooServer {
  name: string
  /** what is special about it, for the table */
  what: string
  /** files copied from servers/ into the server's temp dir; *.conf files get {{DIR}} and {{PORT}} filled in */
  files: string[]
  /** service.command, run in the temp dir; {{DIR}} is the temp dir */
  command: string
  /** the address it listens on; URLs use it literally */
  host: '127.0.0.1' | '::1'
  needs?: Tool[]
  /** service.ready.timeout in seconds (default 10) */
  readyTimeoutS?: number
  /** part of the short slice that `npm test` runs */
  inSlice?: boolean
  /**
   * HTTP/2: h2 over TLS (the zoo generates a self-signed key.pem and cert.pem in the temp dir; perfgate's requests
   * say `insecure: true`) or h2c in clear text; absent: HTTP/1.x
   */
  protocol?: 'h2' | 'h2c' | 'grpc'
  /** how the server counts the responses it answered */
  count: ServerCount
}

const APP_COUNT: ServerCount = { app: true }
const GRPC_PROTOS = ['grpc/catalog.proto', 'grpc/common/item.proto']

export const ZOO: ZooServer[] = [
  {
    name: 'node-http',
    what: 'node:http, no signal handler',
    files: ['node-http.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node node-http.mjs',
    host: '127.0.0.1',
    inSlice: true
  },
  {
    name: 'express',
    what: 'Express 5',
    files: ['express.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node express.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'fastify',
    what: 'Fastify 5',
    files: ['fastify.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node fastify.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'koa',
    what: 'Koa',
    files: ['koa.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node koa.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'cluster',
    what: 'node:cluster, 2 forked workers',
    files: ['cluster.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node cluster.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'python',
    what: "Python's http.server, threaded",
    files: ['python-threaded.py'],
    // http.server's own request log, one line per request on stderr
    count: { log: 'stderr.log', stderr: true, match: /"GET \/ HTTP\/1\.[01]" 200/ },
    command: 'python3 python-threaded.py',
    host: '127.0.0.1',
    needs: ['python3'],
    inSlice: true
  },
  {
    name: 'nginx',
    what: 'Debian nginx, master + 2 workers, daemon off',
    files: ['nginx.conf'],
    count: { log: 'access.log', settleMs: 500 },
    command: 'nginx -p {{DIR}} -c {{DIR}}/nginx.conf -e stderr',
    host: '127.0.0.1',
    needs: ['nginx'],
    inSlice: true
  },
  {
    name: 'ignores-sigterm',
    what: 'ignores SIGTERM',
    files: ['ignores-sigterm.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node ignores-sigterm.mjs',
    host: '127.0.0.1',
    inSlice: true
  },
  {
    name: 'exits-nonzero',
    what: 'exits 3 on SIGTERM',
    files: ['exits-nonzero.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node exits-nonzero.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'ipv6-only',
    what: 'listens on ::1 only',
    files: ['ipv6-only.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node ipv6-only.mjs',
    host: '::1',
    needs: ['ipv6']
  },
  {
    name: 'slow-start',
    what: 'listens after 5 s',
    files: ['slow-start.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node slow-start.mjs',
    host: '127.0.0.1',
    readyTimeoutS: 20
  },
  {
    name: 'output-flood',
    what: '10 MB of stdout, no newline',
    files: ['output-flood.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node output-flood.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'connection-close',
    what: 'Connection: close on every response',
    files: ['connection-close.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node connection-close.mjs',
    host: '127.0.0.1',
    inSlice: true
  },
  {
    name: 'short-keepalive',
    what: 'keep-alive timeout 50 ms',
    files: ['short-keepalive.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node short-keepalive.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'chunked',
    what: 'chunked responses',
    files: ['chunked.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node chunked.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'php',
    what: "PHP's built-in server: Connection: close, body ends at the close",
    files: ['index.php'],
    count: { log: 'answered.log' },
    command: 'php -S 127.0.0.1:$PORT index.php',
    host: '127.0.0.1',
    needs: ['php'],
    inSlice: true
  },
  {
    name: 'http10',
    what: "Python's http.server module as run: HTTP/1.0, one request per connection",
    files: ['index.html'],
    count: { log: 'stderr.log', stderr: true, match: /"GET \/ HTTP\/1\.[01]" 200/ },
    command: 'python3 -m http.server --bind 127.0.0.1 $PORT',
    host: '127.0.0.1',
    needs: ['python3']
  },
  {
    name: 'lighttpd',
    what: 'Debian lighttpd, a static file, foreground',
    files: ['lighttpd.conf', 'index.html'],
    // lighttpd writes its access log in batches: of 32,328 responses, the last 58 lines were still unwritten 1.2 s after
    // the load and written by 3.2 s (measured 2026-12-03)
    count: { log: 'access.log', settleMs: 4000 },
    command: 'lighttpd -D -f {{DIR}}/lighttpd.conf',
    host: '127.0.0.1',
    needs: ['lighttpd']
  },
  {
    name: 'caddy',
    what: 'Debian Caddy, caddy respond',
    files: [],
    // Caddy keeps its data (certificates it never needs here) under $HOME: the temp dir
    // --access-log: a JSON line per request on stderr, the server's own count
    command: 'HOME={{DIR}} exec caddy respond --access-log --listen 127.0.0.1:$PORT "Hello World!"',
    count: { log: 'stderr.log', stderr: true, match: /"status":200/ },
    host: '127.0.0.1',
    needs: ['caddy']
  },
  {
    name: 'node-http2',
    what: 'node:http2 over TLS (h2 by ALPN), a self-signed certificate made at test time',
    files: ['node-http2.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node node-http2.mjs',
    host: '127.0.0.1',
    needs: ['openssl'],
    protocol: 'h2',
    inSlice: true
  },
  {
    name: 'node-h2c',
    what: 'node:http2 in clear text (h2c, prior knowledge)',
    files: ['node-http2.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'H2C=1 exec node node-http2.mjs',
    host: '127.0.0.1',
    protocol: 'h2c'
  },
  {
    name: 'fastify-http2',
    what: 'Fastify 5 with http2: true (h2c)',
    files: ['fastify-http2.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node fastify-http2.mjs',
    host: '127.0.0.1',
    protocol: 'h2c'
  },
  {
    name: 'nginx-h2',
    what: 'Debian nginx, HTTP/2 over TLS (listen ssl http2), a self-signed certificate',
    files: ['nginx-h2.conf'],
    count: { log: 'access.log', settleMs: 500 },
    command: 'nginx -p {{DIR}} -c {{DIR}}/nginx-h2.conf -e stderr',
    host: '127.0.0.1',
    needs: ['nginx', 'openssl'],
    protocol: 'h2'
  },
  {
    name: 'grpc-js',
    what: '@grpc/grpc-js server, zoo.Catalog/Get unary, plaintext',
    files: ['grpc-js.mjs', 'count.mjs', ...GRPC_PROTOS],
    count: APP_COUNT,
    command: 'node grpc-js.mjs',
    host: '127.0.0.1',
    protocol: 'grpc',
    inSlice: true
  },
  {
    name: 'grpcio',
    what: "Python's grpcio (Debian python3-grpcio), stubs from grpc_tools.protoc at start, 10 threads",
    files: ['grpcio-server.py', ...GRPC_PROTOS],
    count: APP_COUNT,
    // Debian's grpcio is for Debian's Python, which a PATH's python3 (pyenv, venv) may not be
    command:
      '/usr/bin/python3 -m grpc_tools.protoc -Igrpc -Igrpc/common --python_out=. --grpc_python_out=. ' +
      'catalog.proto item.proto && exec /usr/bin/python3 grpcio-server.py',
    host: '127.0.0.1',
    needs: ['grpcio'],
    readyTimeoutS: 20,
    protocol: 'grpc'
  },
  {
    name: '1mb-body',
    what: '1 MB responses',
    files: ['large-body.mjs', 'count.mjs'],
    count: APP_COUNT,
    command: 'node large-body.mjs',
    host: '127.0.0.1'
  }
]

/** `npm run zoo` (ZOO=full) runs every server; `npm test` runs the slice. */
export const fullZoo = process.env.ZOO === 'full'

export function selectedServers(): ZooServer[] {
  return fullZoo ? ZOO : ZOO.filter(s => s.inSlice)
}
