import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { PLAIN, renderTerminal } from '../../src/report/terminal.js'
import { writeReportFiles } from '../../src/report/write.js'
import { VERSION } from '../../src/version.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { richReport } from '../../__fixtures__/rich-report.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-report-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const read = (file: string) => readFile(path.join(dir, file), 'utf8')

describe('perfgate report', () => {
  it('renders all five outputs byte for byte as run and compare wrote them, from report.json alone', async () => {
    const files = await writeReportFiles(richReport(), path.join(dir, 'written'))
    const io = captureIO(dir)
    const args = ['report', 'written/report.json', '--html', 'again.html', '--markdown', 'again.md']
    args.push('--junit', 'again.xml', '--prom', 'again.prom', '--terminal')
    expect(await main(args, io)).toBe(0)
    expect(await read('again.html')).toBe(await readFile(files.html, 'utf8'))
    expect(await read('again.md')).toBe(await readFile(files.summary, 'utf8'))
    expect(await read('again.xml')).toBe(await readFile(files.junit, 'utf8'))
    expect(await read('again.prom')).toBe(await readFile(files.metrics, 'utf8'))
    const stored = JSON.parse(await readFile(files.json, 'utf8'))
    expect(io.out).toBe(renderTerminal(stored, PLAIN))
    expect(io.err).toContain('wrote again.html')
  })

  it('prints the terminal table when no file is asked for', async () => {
    await writeReportFiles(richReport(), path.join(dir, 'table'))
    const io = captureIO(dir)
    expect(await main(['report', 'table/report.json'], io)).toBe(0)
    expect(io.out).toContain(richReport().scenarios[0]!.name)
    expect(io.out).toBe(renderTerminal(JSON.parse(await read('table/report.json')), PLAIN))
  })

  it('names the file and the field that do not match the schema', async () => {
    const report = richReport() as unknown as { scenarios: Array<Record<string, unknown>> }
    report.scenarios[0]!.verdict = 'great'
    await writeFile(path.join(dir, 'bad.json'), JSON.stringify(report))
    const io = captureIO(dir)
    expect(await main(['report', 'bad.json', '--html', 'x.html'], io)).toBe(2)
    expect(io.err).toContain('bad.json is not a perfgate report.json (schema/report.schema.json)')
    expect(io.err).toMatch(/bad\.json: \/scenarios\/0\/verdict must be equal to one of the allowed values/)
  })

  it('says to upgrade for a report written by a newer perfgate', async () => {
    const newerSchema = { ...richReport(), schemaVersion: 2, tool: { name: 'perfgate', version: '9.0.0' } }
    await writeFile(path.join(dir, 'newer.json'), JSON.stringify(newerSchema))
    const io = captureIO(dir)
    expect(await main(['report', 'newer.json'], io)).toBe(2)
    expect(io.err).toContain(
      `newer.json: /schemaVersion is 2, written by perfgate 9.0.0; this perfgate (${VERSION}) reads version 1: upgrade perfgate`
    )
    const newerField = { ...richReport(), tool: { name: 'perfgate', version: '9.0.0' }, energy: 3 }
    await writeFile(path.join(dir, 'field.json'), JSON.stringify(newerField))
    const field = captureIO(dir)
    expect(await main(['report', 'field.json'], field)).toBe(2)
    expect(field.err).toContain('field.json: written by perfgate 9.0.0, newer than this perfgate')
    expect(field.err).toContain('/ has an unknown field "energy"')
  })

  it('needs exactly one report.json', async () => {
    const io = captureIO(dir)
    expect(await main(['report'], io)).toBe(2)
    expect(io.err).toContain('perfgate report needs one report.json')
  })
})
