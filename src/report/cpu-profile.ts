/**
 * The words of the CPU profiles (model/profile.ts): the PR comment's "Where the head spends more CPU per request"
 * under the failing check, the terminal's rows, and `perfgate run --profile`'s top functions. Every name and path
 * is untrusted text (a profile is what the service's code says of itself): escaped like everything else.
 */
import { formatDuration } from '../config/format.js'
import type { FunctionChange, FunctionCost, ProfileFrame, ProfileReport } from '../model/profile.js'
import type { Report } from '../model/report.js'
import { escapeMarkdownText, markdownCode } from './escape.js'

/** How many functions the comment and the terminal show. */
export const SHOWN_FUNCTIONS = 5

export const NO_CHANGE = 'no function changed beyond noise'

const e = escapeMarkdownText

/** 'handle (express)', 'hashWork', '(garbage collector)'. */
export function functionName(frame: ProfileFrame): string {
  return frame.package ? `${frame.name} (${frame.package})` : frame.name
}

/** Where a function is written: the repository file, or the script's URL or path, with its line. */
export function functionPlace(frame: ProfileFrame): string {
  const where = frame.file ?? frame.url.replace(/^file:\/\//, '')
  if (!where) return 'native'
  return frame.line > 0 ? `${where}:${frame.line}` : where
}

const perRequest = (us: number) => formatDuration(us)

function changeText(c: FunctionChange): string {
  return `+${perRequest(c.changeUs)} (${perRequest(c.lowUs)} .. ${perRequest(c.highUs)})`
}

/** The profiled step in words: which scenario, for how long, what each side's CPU per request was. */
export function profileHeadline(profile: ProfileReport): string {
  const seconds = `${(profile.durationMs / 1000).toFixed(0)} s`
  const cpu = profile.base
    ? `CPU per request ${perRequest(profile.base.cpuPerRequestUs)} → ${perRequest(profile.head.cpuPerRequestUs)}`
    : `CPU per request ${perRequest(profile.head.cpuPerRequestUs)}`
  return `${profile.scenario}, profiled after the verdict (${seconds} under its load, sampled every ${perRequest(profile.intervalUs)}); ${cpu}`
}

export interface SourceLinks {
  /** https://github.com/owner/name: files of the repository link to the head commit there */
  repositoryUrl?: string
  sha?: string
}

/** A function's place as Markdown: a link to its line in the head commit when it is a file of the repository. */
function placeMarkdown(frame: ProfileFrame, links: SourceLinks): string {
  const text = markdownCode(functionPlace(frame))
  if (!frame.file || !links.repositoryUrl || !links.sha || !/^[0-9a-f]{7,40}$/.test(links.sha)) return text
  // a path from a report artifact is untrusted: only plain relative segments become a link
  const segments = frame.file.split('/')
  if (segments.some(s => s === '' || s === '.' || s === '..')) return text
  const file = segments.map(encodeURIComponent).join('/')
  return `[${text}](${links.repositoryUrl}/blob/${links.sha}/${file}${frame.line > 0 ? `#L${frame.line}` : ''})`
}

function table(head: string[], rows: string[][]): string[] {
  return [
    `| ${head.join(' | ')} |`,
    `|${head.map(() => '---').join('|')}|`,
    ...rows.map(r => `| ${r.join(' | ')} |`)
  ]
}

function topRows(top: readonly FunctionCost[], links: SourceLinks): string[][] {
  return top
    .slice(0, SHOWN_FUNCTIONS)
    .map(t => [
      markdownCode(functionName(t.frame)),
      perRequest(t.selfUs),
      perRequest(t.totalUs),
      placeMarkdown(t.frame, links)
    ])
}

/** The comment's block under the profiled scenario's checks. */
export function profileMarkdown(profile: ProfileReport, links: SourceLinks = {}): string[] {
  const notes = profile.notes.map(n => `> ${e(n)}`)
  if (profile.mode === 'run') {
    return [
      `**Where the head spends its CPU per request** (${e(profileHeadline(profile))})`,
      '',
      ...table(['function', 'self', 'total', 'where'], topRows(profile.top, links)),
      '',
      ...notes.flatMap(n => [n, ''])
    ]
  }
  const rows = profile.increased
    .slice(0, SHOWN_FUNCTIONS)
    .map(c => [
      markdownCode(functionName(c.frame)),
      `${perRequest(c.base.selfUs)} → ${perRequest(c.head.selfUs)}`,
      e(changeText(c)),
      placeMarkdown(c.frame, links)
    ])
  return [
    `**Where the head spends more CPU per request** (${e(profileHeadline(profile))})`,
    '',
    ...(rows.length
      ? table(['function', 'base → head, per request', 'change (interval)', 'where'], rows)
      : [`${NO_CHANGE}.`]),
    '',
    ...notes.flatMap(n => [n, '']),
    ...(profile.base?.file
      ? [
          `<sub>Profiles: ${markdownCode(profile.base.file)}, ${markdownCode(profile.head.file ?? '')} (${profile.base.file.endsWith('.folded') ? "perf's folded stacks: flamegraph.pl, speedscope" : 'Chrome DevTools, speedscope'}); the flame graph is in report.html.</sub>`,
          ''
        ]
      : [])
  ]
}

/** Text from a profile, fit for a terminal: no control characters (no escape sequences a name could carry). */
// eslint-disable-next-line no-control-regex
const plain = (text: string) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')

/** The terminal's rows, per profiled scenario: the functions that grew (compare) or the head's top functions (run). */
export function profileTerminal(report: Report): string[][] {
  return (report.profiles ?? []).map(profileLines)
}

function profileLines(profile: ProfileReport): string[] {
  const lines = [profileHeadline(profile)]
  if (profile.mode === 'compare') {
    lines[0] = `Where the head spends more CPU per request: ${lines[0]}`
    if (!profile.increased.length) lines.push(`  ${NO_CHANGE}`)
    for (const c of profile.increased.slice(0, SHOWN_FUNCTIONS))
      lines.push(
        `  ${functionName(c.frame)}  ${perRequest(c.base.selfUs)} → ${perRequest(c.head.selfUs)}  ${changeText(c)}  ${functionPlace(c.frame)}`
      )
  } else {
    lines[0] = `Where the head spends its CPU per request: ${lines[0]}`
    for (const t of profile.top.slice(0, SHOWN_FUNCTIONS))
      lines.push(
        `  ${functionName(t.frame)}  self ${perRequest(t.selfUs)}  total ${perRequest(t.totalUs)}  ${functionPlace(t.frame)}`
      )
  }
  for (const note of profile.notes) lines.push(`  note: ${note}`)
  return lines.map(plain)
}
