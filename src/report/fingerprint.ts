import os from 'node:os'
import type { RunnerFingerprint } from '../model/report.js'

export function runnerFingerprint(): RunnerFingerprint {
  const cpus = os.cpus()
  return {
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cores: cpus.length,
    memoryBytes: os.totalmem(),
    os: `${os.platform()} ${os.release()} ${os.arch()}`,
    node: process.version
  }
}

/** Differences that make measurements from two runners incomparable, e.g. "cores: 2 vs 4". */
export function fingerprintMismatches(a: RunnerFingerprint, b: RunnerFingerprint): string[] {
  const out: string[] = []
  if (a.cpuModel !== b.cpuModel) out.push(`CPU: ${a.cpuModel} vs ${b.cpuModel}`)
  if (a.cores !== b.cores) out.push(`cores: ${a.cores} vs ${b.cores}`)
  if (a.os.split(' ')[0] !== b.os.split(' ')[0]) out.push(`OS: ${a.os} vs ${b.os}`)
  if (a.node.split('.')[0] !== b.node.split('.')[0]) out.push(`Node: ${a.node} vs ${b.node}`)
  return out
}
