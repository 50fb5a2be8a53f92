/**
 * The zoo: perfgate run and an A/A compare against servers nobody here wrote (__tests__/zoo/servers), each
 * followed by a cleanup check (no process of the service left, its port refusing connections).
 *
 * `npm test` runs a short slice; `npm run zoo` (ZOO=full) runs every server, adds the closed-model throughput
 * comparison with wrk and raw autocannon, and writes the table to docs/zoo.md.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { REPO } from '../../__fixtures__/config.js'
import { fullZoo, selectedServers } from './harness/catalog.js'
import { checkServer, type ThroughputPlan } from './harness/check.js'
import type { ZooLoad } from './harness/site.js'
import { renderTable, zooMarkdown, type ZooRow } from './harness/table.js'
import { missingTools } from './harness/tools.js'

const load: ZooLoad = fullZoo
  ? {
      closed: { warmup: '500ms', duration: '1500ms', connections: 10 },
      open: { warmup: '500ms', duration: '1500ms', rate: 200 },
      rounds: 3,
      compareScenarios: ['closed', 'open']
    }
  : {
      // autocannon runs whole seconds, so the closed model's warm-up and duration add up to one
      closed: { warmup: '300ms', duration: '700ms', connections: 10 },
      open: { warmup: '200ms', duration: '500ms', rate: 200 },
      rounds: 2,
      compareScenarios: ['closed']
    }

const throughput: ThroughputPlan | undefined = fullZoo
  ? { connections: 10, warmupS: 1, durationS: 2, repeats: 3, tolerance: 0.05 }
  : undefined

const rows: ZooRow[] = []

describe(`the zoo (${fullZoo ? 'all servers' : 'the npm test slice; npm run zoo runs all'})`, () => {
  for (const server of selectedServers()) {
    const missing = missingTools([...(server.needs ?? []), ...(throughput ? (['wrk'] as const) : [])])
    if (missing && !fullZoo) {
      console.warn(`SKIPPED: zoo server ${server.name}: ${missing}`)
      it.skip(`${server.name}: ${server.what}`, () => undefined)
      continue
    }
    it(
      `${server.name}: ${server.what}`,
      async () => {
        if (missing) throw new Error(`npm run zoo cannot check ${server.name}: ${missing}`)
        const row = await checkServer(server, load, throughput)
        rows.push(row)
        expect(row.problems).toEqual([])
      },
      fullZoo ? 300_000 : 60_000
    )
  }

  afterAll(() => {
    if (!rows.length) return
    const { closed, open } = load
    const settings =
      `loads: closed model ${closed.warmup} warm-up + ${closed.duration}, ${closed.connections} connections; open ` +
      `model ${open.rate} req/s, ${open.warmup} warm-up + ${open.duration}; A/A compare ${load.rounds} rounds of ` +
      `${load.compareScenarios.join(' and ')}` +
      (throughput
        ? `; throughput: ${throughput.connections} connections, ${throughput.repeats} alternated repeats of ` +
          `${throughput.warmupS} s warm-up (left out) + ${throughput.durationS} s, medians`
        : '')
    process.stdout.write(`\n${renderTable(rows)}\n\n`)
    if (fullZoo) writeFileSync(path.join(REPO, 'docs/zoo.md'), zooMarkdown(rows, settings))
  })
})
