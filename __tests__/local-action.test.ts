import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { REPO } from '../__fixtures__/config.js'

const exec = promisify(execFile)
let dir: string

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-local-action-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the action, run end to end by @github/local-action', () => {
  it('gates the example service and sets its outputs', async () => {
    // its own workspace, outside any git repository, with no baseline store: nothing stored elsewhere (the
    // perfgate-baselines branch of a CI clone) can take part, so the verdict depends on this run alone
    const workspace = path.join(dir, 'workspace')
    await mkdir(workspace)
    const example = await readFile(path.join(REPO, 'thresholds/example.yml'), 'utf8')
    if (!/^ {2}cwd: \.\.$/m.test(example)) throw new Error('thresholds/example.yml no longer sets cwd: ..')
    if (!/^ {2}warmup: 1s\n {2}duration: 2s$/m.test(example))
      throw new Error('thresholds/example.yml no longer has a 1 s warm-up and a 2 s duration')
    // the facts here are the action's outputs and verdict: a short window per scenario is enough
    const short = example
      .replace(/^ {2}cwd: \.\.$/m, `  cwd: ${JSON.stringify(REPO)}`)
      .replace(/^ {2}warmup: 1s\n {2}duration: 2s$/m, '  warmup: 300ms\n  duration: 700ms')
    await writeFile(path.join(workspace, 'perfgate.yml'), short + '\nbaseline: { store: none }\n')
    const env = path.join(dir, '.env')
    const summary = path.join(dir, 'summary.md')
    await writeFile(summary, '')
    await writeFile(
      env,
      [
        'INPUT_CONFIG=perfgate.yml',
        'INPUT_MODE=run',
        'INPUT_COMMENT=off',
        `INPUT_OUT-DIR=${path.join(dir, 'out')}`,
        `GITHUB_WORKSPACE=${workspace}`,
        'GITHUB_REPOSITORY=o/r',
        'GITHUB_EVENT_NAME=push',
        `GITHUB_STEP_SUMMARY=${summary}`
      ].join('\n') + '\n'
    )
    const { stdout } = await exec(
      path.join(REPO, 'node_modules/.bin/local-action'),
      ['run', REPO, 'src/main.ts', env],
      {
        cwd: REPO,
        timeout: 90_000,
        env: { ...process.env, NODE_OPTIONS: '' }
      }
    )
    expect(stdout).toMatch(/'verdict'\s+│ 'pass'/)
    expect(stdout).toContain('::info::perfgate passed: 3 scenarios, 11 checks')
    const report = JSON.parse(await readFile(path.join(dir, 'out/report.json'), 'utf8'))
    expect(report.scenarios).toHaveLength(3)
    expect(report.baseline).toBeUndefined()
    expect(await readFile(summary, 'utf8')).toContain('perfgate: PASS')
  }, 120_000)
})
