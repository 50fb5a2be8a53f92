import { parseArgs } from 'node:util'
import { DEMO_FLAGS } from './flags.js'
import path from 'node:path'
import { existsSync } from 'node:fs'
import type { Config } from '../config/types.js'
import { cpuProfileOf } from '../config/cpu-profile.js'
import { compareGate } from '../gate/compare.js'
import { runGate } from '../gate/run-gate.js'
import { COLOR, PLAIN } from '../report/terminal.js'
import { loadOrReport } from './config.js'
import { UsageError, type CliIO } from './io.js'
import { finish, terminalEvents } from './output.js'

/** The demo's comparison: one scenario and its throughput check, short rounds, so the whole demo stays under a minute. */
export function demoCompareConfig(config: Config): Config {
  const scenario = config.scenarios[0]!
  return {
    ...config,
    scenarios: [
      {
        ...scenario,
        load: { ...scenario.load, warmupMs: 500, durationMs: 1500 },
        regression: scenario.regression.filter(r => r.metric === 'throughput.ok_rps')
      }
    ],
    compare: { ...config.compare, rounds: { min: 3, max: 5 }, budgetMs: 40_000 },
    // the failing compare is profiled after its verdict: 10 s, shared by base and head
    cpuProfile: { ...cpuProfileOf(config), mode: 'on-regression', durationMs: 10_000 }
  }
}

/** perfgate demo: the example service gated, then a slowdown caught */
export async function commandDemo(args: string[], io: CliIO): Promise<number> {
  parseArgs({ args, options: DEMO_FLAGS })
  const file = 'thresholds/example.yml'
  if (!existsSync(path.resolve(io.cwd, file)))
    throw new UsageError('run the demo from the perfgate repository root (thresholds/example.yml not found)')
  const style = io.color ? COLOR : PLAIN
  const events = terminalEvents(io.stdout, style)
  const config = await loadOrReport(file, io)
  if (!config) return 2
  io.stdout.write(
    style.bold('perfgate demo 1/2: absolute limits on the example reservation API (examples/service)\n')
  )
  const run = await runGate(config, { events })
  const runCode = await finish(run, path.resolve(io.cwd, 'perfgate-report/run'), io, config.onInconclusive)
  io.stdout.write(
    style.bold(
      '\nperfgate demo 2/2: base vs head, interleaved; the head has SLOWDOWN=1 (twice the CPU work per request)\n'
    )
  )
  const headDir = path.resolve(io.cwd)
  const compare = await compareGate(demoCompareConfig(config), {
    baseDir: headDir,
    headDir,
    events,
    env: { head: { SLOWDOWN: '1' } },
    notes: [
      "demo: base and head are the same code; the head runs with the example service's SLOWDOWN=1 knob (twice the CPU work per request)"
    ]
  })
  const compareCode = await finish(
    compare,
    path.resolve(io.cwd, 'perfgate-report/compare'),
    io,
    config.onInconclusive
  )
  const caught = compareCode === 1
  io.stdout.write(
    `\n${style.bold('demo result:')} absolute limits ${run.verdict}; injected slowdown ${caught ? style.green('caught') : style.red('NOT caught')} (compare verdict ${compare.verdict}).\n` +
      style.dim(
        'In CI the compare step would fail the job with exit code 1; the demo exits 0 when the gate behaved as expected.\n'
      )
  )
  return runCode === 2 || !caught ? 1 : 0
}
