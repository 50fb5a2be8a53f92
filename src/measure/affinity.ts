/**
 * Which CPUs the service may run on (empty: any). On a small runner a load generator that shares the service's CPUs
 * takes CPU time the service would have used, so a client's own cost shows up as the service's throughput. With the
 * service kept off one CPU, the generator runs there, and the kernel can still move it elsewhere for a moment when
 * something else takes that CPU, so its schedule keeps.
 */
export interface CpuPlan {
  service: number[]
}

/** `command` run under taskset on `cpus` (taskset execs the shell, whose children inherit the affinity). */
export function pinnedCommand(command: string, cpus: readonly number[]): string {
  if (cpus.length === 0) return command
  return `exec taskset -c ${cpus.join(',')} /bin/sh -c '${command.replace(/'/g, `'\\''`)}'`
}
