import { readFileSync } from 'node:fs'
import { isIP } from 'node:net'
import tls from 'node:tls'

/** Where Linux distributions keep the system's CA bundle (Debian/Ubuntu, RHEL/Fedora, Alpine/macOS-style). */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/cert.pem'
]

function readIfPresent(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return undefined
  }
}

const contexts = new Map<string, tls.SecureContext>()

/**
 * The certificates an https:// target is verified against: Node's bundled roots, the system bundle (Node 20 has no
 * switch for it) and `extraCaCerts`, the file NODE_EXTRA_CA_CERTS names (which Node ignores once a `ca` list is
 * given; the doors pass it, nothing here reads the environment). Built once per file.
 */
export function trustedContext(extraCaCerts?: string): tls.SecureContext {
  const key = extraCaCerts ?? ''
  const known = contexts.get(key)
  if (known) return known
  const ca = [...tls.rootCertificates]
  const system = SYSTEM_BUNDLES.map(readIfPresent).find(text => text !== undefined)
  if (system) ca.push(system)
  const extra = extraCaCerts ? readIfPresent(extraCaCerts) : undefined
  if (extra) ca.push(extra)
  const context = tls.createSecureContext({ ca })
  contexts.set(key, context)
  return context
}

/** TLS options for connections to `url`: none for http://, verification unless the request says `insecure`. */
export function tlsOptionsFor(
  url: URL,
  insecure = false,
  extraCaCerts?: string
): tls.ConnectionOptions | undefined {
  if (url.protocol !== 'https:') return undefined
  // SNI carries host names only (RFC 6066): Node warns (DEP0123) when given an address
  const servername = url.hostname.startsWith('[') || isIP(url.hostname) ? undefined : url.hostname
  return insecure
    ? { rejectUnauthorized: false, ...(servername ? { servername } : {}) }
    : {
        secureContext: trustedContext(extraCaCerts),
        rejectUnauthorized: true,
        ...(servername ? { servername } : {})
      }
}

/**
 * One verified TLS handshake with an https:// target, so a certificate the runner does not trust is a clear error
 * before any load (the closed model's sockets do not verify). Resolves with undefined when the handshake
 * succeeds or the target is not https, with the reason otherwise; connection failures are left to the load.
 */
export function certificateProblem(
  url: URL,
  insecure = false,
  timeoutMs = 5000,
  extraCaCerts?: string
): Promise<string | undefined> {
  const options = tlsOptionsFor(url, insecure, extraCaCerts)
  if (!options || insecure) return Promise.resolve(undefined)
  const port = Number(url.port || 443)
  const host = url.hostname.replace(/^\[|\]$/g, '')
  return new Promise(resolve => {
    const socket = tls.connect({ ...options, host, port, timeout: timeoutMs })
    const done = (problem: string | undefined) => {
      socket.destroy()
      resolve(problem)
    }
    socket.once('secureConnect', () => done(undefined))
    socket.once('timeout', () => done(undefined))
    socket.once('error', (err: NodeJS.ErrnoException) => {
      const tlsProblem = /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME|ERR_TLS|SSL/i.test(
        `${err.code ?? ''} ${err.message}`
      )
      done(
        tlsProblem
          ? `the certificate of ${url.host} is not trusted (${err.code ?? err.message}): add its CA to ` +
              'NODE_EXTRA_CA_CERTS or the system bundle, or set `insecure: true` on the request for a test certificate'
          : undefined
      )
    })
  })
}
