import { parseArgs } from 'node:util'
import { readFile } from 'node:fs/promises'
import path from 'node:path'
import { parseRecord, type BaselineRecord } from '../baseline/record.js'
import type { StoredRecord } from '../baseline/store.js'
import { describeAge } from '../baseline/select.js'
import { suggestCommand } from '../config/suggest.js'
import { formatMetric } from '../config/format.js'
import { KEY_METRICS } from '../report/markdown.js'
import { BASELINE_FLAGS, withAliases } from './flags.js'
import { storeErrorExit, storeFromOptions } from './store.js'
import type { Writer } from './io.js'
import { BASELINE_USAGE } from './usage.js'

export interface BaselineIO {
  stdout: Writer
  stderr: Writer
  cwd: string
}

function pad(cells: string[][]): string {
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map(r => r[i]!.length)))
  return (
    cells
      .map(r =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd()
      )
      .join('\n') + '\n'
  )
}

function newestFirst(records: StoredRecord[]): StoredRecord[] {
  return [...records].sort((a, b) => b.record.createdAt.localeCompare(a.record.createdAt))
}

async function list(args: string[], io: BaselineIO): Promise<number> {
  const { values } = parseArgs({ args, options: BASELINE_FLAGS })
  const store = await storeFromOptions(withAliases(values, BASELINE_FLAGS), io)
  const readout = await store.read()
  for (const w of readout.warnings) io.stderr.write(`warning: ${w}\n`)
  if (readout.state === 'missing' || readout.records.length === 0) {
    io.stdout.write(`${store.description}: ${readout.message ?? 'no records'}\n`)
    return 0
  }
  const now = Date.now()
  const rows = newestFirst(readout.records).map(({ record: r }) => [
    r.git.sha.slice(0, 12),
    describeAge(now - Date.parse(r.createdAt)),
    `${r.git.runId}#${r.git.runAttempt}`,
    r.config.hash,
    r.verdict,
    `${r.runner.cores}c ${r.runner.cpuModel.slice(0, 28)}`,
    r.scenarios
      .map(s => `${s.name} ${formatMetric('throughput.ok_rps', s.metrics['throughput.ok_rps'])}`)
      .join(', ')
  ])
  const n = readout.records.length
  io.stdout.write(`${store.description}: ${n} stored run${n === 1 ? '' : 's'}\n`)
  io.stdout.write(
    pad([['commit', 'age', 'run#attempt', 'config', 'verdict', 'runner', 'ok throughput'], ...rows])
  )
  return 0
}

function describeRecord(file: string, r: BaselineRecord): string {
  const lines = [
    `${file}`,
    `  commit ${r.git.sha}${r.git.ref ? ` (${r.git.ref})` : ''}, run ${r.git.runId} attempt ${r.git.runAttempt}${r.git.event ? `, ${r.git.event}` : ''}`,
    `  written ${r.createdAt} by perfgate ${r.tool.version}, verdict ${r.verdict}, config ${r.config.file} (hash ${r.config.hash})`,
    `  runner ${r.runner.cpuModel}, ${r.runner.cores} cores, ${r.runner.os}, Node ${r.runner.node}`
  ]
  for (const s of r.scenarios) {
    lines.push(`  ${s.name} (${s.rounds.length} round${s.rounds.length === 1 ? '' : 's'})`)
    for (const metric of KEY_METRICS) {
      if (s.metrics[metric] === undefined) continue
      const perRound = s.rounds.map(round => formatMetric(metric, round.metrics[metric])).join(', ')
      lines.push(
        `    ${metric.padEnd(18)} ${formatMetric(metric, s.metrics[metric]).padEnd(12)} rounds: ${perRound}`
      )
    }
  }
  return lines.join('\n') + '\n'
}

async function show(args: string[], io: BaselineIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: BASELINE_FLAGS, allowPositionals: true })
  const wanted = positionals[0]
  if (!wanted) {
    io.stderr.write(`perfgate baseline show needs a commit (prefix) or a record path\n\n${BASELINE_USAGE}`)
    return 2
  }
  const store = await storeFromOptions(withAliases(values, BASELINE_FLAGS), io)
  const readout = await store.read()
  for (const w of readout.warnings) io.stderr.write(`warning: ${w}\n`)
  const matches = newestFirst(readout.records).filter(
    r => r.path === wanted || r.record.git.sha.startsWith(wanted.toLowerCase())
  )
  if (matches.length === 0) {
    io.stderr.write(`no stored run matches "${wanted}" in the ${store.description}\n`)
    return 2
  }
  if (values.json)
    io.stdout.write(
      `${JSON.stringify(
        matches.map(m => m.record),
        null,
        2
      )}\n`
    )
  else for (const m of matches) io.stdout.write(describeRecord(m.path, m.record))
  return 0
}

/** Stores a record kept by a run whose push failed (perfgate-report/baseline-record.json). */
async function save(args: string[], io: BaselineIO): Promise<number> {
  const { values, positionals } = parseArgs({ args, options: BASELINE_FLAGS, allowPositionals: true })
  const file = positionals[0]
  if (!file) {
    io.stderr.write(`perfgate baseline save needs a record file\n\n${BASELINE_USAGE}`)
    return 2
  }
  let record: BaselineRecord
  try {
    record = parseRecord(await readFile(path.resolve(io.cwd, file), 'utf8'), file)
  } catch (err) {
    io.stderr.write(`perfgate: ${file} is not a baseline record: ${(err as Error).message}\n`)
    return 2
  }
  const store = await storeFromOptions(withAliases(values, BASELINE_FLAGS), io)
  const result = await store.save(record)
  ;(result.saved ? io.stdout : io.stderr).write(`${result.message}\n`)
  return result.saved ? 0 : 1
}

const SUBCOMMANDS: Record<string, (args: string[], io: BaselineIO) => Promise<number>> = { list, show, save }

export async function commandBaseline(args: string[], io: BaselineIO): Promise<number> {
  const [sub, ...rest] = args
  const help = (a: string | undefined) => a === '--help' || a === '-h' || a === 'help'
  if (help(sub) || (sub && SUBCOMMANDS[sub] && rest.some(a => a === '--help' || a === '-h'))) {
    io.stdout.write(BASELINE_USAGE)
    return 0
  }
  const handler = sub ? SUBCOMMANDS[sub] : undefined
  if (!handler) {
    const suggestion = sub ? suggestCommand(sub, Object.keys(SUBCOMMANDS)) : undefined
    io.stderr.write(
      `${sub ? `perfgate: unknown baseline command "${sub}"${suggestion ? `; did you mean "perfgate baseline ${suggestion}"?` : ''}\n\n` : ''}${BASELINE_USAGE}`
    )
    return 2
  }
  try {
    return await handler(rest, io)
  } catch (err) {
    return storeErrorExit(err, io.stderr)
  }
}
