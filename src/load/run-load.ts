import type { Scenario } from '../config/types.js'
import { runClosedLoad, type LoadOptions } from './closed.js'
import { emptyCounts } from './errors.js'
import { runClosedStreams } from './closed-streams.js'
import { runOpenLoad } from './open.js'
import { negotiateProtocol, transportFor } from './protocol.js'
import { certificateProblem } from './tls.js'
import type { LoadResult } from './types.js'

/** A run that never started: nothing sent, and why. */
function notStarted(scenario: Scenario, why: Pick<LoadResult, 'tlsProblem' | 'protocolProblem'>): LoadResult {
  return {
    durationMs: 1,
    warmupMs: scenario.load.warmupMs,
    counts: emptyCounts(),
    bytes: 0,
    histogram: '',
    latency: null,
    timeline: [],
    warmupTimeline: [],
    generatorCpu: 0,
    generatorLagUs: 0,
    ...why
  }
}

/**
 * Runs a scenario's load with the model it asks for: closed (connections) or open (a constant arrival rate), in
 * the request's protocol. An https:// target is first checked with one verified handshake, so an untrusted
 * certificate is said plainly, and the protocol is settled against the target (protocol.ts), so an h2 request to
 * a server that does not speak HTTP/2 is too. HTTP/1.1's closed model is autocannon's; HTTP/2's runs over its
 * transport (closed-streams.ts); both open models run over the transport.
 */
export async function runLoad(scenario: Scenario, options: LoadOptions = {}): Promise<LoadResult> {
  const problem = await certificateProblem(
    new URL(scenario.request.url),
    scenario.request.insecure,
    undefined,
    options.extraCaCerts
  )
  if (problem) return notStarted(scenario, { tlsProblem: problem })
  const negotiated = await negotiateProtocol(scenario.request, options)
  if (negotiated.problem !== undefined) return notStarted(scenario, { protocolProblem: negotiated.problem })
  const { protocol } = negotiated
  if (scenario.load.mode === 'rate')
    return runOpenLoad(scenario, options, transportFor(scenario, protocol, options))
  return protocol === 'http1'
    ? runClosedLoad(scenario, options)
    : runClosedStreams(scenario, transportFor(scenario, protocol, options), options)
}
