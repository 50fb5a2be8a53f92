/**
 * gRPC's status codes as perfgate's statuses. A gRPC call's status travels through the load models as
 * GRPC_STATUS_BASE + its code (OK is 1000, NOT_FOUND 1005), so an `expect:` list names gRPC's codes apart from
 * HTTP's, and is counted in the HTTP class gRPC maps the code to (OK as 2xx, NOT_FOUND as 4xx, UNAVAILABLE as 5xx:
 * the mapping of google.rpc.Code), so errors.rate and throughput.ok_rps mean what they mean for HTTP.
 */
export const GRPC_STATUS_BASE = 1000

/** gRPC's codes by number (https://grpc.github.io/grpc/core/md_doc_statuscodes.html). */
export const GRPC_CODE_NAMES = [
  'OK',
  'CANCELLED',
  'UNKNOWN',
  'INVALID_ARGUMENT',
  'DEADLINE_EXCEEDED',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED',
  'FAILED_PRECONDITION',
  'ABORTED',
  'OUT_OF_RANGE',
  'UNIMPLEMENTED',
  'INTERNAL',
  'UNAVAILABLE',
  'DATA_LOSS',
  'UNAUTHENTICATED'
] as const

/** The HTTP status each code maps to (google/rpc/code.proto), by code. */
const HTTP_OF_CODE = [200, 499, 500, 400, 504, 404, 409, 403, 429, 400, 409, 400, 501, 500, 503, 500, 401]

/** The status a gRPC code travels as. */
export function grpcStatus(code: number): number {
  return GRPC_STATUS_BASE + code
}

/** The HTTP status a status is counted as: itself for HTTP, the code's mapping for gRPC. */
export function httpClassOf(status: number): number {
  return status >= GRPC_STATUS_BASE ? (HTTP_OF_CODE[status - GRPC_STATUS_BASE] ?? 500) : status
}

/** A gRPC status's name (`NOT_FOUND`), or the HTTP status as a number's text. */
export function statusName(status: number): string {
  return status >= GRPC_STATUS_BASE
    ? (GRPC_CODE_NAMES[status - GRPC_STATUS_BASE] ?? String(status))
    : String(status)
}

/** A code's status from its name (`NOT_FOUND`, `not_found`) or number; undefined when it names none. */
export function grpcStatusOf(value: string | number): number | undefined {
  if (typeof value === 'number')
    return Number.isInteger(value) && value >= 0 && value < GRPC_CODE_NAMES.length
      ? grpcStatus(value)
      : undefined
  const i = (GRPC_CODE_NAMES as readonly string[]).indexOf(value.trim().toUpperCase())
  return i < 0 ? undefined : grpcStatus(i)
}
