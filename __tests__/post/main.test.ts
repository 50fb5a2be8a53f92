import { afterEach, describe, expect, it, jest } from '@jest/globals'
import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import * as core from '../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { post } = await import('../../src/post/main.js')
const { groupMembers } = await import('../../src/service/spawn.js')
const { savedGroupOf } = await import('../../src/service/groups.js')

const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms))
const children: ChildProcess[] = []

async function leftoverGroup(): Promise<ChildProcess> {
  const child = spawn('sh', ['-c', 'sleep 60 & sleep 60'], { detached: true, stdio: 'ignore' })
  children.push(child)
  await sleep(200)
  return child
}

/**
 * Every signal the post step sends is recorded, and only signals to the test's own leftover groups are delivered:
 * a post step that trusted a planted `[1]` would otherwise kill every process of this user.
 */
function guardKill(allowed: () => number[]) {
  const real = process.kill.bind(process)
  const sent: Array<[number, string | number | undefined]> = []
  const spy = jest.spyOn(process, 'kill').mockImplementation((pid: number, signal?: string | number) => {
    sent.push([pid, signal])
    if (pid < 0 && allowed().includes(-pid)) return real(pid, signal)
    return true
  })
  return { sent, restore: () => spy.mockRestore() }
}

afterEach(() => {
  for (const child of children.splice(0)) {
    try {
      process.kill(-child.pid!, 'SIGKILL')
    } catch {
      // already gone
    }
  }
})

describe('the post step', () => {
  it('kills a process group the main step saved and left behind', async () => {
    core.reset()
    const leftover = await leftoverGroup()
    core.state['perfgate-pgids'] = JSON.stringify([savedGroupOf(leftover.pid!)])
    expect(groupMembers(leftover.pid!).length).toBeGreaterThanOrEqual(2)
    await post()
    await once(leftover, 'exit')
    await sleep(100)
    expect(groupMembers(leftover.pid!)).toEqual([])
    expect(core.logs.join('\n')).toContain(`killed the leftover process group ${leftover.pid}`)
  })

  it('kills the rest of a saved group whose leader has exited', async () => {
    core.reset()
    const child = spawn('sh', ['-c', 'sleep 60 & sleep 0.3'], { detached: true, stdio: 'ignore' })
    children.push(child)
    await sleep(100)
    core.state['perfgate-pgids'] = JSON.stringify([savedGroupOf(child.pid!)])
    await once(child, 'exit')
    expect(groupMembers(child.pid!).length).toBe(1)
    await post()
    await sleep(100)
    expect(groupMembers(child.pid!)).toEqual([])
  })

  it.each([
    ['kill(-1): every process of the runner user', [1]],
    ['kill(-0): perfgate’s own group', [0]],
    ['a negative id: one single pid', [-process.pid]],
    ['the old format without a start time', [1, 0, -5]],
    ['ids as objects without a start time', [{ pgid: 1 }, { pgid: 0, start: 5 }, { pgid: -7, start: 1 }]]
  ])('never signals a planted %s', async (_what, saved) => {
    core.reset()
    const guard = guardKill(() => [])
    try {
      core.state['perfgate-pgids'] = JSON.stringify(saved)
      await post()
    } finally {
      guard.restore()
    }
    expect(guard.sent).toEqual([])
    expect(core.annotations.filter(a => a.level === 'warning').length).toBeGreaterThan(0)
  })

  it('never signals perfgate’s own group, nor a group whose id was reused by a later process', async () => {
    core.reset()
    const leftover = await leftoverGroup()
    const saved = savedGroupOf(leftover.pid!)!
    const stat = readFileSync('/proc/self/stat', 'utf8')
    const ownGroup = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])
    const own = savedGroupOf(ownGroup) ?? { pgid: ownGroup, start: 0 }
    const guard = guardKill(() => [leftover.pid!])
    try {
      // the same id with another start time: the process that holds it now is not the one that was saved
      core.state['perfgate-pgids'] = JSON.stringify([{ pgid: leftover.pid, start: saved.start - 1 }, own])
      await post()
    } finally {
      guard.restore()
    }
    expect(guard.sent).toEqual([])
    expect(groupMembers(leftover.pid!).length).toBeGreaterThanOrEqual(2)
    expect(core.annotations.map(a => a.message).join('\n')).toMatch(/the id was reused by another process/)
  })

  it('does nothing when the main step saved nothing, and says nothing for a group that already exited', async () => {
    core.reset()
    await post()
    expect(core.logs).toEqual([])
    const gone = spawn('true', { detached: true, stdio: 'ignore' })
    await once(gone, 'exit')
    core.state['perfgate-pgids'] = JSON.stringify([{ pgid: gone.pid, start: 1 }])
    await post()
    expect(core.annotations).toEqual([])
  })
})
