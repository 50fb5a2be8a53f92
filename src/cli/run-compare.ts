/** \`perfgate run\` and \`perfgate compare\`: argv -> gate settings -> the gate -> the terminal and the report files. */
import { parseArgs } from 'node:util'
import path from 'node:path'
import type { Acceptance } from '../compare/accept.js'
import { PROFILE_MODES, type ProfileMode } from '../config/cpu-profile.js'
import type { Config } from '../config/types.js'
import { DirectoryStore } from '../baseline/directory.js'
import { NewerBaselineError, StoreError } from '../baseline/record.js'
import { BaseError, requireSideDir } from '../gate/base.js'
import { headSha, repoRoot } from '../git/history.js'
import { gate, RunningTargetError, type RunSettings } from '../gate/gate.js'
import { environmentOf } from '../measure/environment.js'
import type { Report } from '../model/report.js'
import { loadOrReport } from './config.js'
import { UsageError, type CliIO } from './io.js'
import { COMPARE_FLAGS, RUN_FLAGS } from './flags.js'
import { eventsFor, finish, outputMode } from './output.js'
import { legConfig, type LegFlags } from './shard.js'
import { shardLeg } from '../shard/identity.js'

/** Keeps only the named scenarios (--scenario); an unknown name is a usage error. */
export function selectScenarios(config: Config, names: string[] | undefined): Config {
  if (!names?.length) return config
  const unknown = names.filter(n => !config.scenarios.some(s => s.name === n))
  if (unknown.length) {
    throw new UsageError(
      `no scenario named ${unknown.map(n => `"${n}"`).join(', ')} in ${config.file}; it has: ${config.scenarios.map(s => s.name).join(', ')}`
    )
  }
  return { ...config, scenarios: config.scenarios.filter(s => names.includes(s.name)) }
}

function parseAccept(values: string[] | undefined): Acceptance[] {
  return (values ?? []).map(v => {
    const [scenario, metric] = v.split(':')
    if (!scenario) throw new UsageError(`--accept takes SCENARIO:METRIC (either may be *), got "${v}"`)
    return { scenario, metric: metric || '*', by: `--accept ${v}` }
  })
}

const legFlags = (values: {
  shard?: string
  'load-shard'?: string
  'start-at'?: string
  scenario?: string[]
}): LegFlags => ({
  shard: values.shard,
  loadShard: values['load-shard'],
  startAt: values['start-at'],
  scenarios: values.scenario
})

function parseRounds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined
  const rounds = Number(value)
  if (!Number.isInteger(rounds) || rounds < 1 || rounds > 50)
    throw new UsageError(`--rounds takes a whole number from 1 to 50, got "${value}"`)
  return rounds
}

/** --profile on-regression|always|never (compare): over the config's profile.mode */
function parseProfileMode(value: string | undefined): ProfileMode | undefined {
  if (value === undefined) return undefined
  const mode = PROFILE_MODES.find(m => m === value)
  if (!mode) throw new UsageError(`--profile takes ${PROFILE_MODES.join(', ')}, got "${value}"`)
  return mode
}

/** perfgate run */
export async function commandRun(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: RUN_FLAGS })
  const loaded = await loadOrReport(values.config, io)
  if (!loaded) return 2
  // a leg's subset keeps the whole config it was cut from: the gate looks baselines up by it and stamps the leg
  const { config, shard, kind, startAt } = legConfig(loaded, legFlags(values), selectScenarios)
  if (kind === 'load' && (values.baseline || values['save-baseline']))
    throw new UsageError(
      '--load-shard legs neither store nor compare with stored runs (each leg sends only part of the load): drop --baseline and --save-baseline'
    )
  const mode = outputMode(values, io)
  const outDir = path.resolve(io.cwd, values.out ?? 'perfgate-report')
  const repo = await repoRoot(path.dirname(config.file))
  const head = repo ? await headSha(repo) : undefined
  const store = (dir: string | undefined) => (dir ? new DirectoryStore(path.resolve(io.cwd, dir)) : undefined)
  const readStore = store(values.baseline)
  const saveStore = store(values['save-baseline'])
  const settings: RunSettings = {
    mode: 'run',
    config,
    repo,
    rounds: parseRounds(values.rounds),
    stored: readStore ? { store: readStore, from: head, fromLabel: 'HEAD' } : undefined,
    save: saveStore
      ? {
          store: saveStore,
          identity: report => ({
            sha: head ?? 'local',
            event: 'cli',
            runId: `local-${report.createdAt.replace(/[^0-9]/g, '').slice(0, 14)}`,
            runAttempt: 1,
            ...(shard ? { leg: shardLeg(undefined, shard, kind) } : {})
          }),
          outDir,
          sayErroredNotSaved: true
        }
      : undefined,
    git: head ? { sha: head } : undefined,
    startAt,
    profile: values.profile
  }
  let report: Report
  try {
    report = await gate(settings, { ...environmentOf(process.env), events: eventsFor(mode, io) })
  } catch (err) {
    if (err instanceof StoreError || err instanceof NewerBaselineError) {
      io.stderr.write(`perfgate: ${err.message}\n`)
      return 2
    }
    throw err
  }
  return finish(report, outDir, io, config.onInconclusive, mode)
}

/** perfgate compare */
export async function commandCompare(args: string[], io: CliIO): Promise<number> {
  const { values } = parseArgs({ args, options: COMPARE_FLAGS })
  const loaded = await loadOrReport(values.config, io)
  if (!loaded) return 2
  // a leg's subset keeps the whole config it was cut from: the gate looks baselines up by it and stamps the leg
  const { config, shard, startAt } = legConfig(loaded, legFlags(values), selectScenarios)
  if (!config.service) {
    io.stderr.write(`perfgate: ${new RunningTargetError(config.file).message}\n`)
    return 2
  }
  const mode = outputMode(values, io)
  // service.cwd is mapped from the config's repository (or directory) onto both the --head and the --base directory
  const configDir = path.dirname(config.file)
  const root = (await repoRoot(configDir)) ?? configDir
  const headDir = values.head ? path.resolve(io.cwd, values.head) : root
  let report: Report
  try {
    if (values.head) requireSideDir(headDir, 'head', 'pass --head the directory of a built head')
    const base = values.base
      ? { dir: path.resolve(io.cwd, values.base) }
      : values['base-ref']
        ? { ref: values['base-ref'] }
        : undefined
    if (!base)
      throw new UsageError(
        'perfgate compare needs --base DIR (a built base) or --base-ref REF (perfgate builds the merge-base itself)'
      )
    report = await gate(
      {
        mode: 'compare',
        config,
        repo: headDir,
        root,
        base,
        acceptances: parseAccept(values.accept),
        profile: parseProfileMode(values.profile),
        startAt
      },
      { ...environmentOf(process.env), events: eventsFor(mode, io) }
    )
    // a leg names its commit, so that merge can check every leg measured the same one
    if (shard) {
      const sha = await headSha(headDir)
      if (sha) report.git = { ...report.git, sha }
    }
  } catch (err) {
    if (err instanceof BaseError || err instanceof RunningTargetError) {
      io.stderr.write(`perfgate: ${err.message}\n`)
      return 2
    }
    throw err
  }
  return finish(
    report,
    path.resolve(io.cwd, values.out ?? 'perfgate-report'),
    io,
    config.onInconclusive,
    mode
  )
}
