import { loadConfig } from '../../../src/config/load.js'
import { startService, stopAllServices } from '../../../src/service/spawn.js'
import { choosePinning } from '../../../src/gate/pinning.js'
import { hostInfo } from '../../../src/measure/environment.js'
import { pinnedCommand } from '../../../src/measure/affinity.js'
import type { Scenario } from '../../../src/config/types.js'
import type { ZooServer } from './catalog.js'
import { errorsOf, perfgateCompareAA, perfgateRun, verdictsOf, type GateOutcome } from './gate.js'
import { cleanupOf, describeCleanup, type Cleanup } from './leftovers.js'
import { prepareSite, type ZooLoad, type ZooSite } from './site.js'
import {
  countCheck,
  countProblems,
  latencyCheck,
  latencyProblems,
  withStderrLog,
  type CountPlan,
  type LatencyPlan
} from './reference.js'
import { compareThroughput, median, perfgateOverWrk, type ClosedSpec } from './throughput.js'
import type { ZooRow } from './table.js'

/** The throughput comparison of `npm run zoo`: perfgate's closed model beside wrk's and raw autocannon's. */
export interface ThroughputPlan {
  connections: number
  warmupS: number
  durationS: number
  repeats: number
}

/**
 * `npm run zoo`'s references, on one running process of the server: the server's own count, an independent
 * client's p50, and (HTTP/1.x, as information) the closed-model throughput of wrk and autocannon.
 */
export interface ReferencePlan {
  count: CountPlan
  latency: LatencyPlan
  throughput: ThroughputPlan
}

const A_A_VERDICTS = ['pass', 'inconclusive']

function runProblems(outcome: GateOutcome): string[] {
  if (outcome.exitCode === 2 || !outcome.report || outcome.report.verdict === 'errored')
    return [`run errored (${verdictsOf(outcome)}): ${errorsOf(outcome)}`]
  return []
}

function compareProblems(outcome: GateOutcome): string[] {
  if (!outcome.report || !A_A_VERDICTS.includes(outcome.report.verdict))
    return [
      `A/A compare ${outcome.report?.verdict ?? 'gave no report'} (${verdictsOf(outcome)}): ${errorsOf(outcome)}`
    ]
  return []
}

function cleanupProblems(after: string, cleanup: Cleanup): string[] {
  const text = describeCleanup(cleanup)
  return text === 'clean' ? [] : [`after ${after}: ${text}`]
}

/** The closed-model throughput through perfgate, wrk and autocannon (information: a closed loop's rate is the
 * client's and the server's together). */
async function measureThroughput(
  site: ZooSite,
  scenario: Scenario,
  plan: ThroughputPlan
): Promise<NonNullable<ZooRow['rps']>> {
  const spec: ClosedSpec = {
    url: `${site.origin}/`,
    connections: plan.connections,
    warmupS: plan.warmupS,
    durationS: plan.durationS
  }
  const samples = await compareThroughput(spec, scenario, plan.repeats)
  return {
    perfgate: median(samples.perfgate),
    wrk: median(samples.wrk),
    autocannon: median(samples.autocannon),
    ratio: perfgateOverWrk(samples),
    generatorCpu: median(samples.perfgateCpu)
  }
}

/**
 * Starts the site's service once, laid out on the CPUs as perfgate lays it out (the server off the first CPU,
 * which every client then has to itself), and measures the references against it; the row gets their figures and
 * problems.
 */
async function measureReferences(site: ZooSite, plan: ReferencePlan, row: ZooRow): Promise<void> {
  const { server } = site
  const config = await loadConfig(site.configFile)
  const cpus = choosePinning(config.service!, hostInfo())
  const logged = 'stderr' in server.count && server.count.stderr
  const command = pinnedCommand(
    logged ? withStderrLog(config.service!.command, site.dir) : config.service!.command,
    cpus.service
  )
  const service = await startService({ ...config.service!, command }, { label: 'zoo' })
  const closed = config.scenarios.find(s => s.name === 'closed')!
  const open = config.scenarios.find(s => s.name === 'open')!
  try {
    row.count = await countCheck(closed, site, server.count, plan.count)
    row.problems.push(...countProblems(row.count))
    row.latency = await latencyCheck(server, open, plan.latency, cpus.note.generator)
    row.problems.push(...latencyProblems(row.latency, plan.latency.tolerance))
    // wrk and autocannon speak HTTP/1.1 only
    if (!server.protocol) row.rps = await measureThroughput(site, closed, plan.throughput)
  } finally {
    await service.stop()
  }
}

/**
 * One zoo server end to end: perfgate run, then an A/A compare, each followed by the cleanup check; with a
 * reference plan, the references too (measureReferences). Returns its table row; problems lists what failed.
 */
export async function checkServer(server: ZooServer, load: ZooLoad, plan?: ReferencePlan): Promise<ZooRow> {
  const row: ZooRow = {
    server: server.name,
    what: server.what,
    run: '–',
    compare: '–',
    cleanup: '–',
    problems: []
  }
  const site = await prepareSite(server, load)
  const cleanups: string[] = []
  const checkCleanup = async (after: string) => {
    const cleanup = await cleanupOf(site.dir, server.host, site.port)
    cleanups.push(describeCleanup(cleanup))
    row.problems.push(...cleanupProblems(after, cleanup))
  }
  try {
    const run = await perfgateRun(site)
    row.run = run.report?.verdict ?? `exit ${run.exitCode}`
    row.openLagUs = run.report?.scenarios.find(s => s.name === 'open')?.metrics['generator.lag'] ?? undefined
    row.problems.push(...runProblems(run))
    await checkCleanup('run')

    const compare = await perfgateCompareAA(site, load.compareScenarios)
    row.compare = compare.report?.verdict ?? `exit ${compare.exitCode}`
    row.problems.push(...compareProblems(compare))
    await checkCleanup('compare')

    if (plan) {
      await measureReferences(site, plan, row)
      await checkCleanup('the references')
    }
    row.cleanup = cleanups.every(c => c === 'clean')
      ? 'clean'
      : cleanups.filter(c => c !== 'clean').join('; ')
  } catch (err) {
    row.problems.push(`the zoo harness failed: ${(err as Error).stack ?? String(err)}`)
  } finally {
    await stopAllServices()
    await site.remove()
  }
  return row
}
