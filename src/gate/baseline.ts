import { mkdir, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { Config } from '../config/types.js'
import { configHash } from '../config/load.js'
import { DirectoryStore } from '../baseline/directory.js'
import { GitBranchStore, type RetryPolicy } from '../baseline/git.js'
import { recordFromReport, safeLeg, serializeRecord, type RecordIdentity } from '../baseline/record.js'
import { historyOf, selectBaseline } from '../baseline/select.js'
import type { BaselineStore } from '../baseline/store.js'
import { runnerFingerprint } from '../report/fingerprint.js'
import type { BaselineInfo, Report } from '../model/report.js'
import { ancestorsOf } from '../git/history.js'
import type { EventSink } from '../measure/events.js'
import type { StoredBaseline } from './stored.js'

/** The store the config names (or undefined for `store: none`); the branch store works in `repo`. */
export function storeFor(
  config: Config,
  repo: string,
  events: EventSink,
  retry?: Partial<RetryPolicy>
): BaselineStore | undefined {
  const spec = config.baseline
  if (spec.store === 'none') return undefined
  if (spec.store === 'directory') return new DirectoryStore(spec.directory)
  return new GitBranchStore({
    repo,
    branch: spec.branch,
    remote: spec.remote,
    retry,
    log: message => events({ type: 'info', message })
  })
}

export interface StoredPlan {
  stored?: StoredBaseline
  info: BaselineInfo
}

/**
 * Reads the store and chooses the stored run to compare with: the nearest of `from` and its ancestors with a run
 * of this config. `from` undefined (outside git) looks for runs recorded as "local". A store that exists but
 * cannot be read throws (StoreError, NewerBaselineError): it is never taken for "no baseline".
 */
export async function planStoredBaseline(
  config: Config,
  store: BaselineStore,
  repo: string | undefined,
  from: string | undefined,
  events: EventSink,
  fromLabel?: string,
  leg?: string
): Promise<StoredPlan> {
  const readout = await store.read()
  for (const warning of readout.warnings) events({ type: 'warning', message: warning })
  if (readout.state === 'missing') {
    return {
      info: { store: store.description, state: 'none', message: readout.message ?? 'no baseline store yet' }
    }
  }
  const ancestors = repo && from ? await ancestorsOf(repo, from) : ['local']
  const runner = runnerFingerprint()
  const hash = configHash(config)
  const choice = selectBaseline({
    records: readout.records,
    ancestors,
    configHash: hash,
    runner,
    fromLabel: from ? (fromLabel ?? from) : 'runs recorded outside git ("local")',
    ...(leg ? { leg: safeLeg(leg) } : {})
  })
  const history = historyOf(readout.records, hash, runner)
  if (!choice.found) {
    return {
      info: { store: store.description, state: 'none', message: choice.reason, history: history.length }
    }
  }
  const { record, path: recordFile } = choice.stored
  events({ type: 'info', message: choice.description })
  if (choice.mismatches.length) {
    events({
      type: 'warning',
      message: `the stored baseline was measured on a different runner (${choice.mismatches.join('; ')}): ${config.baseline.onRunnerMismatch === 'inconclusive' ? 'regression checks that would fail are inconclusive instead' : 'compared anyway (on-runner-mismatch: compare)'}`
    })
  }
  return {
    stored: {
      choice,
      history,
      spec: config.baseline,
      confidence: config.compare.confidence
    },
    info: {
      store: store.description,
      state: 'used',
      message: choice.description,
      sha: record.git.sha,
      runId: record.git.runId,
      runAttempt: record.git.runAttempt,
      path: recordFile,
      createdAt: record.createdAt,
      distance: choice.distance,
      mismatches: choice.mismatches,
      history: history.length
    }
  }
}

/**
 * Stores the run. A failed write loses nothing: the record is kept as `baseline-record.json` next to the report
 * (upload it as an artifact; `perfgate baseline save` pushes it later) and the result says so.
 */
export async function saveRun(
  report: Report,
  store: BaselineStore,
  identity: RecordIdentity,
  outDir: string,
  events: EventSink
): Promise<NonNullable<BaselineInfo['saved']>> {
  const record = recordFromReport(report, identity)
  const result = await store.save(record)
  if (result.saved) {
    events({ type: 'info', message: result.message })
    return { saved: true, path: result.path, message: result.message }
  }
  const file = path.join(outDir, 'baseline-record.json')
  await mkdir(outDir, { recursive: true })
  await writeFile(file, serializeRecord(record))
  const message = `${result.message}. The record is kept in ${file}: \`perfgate baseline save ${path.basename(file)}\` stores it later`
  events({ type: 'warning', message })
  return { saved: false, path: result.path, message, file }
}
