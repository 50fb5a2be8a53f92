/** `npm run zoo` (scripts/zoo.mjs runs this compiled, in plain Node): every server, the table, docs/zoo.md. */
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { REPO } from '../../../__fixtures__/config.js'
import { ZOO, type ZooServer } from './catalog.js'
import { checkServer } from './check.js'
import { describePlans, FULL_LOAD, FULL_REFERENCES } from './plans.js'
import { renderTable, zooMarkdown, type ZooRow } from './table.js'
import { missingTools } from './tools.js'

/** The reference clients a server's row needs: wrk (information) for HTTP/1.x, h2load for HTTP/2. */
function referenceTools(server: ZooServer): Array<'wrk' | 'h2load'> {
  if (server.protocol === 'grpc') return []
  return server.protocol ? ['h2load'] : ['wrk']
}

/**
 * Runs `work` holding the lock file `file` (flock), when one is given: `npm run zoo` with ZOO_LOCK set takes the
 * shared load lock per server, so other load on a shared machine can run between servers instead of waiting for
 * the whole zoo.
 */
async function holdingLock<T>(file: string | undefined, work: () => Promise<T>): Promise<T> {
  if (!file) return work()
  const holder = spawn('flock', [file, 'sh', '-c', 'echo locked; exec cat >/dev/null'], {
    stdio: ['pipe', 'pipe', 'inherit']
  })
  const exited = once(holder, 'exit')
  await Promise.race([
    once(holder.stdout, 'data'),
    exited.then(([code]) => Promise.reject(new Error(`flock ${file} exited with ${code}`)))
  ])
  try {
    return await work()
  } finally {
    holder.stdin.end()
    await exited
  }
}

/** Runs the named servers (all when none is named); returns the exit code: 1 when any server failed. */
export async function runZoo(names: string[]): Promise<number> {
  const unknown = names.filter(n => !ZOO.some(s => s.name === n))
  if (unknown.length) {
    process.stderr.write(
      `zoo: no server named ${unknown.join(', ')}; the zoo has ${ZOO.map(s => s.name).join(', ')}\n`
    )
    return 2
  }
  // named servers run in the order named
  const servers = names.length ? names.map(name => ZOO.find(s => s.name === name)!) : ZOO
  const rows: ZooRow[] = []
  // each row as it is measured, one JSON line each: what a long zoo measured survives its interruption
  const rowsFile = path.join(REPO, 'build', 'zoo-rows.jsonl')
  writeFileSync(rowsFile, '')
  for (const server of servers) {
    const missing = missingTools([...(server.needs ?? []), ...referenceTools(server)])
    const row = missing
      ? {
          server: server.name,
          what: server.what,
          run: '–',
          compare: '–',
          cleanup: '–',
          problems: [`NOT RUN: ${missing}`]
        }
      : await holdingLock(process.env.ZOO_LOCK, () => checkServer(server, FULL_LOAD, FULL_REFERENCES))
    rows.push(row)
    appendFileSync(rowsFile, `${JSON.stringify(row)}\n`)
    const verdict = row.problems.length ? `FAIL\n  ${row.problems.join('\n  ')}` : 'pass'
    process.stdout.write(`zoo: ${server.name}: ${verdict}\n`)
  }
  const settings = describePlans(FULL_LOAD, FULL_REFERENCES)
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

/**
 * docs/zoo.md from rows saved by earlier runs (build/zoo-rows.jsonl, one JSON row a line; `files` in order, a
 * server's last row kept; the table in the catalog's order): for a zoo run in parts, or cut short. The header names the servers not in them.
 */
export function writeZooFromRows(files: string[]): number {
  const byServer = new Map<string, ZooRow>()
  for (const file of files)
    for (const line of readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
      const row = JSON.parse(line) as ZooRow
      byServer.set(row.server, row)
    }
  // in the catalog's order
  const rows = ZOO.flatMap(s => byServer.get(s.name) ?? [])
  const missing = ZOO.filter(s => !byServer.has(s.name)).map(s => s.name)
  const notes = [
    `${missing.length ? `partial: ${rows.length} of the ${ZOO.length} servers, m` : 'M'}easured by ` +
      `\`npm run zoo -- <names>\` in ${files.length} parts (a server's last row kept) and written by ` +
      `\`node scripts/zoo.mjs --from-rows <files>\`` +
      (missing.length ? `; not run this time: ${missing.join(', ')}` : '')
  ]
  writeFileSync(
    path.join(REPO, 'docs/zoo.md'),
    zooMarkdown(rows, describePlans(FULL_LOAD, FULL_REFERENCES), notes)
  )
  process.stdout.write(`zoo: wrote docs/zoo.md from ${rows.length} rows\n`)
  return 0
}
