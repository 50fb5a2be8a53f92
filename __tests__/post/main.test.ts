import { describe, expect, it, jest } from '@jest/globals'
import { spawn } from 'node:child_process'
import { once } from 'node:events'
import * as core from '../../__fixtures__/core.js'

jest.unstable_mockModule('@actions/core', () => core)
const { post } = await import('../../src/post/main.js')
const { groupMembers } = await import('../../src/service/spawn.js')

describe('the post step', () => {
  it('kills a service process group the main step left behind', async () => {
    core.reset()
    const leftover = spawn('sh', ['-c', 'sleep 60 & sleep 60'], { detached: true, stdio: 'ignore' })
    await new Promise(resolve => setTimeout(resolve, 200))
    core.state['perfgate-pgids'] = JSON.stringify([leftover.pid])
    expect(groupMembers(leftover.pid!).length).toBeGreaterThanOrEqual(2)
    await post()
    await once(leftover, 'exit')
    await new Promise(resolve => setTimeout(resolve, 100))
    expect(groupMembers(leftover.pid!)).toEqual([])
    expect(core.logs.join('\n')).toContain(`killed the leftover service process group ${leftover.pid}`)
  })

  it('does nothing when the main step saved nothing', async () => {
    core.reset()
    await post()
    expect(core.logs).toEqual([])
  })
})
