import { copyFile, mkdir, rename, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
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

/** The files rendered from report.json, the same way by run, compare and merge as by `perfgate report`. */
export const RENDERED = ['summary', 'html', 'metrics', 'junit'] as const
export type RenderedFile = (typeof RENDERED)[number]

/** One rendered file's text, from the report alone. */
export function renderFile(kind: RenderedFile, report: Report, options: CommentOptions = {}): string {
  switch (kind) {
    case 'summary':
      return renderSummary(report, options)
    case 'html':
      return renderHtml(report)
    case 'metrics':
      return renderOpenMetrics(report)
    case 'junit':
      return renderJunit(report)
  }
}

export async function writeAtomically(file: string, content: string): Promise<void> {
  const temp = `${file}.${process.pid}.tmp`
  await writeFile(temp, content)
  await rename(temp, file)
}

/** Where a profiled scenario's files go beside report.json: profile/ for the first, profile/<n>-<scenario>/ after. */
export function profileFolder(index: number, scenario: string): string {
  if (index === 0) return 'profile'
  const safe = scenario
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .replace(/^\.+/, '_')
    .slice(0, 60)
  return `profile/${index + 1}-${safe}`
}

/**
 * The profiles' files (temporary while the gate ran) copied beside report.json as profile/base.cpuprofile and
 * profile/head.cpuprofile (a further profiled scenario's in profile/<n>-<scenario>/); the report then names them
 * relative to its directory (in place: the comment rendered after the files were written names them the same way).
 */
async function placeProfiles(report: Report, dir: string): Promise<void> {
  for (const [i, profile] of (report.profiles ?? []).entries()) {
    const folder = profileFolder(i, profile.scenario)
    for (const side of ['base', 'head'] as const) {
      const summary = profile[side]
      if (!summary?.file || !path.isAbsolute(summary.file) || !existsSync(summary.file)) continue
      const relative = `${folder}/${side}${path.extname(summary.file)}`
      await mkdir(path.join(dir, folder), { recursive: true })
      await copyFile(summary.file, path.join(dir, relative))
      summary.file = relative
    }
  }
}

/** Writes report.json, summary.md, report.html, metrics.prom, junit.xml and the profiles (profile/) into `dir`. */
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
  await placeProfiles(report, dir)
  await writeAtomically(files.json, JSON.stringify(report, null, 2) + '\n')
  for (const kind of RENDERED) await writeAtomically(files[kind], renderFile(kind, report, options))
  return files
}
