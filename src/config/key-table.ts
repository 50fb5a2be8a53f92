/**
 * The key table of docs/reference.md ("Every key"): each config key of the schema with its type, its default
 * (from configDefaults, the same values the schema carries) and its meaning (the schema's description). Written
 * by `npm run schema` between the markers below; __tests__/config/schema-defaults.test.ts keeps it fresh.
 */
import type { KeyDefault } from './schema-defaults.js'

export const KEY_TABLE_START = '<!-- config-keys:start (npm run schema writes this table) -->'
export const KEY_TABLE_END = '<!-- config-keys:end -->'

interface Node {
  type?: string | string[]
  enum?: unknown[]
  const?: unknown
  $ref?: string
  description?: string
  properties?: Record<string, Node>
  items?: Node
  oneOf?: Node[]
  anyOf?: Node[]
  additionalProperties?: boolean | Node
}

interface Schema extends Node {
  definitions: Record<string, Node>
}

const cell = (text: string) => text.replace(/\s+/g, ' ').replace(/\|/g, '\\|').trim()

/** What a key takes, in a few words: `duration`, `integer`, `GET \| POST`, `list of string`. */
function typeOf(node: Node, schema: Schema): string {
  if (node.$ref) {
    const name = node.$ref.replace('#/definitions/', '')
    return name === 'request' ? 'map (a request)' : name
  }
  if (node.const !== undefined) return String(node.const)
  if (node.enum) return node.enum.join(' | ')
  const alternatives = node.oneOf ?? node.anyOf
  if (alternatives) return [...new Set(alternatives.map(n => typeOf(n, schema)))].join(' or ')
  const types = Array.isArray(node.type) ? node.type : node.type ? [node.type] : []
  return types
    .map(t =>
      t === 'object' ? 'map' : t === 'array' && node.items ? `list of ${typeOf(node.items, schema)}` : t
    )
    .join(' or ')
}

interface Row {
  key: string
  type: string
  value?: KeyDefault['value']
  meaning: string
}

function walk(node: Node, prefix: string, schema: Schema, rows: Row[], defaults: Map<string, KeyDefault>) {
  const target = node.$ref === '#/definitions/request' ? schema.definitions.request! : node
  for (const [name, child] of Object.entries(target.properties ?? {})) {
    if (name === 'kind' && prefix.endsWith('>.')) continue
    const key = `${prefix}${name}`
    const d = defaults.get(key)
    rows.push({
      key,
      type: typeOf(child, schema),
      ...(d ? { value: d.value } : {}),
      meaning: child.description ?? ''
    })
    // metric names are listed in "Metrics"; the request is described once, under scenarios[].request
    if (name === 'thresholds' || name === 'regression' || key === 'scenarios[].requests') continue
    if (child.properties || child.$ref === '#/definitions/request')
      walk(child, `${key}.`, schema, rows, defaults)
    if (child.items?.properties) walk(child.items, `${key}[].`, schema, rows, defaults)
    for (const branch of child.oneOf ?? []) {
      const kind = branch.properties?.kind?.const
      if (branch.properties)
        walk(branch, kind ? `${key}<${String(kind)}>.` : `${key}.`, schema, rows, defaults)
    }
  }
}

const shownDefault = (value: KeyDefault['value'] | undefined) =>
  value === undefined ? '' : `\`${Array.isArray(value) ? `[${value.join(', ')}]` : String(value)}\``

/** The table, as markdown, with its markers. */
export function keyTable(schema: object, defaults: readonly KeyDefault[]): string {
  const rows: Row[] = []
  walk(schema as Schema, '', schema as Schema, rows, new Map(defaults.map(d => [d.key, d])))
  return [
    KEY_TABLE_START,
    '| key | type | default | meaning |',
    '|---|---|---|---|',
    ...rows.map(r => `| \`${r.key}\` | ${cell(r.type)} | ${shownDefault(r.value)} | ${cell(r.meaning)} |`),
    KEY_TABLE_END
  ].join('\n')
}

/** `doc` with the table between its markers replaced. */
export function withKeyTable(doc: string, table: string): string {
  const start = doc.indexOf(KEY_TABLE_START)
  const end = doc.indexOf(KEY_TABLE_END)
  if (start === -1 || end < start) throw new Error(`no ${KEY_TABLE_START} ... ${KEY_TABLE_END} markers`)
  return doc.slice(0, start) + table + doc.slice(end + KEY_TABLE_END.length)
}
