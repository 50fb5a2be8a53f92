import type { ServiceSpec } from '../config/types.js'
import type { CpuPlan } from '../measure/affinity.js'
import type { HostInfo } from './compare-options.js'

export interface Pinning extends CpuPlan {
  /** one line for the report: where the generator and the service ran, and why */
  reason: string
}

const cpuList = (cpus: readonly number[]) => (cpus.length === 1 ? `CPU ${cpus[0]}` : `CPUs ${cpus.join(',')}`)

/**
 * Where the service runs (pure: the host is passed in). With two CPUs or more and taskset, the service gets every
 * CPU this process may use but the first, which is left to the load generator, so the generator's own work does
 * not take CPU time from the service; `service.cpus: shared` lets the service run anywhere.
 */
export function choosePinning(service: Pick<ServiceSpec, 'cpus'>, host: HostInfo): Pinning {
  const shared = (why: string): Pinning => ({
    service: [],
    reason: `the load generator and the service shared the CPUs (${why})`
  })
  if (service.cpus === 'shared') return shared('service.cpus: shared')
  if (host.cpus.length < 2) return shared('one CPU')
  if (!host.taskset) return shared('no taskset on this runner')
  const [generator, ...rest] = host.cpus
  return {
    service: rest,
    reason: `the service ran on ${cpuList(rest)} (taskset), leaving ${cpuList([generator!])} to the load generator`
  }
}
