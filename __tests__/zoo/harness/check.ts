import { loadConfig } from '../../../src/config/load.js'
import { startService, stopAllServices } from '../../../src/service/spawn.js'
import { choosePinning } from '../../../src/gate/pinning.js'
import { hostInfo } from '../../../src/measure/environment.js'
import { pinnedCommand } from '../../../src/measure/affinity.js'
import { GENERATOR_SATURATED_CPU } from '../../../src/report/findings.js'
import type { ZooServer } from './catalog.js'
import { errorsOf, perfgateCompareAA, perfgateRun, verdictsOf, type GateOutcome } from './gate.js'
import { cleanupOf, describeCleanup, type Cleanup } from './leftovers.js'
import { prepareSite, type ZooLoad, type ZooSite } from './site.js'
import { compareThroughput, median, perfgateOverWrk, type ClosedSpec } from './throughput.js'
import type { ZooRow } from './table.js'

/** The throughput comparison of `npm run zoo`: perfgate's closed model against wrk (and raw autocannon). */
export interface ThroughputPlan {
  connections: number
  warmupS: number
  durationS: number
  repeats: number
  /** perfgate/wrk must stay within 1 ± tolerance */
  tolerance: number
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

/**
 * perfgate's closed-model throughput must match wrk's within the tolerance, unless perfgate's own report said its
 * generator was the limit (generator.cpu at or above the generator-saturated finding's 80 % of a core, see
 * src/report/findings.ts) and wrk, a C client that costs a fraction per request, got more: then both figures are
 * right, and the report told the user that its throughput measured the client.
 */
export function throughputProblems(rps: NonNullable<ZooRow['rps']>, tolerance: number): string[] {
  const { ratio, generatorCpu } = rps
  if (Math.abs(ratio - 1) <= tolerance) return []
  if (ratio < 1 && generatorCpu >= GENERATOR_SATURATED_CPU) return []
  const why =
    ratio > 1
      ? 'perfgate got more than wrk'
      : `perfgate's generator at ${generatorCpu.toFixed(0)}% of a core, under the ${GENERATOR_SATURATED_CPU}% that makes it say it was the limit`
  return [`perfgate/wrk throughput ratio ${ratio.toFixed(3)} is outside 1 ± ${tolerance} (${why})`]
}

function cleanupProblems(after: string, cleanup: Cleanup): string[] {
  const text = describeCleanup(cleanup)
  return text === 'clean' ? [] : [`after ${after}: ${text}`]
}

/** Starts the site's service once and compares closed-model throughput through perfgate, wrk and autocannon. */
async function measureThroughput(site: ZooSite, plan: ThroughputPlan): Promise<NonNullable<ZooRow['rps']>> {
  const config = await loadConfig(site.configFile)
  // the CPUs as perfgate itself lays them out: the server off the first CPU, which every client then has to itself
  const cpus = choosePinning(config.service!, hostInfo())
  const command = pinnedCommand(config.service!.command, cpus.service)
  const service = await startService({ ...config.service!, command }, { label: 'zoo' })
  try {
    const spec: ClosedSpec = {
      url: `${site.origin}/`,
      connections: plan.connections,
      warmupS: plan.warmupS,
      durationS: plan.durationS
    }
    const samples = await compareThroughput(spec, config.scenarios[0]!, plan.repeats)
    return {
      perfgate: median(samples.perfgate),
      wrk: median(samples.wrk),
      autocannon: median(samples.autocannon),
      ratio: perfgateOverWrk(samples),
      generatorCpu: median(samples.perfgateCpu)
    }
  } finally {
    await service.stop()
  }
}

/**
 * One zoo server end to end: perfgate run, then an A/A compare, each followed by the cleanup check; with a
 * throughput plan, the closed-model throughput comparison too. Returns its table row; problems lists what failed.
 */
export async function checkServer(server: ZooServer, load: ZooLoad, plan?: ThroughputPlan): Promise<ZooRow> {
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
      row.rps = await measureThroughput(site, plan)
      await checkCleanup('the throughput comparison')
      row.problems.push(...throughputProblems(row.rps, plan.tolerance))
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
