import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import { once } from 'node:events'
import { readFile, writeFile } from 'node:fs/promises'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { git, GitSandbox } from '../../__fixtures__/git.js'
import { persistedCredentialsWarning } from '../../src/action/credentials.js'
import { gitAuthEnv, useGitAuth } from '../../src/git/auth.js'
import { GitBranchStore } from '../../src/baseline/git.js'
import { findMergeBase } from '../../src/gate/base.js'
import { ignoreEvents } from '../../src/measure/events.js'

let sandbox: GitSandbox
beforeAll(async () => {
  sandbox = await new GitSandbox().start(2)
})
afterAll(async () => {
  await sandbox.stop()
})
afterEach(() => useGitAuth(undefined))

const SECRET = 'ghs_persistedsecretpersistedsecret'

describe('credentials a checkout persisted', () => {
  it('are found in .git/config or a file it includes, and named without their value', async () => {
    const clean = sandbox.clone('clean')
    expect(await persistedCredentialsWarning(clean)).toBeUndefined()

    const direct = sandbox.clone('direct')
    git(direct, 'config', '--local', 'http.https://github.com/.extraheader', `AUTHORIZATION: basic ${SECRET}`)
    const warning = await persistedCredentialsWarning(direct)
    expect(warning).toContain('git config http.https://github.com/.extraheader')
    expect(warning).toContain('persist-credentials: false')
    expect(warning).not.toContain(SECRET)

    const included = sandbox.clone('included')
    const file = path.join(sandbox.root, 'credentials.gitconfig')
    await writeFile(file, `[http "https://github.com/"]\n\textraheader = AUTHORIZATION: basic ${SECRET}\n`)
    git(included, 'config', '--local', 'include.path', file)
    expect(await persistedCredentialsWarning(included)).toContain('extraheader')

    const inUrl = sandbox.clone('in-url')
    git(inUrl, 'remote', 'set-url', 'origin', `https://x-access-token:${SECRET}@github.com/o/r.git`)
    const urlWarning = await persistedCredentialsWarning(inUrl)
    expect(urlWarning).toContain('remote.origin.url (a URL with a password)')
    expect(urlWarning).not.toContain(SECRET)
  })
})

describe('perfgate’s own git calls', () => {
  let server: http.Server
  let url: string
  const seen: string[][] = []
  beforeAll(async () => {
    // a remote that records each request's Authorization headers and answers 404
    server = http.createServer((req, res) => {
      const raw = req.rawHeaders
      seen.push(
        raw.flatMap((h, i) => (i % 2 === 0 && h.toLowerCase() === 'authorization' ? [raw[i + 1]!] : []))
      )
      res.writeHead(404).end()
    })
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  })
  afterAll(() => {
    server.close()
  })

  it('send the github-token per command, replacing a persisted header, and never write it to .git/config', async () => {
    const repo = sandbox.clone('auth')
    git(repo, 'remote', 'set-url', 'origin', `${url}/o/r.git`)
    git(repo, 'config', '--local', `http.${url}/.extraheader`, 'AUTHORIZATION: basic persisted')
    const before = await readFile(path.join(repo, '.git/config'), 'utf8')
    useGitAuth('ghs_actiontoken', url)
    seen.length = 0
    await new GitBranchStore({ repo, branch: 'perfgate-baselines', retry: { budgetMs: 10_000 } })
      .read()
      .catch(() => undefined)
    await findMergeBase(repo, 'origin/nowhere', ignoreEvents).catch(() => undefined)
    const expected = `basic ${Buffer.from('x-access-token:ghs_actiontoken').toString('base64')}`
    expect(seen.length).toBeGreaterThanOrEqual(2)
    for (const headers of seen) expect(headers).toEqual([expected])
    const after = await readFile(path.join(repo, '.git/config'), 'utf8')
    expect(after).toBe(before)
    expect(after).not.toContain(Buffer.from('x-access-token:ghs_actiontoken').toString('base64'))
  })

  it('scope the header to the server: another host gets nothing', () => {
    expect(gitAuthEnv('t', 'https://github.com/')).toMatchObject({
      GIT_CONFIG_KEY_0: 'http.https://github.com/.extraheader',
      GIT_CONFIG_VALUE_0: ''
    })
    expect(gitAuthEnv('')).toEqual({})
  })
})

describe('what the docs promise about the token', () => {
  it('says exactly what is protected and what is not', async () => {
    const { REPO } = await import('../../__fixtures__/config.js')
    const action = await readFile(path.join(REPO, 'action.yml'), 'utf8')
    const token = action.slice(action.indexOf('  github-token:'), action.indexOf('  comment:'))
    expect(token).not.toMatch(/never passed/)
    expect(token).toContain('/proc/<perfgate pid>/environ')
    expect(token).toContain('persist-credentials: false')
    // the README's reference moved to docs/reference.md
    const readme = await readFile(path.join(REPO, 'docs/reference.md'), 'utf8')
    expect(readme).toContain('### What is protected, and what is not')
    expect(readme).toMatch(/persist-credentials: false +# keep the token out of \.git\/config/)
    expect(readme).not.toMatch(/never passed to the service/)
  })
})
