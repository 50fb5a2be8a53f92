/** The one process-group helper: services, builds and git calls each run in a group of their own. */

/** Sends a signal to a whole process group; false when the group no longer exists. */
export function killProcessGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal)
    return true
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false
    throw err
  }
}
