import { describe, expect, it } from '@jest/globals'
import path from 'node:path'
import { readInputs } from '../../src/action/inputs.js'

const getter = (values: Record<string, string>) => (name: string) => values[name] ?? ''

describe('readInputs', () => {
  it('fills the defaults and resolves paths against the workspace', () => {
    const inputs = readInputs(getter({ 'github-token': 't' }), { GITHUB_WORKSPACE: '/repo' })
    expect(inputs).toMatchObject({
      config: 'perfgate.yml',
      mode: 'auto',
      comment: 'always',
      commentId: 'perfgate.yml',
      previousCommentIds: [],
      outDir: path.resolve('/repo/perfgate-report'),
      workspace: path.resolve('/repo'),
      token: 't'
    })
    expect(inputs.onInconclusive).toBeUndefined()
  })

  it('gives each job its own comment by default and takes over the comment of the config-only id', () => {
    const inputs = readInputs(getter({ config: 'perf.yml' }), {
      GITHUB_WORKSPACE: '/repo',
      GITHUB_JOB: 'perf-api'
    })
    expect(inputs.commentId).toBe('perf.yml:perf-api')
    expect(inputs.previousCommentIds).toEqual(['perf.yml'])
    const other = readInputs(getter({ config: 'perf.yml' }), { GITHUB_JOB: 'perf-web' })
    expect(other.commentId).not.toBe(inputs.commentId)
    const chosen = readInputs(getter({ 'comment-id': 'api-node24' }), { GITHUB_JOB: 'perf' })
    expect(chosen).toMatchObject({ commentId: 'api-node24', previousCommentIds: [] })
  })

  it('maps the default comment id into the id set and refuses a chosen id outside it', () => {
    const inputs = readInputs(getter({ config: 'perf gate/<x>.yml' }), { GITHUB_JOB: 'perf job' })
    expect(inputs.commentId).toBe('perf-gate/-x-.yml:perf-job')
    expect(inputs.previousCommentIds).toEqual(['perf-gate/-x-.yml'])
    expect(() => readInputs(getter({ 'comment-id': 'api --> x' }), {})).toThrow(
      'Invalid value "api --> x" for the "comment-id" input. It may hold only letters, digits'
    )
  })

  it('names the input and the allowed values when one is wrong', () => {
    expect(() => readInputs(getter({ comment: 'sometimes' }), {})).toThrow(
      'Invalid value "sometimes" for the "comment" input. It must be one of: always, on-change, on-failure, off.'
    )
    expect(() => readInputs(getter({ mode: 'fast' }), {})).toThrow('"mode" input')
  })

  it('reads every optional input', () => {
    const inputs = readInputs(
      getter({
        config: 'perf/gate.yml',
        mode: 'compare',
        'base-dir': '../base',
        'base-ref': 'origin/develop',
        comment: 'on-failure',
        'comment-id': 'api',
        'out-dir': 'out',
        'on-inconclusive': 'fail',
        profile: 'always',
        'artifact-path': '/tmp/a',
        'working-directory': 'svc'
      }),
      { GITHUB_WORKSPACE: '/repo' }
    )
    expect(inputs).toMatchObject({
      config: 'perf/gate.yml',
      mode: 'compare',
      baseDir: '../base',
      baseRef: 'origin/develop',
      comment: 'on-failure',
      commentId: 'api',
      outDir: path.resolve('/repo/svc/out'),
      onInconclusive: 'fail',
      profile: 'always',
      artifactPath: '/tmp/a',
      workspace: path.resolve('/repo/svc')
    })
  })
})
