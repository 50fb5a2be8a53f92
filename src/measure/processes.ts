import type { Config } from '../config/types.js'
import { freePorts, hasServicePort, withServicePort } from '../config/port.js'
import type { RunRecord, Side } from '../model/run.js'
import { pinnedCommand, type CpuPlan } from './affinity.js'
import type { Environment } from './environment.js'
import { ignoreEvents } from './events.js'
import type { EpochResult, Measurer, SideRound } from './measurer.js'
import { measureScenario } from './scenario.js'
import { measureScenariosInRound, startOrAttach } from './service.js'
import { serviceCwd, type SidesOptions } from './sides.js'
import { measureEpoch, type SlicesPlan } from './slices.js'
import { profileSides } from './profiling.js'
import { createRng } from '../stats/rng.js'

/** What a side's rounds need besides the config: where each side's service runs and what its process gets. */
export interface RoundOptions extends Environment {
  /** extra service environment per side */
  env?: Partial<Record<Side, Record<string, string>>>
  /** where the services run (default: anywhere) */
  cpus?: CpuPlan
  /** the directory a side's service starts in (default: service.cwd) */
  cwd?: (side: Side) => string
  /** how progress names a side's round (default: the side) */
  label?: (side: Side, round: number) => string
}

/**
 * A side's round: every scenario against one process of that side's service (a fresh process per round; a scenario
 * after a stress suite, or after the service died, gets another), or against the running target.
 */
export function roundMeasurer(config: Config, options: RoundOptions): Pick<Measurer, 'round' | 'profile'> {
  const events = options.events ?? ignoreEvents
  return {
    // rounds: one side after the other, each under the scenario's load alone
    profile: request =>
      profileSides(request, {
        config,
        options,
        events,
        rng: createRng(1),
        inheritedNodeOptions: process.env.NODE_OPTIONS
      }),
    async round(side, round): Promise<SideRound> {
      // a config with {{service.port}} measured in rounds: each side's process gets a free port of its own
      const bound = hasServicePort(config) ? withServicePort(config, (await freePorts(1))[0]!) : config
      const service = bound.service && {
        ...bound.service,
        command: pinnedCommand(bound.service.command, options.cpus?.service ?? [])
      }
      const records = new Map<string, RunRecord>()
      const restartedBefore: string[] = []
      const startError = await measureScenariosInRound(bound.scenarios, {
        label: side,
        events,
        start: () =>
          startOrAttach(
            { service, ready: bound.ready },
            {
              label: options.label?.(side, round) ?? side,
              cwd: options.cwd?.(side),
              env: options.env?.[side],
              events,
              onSpawned: options.onSpawned
            }
          ),
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
    }
  }
}

/**
 * The real measurer of a compare: each side's round starts that side's service from that side's directory
 * (roundMeasurer); each epoch starts both sides on their own ports and measures them in slices, as `slices` plans
 * (the slices and duet designs).
 */
export function processMeasurer(config: Config, options: SidesOptions, slices?: SlicesPlan): Measurer {
  const events = options.events ?? ignoreEvents
  const sides = { ...options, cwd: (side: Side) => serviceCwd(config, side, options) }
  return {
    ...roundMeasurer(config, sides),
    profile: request =>
      profileSides(request, {
        config,
        options: sides,
        events,
        rng: slices?.rng ?? createRng(1),
        duet: slices?.duet,
        cpus: slices?.cpus,
        inheritedNodeOptions: process.env.NODE_OPTIONS
      }),
    epoch(epoch): Promise<EpochResult> {
      if (!slices) throw new Error('this measurer was made for rounds, not epochs of slices')
      return measureEpoch(epoch, { config, plan: slices, options, events })
    }
  }
}
