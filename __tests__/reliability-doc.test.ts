import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'

const doc = readFileSync('docs/reliability.md', 'utf8')

/** The `path` › name references of a table cell. */
function references(cell: string): Array<{ path: string; name: string }> {
  return cell.split('<br>').map(ref => {
    const match = /^\s*`([^`]+)` › (.+?)\s*$/.exec(ref)
    if (!match) throw new Error(`not a test reference: ${ref}`)
    return { path: match[1]!, name: match[2]! }
  })
}

describe('docs/reliability.md', () => {
  it('lists the 40 checklist rows, each automated, with tests that exist under the names it gives', () => {
    const rows = doc
      .split('\n')
      .map(line => /^\| (\d+) \| (.*) \| (automated|partial|missing) \| (.*) \|$/.exec(line))
      .filter(m => m !== null)
    expect(rows.map(m => Number(m[1]))).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
    expect(rows.filter(m => m[3] !== 'automated').map(m => m[1])).toEqual([])
    expect(doc).toContain('**40 of 40 rows are automated.**')
    const findings = doc
      .split('\n')
      .filter(line => line.includes('` › '))
      .map(line => line.split(' | ').at(-1)!.replace(/ \|$/, ''))
    expect(findings.length).toBeGreaterThan(40)
    for (const cell of findings)
      for (const { path, name } of references(cell)) {
        expect(existsSync(path)).toBe(true)
        // the name as the test gives it to it() (a failure here means the test was renamed or removed)
        expect({ path, found: readFileSync(path, 'utf8').includes(name) }).toEqual({ path, found: true })
      }
  })
})
