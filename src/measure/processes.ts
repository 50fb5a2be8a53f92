import path from 'node:path'
import type { Config } from '../config/types.js'
import { freePorts, hasServicePort, withServicePort } from '../config/port.js'
import type { RunRecord, Side } from '../model/run.js'
import { ignoreEvents, type EventSink } from './events.js'
import type { Measurer, SideRound } from './port.js'
import { measureScenario } from './scenario.js'
import { measureScenariosInRound, startForMeasurement } from './service.js'

/** Where the two sides live and what their processes get. */
export interface SidesOptions {
  /** the base build: its directory plays the role of the head's repository root */
  baseDir: string
  /** the head's directory (a checkout of the repository the config lives in) */
  headDir: string
  /** the directory service.cwd is relative to (default: headDir) */
  root?: string
  events?: EventSink
  onSpawned?: (pid: number) => void
  /** extra service environment per side */
  env?: Partial<Record<Side, Record<string, string>>>
}

/** Where a side's service runs: service.cwd, taken relative to the config's root, inside that side's directory. */
export function serviceCwd(config: Config, side: Side, options: SidesOptions): string {
  const relative = path.relative(options.root ?? options.headDir, config.service.cwd)
  return path.join(side === 'head' ? options.headDir : options.baseDir, relative)
}

/**
 * The real measurer: each side's round starts that side's service (a fresh process per round; a scenario after a
 * stress suite, or after the service died, gets another) and drives every scenario's load at it.
 */
export function processMeasurer(config: Config, options: SidesOptions): Measurer {
  const events = options.events ?? ignoreEvents
  return {
    async round(side, round): Promise<SideRound> {
      // a config with {{service.port}} measured in rounds: each side's process gets a free port of its own
      const bound = hasServicePort(config) ? withServicePort(config, (await freePorts(1))[0]!) : config
      const records = new Map<string, RunRecord>()
      const restartedBefore: string[] = []
      const startError = await measureScenariosInRound(bound.scenarios, {
        label: side,
        events,
        start: () =>
          startForMeasurement(bound.service, {
            label: side,
            cwd: serviceCwd(config, side, options),
            env: options.env?.[side],
            events,
            onSpawned: options.onSpawned
          }),
        measure: async (scenario, service) => {
          records.set(
            scenario.name,
            await measureScenario(scenario, service, { side, round, label: side, events })
          )
        },
        onRestart: scenario => restartedBefore.push(scenario.name)
      })
      return { records, restartedBefore, ...(startError ? { startError } : {}) }
    }
  }
}
