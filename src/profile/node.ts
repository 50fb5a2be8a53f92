/**
 * Capturing a Node service's CPU profile: a directory perfgate makes for one side, the preloaded module written
 * into it, the control channel listening in it, and the environment the service is started with (the preload
 * added to whatever NODE_OPTIONS the config or the environment set). Start and stop go over the channel; each
 * process's profile is written by perfgate to a file perfgate names, read back under the size cap, and the
 * processes are joined.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { ProfileChannel } from './channel.js'
import {
  joinCpuProfiles,
  MAX_PROFILE_BYTES,
  ProfileReadError,
  readCpuProfile,
  type CpuProfile
} from './cpuprofile.js'
import { PRELOAD_JS } from './preload-source.js'
import type { ProfileNote } from '../model/note.js'
import type { Side } from '../model/run.js'

export const SOCKET_VARIABLE = 'PERFGATE_PROFILE_SOCKET'

/** What stop gathered: the processes' profiles (read back and checked) and why any were left out. */
export interface CaptureHarvest {
  profiles: CpuProfile[]
  /** per profile: the CPU time its process's JavaScript thread ran while profiled, µs (undefined: not known) */
  threadCpuUs: Array<number | undefined>
  /** the joined profile, written to `<directory>/<label>.cpuprofile` (absent when no profile was read) */
  file?: string
  notes: ProfileNote[]
}

/** NODE_OPTIONS with `--require <preload>` after what was there (quoted, so a path with spaces stays one word). */
export function withPreload(nodeOptions: string | undefined, preload: string): string {
  const required = `--require ${JSON.stringify(preload)}`
  return nodeOptions?.trim() ? `${nodeOptions.trim()} ${required}` : required
}

/** Capture directories not yet removed: removed when perfgate exits (their files were copied beside the report). */
const directories = new Set<string>()
process.once('exit', () => {
  for (const directory of directories) rmSync(directory, { recursive: true, force: true })
})

export class NodeCapture {
  private constructor(
    readonly directory: string,
    readonly label: Side,
    private readonly channel: ProfileChannel,
    private readonly maxBytes: number
  ) {}

  /**
   * A fresh directory (short, under the system's temp directory: a Unix socket's path is limited to about 100
   * bytes), the preload in it and the channel listening.
   */
  static async open(label: Side, maxBytes = MAX_PROFILE_BYTES): Promise<NodeCapture> {
    const directory = mkdtempSync(path.join(os.tmpdir(), 'pgprof-'))
    directories.add(directory)
    writeFileSync(path.join(directory, 'preload.cjs'), PRELOAD_JS)
    const channel = await ProfileChannel.open(directory, maxBytes)
    return new NodeCapture(directory, label, channel, maxBytes)
  }

  get preload(): string {
    return path.join(this.directory, 'preload.cjs')
  }

  /** The variables a profiled service is started with, given the NODE_OPTIONS it would have had. */
  env(nodeOptions: string | undefined): Record<string, string> {
    return {
      NODE_OPTIONS: withPreload(nodeOptions, this.preload),
      [SOCKET_VARIABLE]: this.channel.socketPath
    }
  }

  /** Node processes of the service connected to the channel. */
  get connected(): number {
    return this.channel.connected
  }

  /** Starts the profilers; resolves with how many processes started theirs. */
  start(intervalUs: number): Promise<number> {
    return this.channel.start(intervalUs)
  }

  /** Stops the profilers, writes and reads back each process's profile, joins them. */
  async stop(timeoutMs = 10_000): Promise<CaptureHarvest> {
    const harvest = await this.channel.stop(timeoutMs)
    const notes: ProfileNote[] = []
    const side = this.label
    const profiles: CpuProfile[] = []
    const threadCpuUs: Array<number | undefined> = []
    harvest.profiles.forEach(({ profile, threadCpuUs: cpu }, i) => {
      const file = path.join(this.directory, `${this.label}-${i + 1}.cpuprofile`)
      writeFileSync(file, JSON.stringify(profile))
      try {
        profiles.push(readCpuProfile(file, this.maxBytes))
        threadCpuUs.push(cpu)
      } catch (err) {
        if (!(err instanceof ProfileReadError)) throw err
        notes.push({
          kind: 'profile-capture',
          side,
          problem: 'left-out',
          file: path.basename(file),
          error: err.message
        })
      }
    })
    if (harvest.missing)
      notes.push({
        kind: 'profile-capture',
        side,
        problem: 'sent-none',
        missing: harvest.missing,
        processes: harvest.processes,
        timeoutMs
      })
    if (harvest.tooLarge)
      notes.push({
        kind: 'profile-capture',
        side,
        problem: 'too-large',
        connections: harvest.tooLarge,
        maxBytes: this.maxBytes
      })
    if (harvest.garbage)
      notes.push({ kind: 'profile-capture', side, problem: 'garbage', lines: harvest.garbage })
    if (profiles.length === 0) return { profiles, threadCpuUs, notes }
    const file = path.join(this.directory, `${this.label}.cpuprofile`)
    writeFileSync(file, JSON.stringify(joinCpuProfiles(profiles)))
    return { profiles, threadCpuUs, file, notes }
  }

  async close(): Promise<void> {
    await this.channel.close()
  }

  /** Removes the directory (after its files were copied beside the report). */
  remove(): void {
    directories.delete(this.directory)
    rmSync(this.directory, { recursive: true, force: true })
  }
}
