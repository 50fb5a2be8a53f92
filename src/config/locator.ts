import { isMap, isScalar, type Document, type LineCounter, type Node } from 'yaml'
import type { ConfigProblem } from './problems.js'

/** Maps JSON pointers to positions in the YAML source. */
export class Locator {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    readonly file: string
  ) {}

  private position(offset: number): { line: number; col: number } {
    return this.lines.linePos(offset)
  }

  private segments(pointer: string): Array<string | number> {
    if (!pointer) return []
    return pointer
      .split('/')
      .slice(1)
      .map(s => s.replace(/~1/g, '/').replace(/~0/g, '~'))
  }

  private node(segments: Array<string | number>): Node | undefined {
    return this.doc.getIn(segments, true) as Node | undefined
  }

  /** The value at `pointer`, or the closest ancestor that exists. */
  at(pointer: string, message: string): ConfigProblem {
    const segments = this.segments(pointer)
    for (let n = segments.length; n >= 0; n--) {
      const node = n === 0 ? (this.doc.contents as Node | null) : this.node(segments.slice(0, n))
      if (node?.range) return { file: this.file, ...this.position(node.range[0]), path: pointer, message }
    }
    return { file: this.file, line: 1, col: 1, path: pointer, message }
  }

  /** The key under which the value at `pointer` sits ("service:" for /service), for problems with a whole map. */
  owner(pointer: string, message: string): ConfigProblem {
    const segments = pointer.split('/')
    const last = segments.pop()
    if (!last || /^\d+$/.test(last)) return this.at(pointer, message)
    return {
      ...this.key(segments.join('/'), last.replace(/~1/g, '/').replace(/~0/g, '~'), message),
      path: pointer
    }
  }

  /** The key `key` of the map at `pointer` (for unknown keys). */
  key(pointer: string, key: string, message: string): ConfigProblem {
    const map = pointer ? this.node(this.segments(pointer)) : (this.doc.contents as Node | null)
    if (isMap(map)) {
      const pair = map.items.find(p => isScalar(p.key) && String(p.key.value) === key)
      const range = (pair?.key as Node | undefined)?.range
      if (range) return { file: this.file, ...this.position(range[0]), path: `${pointer}/${key}`, message }
    }
    return this.at(pointer, message)
  }
}
