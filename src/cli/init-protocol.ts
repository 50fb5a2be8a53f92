/**
 * `perfgate init` for services that do not speak HTTP/1.1: a gRPC service (a .proto file in the project, or
 * @grpc/grpc-js among its dependencies) gets a gRPC scenario calling the first method of the first service the
 * proto declares, probed by TCP; a Node `http2` server (node:http2 in its source, or Fastify's `http2: true`)
 * gets its request over h2 (createSecureServer: TLS, a test certificate accepted) or h2c (createServer).
 */
import { readdirSync } from 'node:fs'
import path from 'node:path'
import { loadProto, servicesOf } from '../config/proto.js'

export type DetectedProtocol =
  | {
      kind: 'grpc'
      /** relative to the project; undefined when no .proto was found (the scenario is then to edit) */
      proto?: string
      service: string
      method: string
      from: string
    }
  | { kind: 'h2' | 'h2c'; from: string }

const PROTO_DIRS = ['.', 'proto', 'protos', 'src', 'src/proto', 'src/protos', 'api']

function protoFiles(dir: string): string[] {
  const out: string[] = []
  for (const sub of PROTO_DIRS) {
    try {
      for (const name of readdirSync(path.join(dir, sub)).sort())
        if (name.endsWith('.proto')) out.push(path.join(sub, name))
    } catch {
      continue
    }
  }
  return out.map(p => path.normalize(p))
}

/** The protocol a project's service speaks, when it is not plain HTTP/1.1; `sources` are the files init read. */
export function detectProtocol(
  dir: string,
  dependencies: Record<string, string>,
  sources: ReadonlyArray<{ file: string; text: string }>
): DetectedProtocol | undefined {
  for (const proto of protoFiles(dir)) {
    const loaded = loadProto(path.join(dir, proto), [path.join(dir, path.dirname(proto)), dir])
    if (!loaded.root) continue
    for (const service of servicesOf(loaded.root)) {
      const method = service.methodsArray.find(m => !m.requestStream)
      if (method)
        return {
          kind: 'grpc',
          proto,
          service: service.fullName.replace(/^\./, ''),
          method: method.name,
          from: `${proto} declares ${service.name}.${method.name}`
        }
    }
  }
  if (dependencies['@grpc/grpc-js'])
    return {
      kind: 'grpc',
      service: 'pkg.Service',
      method: 'Method',
      from: '@grpc/grpc-js in package.json but no .proto found: edit proto, service and method'
    }
  for (const { file, text: source } of sources) {
    if (!/['"](node:)?http2['"]|http2:\s*true/.test(source)) continue
    const secure =
      /createSecureServer|http2:\s*true[\s\S]{0,200}https:|https:[\s\S]{0,200}http2:\s*true/.test(source)
    return {
      kind: secure ? 'h2' : 'h2c',
      from: `${secure ? 'HTTP/2 over TLS' : 'HTTP/2 in clear (h2c)'} in ${path.relative(dir, file)}`
    }
  }
  return undefined
}

/** The port a gRPC server binds in its source (bindAsync("0.0.0.0:50051"), add_insecure_port("[::]:50051")). */
export function grpcPortIn(sources: ReadonlyArray<{ file: string; text: string }>): number | undefined {
  for (const { text: source } of sources) {
    const port = /(?:bindAsync|bind|add_(?:in)?secure_port)\(\s*['"`][^'"`]*:(\d{2,5})['"`]/.exec(source)?.[1]
    if (port) return Number(port)
  }
  return undefined
}

/** The scenario's request lines (indented under `  - name:`) for a detected protocol; `base` is http://host:port. */
export function protocolRequest(p: DetectedProtocol, base: string, urlPath: string): string[] {
  if (p.kind !== 'grpc') {
    const url = p.kind === 'h2' ? base.replace(/^http:/, 'https:') + urlPath : base + urlPath
    return [
      `    request: { method: GET, url: ${JSON.stringify(url)}, protocol: ${p.kind}${p.kind === 'h2' ? ', insecure: true' : ''} }`
    ]
  }
  return [
    '    request:',
    `      url: ${JSON.stringify(base)}`,
    '      grpc:',
    `        proto: ${p.proto ?? 'path/to/service.proto'}`,
    `        service: ${p.service}`,
    `        method: ${p.method}`,
    '        message: {}                    # the request message as JSON; "{{seq}}" counts up per call',
    '        deadline: 1s'
  ]
}
