import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { main } from '../../../src/cli/main.js'
import type { Report } from '../../../src/model/report.js'
import { captureIO } from '../../../__fixtures__/cli.js'
import type { ZooSite } from './site.js'

export interface GateOutcome {
  exitCode: number
  /** undefined when perfgate wrote no report (it failed before measuring) */
  report?: Report
  /** what perfgate printed, for a failing test's message */
  output: string
}

async function readReport(file: string): Promise<Report | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as Report
  } catch {
    return undefined
  }
}

/** `perfgate run` on the site's config, in this process, as the CLI would. */
export async function perfgateRun(site: ZooSite): Promise<GateOutcome> {
  return perfgate(site, 'run', [])
}

/** `perfgate compare` A/A: base and head are the same app directory. */
export async function perfgateCompareAA(site: ZooSite, scenarios: string[]): Promise<GateOutcome> {
  const only = scenarios.flatMap(name => ['--scenario', name])
  return perfgate(site, 'compare', ['--base', site.dir, '--head', site.dir, ...only])
}

async function perfgate(site: ZooSite, command: 'run' | 'compare', args: string[]): Promise<GateOutcome> {
  const out = path.join(site.dir, `report-${command}`)
  const io = captureIO(site.dir)
  const exitCode = await main([command, '--config', site.configFile, '--out', out, ...args], io)
  const report = await readReport(path.join(out, 'report.json'))
  return { exitCode, report, output: `${io.out}${io.err}` }
}

/** The scenario verdicts, e.g. "closed pass, open pass"; or why there is no report. */
export function verdictsOf(outcome: GateOutcome): string {
  if (!outcome.report) return `no report (exit ${outcome.exitCode})`
  return outcome.report.scenarios.map(s => `${s.name} ${s.verdict}`).join(', ')
}

/** Errors perfgate reported for the scenarios, for a failing test's message. */
export function errorsOf(outcome: GateOutcome): string {
  const errors = (outcome.report?.scenarios ?? [])
    .filter(s => s.error)
    .map(s => `${s.name}: ${s.error!.kind}: ${s.error!.message}`)
  return errors.length ? errors.join('\n') : outcome.output.slice(-3000)
}
