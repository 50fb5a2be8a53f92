import * as core from '@actions/core'
import path from 'node:path'
import { ConfigError, loadConfig } from './config/load.js'
import type { Config } from './config/types.js'
import { runGate } from './engine/run.js'
import { planStoredBaseline, saveRun, storeFor, type StoredPlan } from './engine/baseline.js'
import { savePolicy } from './baseline/policy.js'
import { compareGate } from './engine/compare.js'
import {
  BaseError,
  findMergeBase,
  removeAllWorktrees,
  headSha,
  repoRoot,
  useBaseDir,
  worktreeBase,
  type PreparedBase
} from './engine/base.js'
import { buildReport } from './report/build.js'
import { erroredScenario } from './engine/run.js'
import { configHash } from './config/load.js'
import { runReportMode } from './action/report-mode.js'
import { jobFails } from './compare/verdict.js'
import { renderSummary } from './report/markdown.js'
import { writeReportFiles, type ReportFiles } from './report/write.js'
import { CONFIG_CANDIDATES, discoverConfig } from './config/discover.js'
import type { GateInfo, Report } from './report/types.js'
import {
  AnnotationBudget,
  configAnnotations,
  reportAnnotations,
  type Annotation
} from './action/annotations.js'
import { labelAppliedBy, prAcceptances } from './action/accept.js'
import { decideGate, readBaseConfig, resolveBaseRev, resolveSha } from './action/gate.js'
import { ACCEPT_LABEL, type Acceptance } from './compare/accept.js'
import { createClient } from './github/client.js'
import { failureSummary, redactSecrets } from './action/failure.js'
import { readInputs, type ActionInputs } from './action/inputs.js'
import { publishComment } from './action/comment.js'
import { actionLog } from './action/log.js'
import { formatProblems } from './config/load.js'
import { readEventPayload } from './action/event.js'
import { readPrContext } from './github/context.js'
import { capSummary, writeSummary } from './action/summary.js'
import { checkSavedGroup, savedGroupOf, type SavedGroup } from './service/groups.js'
import { CancelledError, onCancelSignals } from './action/cancel.js'
import { persistedCredentialsWarning } from './action/credentials.js'
import { killProcessGroup, stopAllServices } from './service/spawn.js'
import { stopAllGit } from './baseline/git.js'
import { useGitAuth } from './baseline/git-auth.js'
import { applyShard } from './shard/split.js'
import { stampIfLeg, wholeConfig } from './shard/identity.js'
import { runMergeMode } from './action/merge-mode.js'

export const STATE_PGIDS = 'perfgate-pgids'

function emitAnnotation(a: Annotation): void {
  const props = { title: a.title, file: a.file, startLine: a.line, startColumn: a.col }
  if (a.level === 'error') core.error(a.message, props)
  else core.warning(a.message, props)
}

const newBudget = () =>
  new AnnotationBudget(emitAnnotation, a => core.info(`${a.level} (past the annotation limit): ${a.message}`))

/** Every annotation of one run shares GitHub's per-step limit: engine and API warnings as well as the report's. */
let budget = newBudget()

function annotate(annotations: Annotation[]): void {
  for (const a of annotations) budget.add(a)
}

const warn = (message: string) => budget.add({ level: 'warning', title: 'perfgate', message })

/** The engine's events in the Actions log: folded groups, build output, heartbeats (see action/log.ts). */
const actionEvents = actionLog({
  info: message => core.info(message),
  warning: message => warn(message),
  startGroup: title => core.startGroup(title),
  endGroup: () => core.endGroup()
})

function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined
  return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
}

/** The config input; left at its default it is discovered (perfgate.yml, perfgate.yaml, .github/perfgate.yml). */
function configFile(inputs: ActionInputs): string {
  return inputs.config === CONFIG_CANDIDATES[0]
    ? discoverConfig(inputs.workspace)
    : path.resolve(inputs.workspace, inputs.config)
}

async function loadActionConfig(inputs: ActionInputs): Promise<Config | undefined> {
  const file = configFile(inputs)
  try {
    return await loadConfig(file)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    const relative = path.relative(inputs.workspace, file) || inputs.config
    annotate(configAnnotations(err.problems, relative))
    await writeSummary(
      `### 💥 perfgate: invalid config\n\n\`\`\`text\n${formatProblems(err.problems)}\n\`\`\`\n`
    )
    core.setOutput('verdict', 'errored')
    const first = err.problems[0]
    core.setFailed(
      `perfgate: ${relative} has ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}` +
        (first ? ` (first: line ${first.line} col ${first.col}: ${first.message})` : '')
    )
    return undefined
  }
}

/** What a run has produced so far, so that a failure can still point at it. */
interface RunState {
  inputs?: ActionInputs
  files?: ReportFiles
  /** the signal that cancelled the run: nothing more is started or published */
  cancelled?: NodeJS.Signals
}

/** The report files' paths as outputs: report (report.json), html, summary, junit and metrics (metrics.prom). */
function setFileOutputs(files: ReportFiles): void {
  core.setOutput('report', files.json)
  core.setOutput('html', files.html)
  core.setOutput('summary', files.summary)
  core.setOutput('junit', files.junit)
  core.setOutput('metrics', files.metrics)
}

/** regressions: failing regression checks (base vs head or stored); failed: every failing check, limits included. */
export function failedChecks(report: Report): { regressions: number; failed: number } {
  const failing = report.scenarios.flatMap(s => s.checks.filter(c => c.verdict === 'fail'))
  return { regressions: failing.filter(c => c.kind === 'regression').length, failed: failing.length }
}

async function publish(report: Report, config: Config, inputs: ActionInputs, state: RunState): Promise<void> {
  const url = runUrl(process.env)
  const files = await writeReportFiles(report, inputs.outDir, {
    runUrl: url,
    artifactName: 'perfgate-report'
  })
  state.files = files
  await writeSummary(capSummary(renderSummary(report, { runUrl: url, artifactName: 'perfgate-report' })))
  annotate(reportAnnotations(report, path.relative(inputs.workspace, configFile(inputs))))
  const counts = failedChecks(report)
  core.setOutput('verdict', report.verdict)
  setFileOutputs(files)
  core.setOutput('regressions', String(counts.regressions))
  core.setOutput('failed-checks', String(counts.failed))
  const failing = jobFails(report.verdict, inputs.onInconclusive ?? config.onInconclusive)
  const commentUrl = await publishComment(report, inputs, {
    failing,
    runUrl: url,
    outDir: inputs.outDir,
    warn
  })
  core.setOutput('comment-url', commentUrl ?? '')
  if (failing) core.setFailed(report.headline)
  else core.info(report.headline)
}

function wantsCompare(inputs: ActionInputs, env: NodeJS.ProcessEnv): boolean {
  if (inputs.mode === 'compare') return true
  if (inputs.mode === 'run') return false
  return env.GITHUB_EVENT_NAME === 'pull_request'
}

/**
 * `pull_request_target` runs with a write token and the repository's secrets, even for forks. Measuring means
 * building and running whatever is checked out, and there that can be the PR's code: perfgate refuses, before it
 * reads the config or starts anything. Only `mode: report`, which runs no PR code, may run there.
 */
export const PULL_REQUEST_TARGET_REFUSED =
  'perfgate refuses to measure on pull_request_target: that event runs with a write token and the repository’s ' +
  'secrets, and measuring builds and runs the checked-out code, which can be the pull request’s (a "pwn request"). ' +
  'Measure in a workflow on pull_request (fork PRs get a read-only token there) that uploads perfgate-report/ as an ' +
  'artifact, and post the comment from a second workflow on workflow_run that downloads the artifact and runs ' +
  'perfgate with mode: report (it reads the artifact as data and runs no PR code). See the README, "Fork pull requests".'

function refuseUntrustedEvent(inputs: ActionInputs, env: NodeJS.ProcessEnv): void {
  if (env.GITHUB_EVENT_NAME === 'pull_request_target' && inputs.mode !== 'report')
    throw new Error(PULL_REQUEST_TARGET_REFUSED)
}

async function prepareActionBase(
  inputs: ActionInputs,
  config: Config,
  repo: string,
  events: typeof actionEvents,
  onSpawned: (pid: number) => void
): Promise<PreparedBase> {
  if (inputs.baseDir) return useBaseDir(path.resolve(inputs.workspace, inputs.baseDir))
  const ref =
    inputs.baseRef ?? (process.env.GITHUB_BASE_REF ? `origin/${process.env.GITHUB_BASE_REF}` : undefined)
  if (!ref)
    throw new BaseError(
      'compare mode needs a base: set base-dir, or base-ref, or run on a pull_request event'
    )
  const sha = await findMergeBase(repo, ref, events)
  return worktreeBase(repo, sha, config.service.build, events, onSpawned)
}

async function compareInAction(
  inputs: ActionInputs,
  config: Config,
  onSpawned: (pid: number) => void,
  acceptances: Acceptance[]
): Promise<Report> {
  const repo = (await repoRoot(inputs.workspace)) ?? inputs.workspace
  const startedAt = Date.now()
  let base: PreparedBase
  try {
    base = await prepareActionBase(inputs, config, repo, actionEvents, onSpawned)
  } catch (err) {
    if (!(err instanceof BaseError)) throw err
    const error = { kind: err.kind, message: err.message }
    return buildReport({
      config,
      configHash: configHash(config),
      mode: 'compare',
      scenarios: config.scenarios.map(s => erroredScenario(s, error)),
      startedAt
    })
  }
  try {
    return await compareGate(config, {
      baseDir: base.dir,
      headDir: repo,
      events: actionEvents,
      onSpawned,
      acceptances,
      notes: [base.description],
      git: {
        sha: process.env.GITHUB_SHA,
        ref: process.env.GITHUB_REF,
        ...(base.sha ? { baseSha: base.sha } : {})
      }
    })
  } finally {
    await base.cleanup()
  }
}

/**
 * A pull request is gated by its base: the limits, tolerances, compare settings and on-inconclusive come from the
 * base's config (git show), the PR's changes to them apply only with the perf-accepted label, whose applier the
 * comment names. Trailers in the PR's commits accept nothing. Outside pull requests the config is used as it is.
 */
async function pullRequestGate(
  inputs: ActionInputs,
  config: Config
): Promise<{ config: Config; acceptances: Acceptance[]; gate?: GateInfo }> {
  if (process.env.GITHUB_EVENT_NAME !== 'pull_request') return { config, acceptances: [] }
  const ctx = readPrContext(process.env, readEventPayload())
  let applied: { login?: string; problem?: string } = { problem: 'there is no github-token input' }
  if (ctx.labels.includes(ACCEPT_LABEL) && inputs.token) {
    const octokit = createClient(inputs.token, { apiUrl: ctx.apiUrl, log: message => core.info(message) })
    applied = await labelAppliedBy(octokit, ctx)
  }
  const acceptances = prAcceptances(ctx, applied)
  const repo = await repoRoot(inputs.workspace)
  if (!repo) {
    core.info(
      'The workspace is not a git checkout, so the limits are read from the pull request’s own config'
    )
    return { config, acceptances }
  }
  const candidates = [
    ...(inputs.baseRef ? [inputs.baseRef] : []),
    ...(ctx.baseRef ? [`origin/${ctx.baseRef}`] : []),
    ...(ctx.baseSha ? [ctx.baseSha] : [])
  ]
  const rev = await resolveBaseRev(repo, candidates, inputs.baseRef ? undefined : ctx.baseRef)
  const sha = rev ? await resolveSha(repo, rev) : undefined
  const where = rev
    ? `${ctx.baseRef ?? rev}${sha ? ` at ${sha.slice(0, 12)}` : ''}`
    : (ctx.baseRef ?? 'the base')
  const base = rev
    ? await readBaseConfig(repo, rev, path.resolve(inputs.workspace, inputs.config))
    : { problem: 'the base branch is not in this clone and could not be fetched' }
  const decided = decideGate(config, base, where, acceptances[0]?.by, inputs.config)
  if (decided.warning) warn(decided.warning)
  core.info(`perfgate: ${decided.gate.message}`)
  return { config: decided.config, acceptances, gate: decided.gate }
}

function defaultBranchOf(payload: unknown): string | undefined {
  const branch = (payload as { repository?: { default_branch?: unknown } }).repository?.default_branch
  return typeof branch === 'string' ? branch : undefined
}

/**
 * A run (push, dispatch, schedule, or a pull request with compare.mode: stored): compare with the stored
 * baseline when there is one, and store this run when the event is trusted to write baselines.
 */
async function runInAction(
  inputs: ActionInputs,
  config: Config,
  onSpawned: (pid: number) => void,
  pullRequest: boolean
): Promise<Report> {
  const env = process.env
  const repo = (await repoRoot(inputs.workspace)) ?? inputs.workspace
  const store = storeFor(config, repo, actionEvents)
  const event = env.GITHUB_EVENT_NAME ?? 'local'
  const policy = savePolicy(
    config.baseline,
    { event, ref: env.GITHUB_REF, defaultBranch: defaultBranchOf(readEventPayload()) },
    undefined
  )
  let plan: StoredPlan | undefined
  if (store) {
    let from: string | undefined = policy.save ? 'HEAD^' : 'HEAD'
    let fromLabel = policy.save ? 'the parent commit' : 'this commit'
    if (pullRequest) {
      fromLabel = 'the merge-base'
      const ref = inputs.baseRef ?? (env.GITHUB_BASE_REF ? `origin/${env.GITHUB_BASE_REF}` : undefined)
      from = ref ? await findMergeBase(repo, ref, actionEvents).catch(() => undefined) : undefined
    }
    plan = from
      ? await planStoredBaseline(wholeConfig(config), store, repo, from, actionEvents, fromLabel, inputs.leg)
      : {
          info: {
            store: store.description,
            state: 'none',
            message: 'the merge-base of this pull request could not be found, so no stored run was chosen'
          }
        }
    if (!policy.save) core.info(`This run is not stored as a baseline: ${policy.why}`)
  }
  const report = await runGate(config, {
    events: actionEvents,
    onSpawned,
    rounds: plan?.stored || (store && policy.save) ? config.baseline.rounds : 1,
    stored: plan?.stored,
    baselineInfo: plan?.info,
    git: { sha: env.GITHUB_SHA, ref: env.GITHUB_REF }
  })
  stampIfLeg(report, config)
  if (store && policy.save && report.verdict !== 'errored') {
    const saved = await saveRun(
      report,
      store,
      {
        sha: env.GITHUB_SHA ?? (await headSha(repo)) ?? 'local',
        ref: env.GITHUB_REF,
        event,
        runId: env.GITHUB_RUN_ID ?? `local-${Date.now()}`,
        runAttempt: Number(env.GITHUB_RUN_ATTEMPT ?? '1') || 1,
        leg: inputs.leg
      },
      inputs.outDir,
      actionEvents
    )
    report.baseline = {
      ...(report.baseline ?? { store: store.description, state: 'none', message: 'nothing to compare with' }),
      saved
    }
  }
  return report
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
  await writeSummary(failureSummary(err, message, runUrl(process.env)))
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
  await writeSummary(failureSummary(err, err.message, runUrl(process.env))).catch(() => undefined)
  core.setFailed(`perfgate: ${err.message}`)
}

export interface RunOptions {
  /** how the process ends after a cancellation (tests keep it alive) */
  exit?: (code: number) => void
}

/** The action: read inputs, run the gate, publish results. Every failure ends in one setFailed line. */
export async function run(options: RunOptions = {}): Promise<void> {
  budget = newBudget()
  const state: RunState = {}
  const exit = options.exit ?? ((code: number) => process.exit(code))
  let cancelling: Promise<void> | undefined
  const uninstall = onCancelSignals(signal => {
    cancelling = cancelRun(signal, state).finally(() => {
      budget.finish()
      exit(1)
    })
  })
  try {
    const inputs = readInputs(name => core.getInput(name))
    state.inputs = inputs
    useGitAuth(inputs.token, process.env.GITHUB_SERVER_URL)
    refuseUntrustedEvent(inputs, process.env)
    if (inputs.mode === 'report') return await runReportMode(inputs, warn)
    if (inputs.mode === 'merge') return await runMergeMode(inputs, { warn, annotate })
    if (process.env.GITHUB_EVENT_NAME === 'pull_request') {
      const credentials = await persistedCredentialsWarning(
        (await repoRoot(inputs.workspace)) ?? inputs.workspace
      )
      if (credentials) warn(credentials)
    }
    const loaded = await loadActionConfig(inputs)
    if (!loaded) return
    const pr = await pullRequestGate(inputs, loaded)
    const config = inputs.shard ? applyShard(pr.config, inputs.shard, 'the "shard" input') : pr.config
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
    const compare = wantsCompare(inputs, process.env)
    const report =
      compare && config.compare.mode === 'interleaved'
        ? await compareInAction(inputs, config, onSpawned, pr.acceptances)
        : await runInAction(inputs, config, onSpawned, compare)
    stampIfLeg(report, config)
    if (pr.gate) report.gate = pr.gate
    if (!state.cancelled) await publish(report, config, inputs, state)
  } catch (err) {
    if (!state.cancelled) await reportFailure(err, state)
  } finally {
    uninstall()
    if (cancelling) await cancelling
    else budget.finish()
  }
}
