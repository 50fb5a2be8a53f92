import { Ajv } from 'ajv'
import reportSchema from '../../schema/report.schema.json' with { type: 'json' }
import { REPORT_SCHEMA_VERSION, type Report } from '../model/report.js'
import { VERSION } from '../version.js'

const ajv = new Ajv({ allErrors: true, strict: true, $data: false })
const validateReportShape = ajv.compile<Report>(reportSchema)

/** -1, 0 or 1 as version a is older, the same or newer than b ("0.10.0" > "0.9.1"; a pre-release counts as its release). */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) =>
    v
      .split(/[-+]/)[0]!
      .split('.')
      .map(n => Number.parseInt(n, 10) || 0)
  const [x, y] = [parts(a), parts(b)]
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0)
    if (d) return Math.sign(d)
  }
  return 0
}

/**
 * A report written by a newer perfgate: a higher schemaVersion, or (when it does not match this schema) a newer
 * tool.version. Reading on would mean guessing at fields this perfgate does not know, so it says to upgrade.
 */
function newerWriter(data: unknown, matches: boolean): { problem: string; only: boolean } | undefined {
  if (!data || typeof data !== 'object') return undefined
  const raw = data as { schemaVersion?: unknown; tool?: { version?: unknown } }
  const version = typeof raw.tool?.version === 'string' ? raw.tool.version : undefined
  const writer = version ? `perfgate ${version}` : 'a newer perfgate'
  if (typeof raw.schemaVersion === 'number' && raw.schemaVersion > REPORT_SCHEMA_VERSION)
    return {
      problem: `/schemaVersion is ${raw.schemaVersion}, written by ${writer}; this perfgate (${VERSION}) reads version ${REPORT_SCHEMA_VERSION}: upgrade perfgate`,
      only: true
    }
  if (!matches && version && compareVersions(version, VERSION) > 0)
    return {
      problem: `written by ${writer}, newer than this perfgate (${VERSION}), with fields this version does not know: upgrade perfgate`,
      only: false
    }
  return undefined
}

/**
 * Brings a report written by an earlier perfgate of the same schemaVersion up to date, in place: perfgate 0.1.0
 * wrote one `profile` (the first failing scenario's), now `profiles` holds one per profiled scenario.
 */
function upgradeEarlierReport(data: unknown): void {
  if (!data || typeof data !== 'object') return
  const raw = data as { profile?: unknown; profiles?: unknown }
  if (raw.profile !== undefined && raw.profiles === undefined) {
    raw.profiles = [raw.profile]
    delete raw.profile
  }
}

/**
 * Problems of a report.json against schema/report.schema.json, one line each (a newer writer first); empty when
 * valid. A report of an earlier perfgate is first brought up to date in place, so a valid `data` reads as a Report.
 */
export function reportProblems(data: unknown): string[] {
  upgradeEarlierReport(data)
  const matches = validateReportShape(data)
  const newer = newerWriter(data, matches)
  if (newer?.only) return [newer.problem]
  if (matches) return []
  const shape = (validateReportShape.errors ?? []).map(e =>
    e.keyword === 'pattern' && e.schemaPath.startsWith('#/definitions/name')
      ? `${e.instancePath} must be one line without control characters (a newline or an escape in a name could forge log lines)`
      : e.keyword === 'additionalProperties'
        ? `${e.instancePath || '/'} has an unknown field "${(e.params as { additionalProperty: string }).additionalProperty}"`
        : `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`
  )
  return newer ? [newer.problem, ...shape] : shape
}

export function isReport(data: unknown): data is Report {
  return reportProblems(data).length === 0
}
