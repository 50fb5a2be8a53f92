import {
  CorruptRecordError,
  META_FILE,
  NewerBaselineError,
  checkMeta,
  parseRecord,
  type BaselineRecord
} from './record.js'

export interface StoredRecord {
  /** path inside the store, e.g. v1/runs/<sha>/<run>-<attempt>-<hash>.json */
  path: string
  record: BaselineRecord
}

export interface StoreReadout {
  /** 'missing': the store does not exist yet (first run); 'ok': it was read */
  state: 'missing' | 'ok'
  records: StoredRecord[]
  /** one line per skipped record, naming its path */
  warnings: string[]
  /** why the store is missing, for the report */
  message?: string
}

export interface SaveResult {
  saved: boolean
  path: string
  /** push attempts (1 for a directory) */
  attempts: number
  /** one line for the log and the report */
  message: string
  /** the same record was already there: a re-run of the same attempt */
  already?: boolean
}

/** Where baseline records live: a git branch or a directory with the same layout. */
export interface BaselineStore {
  /** for messages: "branch perfgate-baselines of origin", "directory .perfgate/baselines" */
  readonly description: string
  read(): Promise<StoreReadout>
  save(record: BaselineRecord): Promise<SaveResult>
}

/**
 * Parses raw files of a store: meta.json is checked first (a newer layout stops everything). A corrupt record is
 * skipped with a warning that names it. A record from a newer perfgate is an error ("upgrade perfgate"): skipping
 * it would silently gate against an older baseline.
 */
export function parseStoreFiles(
  files: Array<{ path: string; text: string }>,
  location: string
): Pick<StoreReadout, 'records' | 'warnings'> {
  const meta = files.find(f => f.path === META_FILE)
  if (meta) checkMeta(meta.text, `${location}: ${META_FILE}`)
  const records: StoredRecord[] = []
  const warnings: string[] = []
  for (const file of files) {
    if (file.path === META_FILE) continue
    if (!file.path.endsWith('.json')) continue
    try {
      records.push({ path: file.path, record: parseRecord(file.text, file.path) })
    } catch (err) {
      // a record from a newer perfgate stops the read: skipping it would compare against an older baseline
      if (err instanceof NewerBaselineError)
        throw new NewerBaselineError(`a baseline record in ${location}: ${err.message}`)
      if (!(err instanceof CorruptRecordError)) throw err
      warnings.push(`skipped a corrupt baseline record in ${location}: ${err.message}`)
    }
  }
  return { records, warnings }
}
