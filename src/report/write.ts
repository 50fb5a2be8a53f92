import { mkdir, rename, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Report } from '../model/report.js'
import { renderSummary, type CommentOptions } from './markdown.js'
import { renderOpenMetrics } from './openmetrics.js'
import { renderHtml } from './html.js'
import { renderJunit } from './junit.js'

export interface ReportFiles {
  dir: string
  json: string
  summary: string
  html: string
  metrics: string
  junit: string
}

async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, content)
  await rename(temp, file)
}

/** Writes report.json, summary.md, report.html, metrics.prom and junit.xml into `dir`. */
export async function writeReportFiles(
  report: Report,
  dir: string,
  options: CommentOptions = {}
): Promise<ReportFiles> {
  await mkdir(dir, { recursive: true })
  const files: ReportFiles = {
    dir,
    json: path.join(dir, 'report.json'),
    summary: path.join(dir, 'summary.md'),
    html: path.join(dir, 'report.html'),
    metrics: path.join(dir, 'metrics.prom'),
    junit: path.join(dir, 'junit.xml')
  }
  await writeAtomically(files.json, JSON.stringify(report, null, 2) + '\n')
  await writeAtomically(files.summary, renderSummary(report, options))
  await writeAtomically(files.html, renderHtml(report))
  await writeAtomically(files.metrics, renderOpenMetrics(report))
  await writeAtomically(files.junit, renderJunit(report))
  return files
}
