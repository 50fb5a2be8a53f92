import * as core from '@actions/core'
import path from 'node:path'
import { jobFails } from '../compare/verdict.js'
import type { Config } from '../config/types.js'
import type { ClientFactory } from '../github/client.js'
import type { Report } from '../model/report.js'
import { renderSummary } from '../report/markdown.js'
import { writeReportFiles, type ReportFiles } from '../report/write.js'
import { reportAnnotations } from './annotations.js'
import { publishComment } from './comment.js'
import { configFile } from './config.js'
import type { ActionInputs } from './inputs.js'
import type { ActionSession } from './session.js'
import { capSummary, writeSummary } from './summary.js'
import { logText } from './safe-log.js'

/** The link to this workflow run, when the environment names it. */
export function runUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY || !env.GITHUB_RUN_ID) return undefined
  return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}`
}

/** The repository's page (https://github.com/owner/name): the profile's functions link to their lines there. */
export function repositoryUrl(env: NodeJS.ProcessEnv): string | undefined {
  if (!env.GITHUB_REPOSITORY) return undefined
  return `${env.GITHUB_SERVER_URL ?? 'https://github.com'}/${env.GITHUB_REPOSITORY}`
}

/** The report files' paths as outputs: report (report.json), html, summary, junit and metrics (metrics.prom). */
export function setFileOutputs(files: ReportFiles): void {
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

/** What the stored history adds after a push: a job-summary section (a PR's context is in its checks' data). */
export interface HistoryExtras {
  summary?: string
}

/**
 * The outputs of a finished gate: report files, job summary, annotations, action outputs and the PR comment, then
 * the step's verdict. `onFiles` learns the report files as soon as they are written.
 */
export async function publish(
  report: Report,
  config: Config,
  inputs: ActionInputs,
  session: ActionSession,
  env: NodeJS.ProcessEnv,
  onFiles: (files: ReportFiles) => void,
  createClient?: ClientFactory,
  history: HistoryExtras = {}
): Promise<void> {
  const url = runUrl(env)
  const links = { runUrl: url, artifactName: 'perfgate-report', repositoryUrl: repositoryUrl(env) }
  const files = await writeReportFiles(report, inputs.outDir, links)
  onFiles(files)
  const summary = renderSummary(report, links)
  await writeSummary(capSummary(`${summary}${history.summary ? `\n${history.summary}` : ''}`), env)
  session.annotate(reportAnnotations(report, path.relative(inputs.workspace, configFile(inputs))))
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
    warn: session.warn,
    env,
    createClient
  })
  core.setOutput('comment-url', commentUrl ?? '')
  if (failing) core.setFailed(report.headline)
  else logText(report.headline)
}
