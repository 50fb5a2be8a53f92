import { environmentOf } from './measure/environment.js'
import * as core from '@actions/core'
import type { Config } from './config/types.js'
import { BaseError } from './gate/base.js'
import { repoRoot } from './git/history.js'
import { removeAllWorktrees } from './git/worktree.js'
import { baseErrorReport, gate } from './gate/gate.js'
import type { Acceptance } from './compare/accept.js'
import type { Report } from './model/report.js'
import type { ClientFactory } from './github/client.js'
import type { Measurer } from './measure/measurer.js'
import type { ReportFiles } from './report/write.js'
import { runReportMode } from './action/report-mode.js'
import { runMergeMode } from './action/merge-mode.js'
import { applyShard } from './shard/split.js'
import { applyLoadShard } from './shard/load.js'
import { loadActionConfig } from './action/config.js'
import { failureSummary, redactSecrets } from './action/failure.js'
import { readInputs, type ActionInputs } from './action/inputs.js'
import { readEventPayload, refuseUntrustedEvent } from './action/event.js'
import { publish, runUrl, setFileOutputs } from './action/publish.js'
import { pullRequestGate } from './action/pull-request.js'
import { startSession, type ActionSession } from './action/session.js'
import { compareSettings, runSettings, wantsCompare } from './action/settings.js'
import { writeSummary } from './action/summary.js'
import { historyFor } from './action/history.js'
import { CancelledError, onCancelSignals } from './action/cancel.js'
import { persistedCredentialsWarning } from './action/credentials.js'
import { checkSavedGroup, savedGroupOf, type SavedGroup } from './service/groups.js'
import { killProcessGroup } from './git/process-group.js'
import { stopAllServices } from './service/spawn.js'
import { stopAllGit } from './git/runner.js'
import { useGitAuth } from './git/auth.js'
import { logText } from './action/safe-log.js'

export const STATE_PGIDS = 'perfgate-pgids'

/** What a run has produced so far, so that a failure can still point at it. */
interface RunState {
  inputs?: ActionInputs
  files?: ReportFiles
  /** the signal that cancelled the run: nothing more is started or published */
  cancelled?: NodeJS.Signals
}

/** The gate, as the inputs and the event ask: base vs head, or the head against its limits and the stored run. */
async function measure(
  inputs: ActionInputs,
  config: Config,
  acceptances: Acceptance[],
  session: ActionSession,
  onSpawned: (pid: number) => void,
  measurerFor?: (config: Config) => Measurer
): Promise<Report> {
  const env = process.env
  const repo = (await repoRoot(inputs.workspace)) ?? inputs.workspace
  const environment = {
    ...environmentOf(env),
    events: session.events,
    onSpawned,
    measurer: measurerFor?.(config)
  }
  const compare = wantsCompare(inputs, env)
  if (!compare || config.compare.mode !== 'interleaved') {
    const context = {
      pullRequest: compare,
      payload: readEventPayload(env),
      events: session.events,
      info: (message: string) => logText(message)
    }
    return gate(await runSettings(inputs, config, env, repo, context), environment)
  }
  const startedAt = Date.now()
  try {
    return await gate(
      compareSettings(inputs, config, env, repo, acceptances, readEventPayload(env)),
      environment
    )
  } catch (err) {
    // a base that cannot be prepared makes every scenario errored, with the reason
    if (!(err instanceof BaseError)) throw err
    return baseErrorReport(config, err, startedAt)
  }
}

/**
 * perfgate itself failed (an unreadable baseline store, a store written by a newer perfgate, a bad input): the job
 * summary and the outputs still say so, with what to do, and no token appears in them.
 */
async function reportFailure(err: unknown, state: RunState): Promise<void> {
  const message = redactSecrets(err instanceof Error ? err.message : String(err), [
    state.inputs?.token ?? core.getInput('github-token')
  ])
  core.setOutput('verdict', 'errored')
  if (state.files) setFileOutputs(state.files)
  await writeSummary(failureSummary(err, message, runUrl(process.env)), process.env)
  core.setFailed(`perfgate: ${message}`)
}

/**
 * A cancelled job (SIGTERM or SIGINT): stop the service and build groups and any git call, remove the base
 * worktree, and say so in the summary with the verdict `errored`, before the runner's SIGKILL.
 */
async function cancelRun(signal: NodeJS.Signals, state: RunState): Promise<void> {
  state.cancelled = signal
  stopAllGit()
  // the groups first: a build still writing into the worktree would race its removal
  await stopAllServices().catch(() => undefined)
  await removeAllWorktrees().catch(() => undefined)
  const err = new CancelledError(signal)
  core.setOutput('verdict', 'errored')
  await writeSummary(failureSummary(err, err.message, runUrl(process.env)), process.env).catch(
    () => undefined
  )
  core.setFailed(`perfgate: ${err.message}`)
}

/** What the action's door is given besides the workflow: test hooks for its exit, GitHub clients and measurer. */
export interface ActionOptions {
  /** how the process ends after a cancellation (tests keep it alive) */
  exit?: (code: number) => void
  /** how GitHub clients are made (default createClient; tests against a fake API leave out the spacing) */
  createClient?: ClientFactory
  /** the measurement interface for the gated config (default: real processes and load; tests about the loop fake it) */
  measurerFor?: (config: Config) => Measurer
}

/** The action: read inputs, run the gate, publish results. Every failure ends in one setFailed line. */
export async function run(options: ActionOptions = {}): Promise<void> {
  const session = startSession()
  const state: RunState = {}
  const exit = options.exit ?? ((code: number) => process.exit(code))
  let cancelling: Promise<void> | undefined
  const uninstall = onCancelSignals(signal => {
    cancelling = cancelRun(signal, state).finally(() => {
      session.finish()
      exit(1)
    })
  })
  try {
    const inputs = readInputs(name => core.getInput(name), process.env)
    state.inputs = inputs
    useGitAuth(inputs.token, process.env.GITHUB_SERVER_URL, secret => core.setSecret(secret))
    refuseUntrustedEvent(inputs.mode, process.env.GITHUB_EVENT_NAME)
    if (inputs.mode === 'report')
      return await runReportMode(inputs, process.env, session.warn, options.createClient)
    if (inputs.mode === 'merge')
      return await runMergeMode(inputs, {
        env: process.env,
        warn: session.warn,
        annotate: session.annotate,
        createClient: options.createClient
      })
    if (process.env.GITHUB_EVENT_NAME === 'pull_request') {
      const credentials = await persistedCredentialsWarning(
        (await repoRoot(inputs.workspace)) ?? inputs.workspace
      )
      if (credentials) session.warn(credentials)
    }
    const loaded = await loadActionConfig(inputs, session, process.env)
    if (!loaded) return
    const pr = await pullRequestGate(inputs, loaded, process.env, session, options.createClient)
    const config = inputs.shard
      ? applyShard(pr.config, inputs.shard, 'the "shard" input')
      : inputs.loadShard
        ? applyLoadShard(pr.config, inputs.loadShard, 'the "load-shard" input')
        : pr.config
    let groups: SavedGroup[] = []
    const onSpawned = (pid: number) => {
      // a group started while the run is being cancelled is stopped at once
      if (state.cancelled) killProcessGroup(pid, 'SIGKILL')
      const group = savedGroupOf(pid)
      if (!group) return
      // groups that have exited (the services of earlier rounds) are dropped, so the list stays short
      groups = [...groups.filter(g => checkSavedGroup(g).ok), group]
      core.saveState(STATE_PGIDS, JSON.stringify(groups))
    }
    // a base whose config cannot be read fails closed: nothing is measured, every scenario is errored with why
    const report = pr.error
      ? baseErrorReport(
          config,
          new BaseError(pr.error),
          Date.now(),
          wantsCompare(inputs, process.env) ? 'compare' : 'run'
        )
      : await measure(inputs, config, pr.acceptances, session, onSpawned, options.measurerFor)
    if (pr.gate) report.gate = pr.gate
    if (!state.cancelled) {
      // after a push stored its run: the history's change points; on a PR with failing checks: main's context
      const history = await historyFor(report, config, inputs, session, process.env, options.createClient)
      await publish(
        report,
        config,
        inputs,
        session,
        process.env,
        files => (state.files = files),
        options.createClient,
        history
      )
      if (history.fail) core.setFailed(history.fail)
    }
  } catch (err) {
    if (!state.cancelled) await reportFailure(err, state)
  } finally {
    uninstall()
    if (cancelling) await cancelling
    else session.finish()
  }
}
