/** The job was cancelled (the runner sent SIGINT or SIGTERM): there is no verdict, and the gate fails. */
export class CancelledError extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(
      `cancelled (${signal}): the job was cancelled before perfgate could give a verdict. perfgate stopped the ` +
        'service and any base build it had started and removed the base worktree.'
    )
  }
}

/**
 * Calls `handler` once on the first SIGTERM or SIGINT (a cancelled job: the runner sends SIGINT, then SIGTERM, then
 * SIGKILL). While installed, Node does not exit on these signals by itself: the handler decides. Returns the
 * uninstaller.
 */
export function onCancelSignals(handler: (signal: NodeJS.Signals) => void): () => void {
  let fired = false
  const listener = (signal: NodeJS.Signals) => {
    if (fired) return
    fired = true
    handler(signal)
  }
  process.on('SIGTERM', listener)
  process.on('SIGINT', listener)
  return () => {
    process.off('SIGTERM', listener)
    process.off('SIGINT', listener)
  }
}
