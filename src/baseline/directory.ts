import { randomBytes } from 'node:crypto'
import { link, mkdir, readFile, readdir, unlink, writeFile } from 'node:fs/promises'
import path from 'node:path'
import { META_FILE, RUNS_DIR, StoreError, newMeta, recordPath, serializeRecord } from './record.js'
import type { BaselineRecord } from './record.js'
import { parseStoreFiles, type BaselineStore, type SaveResult, type StoreReadout } from './store.js'

const errno = (err: unknown) => (err as NodeJS.ErrnoException).code

/** Writes `text` at `file` only if nothing is there: a temp file hard-linked into place, never a partial file. */
async function writeNew(file: string, text: string): Promise<'written' | 'exists'> {
  await mkdir(path.dirname(file), { recursive: true })
  const temp = `${file}.${randomBytes(6).toString('hex')}.tmp`
  await writeFile(temp, text)
  try {
    await link(temp, file)
    return 'written'
  } catch (err) {
    if (errno(err) === 'EEXIST') return 'exists'
    throw err
  } finally {
    await unlink(temp).catch(() => undefined)
  }
}

async function listJson(dir: string, prefix: string): Promise<string[]> {
  const out: string[] = []
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const relative = `${prefix}/${entry.name}`
    if (entry.isDirectory()) out.push(...(await listJson(path.join(dir, entry.name), relative)))
    else if (entry.isFile() && entry.name.endsWith('.json')) out.push(relative)
  }
  return out
}

/** The local store of the CLI (`--baseline DIR`, `--save-baseline DIR`): the branch's layout in a directory. */
export class DirectoryStore implements BaselineStore {
  readonly description: string

  constructor(readonly dir: string) {
    this.description = `directory ${dir}`
  }

  async read(): Promise<StoreReadout> {
    const runs = path.join(this.dir, RUNS_DIR)
    let paths: string[]
    try {
      paths = await listJson(runs, RUNS_DIR)
    } catch (err) {
      if (errno(err) === 'ENOENT') {
        return {
          state: 'missing',
          records: [],
          warnings: [],
          message: `no baselines stored in ${this.dir} yet`
        }
      }
      throw new StoreError(`cannot read the baseline ${this.description}: ${(err as Error).message}`)
    }
    const files: Array<{ path: string; text: string }> = []
    try {
      const meta = await readFile(path.join(this.dir, META_FILE), 'utf8').catch((err: unknown) => {
        if (errno(err) === 'ENOENT') return undefined
        throw err
      })
      if (meta !== undefined) files.push({ path: META_FILE, text: meta })
      const READ_AT_ONCE = 64
      for (let i = 0; i < paths.length; i += READ_AT_ONCE) {
        const batch = paths.slice(i, i + READ_AT_ONCE)
        const texts = await Promise.all(batch.map(p => readFile(path.join(this.dir, p), 'utf8')))
        batch.forEach((p, j) => files.push({ path: p, text: texts[j]! }))
      }
    } catch (err) {
      throw new StoreError(`cannot read the baseline ${this.description}: ${(err as Error).message}`)
    }
    return { state: 'ok', ...parseStoreFiles(files, this.description) }
  }

  async save(record: BaselineRecord): Promise<SaveResult> {
    const relative = recordPath(record)
    const file = path.join(this.dir, relative)
    const text = serializeRecord(record)
    try {
      await writeNew(path.join(this.dir, META_FILE), `${JSON.stringify(newMeta(), null, 1)}\n`)
      if ((await writeNew(file, text)) === 'exists') {
        const same = (await readFile(file, 'utf8')) === text
        return {
          saved: true,
          already: true,
          path: relative,
          attempts: 1,
          message: same
            ? `baseline already stored at ${relative} (a re-run of the same attempt)`
            : `a baseline for this run and attempt is already stored at ${relative}; it was kept unchanged`
        }
      }
    } catch (err) {
      return {
        saved: false,
        path: relative,
        attempts: 1,
        message: `baseline NOT saved in ${this.dir}: ${(err as Error).message}`
      }
    }
    return { saved: true, path: relative, attempts: 1, message: `baseline saved in ${this.dir}: ${relative}` }
  }
}
