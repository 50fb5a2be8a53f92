/**
 * The gRPC client behind the load models' one request interface (dispatch with RequestHooks, as for HTTP): a
 * call per request through @grpc/grpc-js, its method read from the .proto file with @grpc/proto-loader. The
 * request's body is the call's message as JSON (placeholders filled by request.ts), serialised by proto-loader;
 * the response is counted in bytes and never decoded. The call's gRPC code is its status (config/grpc-status.ts);
 * a call that never reached a server (refused, reset) is a transport error, as for HTTP. A server-streaming
 * method's call ends at its first message (time to first response): the rest of the stream is cancelled.
 */
import tls from 'node:tls'
import path from 'node:path'
import * as grpc from '@grpc/grpc-js'
import * as protoLoader from '@grpc/proto-loader'
import type { GrpcCall, Scenario } from '../config/types.js'
import { grpcStatus } from '../config/grpc-status.js'
import type { Outcome, RequestHooks } from './dispatch.js'
import type { RenderedRequest } from './request.js'
import { trustedContext } from './tls.js'
import type { LoadEnvironment, Transport } from './transport.js'

const identity = (b: Buffer) => b

/** The method's definition as @grpc/proto-loader builds it (the proto file's own directory is an include first). */
export function methodOf(call: GrpcCall): protoLoader.MethodDefinition<object, object> {
  const definition = protoLoader.loadSync(call.proto, {
    includeDirs: [path.dirname(call.proto), ...call.include],
    keepCase: true,
    longs: String,
    enums: String,
    defaults: false,
    oneofs: true
  })
  const service = definition[call.service] as protoLoader.ServiceDefinition | undefined
  const method = service?.[call.method]
  if (!method) throw new Error(`${call.proto} declares no method ${call.service}.${call.method}`)
  return method as protoLoader.MethodDefinition<object, object>
}

/** The credentials of a channel to `url`: plaintext on http://, TLS on https:// (verified unless insecure). */
export function credentialsFor(url: URL, insecure = false, extraCaCerts?: string): grpc.ChannelCredentials {
  if (url.protocol !== 'https:') return grpc.credentials.createInsecure()
  if (!insecure) return grpc.credentials.createFromSecureContext(trustedContext(extraCaCerts))
  return grpc.credentials.createFromSecureContext(tls.createSecureContext(), {
    rejectUnauthorized: false,
    checkServerIdentity: () => undefined
  })
}

/** A failure before any status from a server: a transport error, classified as HTTP's are (errors.ts). */
function transportError(err: grpc.ServiceError): Error | undefined {
  if (err.code !== grpc.status.UNAVAILABLE) return undefined
  const details = err.details ?? ''
  if (/ECONNREFUSED|No connection established|ENOTFOUND|EHOSTUNREACH|failed to connect/i.test(details))
    return Object.assign(new Error(details), { code: 'ECONNREFUSED' })
  if (/ECONNRESET|Connection dropped|EPIPE|GOAWAY|RST_STREAM/i.test(details))
    return Object.assign(new Error(details), { code: 'ECONNRESET' })
  return undefined
}

/**
 * `connections` channels to one gRPC server, each on its own HTTP/2 connection (a local subchannel pool), calls
 * spread over them in turn. Nothing is retried: a failed call is counted as it failed.
 */
export class GrpcTransport implements Transport {
  readonly protocol = 'grpc'
  private readonly clients: grpc.Client[]
  private readonly method: protoLoader.MethodDefinition<object, object>
  private readonly metadata: grpc.Metadata
  private next = 0
  private lastBody: string | undefined
  private lastMessage: Buffer = Buffer.alloc(0)

  constructor(
    private readonly scenario: Scenario,
    environment: LoadEnvironment = {}
  ) {
    const { request } = scenario
    const call = request.grpc
    if (!call) throw new Error(`scenario ${scenario.name} makes no gRPC call`)
    this.method = methodOf(call)
    this.metadata = new grpc.Metadata()
    for (const [key, value] of Object.entries(call.metadata)) this.metadata.set(key, value)
    const url = new URL(request.url)
    const credentials = credentialsFor(url, request.insecure, environment.extraCaCerts)
    const address = `${url.hostname}:${url.port || (url.protocol === 'https:' ? 443 : 80)}`
    this.clients = Array.from(
      { length: Math.max(1, scenario.load.connections) },
      () =>
        new grpc.Client(address, credentials, {
          'grpc.use_local_subchannel_pool': 1,
          'grpc.enable_retries': 0,
          'grpc.max_receive_message_length': -1
        })
    )
  }

  /**
   * Connects every channel (a server that is not up is left to the calls to count); resolves with how many calls
   * may be in flight at once: `connections` x `streams` (default 1 call per connection).
   */
  async open(): Promise<number> {
    const deadline = Date.now() + Math.min(this.scenario.load.timeoutMs, 5000)
    await Promise.all(
      this.clients.map(c => new Promise<void>(resolve => c.waitForReady(deadline, () => resolve())))
    )
    return this.clients.length * (this.scenario.load.streams ?? 1)
  }

  dispatch(request: RenderedRequest, hooks: RequestHooks): void {
    const client = this.clients[this.next++ % this.clients.length]!
    const call = this.scenario.request.grpc!
    let done = false
    let size = 0
    const end = (outcome: Outcome) => {
      if (done) return
      done = true
      hooks.end(outcome)
    }
    const failed = (err: grpc.ServiceError) => {
      const error = transportError(err)
      end(error ? { size, error } : { status: grpcStatus(err.code), size })
    }
    let message: Buffer
    try {
      message = this.serialize(request.body ?? '{}')
    } catch (error) {
      end({ size: 0, error })
      return
    }
    const options: grpc.CallOptions = call.deadlineMs ? { deadline: Date.now() + call.deadlineMs } : {}
    const counted = (b: Buffer) => {
      size += b.length
      return b
    }
    if (this.method.responseStream) {
      const stream = client.makeServerStreamRequest(
        this.method.path,
        identity,
        counted,
        message,
        this.metadata,
        options
      )
      hooks.onConnect?.(() => stream.cancel())
      stream.on('data', () => {
        end({ status: grpcStatus(grpc.status.OK), size })
        stream.cancel()
      })
      stream.on('error', failed)
      stream.on('status', (s: grpc.StatusObject) => {
        if (s.code === grpc.status.OK) end({ status: grpcStatus(grpc.status.OK), size })
      })
    } else {
      const unary = client.makeUnaryRequest(
        this.method.path,
        identity,
        counted,
        message,
        this.metadata,
        options,
        (err, _value) => {
          if (err) failed(err)
          else end({ status: grpcStatus(grpc.status.OK), size })
        }
      )
      hooks.onConnect?.(() => unary.cancel())
    }
    hooks.onRequestSent?.()
  }

  streamErrors(): undefined {
    return undefined
  }

  close(): Promise<void> {
    for (const c of this.clients) c.close()
    return Promise.resolve()
  }

  /** The message as proto-loader serialises it; the same JSON twice is serialised once. */
  private serialize(body: string): Buffer {
    if (body !== this.lastBody) {
      this.lastMessage = this.method.requestSerialize(JSON.parse(body) as object)
      this.lastBody = body
    }
    return this.lastMessage
  }
}
