import type { NoteData } from '../model/note.js'
import type { ProfileMode } from '../config/cpu-profile.js'
import type { Acceptance } from '../compare/accept.js'
import type { Config } from '../config/types.js'
import type { BaselineStore } from '../baseline/store.js'
import type { RecordIdentity } from '../baseline/record.js'
import { ignoreEvents, type EventSink } from '../measure/events.js'
import type { Measurer } from '../measure/measurer.js'
import type { Report } from '../model/report.js'
import { buildReport } from '../report/build.js'
import { legStamp, wholeConfig } from '../shard/identity.js'
import { waitUntil } from '../shard/start-at.js'
import { windowRecorder } from '../shard/window.js'
import { BaseError, findMergeBase, useBaseDir, worktreeBase, type PreparedBase } from './base.js'
import { planStoredBaseline, saveRun, type StoredPlan } from './baseline.js'
import { compareGate } from './compare.js'
import { erroredScenario } from './judge.js'
import { runGate } from './run-gate.js'
import type { Environment } from '../measure/environment.js'

/** Where the base of a comparison comes from: a directory the workflow built, or the merge-base with a ref. */
export type BaseSource = { dir: string } | { ref: string }

/** `compare`: base and head measured in interleaved rounds on this machine. */
export interface CompareSettings {
  mode: 'compare'
  config: Config
  /** the repository (or directory) the config lives in: the worktree of the base is made from it */
  repo: string
  /** the head's directory (default: repo) */
  headDir?: string
  /** the directory service.cwd is relative to (default: headDir) */
  root?: string
  base: BaseSource
  acceptances: Acceptance[]
  git?: Report['git']
  /** extra service environment per side (the demo's knob) */
  env?: Partial<Record<'base' | 'head', Record<string, string>>>
  notes?: Array<string | NoteData>
  /** a load leg's shared start (epoch ms, --start-at): the gate waits for it before measuring */
  startAt?: number
  /** when to profile after the verdict, over the config's profile.mode (--profile, the action's profile input) */
  profile?: ProfileMode
}

/** Where a run stores itself, and under which identity. */
export interface SaveSettings {
  store: BaselineStore
  /** the record's identity (commit, run id), which may depend on the report (its time) */
  identity: (report: Report) => RecordIdentity | Promise<RecordIdentity>
  /** the folder of the report files, where a record that could not be stored is kept */
  outDir: string
  /** an errored run is never stored; say so in the report (CLI) or leave the report without a save (action) */
  sayErroredNotSaved: boolean
}

/** `run`: the head alone, checked against its limits and (when one is chosen) a stored run. */
export interface RunSettings {
  mode: 'run'
  config: Config
  repo?: string
  /** the store to compare with, and the commit whose stored run (or nearest ancestor's) is wanted */
  stored?: {
    store: BaselineStore
    from: string | undefined
    fromLabel: string
    /** set when the commit to compare with could not be found: no stored run is chosen, and the report says this */
    missing?: string
    leg?: string
  }
  save?: SaveSettings
  /** rounds per scenario (default: the baseline's rounds when a stored run is used or this run is stored, else 1) */
  rounds?: number
  git?: Report['git']
  /** a load leg's shared start (epoch ms, --start-at): the gate waits for it before measuring */
  startAt?: number
  /** profile the head after the run (run --profile): its top functions by CPU per request */
  profile?: boolean
}

export type GateSettings = CompareSettings | RunSettings

/**
 * What the gate is given besides the settings: the measurement's environment (the CA file, the host, where events
 * go, how process groups are announced), the same for every gate a door runs, and how sides are measured.
 */
export interface GateEnvironment extends Environment {
  /** the measurement interface of the compare loop (default: real processes) */
  measurer?: Measurer
}

/**
 * The gate: prepare the base (compare) or choose the stored baseline (run), run the loop, store the run when
 * asked, and return the report. The action and the CLI are its two doors. A base that cannot be prepared throws
 * BaseError (see baseErrorReport); a store that cannot be read throws StoreError or NewerBaselineError.
 */
export async function gate(settings: GateSettings, environment: GateEnvironment = {}): Promise<Report> {
  return settings.mode === 'compare' ? compareSides(settings, environment) : runHead(settings, environment)
}

/** The report of a comparison whose base could not be prepared: every scenario errored with the reason. */
export function baseErrorReport(
  config: Config,
  err: BaseError,
  startedAt = Date.now(),
  mode: Report['mode'] = 'compare'
): Report {
  const error = { kind: err.kind, message: err.message }
  return buildReport({
    config,
    mode,
    scenarios: config.scenarios.map(s => erroredScenario(s, error)),
    startedAt,
    leg: legStamp(config)
  })
}

async function prepareBase(settings: CompareSettings, environment: GateEnvironment): Promise<PreparedBase> {
  const events = environment.events ?? ignoreEvents
  if ('dir' in settings.base) return useBaseDir(settings.base.dir)
  const sha = await findMergeBase(settings.repo, settings.base.ref, events)
  return worktreeBase(settings.repo, sha, settings.config.service?.build, events, environment.onSpawned)
}

/** A running target (no service section) has no base to measure beside it: compare refuses it before anything starts. */
export class RunningTargetError extends Error {
  constructor(file: string) {
    super(
      `${file} has no service section: it measures a running target, which has no base-vs-head compare. ` +
        'Use perfgate run (absolute limits, and the stored baseline with --baseline DIR), or add a service section'
    )
    this.name = 'RunningTargetError'
  }
}

async function compareSides(settings: CompareSettings, environment: GateEnvironment): Promise<Report> {
  if (!settings.config.service) throw new RunningTargetError(settings.config.file)
  const base = await prepareBase(settings, environment)
  try {
    // a load leg records the window it measured in (a late leg's is later), after waiting for the shared start
    const recorder = windowRecorder(environment.events ?? ignoreEvents)
    if (settings.startAt !== undefined) await waitUntil(settings.startAt)
    const report = await compareGate(settings.config, {
      ...environment,
      events: recorder.events,
      baseDir: base.dir,
      headDir: settings.headDir ?? settings.repo,
      root: settings.root,
      env: settings.env,
      leg: () => legStamp(settings.config, { window: recorder.window(), startAt: settings.startAt }),
      acceptances: settings.acceptances,
      profile: settings.profile,
      notes: [...(settings.notes ?? []), base.note],
      git:
        settings.git || base.sha ? { ...settings.git, ...(base.sha ? { baseSha: base.sha } : {}) } : undefined
    })
    return report
  } finally {
    await base.cleanup()
  }
}

async function chooseStored(settings: RunSettings, events: EventSink): Promise<StoredPlan | undefined> {
  const stored = settings.stored
  if (!stored) return undefined
  if (stored.from === undefined && stored.missing)
    return { info: { store: stored.store.description, state: 'none', message: stored.missing } }
  // a shard's leg looks up the whole config's runs: every leg's record of a commit carries the whole config's hash
  return planStoredBaseline(
    wholeConfig(settings.config),
    stored.store,
    settings.repo,
    stored.from,
    events,
    stored.fromLabel,
    stored.leg
  )
}

async function runHead(settings: RunSettings, environment: GateEnvironment): Promise<Report> {
  const events = environment.events ?? ignoreEvents
  const { config, save } = settings
  const plan = await chooseStored(settings, events)
  const recorder = windowRecorder(events)
  if (settings.startAt !== undefined) await waitUntil(settings.startAt)
  const report = await runGate(config, {
    ...environment,
    events: recorder.events,
    rounds: settings.rounds ?? (plan?.stored || save ? config.baseline.rounds : 1),
    stored: plan?.stored,
    baselineInfo: plan?.info,
    git: settings.git,
    // a leg's identity goes into the report as it is built, before it is stored
    leg: () => legStamp(config, { window: recorder.window(), startAt: settings.startAt }),
    profile: settings.profile,
    root: settings.repo
  })
  if (!save || (report.verdict === 'errored' && !save.sayErroredNotSaved)) return report
  const saved =
    report.verdict === 'errored'
      ? {
          saved: false,
          path: '',
          message: 'baseline NOT saved: an errored run is never stored as a baseline'
        }
      : await saveRun(report, save.store, await save.identity(report), save.outDir, events)
  report.baseline = {
    ...(report.baseline ?? {
      store: save.store.description,
      state: 'none',
      message: 'nothing to compare with'
    }),
    saved
  }
  return report
}

export { BaseError }
