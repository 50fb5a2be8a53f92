import { describe, expect, it } from '@jest/globals'
import { ACTION_PINS } from '../../src/cli/init-pins.js'
import { renderCommenter, renderWorkflow } from '../../src/cli/init-render.js'
import type { Detected } from '../../src/cli/init-detect.js'

const detected: Detected = {
  command: 'node server.js',
  commandFrom: 'test',
  commandFound: true,
  port: 3000,
  portFrom: 'test',
  readsPortEnv: true,
  readyPath: '/',
  readyFrom: 'test',
  build: 'npm ci',
  buildFrom: 'test',
  path: '/',
  defaultBranch: 'trunk',
  branchFrom: 'test'
}

const actionRefs = (text: string) => [...text.matchAll(/uses: (actions\/[\w-]+)@(\S+)/g)]

describe('the action pins of perfgate init --pin', () => {
  it('each names a release tag of its major and a full commit SHA', () => {
    for (const pin of Object.values(ACTION_PINS)) {
      expect(pin.sha).toMatch(/^[0-9a-f]{40}$/)
      expect(pin.tag.startsWith(`${pin.major}.`)).toBe(true)
    }
  })

  it('covers every action the workflows use; without --pin they use the major tags', () => {
    const all = [renderWorkflow(detected), renderCommenter(), renderWorkflow(detected, { target: true })]
    const used = new Set(all.flatMap(t => actionRefs(t).map(m => m[1]!)))
    expect([...used].sort()).toEqual(Object.keys(ACTION_PINS).sort())
    for (const [, action, ref] of all.flatMap(actionRefs))
      expect(ref).toBe(ACTION_PINS[action as keyof typeof ACTION_PINS].major)
    for (const text of [renderWorkflow(detected, { pin: true }), renderCommenter(true)])
      for (const [, action, ref] of actionRefs(text))
        expect(ref).toBe(ACTION_PINS[action as keyof typeof ACTION_PINS].sha)
  })
})
