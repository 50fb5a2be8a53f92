import type { Scenario } from '../config/types.js'
import { runClosedLoad, type LoadOptions } from './closed.js'
import { runOpenLoad } from './open.js'
import type { LoadResult } from './types.js'

/** Runs a scenario's load with the model it asks for: closed (connections) or open (a constant arrival rate). */
export function runLoad(scenario: Scenario, options: LoadOptions = {}): Promise<LoadResult> {
  return scenario.load.mode === 'rate' ? runOpenLoad(scenario, options) : runClosedLoad(scenario, options)
}
