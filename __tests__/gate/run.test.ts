import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import { once } from 'node:events'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { choosePinning } from '../../src/gate/pinning.js'
import { runGate } from '../../src/gate/run-gate.js'
import { hostInfo, parseCpuList } from '../../src/measure/environment.js'
import { liveProcessGroups, stopAllServices } from '../../src/service/spawn.js'
import { reportProblems } from '../../src/report/validate.js'
import { exampleConfig, freePort } from '../../__fixtures__/config.js'

afterEach(async () => {
  await stopAllServices()
})

describe('runGate against the example service', () => {
  it('measures, checks absolute limits and stops the service', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        thresholds: [
          { metric: 'errors.rate', op: '<', value: 0.01, expression: '< 1%', severity: 'fail' },
          { metric: 'latency.p99', op: '<', value: 1, expression: '< 1us', severity: 'warn' },
          { metric: 'stress.breaking_point.rps', op: '>', value: 1, expression: '> 1', severity: 'fail' }
        ],
        regression: [
          {
            metric: 'throughput.rps',
            direction: 'fall',
            tolerance: 0.05,
            expression: '-5%',
            severity: 'fail'
          }
        ]
      }
    ])
    const report = await runGate(config)
    expect(reportProblems(report)).toEqual([])
    const [scenario] = report.scenarios
    expect(scenario!.checks.map(c => c.verdict)).toEqual(['pass', 'warn', 'skipped', 'skipped'])
    expect(scenario!.verdict).toBe('warn')
    expect(scenario!.metrics['requests.total']).toBeGreaterThan(20)
    expect(scenario!.metrics['latency.p50']).toBeGreaterThan(0)
    expect(scenario!.metrics['server.rss.peak']).toBeGreaterThan(1e6)
    expect(scenario!.runs[0]!.histogram).toBeTruthy()
    expect(liveProcessGroups()).toEqual([])
  })

  it('starts the service, and every process it starts, off the CPU left to the load generator', async () => {
    const host = hostInfo()
    if (!host.taskset || host.cpus.length < 2) return // nothing to pin here: choosePinning's own tests cover it
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-cpus-'))
    try {
      const config = exampleConfig(await freePort(), [{}])
      config.service!.command = `grep Cpus_allowed_list /proc/self/status > ${dir}/cpus && ${config.service!.command}`
      const report = await runGate(config)
      expect(report.verdict).not.toBe('errored')
      const cpus = (await readFile(path.join(dir, 'cpus'), 'utf8')).split(':')[1]!.trim()
      expect(parseCpuList(cpus)).toEqual(host.cpus.slice(1))
      expect(report.noteData).toContainEqual(expect.objectContaining(choosePinning({}, host).note))
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })

  it('a crash during load is errored, shows no latency and names the exit', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [{}, {}])
    // few enough that a starved runner (a CPU hog beside the test) still reaches them in each scenario
    config.service!.env.CRASH_AFTER = '40'
    const report = await runGate(config)
    expect(report.verdict).toBe('errored')
    const [first] = report.scenarios
    expect(first!.error?.kind).toBe('crashed')
    expect(first!.metrics['latency.p99']).toBeUndefined()
    expect(report.scenarios[1]!.verdict).toBe('errored')
    expect(report.notes.join(' ')).toContain('restarted')
    expect(liveProcessGroups()).toEqual([])
  })

  it('a service answering 500 to everything is errored', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [{}])
    config.service!.env.ERROR_RATE = '1'
    const report = await runGate(config)
    expect(report.scenarios[0]!.error?.kind).toBe('nothing-answered')
    expect(report.headline).toContain('no request succeeded')
  })

  it('a port already in use errors every scenario before anything is spawned', async () => {
    const port = await freePort()
    const squatter = http.createServer((_, res) => res.end('stale')).listen(port, '127.0.0.1')
    await once(squatter, 'listening')
    try {
      const report = await runGate(exampleConfig(port, [{}, {}]))
      expect(report.scenarios.map(s => s.error?.kind)).toEqual(['port-in-use', 'port-in-use'])
      expect(report.scenarios[0]!.error!.message).toContain(String(port))
    } finally {
      squatter.close()
    }
  })

  it("with rounds, a later round that errors leaves only that round's counts in the metrics", async () => {
    const port = await freePort()
    const dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-run-rounds-'))
    try {
      const config = exampleConfig(port, [{}])
      config.service!.command = 'node __fixtures__/knob-service.mjs'
      config.service!.env = {
        ...config.service!.env,
        STARTS_FILE: path.join(dir, 'starts'),
        CRASH_ON_START: '2',
        CRASH_AFTER_REQUESTS: '60'
      }
      const report = await runGate(config, { rounds: 2 })
      expect(reportProblems(report)).toEqual([])
      const [scenario] = report.scenarios
      expect(scenario!.verdict).toBe('errored')
      expect(scenario!.error!.kind).toBe('crashed')
      expect(scenario!.runs.map(r => Boolean(r.error))).toEqual([false, true])
      // round 1 was fine and has latency, but the scenario shows only the errored round's counts
      expect(scenario!.runs[0]!.metrics['latency.p99']).toBeGreaterThan(0)
      for (const key of ['latency.p50', 'latency.p99', 'throughput.rps', 'server.rss.peak'])
        expect(scenario!.metrics[key]).toBeUndefined()
      expect(scenario!.metrics['requests.total']).toBe(scenario!.runs[1]!.metrics['requests.total'])
      expect(scenario!.metrics['requests.total']).toBeLessThan(scenario!.runs[0]!.metrics['requests.total']!)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
