import * as core from '@actions/core'
import { killProcessGroup } from '../service/spawn.js'

/** The action's post step: a backstop that kills any service process group the main step left behind. */
export async function post(): Promise<void> {
  const saved = core.getState('perfgate-pgids')
  if (!saved) return
  let pgids: number[]
  try {
    pgids = JSON.parse(saved) as number[]
  } catch {
    core.warning(`perfgate post step: could not read the saved process groups (${saved})`)
    return
  }
  for (const pgid of pgids) {
    if (killProcessGroup(pgid, 'SIGKILL'))
      core.info(`perfgate: killed the leftover service process group ${pgid}`)
  }
}
