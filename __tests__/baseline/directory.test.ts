import { afterEach, beforeEach, describe, expect, it } from '@jest/globals'
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { DirectoryStore } from '../../src/baseline/directory.js'
import { NewerBaselineError, recordPath } from '../../src/baseline/record.js'
import { sampleRecord } from '../../__fixtures__/baseline.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-store-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('DirectoryStore', () => {
  it('is missing until the first save, then holds the same layout as the branch', async () => {
    const store = new DirectoryStore(path.join(dir, 'store'))
    expect((await store.read()).state).toBe('missing')
    const record = sampleRecord()
    expect(await store.save(record)).toMatchObject({ saved: true, path: recordPath(record) })
    const readout = await store.read()
    expect(readout).toMatchObject({ state: 'ok', warnings: [] })
    expect(readout.records).toEqual([{ path: recordPath(record), record }])
    expect((await readdir(path.join(dir, 'store'))).sort()).toEqual(['meta.json', 'v1'])
  })

  it('never overwrites: the same attempt again is a no-op, leaving no temp files', async () => {
    const store = new DirectoryStore(dir)
    await store.save(sampleRecord())
    const again = await store.save(sampleRecord())
    expect(again).toMatchObject({ saved: true, already: true })
    const changed = await store.save(sampleRecord({ rps: [1, 2, 3] }))
    expect(changed.message).toMatch(/kept unchanged/)
    expect((await store.read()).records[0]!.record.scenarios[0]!.rounds).toHaveLength(3)
    const sha = path.join(dir, 'v1/runs', 'a'.repeat(40))
    expect((await readdir(sha)).filter(f => f.endsWith('.tmp'))).toEqual([])
  })

  it('skips a corrupt record with a warning and refuses a newer layout', async () => {
    const store = new DirectoryStore(dir)
    await store.save(sampleRecord())
    await mkdir(path.join(dir, 'v1/runs/x'), { recursive: true })
    await writeFile(path.join(dir, 'v1/runs/x/1-1-abcdef.json'), 'garbage')
    const readout = await store.read()
    expect(readout.records).toHaveLength(1)
    expect(readout.warnings[0]).toMatch(/v1\/runs\/x\/1-1-abcdef\.json: not valid JSON/)
    await writeFile(path.join(dir, 'meta.json'), '{"schemaVersion": 9, "createdBy": "perfgate 9"}')
    await expect(store.read()).rejects.toThrow(NewerBaselineError)
  })

  it('a store path that is not a directory cannot be read or written, and says so', async () => {
    const file = path.join(dir, 'file')
    await writeFile(file, 'x')
    const store = new DirectoryStore(file)
    await expect(store.read()).rejects.toThrow(/cannot read the baseline directory/)
    expect((await store.save(sampleRecord())).message).toMatch(/baseline NOT saved/)
  })
})
