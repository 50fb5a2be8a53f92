/**
 * A running target: a service perfgate did not start (a staging deployment, or one another job started), measured
 * at the scenarios' URLs as it is. Its handle has no process: nothing is sampled (no server.* metrics), nothing
 * can exit, and stopping it does nothing. Its optional `ready` probe is polled before it is measured.
 */
import type { ReadyProbe } from '../config/types.js'
import type { ExitInfo } from '../model/samples.js'
import { describeProbe, localhostHint, pollReady } from './ready.js'
import { ServiceError, type ServiceHandle } from './types.js'

/** A handle for a target perfgate does not own: pid 0, never exits, stop() is a no-op. */
export function runningTargetHandle(): ServiceHandle {
  return {
    pid: 0,
    external: true,
    exited: new Promise<ExitInfo>(() => undefined),
    exitInfo: () => undefined,
    outputTail: () => [],
    stop: async () => undefined
  }
}

/** Waits for a running target's probe (none: it is taken as up) and returns its handle; not ready is a ServiceError. */
export async function attachTarget(ready: ReadyProbe | undefined, label = 'target'): Promise<ServiceHandle> {
  if (ready?.kind === 'log')
    throw new ServiceError('not-ready', `the ${label} has no output perfgate reads: ready.log cannot be used`)
  if (ready) {
    const result = await pollReady(ready, Date.now() + ready.timeoutMs, () => false)
    if (!result.ready)
      throw new ServiceError(
        'not-ready',
        `the running ${label} was not ready within ${ready.timeoutMs / 1000}s (${describeProbe(ready)}: last attempt ` +
          `${result.last}; ${result.attempts} attempts). perfgate starts no service for a config without one: ` +
          `start the target before perfgate runs.${await localhostHint(ready)}`
      )
  }
  return runningTargetHandle()
}
