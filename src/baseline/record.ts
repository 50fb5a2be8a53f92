import { createHash } from 'node:crypto'
import { Ajv } from 'ajv'
import baselineSchema from '../../schema/baseline.schema.json' with { type: 'json' }
import type { Verdict } from '../model/check.js'
import type { MetricValues } from '../model/metrics.js'
import type { Report, RunnerFingerprint } from '../model/report.js'
import { VERSION } from '../version.js'
import { v1ToV2 } from './migrations.js'

/**
 * The newest record format this perfgate reads and the one it writes. 2: throughput.ok_rps, and the suites'
 * throughput figures count successes (src/baseline/migrations.ts).
 */
export const BASELINE_SCHEMA_VERSION = 2
/**
 * The version of the store's layout that meta.json carries: the tree below, not the records in it, which carry
 * their own version and are migrated one by one. It changes only when the tree does.
 */
export const STORE_LAYOUT_VERSION = 1
/** The layout of the store's tree; records of every schema version live under it. */
export const LAYOUT_DIR = 'v1'
export const RUNS_DIR = `${LAYOUT_DIR}/runs`
export const META_FILE = 'meta.json'

export interface BaselineRound {
  round: number
  metrics: MetricValues
  histogram?: string
}

export interface BaselineScenario {
  name: string
  /** a hash of the scenario's requests, values, suite and load as the report words them (absent in older records) */
  definition?: string
  /** aggregated over rounds, as in the report */
  metrics: MetricValues
  rounds: BaselineRound[]
}

/** One stored run (schema/baseline.schema.json). */
export interface BaselineRecord {
  schemaVersion: number
  tool: { name: 'perfgate'; version: string }
  createdAt: string
  git: { sha: string; ref?: string; event?: string; runId: string; runAttempt: number; leg?: string }
  config: { hash: string; file: string }
  runner: RunnerFingerprint
  verdict: Exclude<Verdict, 'errored'>
  scenarios: BaselineScenario[]
}

export interface StoreMeta {
  schemaVersion: number
  createdBy: string
}

/** A record that could not be used: skipped with a warning that names it. */
export class CorruptRecordError extends Error {
  constructor(
    readonly path: string,
    reason: string
  ) {
    super(`${path}: ${reason}`)
  }
}

/** A record or store written by a newer perfgate: reading on would mean guessing, so this is an error. */
export class NewerBaselineError extends Error {}

/** The store cannot be read (as opposed to: it does not exist yet). Never treated as "no baseline". */
export class StoreError extends Error {}

const ajv = new Ajv({ allErrors: true, strict: true, $data: false })
const validateShape = ajv.compile<BaselineRecord>(baselineSchema)

export interface RecordIdentity {
  sha: string
  ref?: string
  event?: string
  runId: string
  runAttempt: number
  /** the leg of a matrix job (an action cannot see the matrix: the leg input, the comment id by default) */
  leg?: string
}

const SAFE_ID = /[^A-Za-z0-9._-]/g

/** A leg as it goes into a record and its path: characters outside [A-Za-z0-9._-] become `_`, at most 80. */
export const safeLeg = (leg: string) => leg.replace(SAFE_ID, '_').slice(0, 80)

/** The definition hash of a scenario: what it sends and how (not its limits); undefined without the config used. */
export function scenarioDefinition(report: Pick<Report, 'config'>, name: string): string | undefined {
  const used = report.config.used?.scenarios.find(s => s.name === name)
  if (!used) return undefined
  const { requests, values, suite, load } = used
  return createHash('sha256')
    .update(JSON.stringify([requests, values ?? [], suite, load]))
    .digest('hex')
    .slice(0, 12)
}

/** The record of a finished run. Errored runs have no record: they are never a baseline. */
export function recordFromReport(report: Report, id: RecordIdentity): BaselineRecord {
  if (report.verdict === 'errored') throw new Error('an errored run is never stored as a baseline')
  return {
    schemaVersion: BASELINE_SCHEMA_VERSION,
    tool: { name: 'perfgate', version: report.tool.version },
    createdAt: report.createdAt,
    git: {
      sha: id.sha,
      ...(id.ref ? { ref: id.ref } : {}),
      ...(id.event ? { event: id.event } : {}),
      runId: id.runId.replace(SAFE_ID, '_').slice(0, 80) || 'run',
      runAttempt: Math.max(1, Math.floor(id.runAttempt)),
      ...(id.leg ? { leg: safeLeg(id.leg) } : {})
    },
    config: { hash: report.config.hash, file: report.config.file },
    runner: report.runner,
    verdict: report.verdict,
    // only measured scenarios: an errored or skipped one has no rounds to compare with
    scenarios: report.scenarios
      .filter(s => s.verdict !== 'errored')
      .map(s => ({
        name: s.name,
        ...definitionOf(report, s.name),
        metrics: s.metrics,
        rounds: s.runs
          .filter(r => r.side === 'head' && !r.error)
          .map(r => ({
            round: r.round,
            metrics: r.metrics,
            ...(r.histogram ? { histogram: r.histogram } : {})
          }))
      }))
      .filter(s => s.rounds.length > 0)
  }
}

function definitionOf(report: Report, name: string): { definition?: string } {
  const definition = scenarioDefinition(report, name)
  return definition ? { definition } : {}
}

/**
 * `v1/runs/<sha>/<run-id>-<attempt>[-<leg>]-<config-hash>.json`: unique per run and per leg of a matrix job, so
 * writers never edit the same file (two legs of one run write two files).
 */
export function recordPath(record: BaselineRecord): string {
  const { sha, runId, runAttempt, leg } = record.git
  return `${RUNS_DIR}/${sha}/${runId}-${runAttempt}${leg ? `-${leg}` : ''}-${record.config.hash}.json`
}

export function serializeRecord(record: BaselineRecord): string {
  return `${JSON.stringify(record, null, 1)}\n`
}

export function newMeta(): StoreMeta {
  return { schemaVersion: STORE_LAYOUT_VERSION, createdBy: `perfgate ${VERSION}` }
}

function newerError(
  what: string,
  version: number,
  writer: string | undefined,
  supported = BASELINE_SCHEMA_VERSION,
  kind: 'record' | 'store' = 'record'
): NewerBaselineError {
  return new NewerBaselineError(
    `${what} uses baseline schema version ${version}; this perfgate (${VERSION}) reads up to version ${supported}: ` +
      `upgrade perfgate (${kind} written by ${writer ?? 'a newer perfgate'})`
  )
}

/** One pure step from a schema version to the next, keyed by the version it reads. */
export type Migrations = Readonly<Record<number, (data: Record<string, unknown>) => Record<string, unknown>>>

/** How records are read: the migrations to apply and the version they lead to. Tests pass their own. */
export interface RecordFormat {
  migrations: Migrations
  version: number
}

/** One pure step per older version (src/baseline/migrations.ts), each tested with a record of the version it reads. */
export const MIGRATIONS: Migrations = { 1: v1ToV2 }

const CURRENT_FORMAT: RecordFormat = { migrations: MIGRATIONS, version: BASELINE_SCHEMA_VERSION }

/** Upgrades a record of an older schema version in memory, step by step (files are never rewritten). */
export function migrateRecord(
  data: Record<string, unknown>,
  where: string,
  format: RecordFormat = CURRENT_FORMAT
): Record<string, unknown> {
  let current = data
  let version = current.schemaVersion as number
  while (version < format.version) {
    const step = format.migrations[version]
    if (!step) throw new CorruptRecordError(where, `unknown baseline schema version ${version}`)
    current = step(current)
    const next = current.schemaVersion
    // a step that does not move forward would loop forever: that is a bug in the step, not in the record
    if (typeof next !== 'number' || next <= version) {
      throw new Error(`the migration of baseline schema version ${version} did not raise the version`)
    }
    version = next
  }
  return current
}

/** Parses and checks one stored record; throws CorruptRecordError (skip it) or NewerBaselineError (stop). */
export function parseRecord(
  text: string,
  where: string,
  format: RecordFormat = CURRENT_FORMAT
): BaselineRecord {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (err) {
    throw new CorruptRecordError(where, `not valid JSON (${(err as Error).message})`)
  }
  if (!data || typeof data !== 'object' || Array.isArray(data)) {
    throw new CorruptRecordError(where, 'not a JSON object')
  }
  const raw = data as Record<string, unknown>
  const version = raw.schemaVersion
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 0) {
    throw new CorruptRecordError(where, 'has no valid schemaVersion')
  }
  if (version > format.version) {
    const tool = raw.tool as { version?: unknown } | undefined
    throw newerError(
      where,
      version,
      typeof tool?.version === 'string' ? `perfgate ${tool.version}` : undefined,
      format.version
    )
  }
  const migrated = migrateRecord(raw, where, format)
  if (!validateShape(migrated)) {
    const problems = (validateShape.errors ?? [])
      .slice(0, 3)
      .map(e => `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`)
    throw new CorruptRecordError(where, `does not match the baseline schema: ${problems.join('; ')}`)
  }
  return migrated
}

/** Checks meta.json: a store laid out by a newer perfgate is refused as a whole. */
export function checkMeta(text: string, where: string): StoreMeta {
  let meta: Partial<StoreMeta>
  try {
    meta = JSON.parse(text) as Partial<StoreMeta>
  } catch (err) {
    throw new StoreError(`${where} is not valid JSON (${(err as Error).message}); the store cannot be read`)
  }
  if (typeof meta.schemaVersion !== 'number') {
    throw new StoreError(`${where} has no schemaVersion; the store cannot be read`)
  }
  if (meta.schemaVersion > STORE_LAYOUT_VERSION) {
    throw newerError(
      `the baseline store (${where})`,
      meta.schemaVersion,
      meta.createdBy,
      STORE_LAYOUT_VERSION,
      'store'
    )
  }
  return meta as StoreMeta
}
