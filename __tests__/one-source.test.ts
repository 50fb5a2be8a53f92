import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { METRICS, type MetricInfo } from '../src/config/metrics.js'
import { VERDICT_ORDER } from '../src/compare/verdict.js'

/**
 * Each list perfgate keeps exists once: the metric catalogue (config/metrics.ts) says how every metric joins and
 * whether it is a count, compare/verdict.ts holds the one verdict order. These tests fail when a second copy of
 * either appears in src/ (a list that restates what the catalogue or the order already says).
 */

const SRC = path.resolve('src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'vendor' ? [] : sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** The quoted strings of every bracketed list (an array, a Set's argument) of a source text. */
function quotedLists(text: string): string[][] {
  return [...text.matchAll(/\[([^[\]]*)\]/g)].map(m => [...m[1]!.matchAll(/'([^'\n]+)'/g)].map(q => q[1]!))
}

const files = sourceFiles(SRC).map(file => ({
  file: path.relative(SRC, file),
  text: readFileSync(file, 'utf8')
}))

describe('one source for every list', () => {
  it('no list of metric names outside the catalogue restates how they join or that they are counts', () => {
    const byName = new Map(METRICS.map(m => [m.name, m]))
    const restated: string[] = []
    for (const { file, text } of files) {
      if (file === path.join('config', 'metrics.ts')) continue
      for (const list of quotedLists(text)) {
        const infos = list.map(name => byName.get(name)).filter((m): m is MetricInfo => m !== undefined)
        if (infos.length < 5) continue
        const same = (key: 'legs' | 'rounds' | 'count') => infos.every(m => m[key] === infos[0]![key])
        if (same('legs') || infos.every(m => m.count)) restated.push(`${file}: ${list.join(', ')}`)
      }
    }
    expect(restated).toEqual([])
  })

  it('no verdict order outside compare/verdict.ts', () => {
    const verdicts = new Set<string>(VERDICT_ORDER)
    const copies: string[] = []
    for (const { file, text } of files) {
      if (file === path.join('compare', 'verdict.ts')) continue
      for (const list of quotedLists(text))
        if (list.filter(v => verdicts.has(v)).length >= 3) copies.push(`${file}: ${list.join(', ')}`)
      // a ranking: `fail: 0, inconclusive: 1, ...`
      const ranks = [...text.matchAll(/\b(errored|fail|inconclusive|warn|accepted|pass|skipped):\s*\d/g)]
      if (ranks.length >= 3) copies.push(`${file}: ${ranks.map(r => r[0]).join(', ')}`)
    }
    expect(copies).toEqual([])
  })

  it('the verdict order holds every verdict a scenario or a check can have, once', () => {
    expect(new Set(VERDICT_ORDER).size).toBe(VERDICT_ORDER.length)
    expect([...VERDICT_ORDER].sort()).toEqual(
      ['accepted', 'errored', 'fail', 'inconclusive', 'pass', 'skipped', 'warn'].sort()
    )
  })

  it('the leg options are parsed by shard/options.ts alone: no door parses a shard itself', () => {
    const parsers = files
      .filter(({ file }) => !file.startsWith(`shard${path.sep}`))
      .filter(({ text }) => /\bparseShard\(/.test(text))
      .map(({ file }) => file)
    expect(parsers).toEqual([])
  })
})
