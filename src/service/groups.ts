import { readdirSync, readFileSync } from 'node:fs'

/**
 * A process group the main step started, as saved for the post step: its id and the start time of its leader
 * (field 22 of /proc/<pid>/stat, in clock ticks since boot). The start time tells the group apart from an unrelated
 * one that got the same id after the pid was reused.
 */
export interface SavedGroup {
  pgid: number
  start: number
}

interface StatFields {
  pgrp: number
  state: string
  start: number
}

function statOf(pid: number): StatFields | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // the command name (field 2) may hold spaces and parentheses: fields start after the last ')'
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ')
    return { state: fields[0]!, pgrp: Number(fields[2]), start: Number(fields[19]) }
  } catch {
    return undefined
  }
}

/** What to save for a group this run started; undefined when its leader is already gone (nothing to record). */
export function savedGroupOf(pgid: number): SavedGroup | undefined {
  const stat = statOf(pgid)
  return stat && stat.state !== 'Z' && Number.isSafeInteger(stat.start)
    ? { pgid, start: stat.start }
    : undefined
}

/**
 * The saved groups, read as untrusted text: anything but a list of `{pgid, start}` with integer fields is refused,
 * entry by entry, with the reason.
 */
export function parseSavedGroups(text: string): { groups: SavedGroup[]; refused: string[] } {
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch {
    return { groups: [], refused: [`not JSON: ${text.slice(0, 80)}`] }
  }
  if (!Array.isArray(data)) return { groups: [], refused: [`not a list: ${text.slice(0, 80)}`] }
  const groups: SavedGroup[] = []
  const refused: string[] = []
  for (const entry of data.slice(0, 100)) {
    const { pgid, start } = (entry ?? {}) as Partial<SavedGroup>
    if (typeof entry === 'object' && Number.isSafeInteger(pgid) && Number.isSafeInteger(start))
      groups.push({ pgid: pgid!, start: start! })
    else refused.push(`${JSON.stringify(entry)} is not a saved process group`)
  }
  return { groups, refused }
}

/** Non-zombie processes whose process group is `pgid`, with their start times (Linux). */
function members(pgid: number): StatFields[] {
  const out: StatFields[] = []
  let names: string[]
  try {
    names = readdirSync('/proc')
  } catch {
    return out
  }
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue
    const stat = statOf(Number(name))
    if (stat && stat.pgrp === pgid && stat.state !== 'Z') out.push(stat)
  }
  return out
}

/**
 * Whether the post step may kill this group: the id is an integer above 1 (kill(-1) reaches every process of the
 * user, kill(-0) the caller's own group), it is not the caller's own group, and the group is still the one that was
 * saved. Its leader, if alive, must have the saved start time; if the leader has exited, the pid cannot have been
 * reused while the group still has members, and every member must have started no earlier than the leader did.
 */
export function checkSavedGroup(
  group: SavedGroup,
  ownGroup = statOf(process.pid)?.pgrp
): { ok: true } | { ok: false; reason: string; gone?: true } {
  const { pgid, start } = group
  if (!Number.isSafeInteger(pgid) || pgid <= 1)
    return { ok: false, reason: `${pgid} is not a process group id above 1` }
  if (pgid === ownGroup || pgid === process.pid)
    return { ok: false, reason: `${pgid} is perfgate's own process group` }
  const leader = statOf(pgid)
  if (leader && leader.state !== 'Z') {
    if (leader.start !== start)
      return {
        ok: false,
        reason: `process ${pgid} started at tick ${leader.start}, not at tick ${start} as saved: the id was reused by another process`
      }
    if (leader.pgrp !== pgid)
      return { ok: false, reason: `process ${pgid} no longer leads process group ${pgid}` }
    return { ok: true }
  }
  const alive = members(pgid)
  if (alive.length === 0) return { ok: false, gone: true, reason: `process group ${pgid} has already exited` }
  if (alive.some(m => m.start < start))
    return { ok: false, reason: `process group ${pgid} holds processes older than the group that was saved` }
  return { ok: true }
}
