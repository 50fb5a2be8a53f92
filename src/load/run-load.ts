import type { Scenario } from '../config/types.js'
import { runClosedLoad, type LoadOptions } from './closed.js'
import { emptyCounts } from './errors.js'
import { runOpenLoad } from './open.js'
import { certificateProblem } from './tls.js'
import type { LoadResult } from './types.js'

/** A run that never started: nothing sent, and why. */
function notStarted(scenario: Scenario, tlsProblem: string): LoadResult {
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
    tlsProblem
  }
}

/**
 * Runs a scenario's load with the model it asks for: closed (connections) or open (a constant arrival rate). An
 * https:// target is first checked with one verified handshake, so an untrusted certificate is said plainly.
 */
export async function runLoad(scenario: Scenario, options: LoadOptions = {}): Promise<LoadResult> {
  const problem = await certificateProblem(
    new URL(scenario.request.url),
    scenario.request.insecure,
    undefined,
    options.extraCaCerts
  )
  if (problem) return notStarted(scenario, problem)
  return scenario.load.mode === 'rate' ? runOpenLoad(scenario, options) : runClosedLoad(scenario, options)
}
