import type { ServiceSpec } from '../config/types.js'
import { SHARED_CPUS, type CpuPlan } from '../measure/affinity.js'
import type { HostInfo } from './compare-options.js'

export interface Pinning extends CpuPlan {
  /** one line for the report: where the generator and the service ran, and why */
  reason: string
}

const cpuList = (cpus: readonly number[]) => (cpus.length === 1 ? `CPU ${cpus[0]}` : `CPUs ${cpus.join(',')}`)

/**
 * Where the load generator and the service run (pure: the host is passed in). With two CPUs or more and taskset,
 * the generator gets the first CPU this process may use and the service the others, so the generator's own work
 * never takes CPU time from the service; `service.cpus: shared` lets both run anywhere.
 */
export function choosePinning(service: Pick<ServiceSpec, 'cpus'>, host: HostInfo): Pinning {
  const shared = (why: string): Pinning => ({
    ...SHARED_CPUS,
    reason: `the load generator and the service shared the CPUs (${why})`
  })
  if (service.cpus === 'shared') return shared('service.cpus: shared')
  if (host.cpus.length < 2) return shared('one CPU')
  if (!host.taskset) return shared('no taskset on this runner')
  const [generator, ...rest] = host.cpus
  return {
    generator: [generator!],
    service: rest,
    reason: `the load generator ran on ${cpuList([generator!])} and the service on ${cpuList(rest)} (taskset)`
  }
}
