import { spawn, type ChildProcess } from 'node:child_process'
import path from 'node:path'
import type { Scenario } from '../src/config/types.js'
import { REPO } from './config.js'

export const GRPC_DIR = path.join(REPO, '__tests__', 'zoo', 'servers', 'grpc')

export interface GrpcTestServer {
  url: string
  /** SIGTERM; resolves with the calls the server says it answered */
  stop(): Promise<number>
}

/** The zoo's @grpc/grpc-js server (zoo.Catalog) on a free port, plaintext or over the fixtures' test certificate. */
export async function startGrpcServer(options: { tls?: boolean } = {}): Promise<GrpcTestServer> {
  const tlsDir = path.join(REPO, '__fixtures__', 'tls')
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(REPO, '__tests__', 'zoo', 'servers', 'grpc-js.mjs')],
    {
      env: {
        ...process.env,
        PORT: '0',
        ...(options.tls
          ? { TLS_CERT: path.join(tlsDir, 'server.crt'), TLS_KEY: path.join(tlsDir, 'server.key') }
          : {})
      },
      stdio: ['ignore', 'pipe', 'inherit']
    }
  )
  let output = ''
  let stopped: Promise<number> | undefined
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString()
      const m = /listening on (\d+)/.exec(output)
      if (m) resolve(Number(m[1]))
    })
    child.once('exit', code => reject(new Error(`the gRPC test server exited (${code}): ${output}`)))
  })
  return {
    url: `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    stop: () =>
      (stopped ??= (async () => {
        const exited = new Promise<void>(resolve => child.once('exit', () => resolve()))
        child.kill('SIGTERM')
        await exited
        return Number(/answered (\d+)/.exec(output)?.[1] ?? NaN)
      })())
  }
}

/** A scenario calling zoo.Catalog's `method` at `url` with the load given. */
export function grpcScenario(
  url: string,
  load: Scenario['load'],
  method = 'Get',
  message: object = { id: '{{seq}}' }
): Scenario {
  return {
    name: `grpc-${method}`,
    request: {
      method: 'POST',
      url,
      headers: {},
      body: JSON.stringify(message),
      ...(url.startsWith('https') ? { insecure: true } : {}),
      grpc: {
        proto: path.join(GRPC_DIR, 'catalog.proto'),
        include: [path.join(GRPC_DIR, 'common')],
        service: 'zoo.Catalog',
        method,
        serverStream: method === 'List',
        metadata: { 'x-test': 'perfgate' }
      }
    },
    load,
    suite: { kind: 'load' },
    thresholds: [],
    regression: [],
    minRequests: 1,
    maxErrorRate: 0.01
  } as Scenario
}
