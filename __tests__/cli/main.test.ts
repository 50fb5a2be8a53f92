import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { report } from '../../__fixtures__/report.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cli-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

const io = () => captureIO(dir)

describe('the CLI', () => {
  it('validate: exit 0 for a valid file, 2 with file:line:col for a bad one', async () => {
    const ok = io()
    expect(await main(['validate', path.resolve('thresholds/example.yml')], ok)).toBe(0)
    expect(ok.out).toContain('is valid: 3 scenarios')
    await writeFile(path.join(dir, 'bad.yml'), 'version: 2\n')
    const bad = io()
    expect(await main(['validate', 'bad.yml'], bad)).toBe(2)
    expect(bad.err).toMatch(/bad\.yml:1:10: "version" must be 1; got 2/)
  })

  it('report: renders HTML from report.json and refuses a file that is not one', async () => {
    await writeFile(path.join(dir, 'report.json'), JSON.stringify(report()))
    const ok = io()
    expect(await main(['report', 'report.json', '--html', 'out.html'], ok)).toBe(0)
    expect(await readFile(path.join(dir, 'out.html'), 'utf8')).toContain('<!doctype html>')
    await writeFile(path.join(dir, 'broken.json'), '{"verdict": ')
    const broken = io()
    expect(await main(['report', 'broken.json', '--html', 'x.html'], broken)).toBe(2)
    expect(broken.err).toContain('cannot read broken.json as a report')
    await writeFile(path.join(dir, 'other.json'), '{"verdict": "pass"}')
    const other = io()
    expect(await main(['report', 'other.json', '--html', 'x.html'], other)).toBe(2)
    expect(other.err).toContain('other.json is not a perfgate report.json')
  })

  it('usage errors exit 2 and say what was wrong', async () => {
    const unknown = io()
    expect(await main(['fly'], unknown)).toBe(2)
    expect(unknown.err).toContain('unknown command "fly"')
    const noBase = io()
    expect(await main(['compare', '--config', path.resolve('thresholds/example.yml')], noBase)).toBe(2)
    expect(noBase.err).toContain('needs --base DIR')
    const scenario = io()
    expect(
      await main(['run', '--config', path.resolve('thresholds/example.yml'), '--scenario', 'nope'], scenario)
    ).toBe(2)
    expect(scenario.err).toContain('no scenario named "nope"')
  })
})
