import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

/**
 * The import directions of docs/architecture.md, enforced: every import in src/ runs to the same folder or to a
 * lower layer, and no files import each other in a circle. A new folder must be given a layer here (and there).
 */

/** The layers, bottom first; a folder (or a top-level file) may import only its own folder and lower layers. */
export const LAYERS: string[][] = [
  ['model', 'version.ts', 'identity.ts'],
  ['git', 'config', 'stats'],
  ['service', 'profile'],
  ['load'],
  ['compare'],
  ['report'],
  ['baseline', 'github', 'measure', 'shard'],
  ['gate', 'history'],
  ['action', 'cli', 'post'],
  ['main.ts'],
  ['index.ts']
]

const SRC = path.resolve('src')

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'vendor' ? [] : sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}

/** The src/ files a file imports (static imports, re-exports and import() of a literal path). */
export function importsOf(file: string, text: string): string[] {
  const specifiers = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^'"]*?\bfrom\s*'([^']+)'/g)]
    .concat([...text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)])
    .map(m => m[1]!)
  return specifiers
    .filter(s => s.startsWith('.'))
    .map(s => path.resolve(path.dirname(file), s).replace(/\.js$/, '.ts'))
    .filter(target => target.startsWith(SRC + path.sep) && target.endsWith('.ts'))
}

/** The folder under src/ a file belongs to, or its own name for a file at the top of src/. */
export function placeOf(file: string): string {
  return path.relative(SRC, file).split(path.sep)[0]!
}

export function layerOf(place: string): number {
  return LAYERS.findIndex(layer => layer.includes(place))
}

/** Strongly connected components of more than one file (Tarjan): the circles. */
export function circles(graph: Map<string, string[]>): string[][] {
  let index = 0
  const indexes = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const found: string[][] = []
  const visit = (node: string) => {
    indexes.set(node, index)
    low.set(node, index++)
    stack.push(node)
    onStack.add(node)
    for (const next of graph.get(node) ?? []) {
      if (!indexes.has(next)) {
        visit(next)
        low.set(node, Math.min(low.get(node)!, low.get(next)!))
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indexes.get(next)!))
    }
    if (low.get(node) === indexes.get(node)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.push(member)
      } while (member !== node)
      if (component.length > 1) found.push(component.sort())
    }
  }
  for (const node of graph.keys()) if (!indexes.has(node)) visit(node)
  return found
}

const graph = new Map(sourceFiles(SRC).map(file => [file, importsOf(file, readFileSync(file, 'utf8'))]))
const rel = (file: string) => path.relative(path.resolve('.'), file)

describe('the architecture (docs/architecture.md)', () => {
  it('reads the imports of src/', () => {
    expect(graph.size).toBeGreaterThan(100)
    expect(graph.get(path.join(SRC, 'index.ts'))).toEqual([path.join(SRC, 'main.ts')])
  })

  it('gives every folder of src/ a layer', () => {
    const places = [...new Set([...graph.keys()].map(placeOf))]
    expect(places.filter(place => layerOf(place) < 0)).toEqual([])
  })

  it('has no import from a lower layer to a higher one, nor across one layer', () => {
    const wrong: string[] = []
    for (const [file, targets] of graph) {
      const from = placeOf(file)
      for (const target of targets) {
        const to = placeOf(target)
        if (to !== from && layerOf(to) >= layerOf(from)) wrong.push(`${rel(file)} -> ${rel(target)}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('has no circle of files', () => {
    expect(circles(graph).map(c => c.map(rel))).toEqual([])
  })

  it('keeps every file of src/ at 400 lines or fewer (a longer one has more than one job)', () => {
    const long = [...graph.keys()]
      .map(file => ({ file: rel(file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(f => f.lines > 400)
    expect(long).toEqual([])
  })

  it('keeps src/model free of imports of perfgate', () => {
    const model = [...graph].filter(([file]) => placeOf(file) === 'model')
    expect(model.length).toBeGreaterThan(0)
    expect(model.flatMap(([, targets]) => targets.filter(t => placeOf(t) !== 'model'))).toEqual([])
  })

  it('finds an upward import and a circle when there is one', () => {
    const a = path.join(SRC, 'model/a.ts')
    const b = path.join(SRC, 'model/b.ts')
    expect(importsOf(a, "import type { X } from '../report/x.js'\nexport { y } from './b.js'\n")).toEqual([
      path.join(SRC, 'report/x.ts'),
      b
    ])
    expect(layerOf('report')).toBeGreaterThan(layerOf('model'))
    expect(
      circles(
        new Map([
          [a, [b]],
          [b, [a]]
        ])
      )
    ).toEqual([[a, b]])
  })
})
