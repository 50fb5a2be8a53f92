import type { Pool } from 'undici'
import type { RenderedRequest } from './request.js'
import { ConnectionGauge, dispatchRequest, poolFor, type RequestHooks } from './dispatch.js'
import type { Scenario } from '../config/types.js'
import type { StreamErrors } from './types.js'

/** The protocol a load speaks on the wire, once `auto` is settled (see protocol.ts). */
export type WireProtocol = 'http1' | 'h2' | 'h2c' | 'grpc'

/** What the load reads of the measurement's environment (measure/environment.ts's Environment satisfies it). */
export interface LoadEnvironment {
  /** a CA file trusted besides the system's roots (the doors pass NODE_EXTRA_CA_CERTS) */
  extraCaCerts?: string
}

/**
 * One protocol's client behind the load models' one request interface: the closed and open models and the slice
 * sessions send through it without knowing which protocol they drive (docs/architecture.md).
 */
export interface Transport {
  readonly protocol: WireProtocol
  /**
   * Opens the connections where the protocol learns something from them (HTTP/2: each server's stream limit) and
   * resolves with how many requests may be in flight at once (connections x streams).
   */
  open(): Promise<number>
  /** Sends one request; `hooks.end` is called once, with the response or the error. */
  dispatch(request: RenderedRequest, hooks: RequestHooks): void
  /** HTTP/2's errors by kind, counted since the transport was made; undefined for HTTP/1.1 */
  streamErrors(): StreamErrors | undefined
  /** Closes every connection; nothing reaches the service after it resolves. */
  close(): Promise<void>
}

/** HTTP/1.1 through an undici Pool: at most `connections` sockets, one request on each at a time. */
export class Http1Transport implements Transport {
  readonly protocol = 'http1'
  private readonly pool: Pool
  private readonly gauge: ConnectionGauge

  constructor(
    private readonly scenario: Scenario,
    environment: LoadEnvironment = {}
  ) {
    this.pool = poolFor(scenario, environment.extraCaCerts)
    this.gauge = new ConnectionGauge(this.pool)
  }

  open(): Promise<number> {
    return Promise.resolve(this.scenario.load.connections)
  }

  dispatch(request: RenderedRequest, hooks: RequestHooks): void {
    dispatchRequest(this.pool, request, hooks, this.gauge)
  }

  streamErrors(): undefined {
    return undefined
  }

  close(): Promise<void> {
    return this.pool.destroy().catch(() => undefined)
  }
}
