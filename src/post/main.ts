import * as core from '@actions/core'
import { killProcessGroup } from '../git/process-group.js'
import { checkSavedGroup, parseSavedGroups } from '../service/groups.js'

/**
 * The action's post step: a backstop that kills any process group (a service, a base build) the main step left
 * behind. It kills only groups this run saved, each checked: an integer id above 1, not its own group, and still the
 * group that was saved (the leader's start time from /proc), so a stale or planted id never reaches another process.
 */
export async function post(): Promise<void> {
  const saved = core.getState('perfgate-pgids')
  if (!saved) return
  const { groups, refused } = parseSavedGroups(saved)
  for (const why of refused) core.warning(`perfgate post step: refused a saved process group: ${why}`)
  for (const group of groups) {
    const check = checkSavedGroup(group)
    if (!check.ok) {
      const message = `perfgate post step: not killing process group ${group.pgid}: ${check.reason}`
      if (check.gone) core.info(message)
      else core.warning(message)
      continue
    }
    if (killProcessGroup(group.pgid, 'SIGKILL'))
      core.info(`perfgate: killed the leftover process group ${group.pgid}`)
  }
}
