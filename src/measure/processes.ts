import { serviceOf, type Config } from '../config/types.js'
import { freePorts, hasServicePort, withServicePort } from '../config/port.js'
import type { RunRecord } from '../model/run.js'
import { pinnedCommand } from './affinity.js'
import { ignoreEvents } from './events.js'
import type { EpochResult, Measurer, SideRound } from './port.js'
import { measureScenario } from './scenario.js'
import { measureScenariosInRound, startForMeasurement } from './service.js'
import { serviceCwd, type SidesOptions } from './sides.js'
import { measureEpoch, type SlicesPlan } from './slices.js'

/**
 * The real measurer: each side's round starts that side's service (a fresh process per round; a scenario after a
 * stress suite, or after the service died, gets another) and drives every scenario's load at it; each epoch starts
 * both sides on their own ports and measures them in slices, as `slices` plans (the slices and duet designs).
 */
export function processMeasurer(config: Config, options: SidesOptions, slices?: SlicesPlan): Measurer {
  const events = options.events ?? ignoreEvents
  return {
    async round(side, round): Promise<SideRound> {
      // a config with {{service.port}} measured in rounds: each side's process gets a free port of its own
      const bound = hasServicePort(config) ? withServicePort(config, (await freePorts(1))[0]!) : config
      const records = new Map<string, RunRecord>()
      const restartedBefore: string[] = []
      const spec = serviceOf(bound)
      const service = { ...spec, command: pinnedCommand(spec.command, options.cpus?.service ?? []) }
      const startError = await measureScenariosInRound(bound.scenarios, {
        label: side,
        events,
        start: () =>
          startForMeasurement(service, {
            label: side,
            cwd: serviceCwd(config, side, options),
            env: options.env?.[side],
            events,
            onSpawned: options.onSpawned
          }),
        measure: async (scenario, service) => {
          records.set(
            scenario.name,
            await measureScenario(scenario, service, {
              side,
              round,
              label: side,
              events,
              extraCaCerts: options.extraCaCerts
            })
          )
        },
        onRestart: scenario => restartedBefore.push(scenario.name)
      })
      return { records, restartedBefore, ...(startError ? { startError } : {}) }
    },
    epoch(epoch): Promise<EpochResult> {
      if (!slices) throw new Error('this measurer was made for rounds, not epochs of slices')
      return measureEpoch(epoch, { config, plan: slices, options, events })
    }
  }
}
