import { randomInt, randomUUID } from 'node:crypto'
import type { MixEntry, RequestSpec, Scenario } from '../config/types.js'
import { PLACEHOLDER, placeholdersIn } from '../config/placeholders.js'

let sequence = 0

/** The next value of the process-wide {{seq}} counter. */
export function nextSequence(): number {
  return ++sequence
}

type Values = Record<string, string[]>

function filler(values: Values): (name: string) => string {
  const turn = new Map<string, number>()
  return name => {
    if (name === 'seq') return String(nextSequence())
    if (name === 'random') return String(randomInt(0, 2 ** 31 - 1))
    if (name === 'uuid') return randomUUID()
    const list = values[name]
    if (!list?.length) return `{{${name}}}`
    const i = turn.get(name) ?? 0
    turn.set(name, i + 1)
    return list[i % list.length]!
  }
}

function compile(text: string, fill: (name: string) => string): () => string {
  const parts = text.split(PLACEHOLDER)
  if (parts.length === 1) return () => text
  // split() with a capture group alternates literal, name, literal, name, ...
  return () => {
    let out = parts[0]!
    for (let i = 1; i < parts.length; i += 2) out += fill(parts[i]!) + parts[i + 1]!
    return out
  }
}

export interface RenderedRequest {
  method: string
  path: string
  headers: Record<string, string>
  body?: string
  expect?: number[]
}

/** The requests of a scenario, compiled once: `render()` gives the next request to send. */
export interface RequestTemplate {
  /** false when every request is the same (autocannon can then send it without a callback) */
  dynamic: boolean
  render(): RenderedRequest
}

function compileOne(request: RequestSpec, fill: (name: string) => string): () => RenderedRequest {
  const url = new URL(request.url)
  const path = compile(decodeURI(`${url.pathname}${url.search}`), fill)
  // a gRPC message is JSON: a filled-in value is escaped as inside a JSON string
  const fillBody = request.grpc ? (name: string) => JSON.stringify(fill(name)).slice(1, -1) : fill
  const body = request.body === undefined ? undefined : compile(request.body, fillBody)
  return () => ({
    method: request.method,
    path: path(),
    headers: request.headers,
    ...(body ? { body: body() } : {}),
    ...(request.expect ? { expect: request.expect } : {})
  })
}

/** A picker over cumulative weights: one uniform draw per request. */
function weighted(entries: MixEntry[]): () => number {
  const total = entries.reduce((sum, e) => sum + e.weight, 0)
  const bounds: number[] = []
  let acc = 0
  for (const e of entries) bounds.push((acc += e.weight / total))
  return () => {
    const u = Math.random()
    const i = bounds.findIndex(b => u < b)
    return i < 0 ? entries.length - 1 : i
  }
}

export function compileRequest(request: RequestSpec, values: Values = {}): RequestTemplate {
  return compileScenario({ request, values })
}

export function compileScenario(scenario: Pick<Scenario, 'request' | 'mix' | 'values'>): RequestTemplate {
  const fill = filler(scenario.values ?? {})
  const entries: MixEntry[] = scenario.mix?.length ? scenario.mix : [{ ...scenario.request, weight: 1 }]
  const texts = entries.flatMap(e => [
    decodeURI(new URL(e.url).pathname + new URL(e.url).search),
    e.body ?? ''
  ])
  const dynamic = entries.length > 1 || texts.some(t => placeholdersIn(t).length > 0)
  const renderers = entries.map(e => compileOne(e, fill))
  if (renderers.length === 1) return { dynamic, render: renderers[0]! }
  const pick = weighted(entries)
  return { dynamic, render: () => renderers[pick()]!() }
}
