/** `npm run zoo` (scripts/zoo.mjs runs this compiled, in plain Node): every server, the table, docs/zoo.md. */
import { writeFileSync } from 'node:fs'
import path from 'node:path'
import { REPO } from '../../../__fixtures__/config.js'
import { ZOO } from './catalog.js'
import { checkServer } from './check.js'
import { describePlans, FULL_LOAD, FULL_THROUGHPUT } from './plans.js'
import { renderTable, zooMarkdown, type ZooRow } from './table.js'
import { missingTools } from './tools.js'

/** Runs the named servers (all when none is named); returns the exit code: 1 when any server failed. */
export async function runZoo(names: string[]): Promise<number> {
  const unknown = names.filter(n => !ZOO.some(s => s.name === n))
  if (unknown.length) {
    process.stderr.write(
      `zoo: no server named ${unknown.join(', ')}; the zoo has ${ZOO.map(s => s.name).join(', ')}\n`
    )
    return 2
  }
  const servers = names.length ? ZOO.filter(s => names.includes(s.name)) : ZOO
  const rows: ZooRow[] = []
  for (const server of servers) {
    // wrk speaks HTTP/1.1 only: an HTTP/2 server's row has no throughput comparison
    const missing = missingTools([...(server.needs ?? []), ...(server.protocol ? [] : ['wrk' as const])])
    const row = missing
      ? {
          server: server.name,
          what: server.what,
          run: '–',
          compare: '–',
          cleanup: '–',
          problems: [`NOT RUN: ${missing}`]
        }
      : await checkServer(server, FULL_LOAD, server.protocol ? undefined : FULL_THROUGHPUT)
    rows.push(row)
    const verdict = row.problems.length ? `FAIL\n  ${row.problems.join('\n  ')}` : 'pass'
    process.stdout.write(`zoo: ${server.name}: ${verdict}\n`)
  }
  const settings = describePlans(FULL_LOAD, FULL_THROUGHPUT)
  process.stdout.write(`\n${renderTable(rows)}\n\n${settings}\n`)
  if (!names.length) {
    writeFileSync(path.join(REPO, 'docs/zoo.md'), zooMarkdown(rows, settings))
    process.stdout.write('zoo: wrote docs/zoo.md\n')
  }
  const failed = rows.filter(r => r.problems.length)
  process.stdout.write(
    failed.length
      ? `zoo: ${failed.length} of ${rows.length} servers FAILED: ${failed.map(r => r.server).join(', ')}\n`
      : `zoo: all ${rows.length} servers passed\n`
  )
  return failed.length ? 1 : 0
}
