import { realpath } from 'node:fs/promises'
import path from 'node:path'
import { runGit } from '../git/runner.js'
import { parseConfig } from '../config/load.js'
import { ConfigError } from '../config/problems.js'
import type { Config, Scenario } from '../config/types.js'
import { ACCEPT_LABEL } from '../compare/accept.js'
import { configUsed, requestContent } from '../report/config-used.js'
import type { GateInfo, LimitChange } from '../model/report.js'

type Used = ReturnType<typeof configUsed>
type ScenarioUsed = Used['scenarios'][number]

const NONE = '(none)'

/** `metric expression` lines keyed by metric: "latency.p99 < 50ms (warn)" -> latency.p99 => "< 50ms (warn)". */
function byMetric(lines: string[]): Map<string, string> {
  return new Map(
    lines.map(line => {
      const space = line.indexOf(' ')
      return [line.slice(0, space), line.slice(space + 1)]
    })
  )
}

function diffMaps(scenario: string, kind: string, base: Map<string, string>, head: Map<string, string>) {
  const out: LimitChange[] = []
  for (const metric of new Set([...base.keys(), ...head.keys()])) {
    const b = base.get(metric) ?? NONE
    const h = head.get(metric) ?? NONE
    if (b !== h) out.push({ scenario, limit: `${metric}${kind}`, base: b, head: h })
  }
  return out
}

function scenarioChanges(base: ScenarioUsed | undefined, head: ScenarioUsed | undefined): LimitChange[] {
  const name = (base ?? head)!.name
  if (!base) return []
  if (!head) return [{ scenario: name, limit: 'scenario', base: 'measured', head: '(removed)' }]
  const out: LimitChange[] = [
    ...diffMaps(name, '', byMetric(base.thresholds), byMetric(head.thresholds)),
    ...diffMaps(name, ' (regression)', byMetric(base.regression), byMetric(head.regression))
  ]
  const fields: Array<[string, string, string]> = [
    ['min-requests', String(base.minRequests), String(head.minRequests)],
    ['max-error-rate', base.maxErrorRate, head.maxErrorRate],
    ['request', base.requests.join('; '), head.requests.join('; ')],
    ['values', (base.values ?? []).join(', ') || NONE, (head.values ?? []).join(', ') || NONE],
    ['suite', base.suite, head.suite],
    ['load', base.load, head.load]
  ]
  for (const [limit, b, h] of fields) if (b !== h) out.push({ scenario: name, limit, base: b, head: h })
  return out
}

/** Every difference in what decides the gate, base vs the PR: limits, tolerances, validity, compare settings. */
export function limitChanges(base: Config, head: Config): LimitChange[] {
  const b = configUsed(base)
  const h = configUsed(head)
  const names = [...new Set([...b.scenarios.map(s => s.name), ...h.scenarios.map(s => s.name)])]
  const out = names.flatMap(name =>
    scenarioChanges(
      b.scenarios.find(s => s.name === name),
      h.scenarios.find(s => s.name === name)
    )
  )
  out.push(...contentChanges(base, head))
  const global: Array<[string, string, string]> = [
    ['compare.mode', b.compare.mode, h.compare.mode],
    ['compare.rounds', b.compare.rounds, h.compare.rounds],
    ['compare.budget', b.compare.budget, h.compare.budget],
    ['compare.confirm', String(b.compare.confirm), String(h.compare.confirm)],
    ['compare.confidence', b.compare.confidence, h.compare.confidence],
    ['baseline.store', b.baseline.store, h.baseline.store],
    ['baseline.rounds', String(b.baseline.rounds ?? NONE), String(h.baseline.rounds ?? NONE)],
    ['baseline.noise', b.baseline.noise ?? NONE, h.baseline.noise ?? NONE],
    ['baseline.on-runner-mismatch', b.baseline.onRunnerMismatch ?? NONE, h.baseline.onRunnerMismatch ?? NONE],
    ['on-inconclusive', b.onInconclusive, h.onInconclusive]
  ]
  for (const [limit, bv, hv] of global) if (bv !== hv) out.push({ limit, base: bv, head: hv })
  return out
}

/** Scenarios of both configs whose header values, body or placeholder values differ (the values are never shown). */
function contentChanges(base: Config, head: Config): LimitChange[] {
  return head.scenarios.flatMap(h => {
    const b = base.scenarios.find(s => s.name === h.name)
    return b && requestContent(b) !== requestContent(h)
      ? [
          {
            scenario: h.name,
            limit: 'request content',
            base: 'header values, body and values as in the base',
            head: 'changed (not shown: they may hold credentials)'
          }
        ]
      : []
  })
}

/** A scenario taken from the base's config: its source positions point into the base's file, so they go. */
function fromBase(s: Scenario): Scenario {
  const { source: _source, ...rest } = s
  return {
    ...rest,
    thresholds: s.thresholds.map(({ source: _s, ...t }) => t),
    regression: s.regression.map(({ source: _s, ...r }) => r)
  }
}

const same = (a: Scenario, b: Scenario, ca: Config, cb: Config) =>
  JSON.stringify(configUsed({ ...ca, scenarios: [a] }).scenarios[0]) ===
    JSON.stringify(configUsed({ ...cb, scenarios: [b] }).scenarios[0]) &&
  requestContent(a) === requestContent(b)

/**
 * The config a pull request is gated with: the base's scenarios (limits, tolerances, validity limits and how they
 * are measured), the scenarios the PR adds with their own limits, and the base's compare settings, baseline
 * settings (which store a stored comparison reads, its noise allowance) and on-inconclusive. The service
 * (command, build, ready, env) stays the PR's: it is the code under test.
 */
export function gateConfig(head: Config, base: Config): Config {
  const baseByName = new Map(base.scenarios.map(s => [s.name, s]))
  const headNames = new Set(head.scenarios.map(s => s.name))
  const scenarios = [
    ...head.scenarios.map(h => {
      const b = baseByName.get(h.name)
      return !b || same(h, b, head, base) ? h : fromBase(b)
    }),
    ...base.scenarios.filter(b => !headNames.has(b.name)).map(fromBase)
  ]
  return {
    ...head,
    scenarios,
    compare: base.compare,
    onInconclusive: base.onInconclusive,
    baseline: base.baseline
  }
}

/** The commit the PR targets, as the clone knows it: base-ref, the target branch, or the event's base SHA. */
export async function resolveBaseRev(repo: string, candidates: string[], fetchBranch?: string) {
  const verify = async (rev: string) =>
    (await runGit(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])).code === 0
  for (const rev of candidates) if (await verify(rev)) return rev
  if (fetchBranch) {
    await runGit(repo, [
      'fetch',
      '--no-tags',
      '--quiet',
      'origin',
      `+refs/heads/${fetchBranch}:refs/remotes/origin/${fetchBranch}`
    ]).catch(() => undefined)
    for (const rev of candidates) if (await verify(rev)) return rev
  }
  return undefined
}

export async function resolveSha(repo: string, rev: string): Promise<string | undefined> {
  const result = await runGit(repo, ['rev-parse', '--verify', '--quiet', `${rev}^{commit}`])
  return result.code === 0 ? result.stdout.toString().trim() : undefined
}

/** `file` (an absolute path in the workspace) as git names it inside `repo`, with `/` separators. */
async function inRepoPath(repo: string, file: string): Promise<string> {
  // git prints the top level with symlinks resolved (/var -> /private/var on macOS): compare real paths
  const real = (p: string) => realpath(p).catch(() => p)
  const dir = await real(path.dirname(file))
  return path
    .relative(await real(repo), path.join(dir, path.basename(file)))
    .split(path.sep)
    .join('/')
}

/**
 * The base's config file, found at `rev` by the discovery the head's went through: the first of `files` (absolute
 * paths in the workspace, in discovery order) that is a file at `rev`; undefined when the base has none of them.
 */
export async function findBaseConfig(
  repo: string,
  rev: string,
  files: string[]
): Promise<string | undefined> {
  for (const file of files) {
    const type = await runGit(repo, ['cat-file', '-t', `${rev}:${await inRepoPath(repo, file)}`])
    if (type.code === 0 && type.stdout.toString().trim() === 'blob') return file
  }
  return undefined
}

/** The base's config at `rev`, or why there is none. */
export async function readBaseConfig(
  repo: string,
  rev: string,
  configFile: string
): Promise<{ config?: Config; missing?: true; problem?: string }> {
  const inRepo = await inRepoPath(repo, configFile)
  const shown = await runGit(repo, ['show', `${rev}:${inRepo}`])
  if (shown.code !== 0) {
    const exists = await runGit(repo, ['cat-file', '-e', `${rev}^{commit}`])
    return exists.code === 0 ? { missing: true } : { problem: shown.stderr.trim().split('\n').at(-1) }
  }
  try {
    return { config: parseConfig(shown.stdout.toString(), `${rev}:${inRepo}`, path.dirname(configFile)) }
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    return { problem: `it is invalid (${err.problems[0]?.message ?? err.message})` }
  }
}

/** Where the config lives at the base and in the PR (paths relative to the workspace), when the PR moved it. */
export interface ConfigMove {
  base: string
  head: string
}

/**
 * In a pull request the gate comes from the base: read its config, compare, and decide which limits apply. The
 * PR's changes to them (moving or shadowing the base's config file among them) apply only with the perf-accepted
 * label (`acceptedBy` names who applied it). A base config that cannot be read fails closed: `error` says why,
 * and the run is errored; only a base without any config (the PR adds perfgate) lets the PR's own limits apply.
 */
export function decideGate(
  head: Config,
  base: { config?: Config; missing?: true; problem?: string },
  where: string,
  acceptedBy: string | undefined,
  configName = head.file,
  moved?: ConfigMove
): { config: Config; gate: GateInfo; error?: string } {
  if (!base.config) {
    if (base.missing)
      return {
        config: head,
        gate: {
          source: 'pr',
          base: where,
          changes: [],
          message: `the base (${where}) has no ${configName}: this pull request adds perfgate, so its own limits apply`
        }
      }
    const message =
      `the gate could not be read from the base (${where}): ${base.problem ?? 'unknown'}. perfgate does not fall ` +
      "back to the pull request's own limits; fix the base's config, or make the base reachable (fetch-depth: 0 or a base-ref input)"
    return { config: head, gate: { source: 'base', base: where, changes: [], message }, error: message }
  }
  const changes = [
    ...(moved ? [{ limit: 'config file', base: moved.base, head: moved.head }] : []),
    ...limitChanges(base.config, head)
  ]
  if (changes.length === 0)
    return {
      config: head,
      gate: { source: 'base', base: where, changes, message: `limits as in the base (${where})` }
    }
  if (acceptedBy)
    return {
      config: head,
      gate: {
        source: 'pr',
        base: where,
        changes,
        message: `this pull request changes perfgate's limits, and they apply now: ${acceptedBy} accepts them`
      }
    }
  return {
    config: gateConfig(head, base.config),
    gate: {
      source: 'base',
      base: where,
      changes,
      message:
        (moved
          ? `this pull request moves or shadows perfgate's config (${moved.base} at the base, ${moved.head} in the PR); the gate used the base's (${where}). `
          : `this pull request changes perfgate's limits; the gate used the base's (${where}). `) +
        `The changes take effect after merge, or now with the ${ACCEPT_LABEL} label`
    }
  }
}
