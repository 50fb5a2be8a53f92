/**
 * The zoo: perfgate run and an A/A compare against servers nobody here wrote (__tests__/zoo/servers), each
 * followed by a cleanup check (no process of the service left, its port refusing connections).
 *
 * `npm test` runs a short slice; ZOO=full runs every server. `npm run zoo` (scripts/zoo.mjs) runs every server
 * in plain Node, adds the references (the server's own count against perfgate's, an independent client's p50 at
 * 200 req/s, and wrk's and raw autocannon's throughput as information) and writes the table to docs/zoo.md. The
 * references are not measured here: under jest, perfgate's generator costs about 1.5x its CPU per request in
 * plain Node.
 */
import { afterAll, describe, expect, it } from '@jest/globals'
import { fullZoo, selectedServers } from './harness/catalog.js'
import { checkServer } from './harness/check.js'
import { FULL_LOAD, SLICE_LOAD } from './harness/plans.js'
import { renderTable, type ZooRow } from './harness/table.js'
import { missingTools } from './harness/tools.js'

const load = fullZoo ? FULL_LOAD : SLICE_LOAD
const rows: ZooRow[] = []

describe(`the zoo (${fullZoo ? 'every server' : 'the npm test slice; ZOO=full or npm run zoo runs every server'})`, () => {
  for (const server of selectedServers()) {
    const missing = missingTools(server.needs ?? [])
    if (missing && !fullZoo) {
      console.warn(`SKIPPED: zoo server ${server.name}: ${missing}. npm run zoo fails without it.`)
      it.skip(`${server.name}: ${server.what}`, () => undefined)
      continue
    }
    it(
      `${server.name}: ${server.what}`,
      async () => {
        if (missing) throw new Error(`the zoo cannot check ${server.name}: ${missing}`)
        const row = await checkServer(server, load)
        rows.push(row)
        expect(row.problems).toEqual([])
      },
      fullZoo ? 120_000 : 60_000
    )
  }

  afterAll(() => {
    if (rows.length) process.stdout.write(`\n${renderTable(rows)}\n\n`)
  })
})
