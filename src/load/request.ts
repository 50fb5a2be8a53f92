import { randomInt, randomUUID } from 'node:crypto'
import type { RequestSpec } from '../config/types.js'

const PLACEHOLDER = /\{\{\s*(seq|random|uuid)\s*\}\}/g

let sequence = 0

/** The next value of the process-wide {{seq}} counter. */
export function nextSequence(): number {
  return ++sequence
}

function fill(kind: string): string {
  if (kind === 'seq') return String(nextSequence())
  if (kind === 'random') return String(randomInt(0, 2 ** 31 - 1))
  return randomUUID()
}

/** A request whose url or body holds placeholders, split once into literal parts and slots. */
export interface RequestTemplate {
  dynamic: boolean
  render(): { path: string; body?: string }
}

function compile(text: string): () => string {
  const parts = text.split(PLACEHOLDER)
  if (parts.length === 1) return () => text
  // split() with a capture group alternates literal, kind, literal, kind, ...
  return () => {
    let out = parts[0]!
    for (let i = 1; i < parts.length; i += 2) out += fill(parts[i]!) + parts[i + 1]!
    return out
  }
}

export function compileRequest(request: RequestSpec): RequestTemplate {
  const url = new URL(request.url)
  const pathText = `${url.pathname}${url.search}`
  const dynamic =
    PLACEHOLDER.test(pathText) ||
    (request.body !== undefined && new RegExp(PLACEHOLDER.source).test(request.body))
  PLACEHOLDER.lastIndex = 0
  const path = compile(decodeURI(pathText))
  const body = request.body === undefined ? undefined : compile(request.body)
  return { dynamic, render: () => ({ path: path(), ...(body ? { body: body() } : {}) }) }
}
