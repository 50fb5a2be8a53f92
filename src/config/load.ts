import { createHash } from 'node:crypto'
import { readFile, stat } from 'node:fs/promises'
import path from 'node:path'
import { Ajv, type ErrorObject } from 'ajv'
import { isScalar, LineCounter, parseAllDocuments, visit, type Document } from 'yaml'
import configSchema from '../../schema/perfgate.schema.json' with { type: 'json' }
import { METRIC_NAMES } from './metrics.js'
import { DEFAULTS } from './defaults.js'
import { didYouMean } from './suggest.js'
import { k6Hint } from './k6.js'
import { resolveConfig } from './resolve.js'
import { ConfigError, type ConfigProblem } from './problems.js'
import { Locator } from './locator.js'
import type { Config } from './types.js'

const ajv = new Ajv({
  allErrors: true,
  strict: true,
  allowUnionTypes: true,
  coerceTypes: false,
  useDefaults: false,
  $data: false,
  verbose: true
})
if ((ajv.opts as { $data?: boolean }).$data)
  throw new Error('perfgate: ajv must run without $data (CVE-2025-69873)')
const validateShape = ajv.compile(configSchema)

function show(value: unknown): string {
  // a string with a newline or an escape is shown escaped: the message goes to the log and annotations
  if (typeof value === 'string' && !/[\p{Cc}\u2028\u2029]/u.test(value)) return `"${value}"`
  return JSON.stringify(value)?.replace(
    /[\u007f-\u009f\u2028\u2029]/g,
    c => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`
  )
}

const where = (pointer: string) => (pointer ? `"${pointer.split('/').pop()}"` : 'the config')
const parentName = (pointer: string) =>
  pointer
    ? (pointer
        .split('/')
        .filter(s => !/^\d+$/.test(s))
        .pop() ?? 'the config')
    : 'the config'

function translate(error: ErrorObject, locator: Locator): ConfigProblem | undefined {
  const pointer = error.instancePath
  const value = error.data
  const described = (error.parentSchema as { description?: string } | undefined)?.description
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = (error.params as { additionalProperty: string }).additionalProperty
      if (/\/(thresholds|regression)$/.test(pointer)) return unknownMetric(pointer, key, value, locator)
      const allowed = Object.keys((error.parentSchema as { properties?: object }).properties ?? {})
      const suggestion = didYouMean(key, allowed)
      return locator.key(
        pointer,
        key,
        `unknown key "${key}" in ${parentName(pointer)}${suggestion ? `; did you mean "${suggestion}"?` : `; allowed keys: ${allowed.join(', ')}`}`
      )
    }
    case 'required': {
      const missing = (error.params as { missingProperty: string }).missingProperty
      return locator.owner(pointer, `missing required key "${missing}" in ${parentName(pointer)}`)
    }
    case 'type':
      return locator.at(
        pointer,
        `${where(pointer)} must be ${(error.parentSchema as { pattern?: string }).pattern && described ? described : article((error.params as { type: string }).type)}; got ${show(value)}`
      )
    case 'enum':
      return locator.at(
        pointer,
        `${where(pointer)} must be one of: ${(error.params as { allowedValues: unknown[] }).allowedValues.join(', ')}; got ${show(value)}`
      )
    case 'const':
      return locator.at(
        pointer,
        `${where(pointer)} must be ${show((error.params as { allowedValue: unknown }).allowedValue)}; got ${show(value)}`
      )
    case 'pattern':
      return locator.at(
        pointer,
        `${where(pointer)} must be ${described ?? 'in the documented format'}; got ${show(value)}`
      )
    case 'oneOf':
      return locator.at(
        pointer,
        `${where(pointer)} must be ${described ?? oneOfHint(pointer)}; got ${show(value)}`
      )
    case 'if':
      return undefined
    default:
      return locator.at(pointer, `${where(pointer)} ${error.message ?? 'is invalid'}`)
  }
}

/** A thresholds or regression key that is no metric (or a metric that cannot have a regression limit). */
function unknownMetric(pointer: string, key: string, parent: unknown, locator: Locator): ConfigProblem {
  const value = (parent as Record<string, unknown> | undefined)?.[key]
  if (METRIC_NAMES.includes(key) && pointer.endsWith('/regression'))
    return locator.key(pointer, key, `${key} has no better direction, so it cannot have a regression limit`)
  const k6 = k6Hint(`${key}${JSON.stringify(value ?? '')}`)
  const suggestion = k6 ? undefined : didYouMean(key, METRIC_NAMES)
  return locator.key(
    pointer,
    key,
    `unknown metric "${key}"${k6 ? `; ${k6}` : suggestion ? `; did you mean "${suggestion}"?` : '; see the metric list in the README'}`
  )
}

function oneOfHint(pointer: string): string {
  if (/\/thresholds\//.test(pointer))
    return 'a threshold like "< 50ms" or { limit: "< 50ms", severity: warn }'
  if (/\/regression\//.test(pointer))
    return 'a regression limit like "+20%" or { limit: "+20%", severity: warn }'
  if (/\/suite$/.test(pointer))
    return 'a suite: { kind: sweep, steps: [...] }, { kind: stress }, { kind: soak } or { kind: load }'
  return 'one of the documented forms'
}

function article(type: string): string {
  const words: Record<string, string> = {
    integer: 'an integer',
    object: 'a map',
    array: 'a list',
    string: 'a string',
    number: 'a number',
    boolean: 'true or false'
  }
  return type
    .split(',')
    .map(t => words[t] ?? t)
    .join(' or ')
}

/** ajv reports one error per failing branch of a oneOf; keep the oneOf's own message and drop the branches'. */
function schemaProblems(data: unknown, locator: Locator): ConfigProblem[] {
  if (validateShape(data)) return []
  const errors = validateShape.errors ?? []
  const oneOfPaths = errors.filter(e => e.keyword === 'oneOf').map(e => e.instancePath)
  const kept = errors.filter(
    e =>
      e.keyword === 'oneOf' ||
      !oneOfPaths.some(p => e.instancePath === p || e.instancePath.startsWith(`${p}/`))
  )
  // propertyNames also reports the enum failure on the same key: keep one message per key
  const withoutNameEnums = kept.filter(e => !(e.keyword === 'enum' && e.propertyName !== undefined))
  const seen = new Set<string>()
  return withoutNameEnums
    .map(e => translate(e, locator))
    .filter((p): p is ConfigProblem => p !== undefined)
    .filter(p => {
      const id = `${p.line}:${p.col}:${p.message}`
      if (seen.has(id)) return false
      seen.add(id)
      return true
    })
}

/**
 * One message per problem: where the schema and the resolver both object to one value (a "10sec" duration fails
 * the schema's pattern and the parser), the resolver's message is kept, being the more specific. A limit written
 * in k6's form gets the perfgate form added.
 */
function onePerProblem(shape: ConfigProblem[], semantic: ConfigProblem[], data: unknown): ConfigProblem[] {
  // the resolver's problem at a value, or inside it (a suite's bad window), says more than the shape's
  const semanticPaths = semantic.map(p => p.path).filter(Boolean)
  const covered = (path: string) => semanticPaths.some(s => s === path || (path && s.startsWith(`${path}/`)))
  const all = [...shape.filter(p => !covered(p.path)), ...semantic]
  return all.map(p => {
    if (!/\/(thresholds|regression)\/[^/]+$/.test(p.path) || p.message.includes("k6's form")) return p
    const value = valueAt(data, p.path)
    const hint = k6Hint(typeof value === 'string' ? value : JSON.stringify(value ?? ''))
    return hint ? { ...p, message: `${p.message}; ${hint}` } : p
  })
}

function valueAt(data: unknown, pointer: string): unknown {
  let node = data
  for (const raw of pointer.split('/').slice(1)) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~')
    if (node === null || typeof node !== 'object') return undefined
    node = (node as Record<string, unknown>)[key]
  }
  return node
}

/** Duplicate keys, each at its second occurrence with the first one's line. */
function duplicateKeys(doc: Document, lines: LineCounter, file: string): ConfigProblem[] {
  const out: ConfigProblem[] = []
  visit(doc, {
    Map(_, map) {
      const first = new Map<string, number>()
      for (const pair of map.items) {
        if (!isScalar(pair.key) || !pair.key.range) continue
        const key = String(pair.key.value)
        const at = lines.linePos(pair.key.range[0])
        const earlier = first.get(key)
        if (earlier !== undefined)
          out.push({
            file,
            ...at,
            path: '',
            message: `duplicate key "${key}" (first defined on line ${earlier})`
          })
        else first.set(key, at.line)
      }
    }
  })
  return out
}

/**
 * The yaml library's message without its "at line L, column C" (the problem's file:line:col says it), with its code
 * frame: the line and a caret under the column.
 */
function yamlMessage(message: string): string {
  const [first = '', ...frame] = message.split('\n')
  const lines = frame.filter(l => l.trim() !== '')
  return [first.replace(/ at line \d+, column \d+:?$/, ''), ...lines].join('\n')
}

function fail(file: string, message: string, line = 1, col = 1): never {
  throw new ConfigError(file, [{ file, line, col, path: '', message }])
}

/** Parses and validates perfgate.yml text into the complete, typed Config. Throws ConfigError with every problem. */
export function parseConfig(text: string, file: string, baseDir = path.dirname(path.resolve(file))): Config {
  const bytes = Buffer.byteLength(text)
  if (bytes > DEFAULTS.maxFileBytes) {
    fail(
      file,
      `config file is too large (${Math.ceil(bytes / 1024)} KiB; the limit is ${DEFAULTS.maxFileBytes / 1024} KiB)`
    )
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  const lines = new LineCounter()
  const docs = parseAllDocuments(text, {
    lineCounter: lines,
    prettyErrors: true,
    uniqueKeys: false,
    version: '1.2'
  })
  if (!Array.isArray(docs) || docs.length === 0)
    fail(file, 'config file is empty: see the README for a minimal perfgate.yml')
  if (docs.length > 1) {
    const at = lines.linePos(docs[1]!.range[0])
    fail(file, 'config file holds several YAML documents (---); perfgate reads exactly one', at.line, at.col)
  }
  const doc = docs[0]!
  const syntax: ConfigProblem[] = doc.errors.map(e => {
    const [line, col] = e.linePos?.[0] ? [e.linePos[0].line, e.linePos[0].col] : [1, 1]
    return { file, line, col, path: '', message: `YAML syntax error: ${yamlMessage(e.message)}` }
  })
  const problems = [...syntax, ...duplicateKeys(doc, lines, file)]
  if (problems.length) throw new ConfigError(file, problems)
  let data: unknown
  try {
    data = doc.toJS({ maxAliasCount: DEFAULTS.maxAliasCount })
  } catch (err) {
    fail(
      file,
      `config file expands too many aliases (${(err as Error).message}); perfgate allows ${DEFAULTS.maxAliasCount}`
    )
  }
  if (data === null || data === undefined)
    fail(file, 'config file is empty: see the README for a minimal perfgate.yml')
  const locator = new Locator(doc, lines, file)
  const shape = schemaProblems(data, locator)
  const { config, problems: semantic } = resolveConfig(data, {
    file,
    baseDir,
    locator,
    shapeValid: shape.length === 0
  })
  const all = onePerProblem(shape, semantic, data)
  if (all.length || !config) throw new ConfigError(file, all)
  return config
}

/** Reads and parses a config file; a missing, unreadable or oversized file is a ConfigError too. */
export async function loadConfig(file: string, cwd = process.cwd()): Promise<Config> {
  const shown = path.relative(cwd, file) || file
  let info
  try {
    info = await stat(file)
  } catch {
    fail(
      shown,
      `config file not found at ${path.resolve(file)} (paths are relative to the working directory ${cwd})`
    )
  }
  if (!info.isFile()) fail(shown, `${path.resolve(file)} is not a file`)
  if (info.size > DEFAULTS.maxFileBytes) {
    fail(
      shown,
      `config file is too large (${Math.ceil(info.size / 1024)} KiB; the limit is ${DEFAULTS.maxFileBytes / 1024} KiB)`
    )
  }
  return parseConfig(await readFile(file, 'utf8'), shown, path.dirname(path.resolve(file)))
}

/** A hash of what affects the measurement (service, requests, load), not of the limits. */
export function configHash(config: Config): string {
  const relevant = {
    service: config.service
      ? { command: config.service.command, build: config.service.build, env: config.service.env }
      : undefined,
    // a running target has no service: its hash is that of its requests and load (its URLs name the target)
    target: config.service ? undefined : true,
    scenarios: config.scenarios.map(s => ({
      name: s.name,
      request: s.request,
      mix: s.mix,
      values: s.values,
      load: s.load,
      suite: s.suite ?? { kind: 'load' }
    }))
  }
  return createHash('sha256').update(stableStringify(relevant)).digest('hex').slice(0, 16)
}

function stableStringify(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .filter(k => (value as Record<string, unknown>)[k] !== undefined)
      .map(k => `${JSON.stringify(k)}:${stableStringify((value as Record<string, unknown>)[k])}`)
      .join(',')}}`
  }
  return JSON.stringify(value)
}
