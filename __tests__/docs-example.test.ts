import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../src/cli/main.js'
import { reportProblems } from '../src/report/validate.js'
import { captureIO } from '../__fixtures__/cli.js'

const EXAMPLE = path.resolve('docs/example')
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-example-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('docs/example: a real report.json and what perfgate report renders from it', () => {
  it('is a valid report of a comparison in slices, made on no particular machine', async () => {
    const text = await readFile(path.join(EXAMPLE, 'report.json'), 'utf8')
    const report = JSON.parse(text)
    expect(reportProblems(report)).toEqual([])
    expect(report.mode).toBe('compare')
    expect(report.scenarios[0].slices.length).toBeGreaterThan(0)
    expect(text).not.toContain(process.cwd())
    expect(text).not.toMatch(/"\/(work|home|tmp)\//)
  })

  it('report.html and summary.md are fresh (else: npm run docs:example)', async () => {
    const io = captureIO(dir)
    const input = path.join(EXAMPLE, 'report.json')
    expect(await main(['report', input, '--html', 'report.html', '--markdown', 'summary.md'], io)).toBe(0)
    for (const file of ['report.html', 'summary.md']) {
      const fresh = await readFile(path.join(dir, file), 'utf8')
      const committed = await readFile(path.join(EXAMPLE, file), 'utf8')
      // a stale file fails with its name, not with a diff of a 200 KB page
      expect({ file, fresh: fresh === committed }).toEqual({ file, fresh: true })
    }
  })

  it('the README links the example', async () => {
    const readme = await readFile('README.md', 'utf8')
    expect(readme).toContain('](docs/example/report.html)')
    expect(readme).toContain('](docs/example/report.json)')
  })
})
