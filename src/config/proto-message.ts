/**
 * Whether a gRPC request's message (JSON, as written in the config) fits its protobuf type, as proto-loader's
 * serializer will read it (protobufjs fromObject): each problem names the field's path (`items[2].id`).
 * Placeholders are filled with sample values first ({{seq}} and {{random}} as a number, {{uuid}} as a UUID, a
 * named value as its first value), so `"{{seq}}"` fits an integer field and `"{{uuid}}"` does not.
 */
import protobuf from 'protobufjs'
import { PLACEHOLDER } from './placeholders.js'
import { didYouMean } from './suggest.js'

const NUMERIC = new Set([
  'double',
  'float',
  'int32',
  'uint32',
  'sint32',
  'fixed32',
  'sfixed32',
  'int64',
  'uint64',
  'sint64',
  'fixed64',
  'sfixed64'
])
const NUMBER_TEXT = /^\s*-?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?\s*$/

/** A string with its placeholders filled with sample values. */
export function sampleOf(text: string, values: Record<string, string[]> = {}): string {
  return text.replace(new RegExp(PLACEHOLDER.source, 'g'), (_, name: string) => {
    if (name === 'seq' || name === 'random') return '1'
    if (name === 'uuid') return '00000000-0000-4000-8000-000000000000'
    return values[name]?.[0] ?? ''
  })
}

const describe = (v: unknown) =>
  Array.isArray(v)
    ? 'a list'
    : v === null
      ? 'null'
      : typeof v === 'object'
        ? 'an object'
        : `${typeof v} ${JSON.stringify(v)}`

/** The problems of `value` as a `type` message, each at its field path. */
export function checkMessage(
  type: protobuf.Type,
  value: unknown,
  values: Record<string, string[]> = {},
  at = ''
): Array<{ path: string; message: string }> {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return [
      {
        path: at,
        message: `${at || 'the message'} must be an object (a ${type.name}); got ${describe(value)}`
      }
    ]
  const out: Array<{ path: string; message: string }> = []
  for (const [key, v] of Object.entries(value)) {
    const where = at ? `${at}.${key}` : key
    const field = type.fields[key]
    if (!field) {
      const hint = didYouMean(key, Object.keys(type.fields))
      out.push({
        path: where,
        message: `${type.name} has no field "${key}"${hint ? ` (did you mean "${hint}"?)` : `; its fields are ${Object.keys(type.fields).join(', ')}`}`
      })
      continue
    }
    if (v === null) continue
    field.resolve()
    if (field instanceof protobuf.MapField) {
      if (typeof v !== 'object' || Array.isArray(v))
        out.push({ path: where, message: 'is a map: write an object' })
      else
        for (const [k, item] of Object.entries(v))
          out.push(...checkValue(field, item, values, `${where}.${k}`))
    } else if (field.repeated) {
      if (!Array.isArray(v)) out.push({ path: where, message: 'is repeated: write a list' })
      else v.forEach((item, i) => out.push(...checkValue(field, item, values, `${where}[${i}]`)))
    } else out.push(...checkValue(field, v, values, where))
  }
  return out
}

/** One value of a field (an element of a repeated field, a map's value). */
function checkValue(
  field: protobuf.Field,
  v: unknown,
  values: Record<string, string[]>,
  where: string
): Array<{ path: string; message: string }> {
  const bad = (expected: string) => [{ path: where, message: `must be ${expected}; got ${describe(v)}` }]
  const resolved = field.resolvedType
  if (resolved instanceof protobuf.Type) return checkMessage(resolved, v, values, where)
  if (resolved instanceof protobuf.Enum) {
    const names = Object.keys(resolved.values)
    if (typeof v === 'number')
      return Object.values(resolved.values).includes(v) ? [] : bad(`one of ${names.join(', ')}`)
    if (typeof v === 'string' && names.includes(sampleOf(v, values))) return []
    return bad(`one of ${names.join(', ')}`)
  }
  if (NUMERIC.has(field.type)) {
    if (typeof v === 'number' || (typeof v === 'string' && NUMBER_TEXT.test(sampleOf(v, values)))) return []
    return bad(`a number (${field.type})`)
  }
  if (field.type === 'bool') return typeof v === 'boolean' ? [] : bad('true or false')
  if (field.type === 'string' || field.type === 'bytes')
    return typeof v === 'string' ? [] : bad(field.type === 'bytes' ? 'a base64 string' : 'a string')
  return []
}
