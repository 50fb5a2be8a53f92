import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFileSync } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { validateWorkflow } from '@action-validator/core'
import YAML from 'yaml'
import { git } from '../../__fixtures__/git.js'

interface Step {
  name?: string
  uses?: string
  if?: string
  run?: string
  with?: Record<string, unknown>
}
interface Workflow {
  permissions?: Record<string, string>
  jobs: Record<string, { steps: Step[] }>
}

const WORKFLOWS = [
  ...readdirSync('examples/workflows').map(f => `examples/workflows/${f}`),
  ...readdirSync('.github/workflows').map(f => `.github/workflows/${f}`)
].filter(f => /\.ya?ml$/.test(f))

const HISTORY = 'examples/workflows/perf-history.yml'
const history = YAML.parse(readFileSync(HISTORY, 'utf8')) as Workflow
const steps = Object.values(history.jobs).flatMap(j => j.steps)
const ASKED = "vars.PUBLISH_PAGES == 'true'"
/** a step that writes to the repository or anywhere outside the job: a push, or the pages branch */
const writes = (s: Step) =>
  /\bgit\b[^\n]*\bpush\b|gh-pages|deploy-pages|upload-pages-artifact/.test(s.run ?? s.uses ?? '')

describe('the workflow examples', () => {
  it('are valid GitHub Actions workflows (action-validator, against the workflow schema)', () => {
    expect(WORKFLOWS).toContain(HISTORY)
    for (const file of WORKFLOWS) {
      const { errors } = validateWorkflow(readFileSync(file, 'utf8'))
      expect([file, errors]).toEqual([file, []])
    }
    // and it would say so: a misspelt key is an error
    const broken = readFileSync(HISTORY, 'utf8').replace('timeout-minutes:', 'timeout-minute:')
    expect(validateWorkflow(broken).errors).not.toEqual([])
  })

  it('perf-history.yml uploads the page, and writes to gh-pages only when PUBLISH_PAGES is true', () => {
    const upload = steps.find(s => s.uses?.startsWith('actions/upload-artifact'))!
    expect(upload.with).toMatchObject({ path: 'perfgate-report/history/' })
    const publishing = steps.filter(writes)
    expect(publishing).toHaveLength(1)
    // a conjunct of the step's condition, so nothing else can make it run
    const conjuncts = publishing[0]!.if!.split('&&').map(c => c.trim())
    expect(conjuncts).toContain(ASKED)
    expect(publishing[0]!.if).not.toContain('||')
    // the perfgate step itself only stores the run (its baseline store) and alerts as configured
    const perfgate = steps.find(s => s.uses?.startsWith('perfgate/perfgate@'))!
    expect(Object.keys(perfgate.with ?? {})).toEqual(['on-change-point'])
    expect(history.permissions).toEqual({ contents: 'write', issues: 'write' })
  })

  describe("perf-history.yml's publishing script, run in a clone", () => {
    let dir: string
    let remote: string
    let clone: string
    const script = steps.find(writes)!.run!
    beforeAll(async () => {
      dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-pages-'))
      remote = path.join(dir, 'remote.git')
      clone = path.join(dir, 'work', 'repo')
      git(dir, 'init', '-q', '--bare', '-b', 'main', remote)
      await mkdir(clone, { recursive: true })
      git(clone, 'init', '-q', '-b', 'main')
      await writeFile(path.join(clone, 'app.js'), 'the code\n')
      git(clone, 'add', '-A')
      git(clone, 'commit', '-q', '-m', 'code')
      git(clone, 'remote', 'add', 'origin', remote)
      git(clone, 'push', '-q', 'origin', 'main')
    })
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true })
    })

    const publish = async (page: string, sha: string) => {
      await mkdir(path.join(clone, 'perfgate-report/history'), { recursive: true })
      await writeFile(path.join(clone, 'perfgate-report/history/index.html'), page)
      await rm(path.join(dir, 'work', 'pages'), { recursive: true, force: true })
      git(clone, 'worktree', 'prune')
      // as GitHub runs a `run:` step on Linux: bash -e
      execFileSync('bash', ['-e', '-c', script], {
        cwd: clone,
        env: { ...process.env, GITHUB_SHA: sha, GIT_TERMINAL_PROMPT: '0' },
        stdio: 'pipe'
      })
    }

    it('creates gh-pages with only history/index.html, then updates it, and commits nothing unchanged', async () => {
      await publish('<p>first</p>', 'a'.repeat(40))
      expect(git(remote, 'show', 'gh-pages:history/index.html')).toBe('<p>first</p>')
      expect(git(remote, 'ls-tree', '-r', '--name-only', 'gh-pages')).toBe('history/index.html')
      expect(git(remote, 'log', '--format=%s', 'gh-pages')).toBe('perfgate history of aaaaaaa')
      await publish('<p>second</p>', 'b'.repeat(40))
      expect(git(remote, 'show', 'gh-pages:history/index.html')).toBe('<p>second</p>')
      await publish('<p>second</p>', 'c'.repeat(40))
      expect(git(remote, 'log', '--format=%s', 'gh-pages').split('\n')).toEqual([
        'perfgate history of bbbbbbb',
        'perfgate history of aaaaaaa'
      ])
      // the code's branch is untouched
      expect(git(remote, 'ls-tree', '-r', '--name-only', 'main')).toBe('app.js')
    })
  })
})
