import path from 'node:path'
import { savePolicy } from '../baseline/policy.js'
import type { Acceptance } from '../compare/accept.js'
import type { Config } from '../config/types.js'
import { BaseError, findMergeBase } from '../gate/base.js'
import { headSha } from '../git/history.js'
import { storeFor } from '../gate/baseline.js'
import type { BaseSource, CompareSettings, RunSettings, SaveSettings } from '../gate/gate.js'
import type { EventSink } from '../measure/events.js'
import type { Report } from '../model/report.js'
import { parseStartAt } from '../shard/start-at.js'
import type { ActionInputs } from './inputs.js'

/** The action's inputs and the workflow's environment, turned into the gate's settings. */

/** A load leg's shared start (the "start-at" input), checked against the clock now that the leg is about to measure. */
export function startAtOf(inputs: ActionInputs, now = Date.now()): number | undefined {
  return inputs.startAt !== undefined ? parseStartAt(inputs.startAt, now, 'the "start-at" input') : undefined
}

/** compare (or auto on pull_request) measures base vs head; run (or auto elsewhere) the head alone. */
export function wantsCompare(inputs: ActionInputs, env: NodeJS.ProcessEnv): boolean {
  if (inputs.mode === 'compare') return true
  if (inputs.mode === 'run') return false
  return env.GITHUB_EVENT_NAME === 'pull_request'
}

/** The ref whose merge-base is the base: base-ref, or in a pull request its target branch. */
function baseRef(inputs: ActionInputs, env: NodeJS.ProcessEnv): string | undefined {
  return inputs.baseRef ?? (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : undefined)
}

/** Where the base comes from: base-dir, or the merge-base with base-ref (in a pull request, its target branch). */
function baseSource(inputs: ActionInputs, env: NodeJS.ProcessEnv): BaseSource {
  if (inputs.baseDir) return { dir: path.resolve(inputs.workspace, inputs.baseDir) }
  const ref = baseRef(inputs, env)
  if (!ref)
    throw new BaseError(
      'compare mode needs a base: set base-dir, or base-ref, or run on a pull_request event'
    )
  return { ref }
}

/**
 * The commit the run measures, and on a pull request its head commit: GITHUB_SHA is then GitHub's merge commit,
 * which no reader of the PR can open, so source links point at pull_request.head.sha.
 */
export function gitOf(env: NodeJS.ProcessEnv, payload: unknown): NonNullable<Report['git']> {
  const head = (payload as { pull_request?: { head?: { sha?: unknown } } } | undefined)?.pull_request?.head
    ?.sha
  return {
    sha: env.GITHUB_SHA,
    ref: env.GITHUB_REF,
    ...(typeof head === 'string' && /^[0-9a-f]{7,64}$/i.test(head) ? { headSha: head } : {})
  }
}

/** base vs head in the workspace's repository; throws BaseError when there is no base to prepare. */
export function compareSettings(
  inputs: ActionInputs,
  config: Config,
  env: NodeJS.ProcessEnv,
  repo: string,
  acceptances: Acceptance[],
  payload: unknown = {}
): CompareSettings {
  return {
    mode: 'compare',
    config,
    repo,
    base: baseSource(inputs, env),
    acceptances,
    ...(inputs.profile ? { profile: inputs.profile } : {}),
    git: gitOf(env, payload),
    startAt: startAtOf(inputs)
  }
}

function defaultBranchOf(payload: unknown): string | undefined {
  const branch = (payload as { repository?: { default_branch?: unknown } }).repository?.default_branch
  return typeof branch === 'string' ? branch : undefined
}

/**
 * A run (push, dispatch, schedule, or a pull request with compare.mode: stored): compare with the stored
 * baseline when there is one, and store this run when the event is trusted to write baselines.
 */
export async function runSettings(
  inputs: ActionInputs,
  config: Config,
  env: NodeJS.ProcessEnv,
  repo: string,
  context: { pullRequest: boolean; payload: unknown; events: EventSink; info: (message: string) => void }
): Promise<RunSettings> {
  // a load leg sends part of the load: its runs are no baseline, nor comparable with one
  const store = inputs.loadShard ? undefined : storeFor(config, repo, context.events)
  if (inputs.loadShard)
    context.info(
      'A load-shard leg neither stores its run nor compares with a stored one: it sends part of the load'
    )
  const event = env.GITHUB_EVENT_NAME ?? 'local'
  const policy = savePolicy(
    config.baseline,
    { event, ref: env.GITHUB_REF, defaultBranch: defaultBranchOf(context.payload) },
    undefined
  )
  let stored: RunSettings['stored']
  if (store) {
    stored = policy.save
      ? { store, from: 'HEAD^', fromLabel: 'the parent commit', leg: inputs.leg }
      : { store, from: 'HEAD', fromLabel: 'this commit', leg: inputs.leg }
    if (context.pullRequest) {
      const ref = baseRef(inputs, env)
      stored = {
        ...stored,
        fromLabel: 'the merge-base',
        from: ref ? await findMergeBase(repo, ref, context.events).catch(() => undefined) : undefined,
        missing: 'the merge-base of this pull request could not be found, so no stored run was chosen'
      }
    }
    if (!policy.save) context.info(`This run is not stored as a baseline: ${policy.why}`)
  }
  const save: SaveSettings | undefined =
    store && policy.save
      ? {
          store,
          identity: async () => ({
            sha: env.GITHUB_SHA ?? (await headSha(repo)) ?? 'local',
            ref: env.GITHUB_REF,
            event,
            runId: env.GITHUB_RUN_ID ?? `local-${Date.now()}`,
            runAttempt: Number(env.GITHUB_RUN_ATTEMPT ?? '1') || 1,
            leg: inputs.leg
          }),
          outDir: inputs.outDir,
          sayErroredNotSaved: false
        }
      : undefined
  return {
    mode: 'run',
    config,
    repo,
    stored,
    save,
    git: gitOf(env, context.payload),
    startAt: startAtOf(inputs)
  }
}
