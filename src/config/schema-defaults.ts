/**
 * The config keys that have a default, each with its default as it is written in perfgate.yml, all from
 * DEFAULTS (defaults.ts). `npm run schema` writes them into schema/perfgate.schema.json as `default` (what editors
 * show on hover) and into the key table of docs/reference.md; __tests__/config/schema-defaults.test.ts fails when
 * the schema and DEFAULTS differ.
 *
 * A key is a path through the config: `defaults.warmup`, `scenarios[].load.max-lag` (a list's items),
 * `scenarios[].suite<stress>.start` (the suite of kind stress).
 */
import { DEFAULTS } from './defaults.js'

export interface KeyDefault {
  key: string
  value: string | number | boolean | readonly string[]
}

/** Milliseconds as perfgate.yml writes them: "500ms", "10s", "2m". */
export function durationText(ms: number): string {
  if (ms % 60_000 === 0 && ms >= 120_000) return `${ms / 60_000}m`
  if (ms % 1000 === 0) return `${ms / 1000}s`
  return `${ms}ms`
}

/** A fraction as perfgate.yml writes it: 0.05 is "5%". */
export const percentText = (fraction: number): string => `${Number((fraction * 100).toPrecision(6))}%`

/** The load keys, in `defaults` and in a scenario's `load`. */
function loadDefaults(prefix: string): KeyDefault[] {
  return [
    { key: `${prefix}.connections`, value: DEFAULTS.connections },
    { key: `${prefix}.duration`, value: durationText(DEFAULTS.durationMs) },
    { key: `${prefix}.warmup`, value: durationText(DEFAULTS.warmupMs) },
    { key: `${prefix}.timeout`, value: durationText(DEFAULTS.timeoutMs) }
  ]
}

const readyDefaults = (prefix: string): KeyDefault[] => [
  { key: `${prefix}.timeout`, value: durationText(DEFAULTS.readyTimeoutMs) },
  { key: `${prefix}.interval`, value: durationText(DEFAULTS.readyIntervalMs) }
]

/** Every config key with a default, in the order of the schema. */
export function configDefaults(): KeyDefault[] {
  const c = DEFAULTS.compare
  const b = DEFAULTS.baseline
  const stress = DEFAULTS.stress
  return [
    ...readyDefaults('service.ready'),
    { key: 'service.shutdown-timeout', value: durationText(DEFAULTS.shutdownTimeoutMs) },
    ...readyDefaults('ready'),
    ...loadDefaults('defaults'),
    { key: 'defaults.min-requests', value: DEFAULTS.minRequests },
    { key: 'defaults.max-error-rate', value: percentText(DEFAULTS.maxErrorRate) },
    ...loadDefaults('scenarios[].load'),
    { key: 'scenarios[].load.max-lag', value: durationText(DEFAULTS.maxLagMs) },
    { key: 'scenarios[].suite<sweep>.knee-factor', value: DEFAULTS.sweep.kneeFactor },
    { key: 'scenarios[].suite<stress>.start', value: stress.start },
    { key: 'scenarios[].suite<stress>.step', value: stress.step },
    { key: 'scenarios[].suite<stress>.max', value: stress.max },
    { key: 'scenarios[].suite<stress>.max-error-rate', value: percentText(stress.maxErrorRate) },
    { key: 'scenarios[].suite<stress>.max-time', value: durationText(stress.maxTimeMs) },
    { key: 'scenarios[].suite<soak>.window', value: durationText(DEFAULTS.soak.windowMs) },
    { key: 'scenarios[].min-requests', value: DEFAULTS.minRequests },
    { key: 'scenarios[].max-error-rate', value: percentText(DEFAULTS.maxErrorRate) },
    { key: 'compare.mode', value: c.mode },
    { key: 'compare.design', value: c.design },
    { key: 'compare.slice', value: durationText(c.sliceMs) },
    { key: 'compare.rounds.min', value: c.rounds.min },
    { key: 'compare.rounds.max', value: c.rounds.max },
    { key: 'compare.budget', value: durationText(c.budgetMs) },
    { key: 'compare.confirm', value: c.confirm },
    { key: 'compare.confidence', value: c.confidence },
    { key: 'baseline.store', value: b.store },
    { key: 'baseline.branch', value: b.branch },
    { key: 'baseline.directory', value: b.directory },
    { key: 'baseline.remote', value: b.remote },
    { key: 'baseline.rounds', value: b.rounds },
    { key: 'baseline.noise', value: percentText(b.noise) },
    { key: 'baseline.on-runner-mismatch', value: b.onRunnerMismatch },
    { key: 'baseline.save-on', value: b.saveOn },
    { key: 'on-inconclusive', value: DEFAULTS.onInconclusive }
  ]
}

type SchemaNode = Record<string, unknown> & {
  properties?: Record<string, SchemaNode>
  items?: SchemaNode
  oneOf?: SchemaNode[]
  $ref?: string
}

/** The schema node of a key (see the notation above), or undefined when the schema has no such key. */
export function schemaNodeOf(schema: SchemaNode, key: string): SchemaNode | undefined {
  let node: SchemaNode | undefined = schema
  for (const segment of key.split('.')) {
    const match = /^([\w-]+)(\[\])?(?:<([\w-]+)>)?$/.exec(segment)
    if (!match || !node) return undefined
    node = node.properties?.[match[1]!]
    if (match[2]) node = node?.items
    if (match[3])
      node = node?.oneOf?.find(
        branch => (branch.properties?.kind as { const?: string } | undefined)?.const === match[3]
      )
  }
  return node
}
