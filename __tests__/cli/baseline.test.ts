import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../../src/cli/main.js'
import { captureIO } from '../../__fixtures__/cli.js'
import { serializeRecord } from '../../src/baseline/record.js'
import { stopAllServices } from '../../src/service/spawn.js'
import { exampleServiceYaml, freePort } from '../../__fixtures__/config.js'
import { sampleRecord } from '../../__fixtures__/baseline.js'

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cli-baseline-'))
})
afterAll(async () => {
  await stopAllServices()
  await rm(dir, { recursive: true, force: true })
})

const io = () => captureIO(dir)

describe('perfgate run with a local baseline directory', () => {
  it('--save-baseline stores the run, baseline list/show read it, --baseline compares with it', async () => {
    const port = await freePort()
    await writeFile(
      path.join(dir, 'perfgate.yml'),
      exampleServiceYaml(port, '    regression:\n      throughput.ok_rps: "-60%"\n')
    )
    const save = io()
    expect(await main(['run', '--save-baseline', 'store', '--rounds', '2'], save)).toBe(0)
    expect(save.out).toMatch(
      /baseline: baseline saved in .*store: v1\/runs\/local\/local-\d{14}-1-[0-9a-f]{16}\.json/
    )

    const list = io()
    expect(await main(['baseline', 'list', '--baseline', 'store'], list)).toBe(0)
    expect(list.out).toMatch(/: 1 stored run\n/)
    expect(list.out).toMatch(/^local\s+\d+ min old\s+local-\d+#1\s+[0-9a-f]{16}\s+\w+\s+\d+c /m)

    const show = io()
    expect(await main(['baseline', 'show', 'local', '--baseline', 'store'], show)).toBe(0)
    expect(show.out).toMatch(/get \(2 rounds\)/)
    expect(show.out).toMatch(/throughput\.ok_rps\s+[\d,.]+ req\/s\s+rounds: [\d,.]+ req\/s, [\d,.]+ req\/s/)

    const compare = io()
    expect(await main(['run', '--baseline', 'store'], compare)).toBe(0)
    expect(compare.out).toMatch(/baseline: compared with a stored run \(directory .*store\): baseline: local/)
    const report = JSON.parse(await readFile(path.join(dir, 'perfgate-report/report.json'), 'utf8'))
    expect(report.baseline.state).toBe('used')
    expect(report.scenarios[0].runs).toHaveLength(3)
    expect(report.scenarios[0].checks[0].verdict).not.toBe('skipped')
  })

  it('baseline save stores a kept record; errors are clear and exit 2', async () => {
    await writeFile(path.join(dir, 'kept.json'), serializeRecord(sampleRecord({ runId: 'kept' })))
    const ok = io()
    expect(await main(['baseline', 'save', 'kept.json', '--baseline', 'store2'], ok)).toBe(0)
    expect(ok.out).toMatch(/baseline saved in .*store2/)
    await writeFile(path.join(dir, 'junk.json'), '{"schemaVersion": 1}')
    const junk = io()
    expect(await main(['baseline', 'save', 'junk.json', '--dir', 'store2'], junk)).toBe(2)
    expect(junk.err).toMatch(/junk\.json is not a baseline record: .*does not match the baseline schema/)
    const missing = io()
    expect(await main(['baseline', 'show', 'ffff', '--baseline', 'store2'], missing)).toBe(2)
    expect(missing.err).toMatch(/no stored run matches "ffff"/)
    const unknown = io()
    expect(await main(['baseline', 'prune'], unknown)).toBe(2)
    expect(unknown.err).toMatch(/unknown baseline command "prune"/)
    await writeFile(
      path.join(dir, 'store2', 'meta.json'),
      '{"schemaVersion": 7, "createdBy": "perfgate 7.0.0"}'
    )
    const newer = io()
    expect(await main(['baseline', 'list', '--dir', 'store2'], newer)).toBe(2)
    expect(newer.err).toMatch(/upgrade perfgate/)
  })
})
