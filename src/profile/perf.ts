/**
 * Capturing any service's CPU on Linux with `perf record`: the software cpu-clock event (hardware counters are often
 * missing on CI machines and VMs) at a fixed frequency, with call graphs, on the service's processes. Stopped by
 * SIGINT, read back with `perf script`, written as folded stacks (`<label>.folded`) and handed on as one
 * `.cpuprofile`-shaped profile per process, so the diff is the same as for Node's. Where perf is missing or may
 * not record, `perfUnavailable` says why in words for a note.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import type { ProfileNote } from '../model/note.js'
import type { Side } from '../model/run.js'
import type { CpuProfile } from './cpuprofile.js'
import { foldStacks, parsePerfScript, perfProfiles, PERF_SCRIPT_FIELDS } from './folded.js'
import { newestPerfMap } from './perf-map.js'

const run = promisify(execFile)

/** perf's sampling frequency: 999 Hz, off the beat of 1 kHz timers. */
export const PERF_FREQUENCY = 999

/** What stop gathered: one profile per process, each with the CPU its samples stand for, and the folded file. */
export interface PerfHarvest {
  profiles: CpuProfile[]
  /** per profile: samples x the sampling period, µs (cpu-clock samples only a running thread) */
  threadCpuUs: number[]
  /** `<directory>/<label>.folded` (absent when nothing was sampled) */
  file?: string
  notes: ProfileNote[]
}

const probed = new Map<string, Promise<string | undefined>>()

/**
 * Why `perf record` cannot profile here (not installed, not permitted: kernel.perf_event_paranoid above 1 for a
 * user without CAP_PERFMON, no cpu-clock event), or undefined when a one-off recording of `true` works.
 */
export function perfUnavailable(perf = 'perf'): Promise<string | undefined> {
  const known = probed.get(perf)
  if (known) return known
  const probe = (async () => {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'pgperf-'))
    try {
      await run(
        perf,
        [
          'record',
          '-q',
          '-e',
          'cpu-clock',
          '-F',
          String(PERF_FREQUENCY),
          '-g',
          '-o',
          path.join(directory, 'probe'),
          '--',
          'true'
        ],
        { timeout: 10_000 }
      )
      return undefined
    } catch (err) {
      const e = err as NodeJS.ErrnoException & { stderr?: string }
      if (e.code === 'ENOENT')
        return 'perf is not installed (Debian/Ubuntu: linux-perf or linux-tools-$(uname -r))'
      const paranoid = readParanoid()
      const why = (e.stderr ?? e.message).trim().split('\n')[0]
      return `perf record cannot record here${paranoid !== undefined ? ` (kernel.perf_event_paranoid is ${paranoid})` : ''}: ${why}`
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  })()
  probed.set(perf, probe)
  return probe
}

function readParanoid(): number | undefined {
  try {
    return Number(readFileSync('/proc/sys/kernel/perf_event_paranoid', 'utf8').trim())
  } catch {
    return undefined
  }
}

const directories = new Set<string>()
process.once('exit', () => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true })
})

export class PerfCapture {
  private recorder?: ChildProcess
  private pids: readonly number[] = []
  private recorded?: Promise<number | null>
  private stderr = ''

  private constructor(
    readonly directory: string,
    readonly label: Side,
    private readonly perf: string
  ) {}

  static open(label: Side, perf = 'perf'): PerfCapture {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'pgperf-'))
    directories.add(directory)
    return new PerfCapture(directory, label, perf)
  }

  private get data(): string {
    return path.join(this.directory, `${this.label}.perf.data`)
  }

  /** Starts recording the processes; resolves once perf has written its file's header (at most 5 s). */
  async start(pids: readonly number[], frequency = PERF_FREQUENCY): Promise<boolean> {
    if (!pids.length) return false
    this.pids = pids
    const recorder = spawn(
      this.perf,
      [
        'record',
        '-q',
        '-e',
        'cpu-clock',
        '-F',
        String(frequency),
        '-g',
        '-p',
        pids.join(','),
        '-o',
        this.data
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    )
    this.recorder = recorder
    recorder.stderr!.on('data', chunk => (this.stderr = (this.stderr + String(chunk)).slice(-2000)))
    this.recorded = new Promise(resolve => {
      recorder.once('exit', code => resolve(code))
      recorder.once('error', () => resolve(-1))
    })
    for (let i = 0; i < 100; i++) {
      if (recorder.exitCode !== null || recorder.signalCode !== null) return false
      if (existsSync(this.data) && statSync(this.data).size > 0) return true
      await new Promise(r => setTimeout(r, 50))
    }
    return existsSync(this.data)
  }

  /** Stops perf (SIGINT: it writes its file and exits), reads the samples, writes the folded stacks. */
  async stop(periodUs = 1e6 / PERF_FREQUENCY): Promise<PerfHarvest> {
    const side = this.label
    const empty = (note: ProfileNote): PerfHarvest => ({ profiles: [], threadCpuUs: [], notes: [note] })
    if (!this.recorder || !this.recorded)
      return empty({ kind: 'profile-capture', side, problem: 'perf-not-recorded' })
    this.recorder.kill('SIGINT')
    const timer = setTimeout(() => this.recorder?.kill('SIGKILL'), 10_000)
    const code = await this.recorded
    clearTimeout(timer)
    if (!existsSync(this.data))
      return empty({
        kind: 'profile-capture',
        side,
        problem: 'perf-wrote-nothing',
        exit: code,
        error: this.stderr.trim().split('\n')[0] ?? ''
      })
    this.tidyPerfMaps()
    let text: string
    try {
      text = (
        await run(this.perf, ['script', '-i', this.data, '-F', PERF_SCRIPT_FIELDS], {
          maxBuffer: 512 * 1024 * 1024,
          timeout: 120_000
        })
      ).stdout
    } catch (err) {
      return empty({
        kind: 'profile-capture',
        side,
        problem: 'perf-script',
        error: (err as Error).message.split('\n')[0] ?? ''
      })
    }
    const samples = parsePerfScript(text)
    if (!samples.length) return empty({ kind: 'profile-capture', side, problem: 'perf-no-samples' })
    const file = path.join(this.directory, `${this.label}.folded`)
    writeFileSync(file, foldStacks(samples))
    const profiles = [...perfProfiles(samples, periodUs).values()]
    return {
      profiles,
      threadCpuUs: profiles.map(p => p.samples.length * periodUs),
      file,
      notes: []
    }
  }

  /** Rewrites the recorded processes' V8 perf maps without their stale lines (perf-map.ts), before perf reads them. */
  private tidyPerfMaps(): void {
    for (const pid of this.pids) {
      const file = path.join('/tmp', `perf-${pid}.map`)
      try {
        const { text, dropped } = newestPerfMap(readFileSync(file, 'utf8'))
        if (dropped === 0) continue
        // a new file in its place: V8, still appending through its open descriptor, writes to the old one
        const tidied = `${file}.${process.pid}.tidy`
        writeFileSync(tidied, text)
        renameSync(tidied, file)
      } catch {
        // no map (a process that is not Node, or one that never ran JavaScript): perf names its frames by its binaries
      }
    }
  }

  /**
   * Ends a recording still running (a step that failed before stop), and removes the perf maps V8 wrote for the
   * recorded processes (/tmp/perf-<pid>.map, under --perf-basic-prof), which nothing else removes.
   */
  close(): void {
    if (this.recorder && this.recorder.exitCode === null && this.recorder.signalCode === null)
      this.recorder.kill('SIGKILL')
    for (const pid of this.pids) rmSync(path.join('/tmp', `perf-${pid}.map`), { force: true })
  }

  /** Removes the directory (after its files were copied beside the report). */
  remove(): void {
    this.recorder?.kill('SIGKILL')
    directories.delete(this.directory)
    rmSync(this.directory, { recursive: true, force: true })
  }
}
