/** The zoo's servers: each is a few-line app in __tests__/zoo/servers, started the way its own docs start it. */

/** A tool a server needs from the machine (apt packages, or the IPv6 loopback). */
export type Tool = 'nginx' | 'python3' | 'php' | 'lighttpd' | 'caddy' | 'ipv6' | 'openssl'

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
  protocol?: 'h2' | 'h2c'
}

export const ZOO: ZooServer[] = [
  {
    name: 'node-http',
    what: 'node:http, no signal handler',
    files: ['node-http.mjs'],
    command: 'node node-http.mjs',
    host: '127.0.0.1',
    inSlice: true
  },
  {
    name: 'express',
    what: 'Express 5',
    files: ['express.mjs'],
    command: 'node express.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'fastify',
    what: 'Fastify 5',
    files: ['fastify.mjs'],
    command: 'node fastify.mjs',
    host: '127.0.0.1'
  },
  { name: 'koa', what: 'Koa', files: ['koa.mjs'], command: 'node koa.mjs', host: '127.0.0.1' },
  {
    name: 'cluster',
    what: 'node:cluster, 2 forked workers',
    files: ['cluster.mjs'],
    command: 'node cluster.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'python',
    what: "Python's http.server, threaded",
    files: ['python-threaded.py'],
    command: 'python3 python-threaded.py',
    host: '127.0.0.1',
    needs: ['python3'],
    inSlice: true
  },
  {
    name: 'nginx',
    what: 'Debian nginx, master + 2 workers, daemon off',
    files: ['nginx.conf'],
    command: 'nginx -p {{DIR}} -c {{DIR}}/nginx.conf -e stderr',
    host: '127.0.0.1',
    needs: ['nginx'],
    inSlice: true
  },
  {
    name: 'ignores-sigterm',
    what: 'ignores SIGTERM',
    files: ['ignores-sigterm.mjs'],
    command: 'node ignores-sigterm.mjs',
    host: '127.0.0.1',
    inSlice: true
  },
  {
    name: 'exits-nonzero',
    what: 'exits 3 on SIGTERM',
    files: ['exits-nonzero.mjs'],
    command: 'node exits-nonzero.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'ipv6-only',
    what: 'listens on ::1 only',
    files: ['ipv6-only.mjs'],
    command: 'node ipv6-only.mjs',
    host: '::1',
    needs: ['ipv6']
  },
  {
    name: 'slow-start',
    what: 'listens after 5 s',
    files: ['slow-start.mjs'],
    command: 'node slow-start.mjs',
    host: '127.0.0.1',
    readyTimeoutS: 20
  },
  {
    name: 'output-flood',
    what: '10 MB of stdout, no newline',
    files: ['output-flood.mjs'],
    command: 'node output-flood.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'connection-close',
    what: 'Connection: close on every response',
    files: ['connection-close.mjs'],
    command: 'node connection-close.mjs',
    host: '127.0.0.1',
    inSlice: true
  },
  {
    name: 'short-keepalive',
    what: 'keep-alive timeout 50 ms',
    files: ['short-keepalive.mjs'],
    command: 'node short-keepalive.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'chunked',
    what: 'chunked responses',
    files: ['chunked.mjs'],
    command: 'node chunked.mjs',
    host: '127.0.0.1'
  },
  {
    name: 'php',
    what: "PHP's built-in server: Connection: close, body ends at the close",
    files: ['index.php'],
    command: 'php -S 127.0.0.1:$PORT index.php',
    host: '127.0.0.1',
    needs: ['php'],
    inSlice: true
  },
  {
    name: 'http10',
    what: "Python's http.server module as run: HTTP/1.0, one request per connection",
    files: ['index.html'],
    command: 'python3 -m http.server --bind 127.0.0.1 $PORT',
    host: '127.0.0.1',
    needs: ['python3']
  },
  {
    name: 'lighttpd',
    what: 'Debian lighttpd, a static file, foreground',
    files: ['lighttpd.conf', 'index.html'],
    command: 'lighttpd -D -f {{DIR}}/lighttpd.conf',
    host: '127.0.0.1',
    needs: ['lighttpd']
  },
  {
    name: 'caddy',
    what: 'Debian Caddy, caddy respond',
    files: [],
    // Caddy keeps its data (certificates it never needs here) under $HOME: the temp dir
    command: 'HOME={{DIR}} exec caddy respond --listen 127.0.0.1:$PORT "Hello World!"',
    host: '127.0.0.1',
    needs: ['caddy']
  },
  {
    name: 'node-http2',
    what: 'node:http2 over TLS (h2 by ALPN), a self-signed certificate made at test time',
    files: ['node-http2.mjs'],
    command: 'node node-http2.mjs',
    host: '127.0.0.1',
    needs: ['openssl'],
    protocol: 'h2',
    inSlice: true
  },
  {
    name: 'node-h2c',
    what: 'node:http2 in clear text (h2c, prior knowledge)',
    files: ['node-http2.mjs'],
    command: 'H2C=1 exec node node-http2.mjs',
    host: '127.0.0.1',
    protocol: 'h2c'
  },
  {
    name: 'fastify-http2',
    what: 'Fastify 5 with http2: true (h2c)',
    files: ['fastify-http2.mjs'],
    command: 'node fastify-http2.mjs',
    host: '127.0.0.1',
    protocol: 'h2c'
  },
  {
    name: 'nginx-h2',
    what: 'Debian nginx, HTTP/2 over TLS (listen ssl http2), a self-signed certificate',
    files: ['nginx-h2.conf'],
    command: 'nginx -p {{DIR}} -c {{DIR}}/nginx-h2.conf -e stderr',
    host: '127.0.0.1',
    needs: ['nginx', 'openssl'],
    protocol: 'h2'
  },
  {
    name: '1mb-body',
    what: '1 MB responses',
    files: ['large-body.mjs'],
    command: 'node large-body.mjs',
    host: '127.0.0.1'
  }
]

/** `npm run zoo` (ZOO=full) runs every server; `npm test` runs the slice. */
export const fullZoo = process.env.ZOO === 'full'

export function selectedServers(): ZooServer[] {
  return fullZoo ? ZOO : ZOO.filter(s => s.inSlice)
}
