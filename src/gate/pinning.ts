import type { ServiceSpec } from '../config/types.js'
import type { CpuPlan } from '../measure/affinity.js'
import type { HostInfo } from './compare-options.js'
import type { NoteData } from '../model/note.js'

export interface Pinning extends CpuPlan {
  /** for the report: where the generator and the service ran, and why (report/notes.ts words it) */
  note: Extract<NoteData, { kind: 'cpus' }>
}

/**
 * Where the service runs (pure: the host is passed in). With two CPUs or more and taskset, the service gets every
 * CPU this process may use but the first, which is left to the load generator, so the generator's own work does
 * not take CPU time from the service; `service.cpus: shared` lets the service run anywhere.
 */
export function choosePinning(service: Pick<ServiceSpec, 'cpus'>, host: HostInfo): Pinning {
  const shared = (why: 'requested' | 'one-cpu' | 'no-taskset'): Pinning => ({
    service: [],
    note: { kind: 'cpus', service: [], shared: why }
  })
  if (service.cpus === 'shared') return shared('requested')
  if (host.cpus.length < 2) return shared('one-cpu')
  if (!host.taskset) return shared('no-taskset')
  const [generator, ...rest] = host.cpus
  return { service: rest, note: { kind: 'cpus', service: rest, generator: generator! } }
}
