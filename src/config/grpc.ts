/**
 * A request's `grpc:` section: the .proto file and its include directories (relative to the config file), the
 * service and method it declares, the message (checked against the method's request type), metadata and deadline,
 * and `expect:` in gRPC's codes. What is wrong is a problem at its place: in the config, or in the proto file.
 */
import path from 'node:path'
import { GRPC_CODE_NAMES, grpcStatusOf } from './grpc-status.js'
import { checkMessage } from './proto-message.js'
import { findMethod, loadProto } from './proto.js'
import { isObject, str, type Raw, type Resolver } from './resolver.js'
import type { GrpcCall } from './types.js'

/** What the resolver gives this section: its problems go there, relative paths are taken from `baseDir`. */
export interface GrpcContext {
  resolver: Resolver
  baseDir: string
  values?: Record<string, string[]>
}

/** The call a request's `grpc:` section asks for, and its message as JSON text (the request's body). */
export function resolveGrpc(raw: Raw, pointer: string, ctx: GrpcContext): { call: GrpcCall; body: string } {
  const { resolver, baseDir } = ctx
  const proto = path.resolve(baseDir, str(raw.proto) ?? '')
  const include = (Array.isArray(raw.include) ? raw.include : [])
    .filter((d): d is string => typeof d === 'string')
    .map(d => path.resolve(baseDir, d))
  const service = str(raw.service) ?? ''
  const method = str(raw.method) ?? ''
  const message = isObject(raw.message) ? raw.message : {}
  const metadata = isObject(raw.metadata)
    ? (Object.fromEntries(Object.entries(raw.metadata).filter(([, v]) => typeof v === 'string')) as Record<
        string,
        string
      >)
    : {}
  const deadlineMs =
    raw.deadline === undefined ? undefined : resolver.duration(`${pointer}/deadline`, raw.deadline, 0)
  let serverStream = false
  if (str(raw.proto)) {
    const loaded = loadProto(proto, [path.dirname(proto), ...include])
    if (loaded.problem) resolver.problems.push({ ...loaded.problem, path: `${pointer}/proto` })
    else if (service && method) {
      const found = findMethod(loaded.root, service, method)
      if (found.problem !== undefined) resolver.problem(`${pointer}/${found.field}`, found.problem)
      else {
        serverStream = found.method.responseStream === true
        const type = loaded.root.lookupType(found.method.requestType)
        for (const p of checkMessage(type, message, ctx.values))
          resolver.problem(`${pointer}/message`, `${p.path ? `message.${p.path}` : 'message'}: ${p.message}`)
      }
    }
  }
  return {
    call: {
      proto,
      include,
      service,
      method,
      serverStream,
      metadata,
      ...(deadlineMs ? { deadlineMs } : {})
    },
    body: JSON.stringify(message)
  }
}

/**
 * A gRPC request's `expect:` as statuses: gRPC code names (`NOT_FOUND`) or numbers (5); anything else is a
 * problem at `pointer`.
 */
export function grpcExpect(raw: unknown, pointer: string, resolver: Resolver): number[] {
  if (raw === undefined) return []
  const out: number[] = []
  for (const v of Array.isArray(raw) ? raw : [raw]) {
    const status = typeof v === 'string' || typeof v === 'number' ? grpcStatusOf(v) : undefined
    if (status === undefined)
      resolver.problem(
        pointer,
        `a gRPC request expects gRPC status codes (${GRPC_CODE_NAMES.slice(0, 6).join(', ')}, ... or 0 to 16); got ${JSON.stringify(v)}`
      )
    else out.push(status)
  }
  return out
}
