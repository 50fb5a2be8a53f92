/**
 * The semantic pass's base: where a problem is reported (its pointer located in the file) and the value parsers
 * that report one. resolve-scenarios.ts resolves the scenarios on it, resolve.ts the whole config.
 */
import type { ConfigProblem } from './problems.js'
import type { Locator } from './locator.js'
import { parseDuration, parsePercent, ValueError } from './units.js'

export type Raw = Record<string, unknown>

export interface Context {
  file: string
  baseDir: string
  locator: Locator
  /** false when the schema already found problems: then only values of the right type are checked further */
  shapeValid: boolean
}

export const isObject = (v: unknown): v is Raw => typeof v === 'object' && v !== null && !Array.isArray(v)
export const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined)
export const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined

/** The problems of a config and the parsers that find them, each at its place in the file. */
export class Resolver {
  readonly problems: ConfigProblem[] = []
  constructor(protected readonly ctx: Context) {}

  /** A problem at `pointer`; the same one again (a default every scenario inherits) is reported once. */
  problem(pointer: string, message: string): void {
    const found = this.ctx.locator.at(pointer, message)
    if (!this.problems.some(p => p.line === found.line && p.col === found.col && p.message === message))
      this.problems.push(found)
  }

  /** A problem at the key `key` of the map at `pointer` (a check, at the metric name it is written under). */
  problemAtKey(pointer: string, key: string, message: string): void {
    this.problems.push(this.ctx.locator.key(pointer, key, message))
  }

  /** Runs a parser on a string value, turning its ValueError into a problem at `pointer`. */
  parse<T>(pointer: string, value: unknown, parser: (text: string) => T, fallback: T): T {
    if (typeof value !== 'string') return fallback
    try {
      return parser(value)
    } catch (err) {
      if (!(err instanceof ValueError)) throw err
      this.problem(pointer, err.message)
      return fallback
    }
  }

  duration(pointer: string, value: unknown, fallback: number): number {
    return value === undefined ? fallback : this.parse(pointer, value, parseDuration, fallback)
  }

  percent(pointer: string, value: unknown, fallback: number): number {
    return value === undefined ? fallback : this.parse(pointer, value, parsePercent, fallback)
  }

  source(pointer: string): { file: string; line: number; col: number } {
    const { file, line, col } = this.ctx.locator.at(pointer, '')
    return { file, line, col }
  }
}
