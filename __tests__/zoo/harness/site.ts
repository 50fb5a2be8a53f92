import { execFileSync } from 'node:child_process'
import { copyFile, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { freePort, REPO } from '../../../__fixtures__/config.js'
import type { ZooServer } from './catalog.js'

const SERVERS_DIR = path.join(REPO, '__tests__/zoo/servers')

/** How long each load runs: short in the `npm test` slice, a little longer in `npm run zoo`. */
export interface ZooLoad {
  /** the closed-model scenario's warm-up and measured duration */
  closed: { warmup: string; duration: string; connections: number }
  /** the open-model scenario's; rate in req/s */
  open: { warmup: string; duration: string; rate: number }
  /** compare rounds (min = max) */
  rounds: number
  /** the scenarios the A/A compare runs (the slice compares only the closed one, to stay short) */
  compareScenarios: Array<'closed' | 'open'>
  /** min-requests of every scenario: below it a measurement is errored */
  minRequests: number
}

/** One server ready to be started: its temp dir (the app directory, base and head alike), port and config. */
export interface ZooSite {
  server: ZooServer
  dir: string
  port: number
  /** http://127.0.0.1:PORT or http://[::1]:PORT */
  origin: string
  configFile: string
  remove: () => Promise<void>
}

export function originOf(host: ZooServer['host'], port: number, protocol?: ZooServer['protocol']): string {
  return `${protocol === 'h2' ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`
}

/** The request's protocol keys for the server (HTTP/2 over TLS trusts the test certificate by `insecure`). */
function protocolKeys(server: ZooServer): string {
  if (server.protocol === 'h2') return ', protocol: h2, insecure: true'
  if (server.protocol === 'grpc')
    return (
      ', grpc: { proto: grpc/catalog.proto, include: [grpc/common], service: zoo.Catalog, method: Get, ' +
      "message: { id: '{{seq}}' } }"
    )
  return server.protocol === 'h2c' ? ', protocol: h2c' : ''
}

/** The request of both scenarios: a GET of / (HTTP/1.x, HTTP/2) or a call of zoo.Catalog/Get (gRPC). */
function requestOf(server: ZooServer, origin: string): string {
  const keys = protocolKeys(server)
  return server.protocol === 'grpc'
    ? `{ url: '${origin}'${keys} }`
    : `{ method: GET, url: '${origin}/'${keys} }`
}

/** A self-signed key and certificate for 127.0.0.1 in `dir` (key.pem, cert.pem), valid for a day. */
function makeCertificate(dir: string): void {
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem'
    ],
    { cwd: dir, stdio: 'ignore' }
  )
}

/**
 * perfgate.yml for a zoo server: a closed-model and an open-model scenario, each with no errors allowed and
 * regression checks wide enough for an A/A comparison on a noisy machine.
 */
export function zooConfig(server: ZooServer, dir: string, port: number, load: ZooLoad): string {
  const origin = originOf(server.host, port, server.protocol)
  const command = server.command.replaceAll('{{DIR}}', dir)
  const request = requestOf(server, origin)
  // an HTTP/1.1 probe cannot ask an HTTP/2 or gRPC server: it is ready when it accepts connections
  const ready = server.protocol ? `tcp: '${server.host}:${port}'` : `url: '${origin}/'`
  const { closed, open } = load
  return [
    'version: 1',
    'service:',
    `  command: ${JSON.stringify(command)}`,
    // ZOO_DIR marks every process of the service (environments are inherited), for the leftover check
    `  env: { PORT: '${port}', ZOO_DIR: ${JSON.stringify(dir)} }`,
    `  ready: { ${ready}, timeout: ${server.readyTimeoutS ?? 10}s }`,
    '  shutdown-timeout: 500ms',
    `defaults: { min-requests: ${load.minRequests} }`,
    'scenarios:',
    '  - name: closed',
    `    request: ${request}`,
    `    load: { warmup: ${closed.warmup}, duration: ${closed.duration}, connections: ${closed.connections} }`,
    "    thresholds: { errors.rate: '< 1%' }",
    "    regression: { throughput.rps: '-25%', latency.p50: '+50%' }",
    '  - name: open',
    `    request: ${request}`,
    // the zoo tests servers, not this machine: a generator delayed by other work on a shared 2-core machine is
    // reported in the table (generator.lag), not turned into an errored verdict
    `    load: { mode: rate, rate: ${open.rate}, warmup: ${open.warmup}, duration: ${open.duration}, max-lag: 250ms }`,
    "    thresholds: { errors.rate: '< 1%' }",
    "    regression: { latency.p50: '+100%' }",
    `compare: { mode: interleaved, rounds: { min: ${load.rounds}, max: ${load.rounds} }, budget: 5m }`,
    ''
  ].join('\n')
}

/** Copies the server's files into a fresh temp dir (config templates filled in) and writes its perfgate.yml. */
export async function prepareSite(server: ZooServer, load: ZooLoad): Promise<ZooSite> {
  const dir = await mkdtemp(path.join(os.tmpdir(), `perfgate-zoo-${server.name}-`))
  const port = await freePort()
  for (const file of server.files) {
    const from = path.join(SERVERS_DIR, file)
    const to = path.join(dir, file)
    await mkdir(path.dirname(to), { recursive: true })
    if (file.endsWith('.conf')) {
      const text = await readFile(from, 'utf8')
      await writeFile(to, text.replaceAll('{{DIR}}', dir).replaceAll('{{PORT}}', String(port)))
    } else await copyFile(from, to)
  }
  if (server.protocol === 'h2') makeCertificate(dir)
  // the node apps import express, fastify and koa from the repository's node_modules
  await symlink(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'))
  const configFile = path.join(dir, 'perfgate.yml')
  await writeFile(configFile, zooConfig(server, dir, port, load))
  return {
    server,
    dir,
    port,
    origin: originOf(server.host, port, server.protocol),
    configFile,
    remove: () => rm(dir, { recursive: true, force: true })
  }
}
