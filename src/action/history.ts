import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { formatChange } from '../config/format.js'
import type { Config } from '../config/types.js'
import { storeFor } from '../gate/baseline.js'
import { commitMessages, headSha, repoRoot } from '../git/history.js'
import { createClient, type ClientFactory } from '../github/client.js'
import { readPrContext } from '../github/context.js'
import { explainApiError } from '../github/errors.js'
import { upsertChangePointIssue } from '../github/issues.js'
import { newChanges, metricContext } from '../history/alerts.js'
import { HISTORY_METRICS } from '../history/analyse.js'
import { readHistory } from '../history/read.js'
import type { EventSink } from '../measure/events.js'
import type { HistoryChange, HistoryReport } from '../model/history.js'
import type { Report } from '../model/report.js'
import { escapeMarkdownText, markdownCode } from '../report/escape.js'
import { changesTable, describeChange } from '../report/history-markdown.js'
import { renderHistoryPage } from '../report/history-page.js'
import { readEventPayload } from './event.js'
import type { ActionInputs } from './inputs.js'
import { runUrl, type HistoryExtras } from './publish.js'
import type { ActionSession } from './session.js'
import { logText } from './safe-log.js'

/** What the push job does with a change point its newest run brought to light (the `on-change-point` input). */
export type OnChangePoint = 'warn' | 'fail' | 'issue'

export interface PushHistory {
  /** the job summary's section: the small table of the newest change points, and what is new */
  summary: string
  /** the new steps for the worse, in words */
  alerts: string[]
  /** on-change-point: fail with a new step for the worse: why the job fails */
  fail?: string
  /** where the page was written (perfgate-report/history/index.html) */
  page: string
}

export interface PushHistoryOptions {
  config: Config
  repo: string
  /** the commit just stored */
  sha: string
  mode: OnChangePoint
  outDir: string
  events: EventSink
  warn: (message: string) => void
  env: NodeJS.ProcessEnv
  token: string
  runUrl?: string
  createClient?: ClientFactory
  now?: number
}

/** The history of the store read after a push stored its run: the page, the summary, the alerts. */
export async function pushHistory(options: PushHistoryOptions): Promise<PushHistory | undefined> {
  const store = storeFor(options.config, options.repo, options.events)
  if (!store) return undefined
  const report = await readHistory({ store, repo: options.repo, ref: options.sha })
  const page = await writeHistoryFiles(report, options.outDir)
  const now = options.now ?? Date.now()
  const fresh = newChanges(report, options.sha).filter(c => c.worse)
  const alerts = fresh.map(describeChange)
  for (const alert of alerts) options.warn(`perfgate: a change point in the stored history: ${alert}`)
  const issues = options.mode === 'issue' ? await openIssues(fresh, options) : []
  const newSection = fresh.length
    ? `\n**New with this run** (on-change-point: ${options.mode}):\n\n${alerts.map(a => `- ${escapeMarkdownText(a)}`).join('\n')}\n${issues.map(i => `\n${i}`).join('')}`
    : ''
  return {
    summary: `${changesTable(report.changes, now)}${newSection}\nThe page with every series: ${markdownCode(path.relative(options.outDir, page))} in the report artifact.\n`,
    alerts,
    ...(options.mode === 'fail' && fresh.length
      ? {
          fail: `perfgate: ${fresh.length} new change point${fresh.length === 1 ? '' : 's'} for the worse: ${alerts[0]}`
        }
      : {}),
    page
  }
}

/** history/index.html and history/history.json next to the report. */
export async function writeHistoryFiles(report: HistoryReport, outDir: string): Promise<string> {
  const dir = path.join(outDir, 'history')
  await mkdir(dir, { recursive: true })
  await writeFile(path.join(dir, 'history.json'), `${JSON.stringify(report)}\n`)
  const page = path.join(dir, 'index.html')
  await writeFile(page, renderHistoryPage(report))
  return page
}

async function issueBody(change: HistoryChange, options: PushHistoryOptions): Promise<string> {
  const commits = await commitMessages(options.repo, change.previousSha, change.sha)
  const list = commits
    .slice(0, 30)
    .map(c => `- ${markdownCode(c.sha.slice(0, 7))} ${escapeMarkdownText(c.message.split('\n')[0] ?? '')}`)
  return [
    `${escapeMarkdownText(describeChange(change))}.`,
    '',
    `p = ${change.pValue.toExponential(1)}; runner: ${escapeMarkdownText(change.series)}.`,
    '',
    `Commits in the step's range (${markdownCode(`${change.previousSha.slice(0, 7)}..${change.sha.slice(0, 7)}`)}):`,
    '',
    ...(list.length ? list : ['- (not in this clone: fetch more history to list them)']),
    '',
    options.runUrl
      ? `The chart: \`history/index.html\` in the perfgate-report artifact of [this run](${options.runUrl}).`
      : 'The chart: `history/index.html` in the perfgate-report artifact.',
    '',
    'perfgate updates this issue when the step changes; close it once the step is explained or fixed.'
  ].join('\n')
}

/** One sticky issue per scenario and metric; a failure to write one is a warning, never the job's verdict. */
async function openIssues(changes: HistoryChange[], options: PushHistoryOptions): Promise<string[]> {
  if (!changes.length) return []
  if (!options.token) {
    options.warn('perfgate: on-change-point: issue needs the github-token input; no issue opened')
    return []
  }
  let ctx
  try {
    ctx = readPrContext(options.env, readEventPayload(options.env))
  } catch (err) {
    options.warn(`perfgate: no change-point issue: ${(err as Error).message}`)
    return []
  }
  const octokit = (options.createClient ?? createClient)(options.token, {
    apiUrl: ctx.apiUrl,
    log: message => logText(message)
  })
  const out: string[] = []
  for (const change of changes) {
    try {
      const result = await upsertChangePointIssue(octokit, {
        owner: ctx.repo.owner,
        repo: ctx.repo.repo,
        key: `${change.scenario}/${change.metric}`,
        title: `perf: ${change.metric} of ${change.scenario} stepped ${formatChange(change.change)} at ${change.sha.slice(0, 7)}`,
        body: await issueBody(change, options)
      })
      out.push(`Issue #${result.number} ${result.action}: ${result.url}`)
    } catch (err) {
      options.warn(explainApiError(err, 'the change-point issue (it needs permissions: issues: write)'))
    }
  }
  return out
}

/**
 * For a PR's failing regression checks: what the default branch did meanwhile, read from the store and set as each
 * check's `mainContext` (best effort: no store or no history sets none). Returns how many checks got one.
 */
export async function prContext(
  report: Report,
  config: Config,
  repo: string,
  branch: string,
  events: EventSink
): Promise<number> {
  const failing = report.scenarios.flatMap(s =>
    s.checks
      .filter(c => c.verdict === 'fail' && c.kind === 'regression')
      .map(check => ({ scenario: s.name, check }))
  )
  if (!failing.length) return 0
  const store = storeFor(config, repo, events)
  if (!store) return 0
  const history = await readHistory({
    store,
    repo,
    ...(report.git?.baseSha ? { ref: report.git.baseSha } : {}),
    metrics: [...new Set([...HISTORY_METRICS, ...failing.map(f => f.check.metric)])]
  })
  let count = 0
  for (const { scenario, check } of failing) {
    const context = metricContext(history, scenario, check.metric, branch)
    if (context) {
      check.mainContext = context
      count++
    }
  }
  return count
}

/** What the stored history adds to a finished gate, and whether it fails the job (on-change-point: fail). */
export async function historyFor(
  report: Report,
  config: Config,
  inputs: ActionInputs,
  session: Pick<ActionSession, 'warn' | 'events'>,
  env: NodeJS.ProcessEnv,
  createClient?: ClientFactory
): Promise<HistoryExtras & { fail?: string }> {
  try {
    const repo = (await repoRoot(inputs.workspace)) ?? inputs.workspace
    if (report.baseline?.saved?.saved) {
      const sha = report.git?.sha ?? (await headSha(repo))
      if (!sha) return {}
      const pushed = await pushHistory({
        config,
        repo,
        sha,
        mode: inputs.onChangePoint,
        outDir: inputs.outDir,
        events: session.events,
        warn: session.warn,
        env,
        token: inputs.token,
        runUrl: runUrl(env),
        ...(createClient ? { createClient } : {})
      })
      return pushed ? { summary: pushed.summary, ...(pushed.fail ? { fail: pushed.fail } : {}) } : {}
    }
    if (env.GITHUB_EVENT_NAME === 'pull_request' && config.baseline.store !== 'none') {
      const pr = readPrContext(env, readEventPayload(env))
      const branch = pr.baseRef ?? pr.defaultBranch ?? 'main'
      await prContext(report, config, repo, branch, session.events)
    }
  } catch (err) {
    session.warn(`perfgate: the stored history could not be analysed: ${(err as Error).message}`)
  }
  return {}
}
