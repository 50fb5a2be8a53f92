import path from 'node:path'
import { ACCEPT_LABEL, type Acceptance } from '../compare/accept.js'
import type { Config } from '../config/types.js'
import { repoRoot } from '../git/history.js'
import { createClient, type ClientFactory } from '../github/client.js'
import { readPrContext } from '../github/context.js'
import type { GateInfo } from '../model/report.js'
import { labelApproval, prAcceptances, type LabelApproval } from './accept.js'
import { readEventPayload } from './event.js'
import { decideGate, findBaseConfig, readBaseConfig, resolveBaseRev, resolveSha } from './gate.js'
import { configFile } from './config.js'
import { CONFIG_CANDIDATES } from '../config/discover.js'
import type { ActionInputs } from './inputs.js'
import type { ActionSession } from './session.js'
import { logText } from './safe-log.js'

/**
 * A pull request is gated by its base: the limits, tolerances, compare settings and on-inconclusive come from the
 * base's config (git show), the PR's changes to them apply only with the perf-accepted label, whose applier the
 * comment names. Trailers in the PR's commits accept nothing. Outside pull requests the config is used as it is.
 */
export async function pullRequestGate(
  inputs: ActionInputs,
  config: Config,
  env: NodeJS.ProcessEnv,
  session: ActionSession,
  client: ClientFactory = createClient
): Promise<{ config: Config; acceptances: Acceptance[]; gate?: GateInfo; error?: string }> {
  if (env.GITHUB_EVENT_NAME !== 'pull_request') return { config, acceptances: [] }
  const ctx = readPrContext(env, readEventPayload(env))
  let approval: LabelApproval = {
    accepted: false,
    reason: `there is no github-token input, so who applied the ${ACCEPT_LABEL} label and when cannot be read`
  }
  if (ctx.labels.includes(ACCEPT_LABEL)) {
    if (inputs.token) {
      const octokit = client(inputs.token, { apiUrl: ctx.apiUrl, log: message => logText(message) })
      approval = await labelApproval(octokit, ctx)
    }
    if (!approval.accepted)
      session.warn(`perfgate: the ${ACCEPT_LABEL} label accepts nothing: ${approval.reason}`)
  }
  const acceptances = prAcceptances(ctx, approval)
  const repo = await repoRoot(inputs.workspace)
  if (!repo) {
    logText('The workspace is not a git checkout, so the limits are read from the pull request’s own config')
    return { config, acceptances }
  }
  // the event's base branch, or the one Actions names in GITHUB_BASE_REF on pull_request events
  const baseRef = ctx.baseRef ?? env.GITHUB_BASE_REF
  const candidates = [
    ...(inputs.baseRef ? [inputs.baseRef] : []),
    ...(baseRef ? [`origin/${baseRef}`] : []),
    ...(ctx.baseSha ? [ctx.baseSha] : [])
  ]
  const rev = await resolveBaseRev(repo, candidates, inputs.baseRef ? undefined : baseRef)
  const sha = rev ? await resolveSha(repo, rev) : undefined
  const where = rev ? `${baseRef ?? rev}${sha ? ` at ${sha.slice(0, 12)}` : ''}` : (baseRef ?? 'the base')
  const headFile = configFile(inputs)
  // the base's config is found as the head's was: a PR cannot escape the base's limits by adding or moving a file
  const discovered = inputs.config === CONFIG_CANDIDATES[0]
  const baseFile =
    rev && discovered
      ? await findBaseConfig(
          repo,
          rev,
          CONFIG_CANDIDATES.map(c => path.resolve(inputs.workspace, c))
        )
      : headFile
  const relative = (file: string) => path.relative(inputs.workspace, file).split(path.sep).join('/')
  const moved =
    baseFile && baseFile !== headFile ? { base: relative(baseFile), head: relative(headFile) } : undefined
  const base = rev
    ? await readBaseConfig(repo, rev, baseFile ?? headFile)
    : { problem: 'the base branch is not in this clone and could not be fetched' }
  const decided = decideGate(
    config,
    base,
    where,
    acceptances[0]?.by,
    discovered ? `${CONFIG_CANDIDATES[0]} (nor ${CONFIG_CANDIDATES.slice(1).join(' or ')})` : inputs.config,
    moved
  )
  if (decided.error) session.warn(`perfgate: ${decided.error}`)
  logText(`perfgate: ${decided.gate.message}`)
  return {
    config: decided.config,
    acceptances,
    gate: decided.gate,
    ...(decided.error ? { error: decided.error } : {})
  }
}
