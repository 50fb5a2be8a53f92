import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import YAML from 'yaml'

const action = YAML.parse(readFileSync('action.yml', 'utf8')) as { inputs: Record<string, unknown> }
const workflow = (file: string) =>
  YAML.parse(readFileSync(`examples/workflows/${file}`, 'utf8')) as {
    jobs: Record<
      string,
      {
        needs?: string
        if?: string
        outputs?: Record<string, string>
        strategy?: { 'fail-fast'?: boolean; matrix: Record<string, unknown[]> }
        steps: Array<{ uses?: string; with?: Record<string, string> }>
      }
    >
  }
const perfgateSteps = (job: { steps: Array<{ uses?: string; with?: Record<string, string> }> }) =>
  job.steps.filter(s => s.uses?.startsWith('perfgate/perfgate@'))

describe('the sharded workflow examples', () => {
  it('perf-shards.yml: legs with shard K/N of the matrix, and a merge job that needs them', () => {
    const { jobs } = workflow('perf-shards.yml')
    const legs = jobs.perf!
    expect(legs.strategy?.['fail-fast']).toBe(false)
    const shards = legs.strategy!.matrix.shard!
    const [leg] = perfgateSteps(legs)
    expect(leg!.with!.shard).toBe(`\${{ matrix.shard }}/${shards.length}`)
    const merge = jobs.merge!
    expect(merge.needs).toBe('perf')
    expect(merge.if).toContain('!cancelled()')
    const [step] = perfgateSteps(merge)
    expect(step!.with).toMatchObject({ mode: 'merge', 'comment-id': leg!.with!['comment-id'] })
  })

  it('perf-shards-comment.yml: the fork-safe commenter merges every leg artifact of the triggering run', () => {
    const { jobs } = workflow('perf-shards-comment.yml')
    const [step] = perfgateSteps(jobs.comment!)
    expect(step!.with!.mode).toBe('merge')
    const download = jobs.comment!.steps.find(s => s.uses?.startsWith('actions/download-artifact'))!
    expect(download.with).toMatchObject({
      pattern: 'perfgate-leg-*',
      'run-id': '${{ github.event.workflow_run.id }}'
    })
    // never checks out the pull request's code
    expect(jobs.comment!.steps.some(s => s.uses?.startsWith('actions/checkout'))).toBe(false)
  })

  it('uses only inputs action.yml declares', () => {
    for (const file of ['perf-shards.yml', 'perf-shards-comment.yml'])
      for (const job of Object.values(workflow(file).jobs))
        for (const step of perfgateSteps(job))
          for (const key of Object.keys(step.with ?? {}))
            expect([file, key, key in action.inputs]).toEqual([file, key, true])
  })

  it("perf-load-shards.yml: load legs with load-shard K/N and the start job's start-at, merged by a job that needs them", () => {
    const { jobs } = workflow('perf-load-shards.yml')
    expect(jobs.start!.outputs?.at).toContain('steps.at.outputs.at')
    const legs = jobs.load!
    expect(legs.needs).toBe('start')
    expect(legs.strategy?.['fail-fast']).toBe(false)
    const count = legs.strategy!.matrix.leg!.length
    const [leg] = perfgateSteps(legs)
    expect(leg!.with).toMatchObject({
      'load-shard': `\${{ matrix.leg }}/${count}`,
      'start-at': '${{ needs.start.outputs.at }}'
    })
    for (const input of ['load-shard', 'start-at']) expect(action.inputs).toHaveProperty(input)
    const [step] = perfgateSteps(jobs.merge!)
    expect(jobs.merge!.needs).toBe('load')
    expect(step!.with).toMatchObject({ mode: 'merge', 'comment-id': leg!.with!['comment-id'] })
  })
})
