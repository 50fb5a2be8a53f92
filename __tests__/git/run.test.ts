import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { mkdtemp, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { GitOutputError, runGit } from '../../src/git/run.js'

let repo: string
beforeAll(async () => {
  repo = await mkdtemp(path.join(os.tmpdir(), 'perfgate-git-run-'))
  await runGit(repo, ['init', '-q'])
})
afterAll(async () => {
  await rm(repo, { recursive: true, force: true })
})

describe('runGit keeps a bounded amount of git’s output', () => {
  it('stops git and errors, naming the cap, when its stdout outgrows it; keeps it whole below', async () => {
    const blob = 'x'.repeat(200_000)
    const sha = (await runGit(repo, ['hash-object', '-w', '--stdin'], { input: blob })).stdout
      .toString()
      .trim()
    const whole = await runGit(repo, ['cat-file', 'blob', sha], { maxStdoutBytes: 300_000 })
    expect(whole.stdout.length).toBe(200_000)
    await expect(runGit(repo, ['cat-file', 'blob', sha], { maxStdoutBytes: 64_000 })).rejects.toThrow(
      GitOutputError
    )
    await expect(runGit(repo, ['cat-file', 'blob', sha], { maxStdoutBytes: 64_000 })).rejects.toThrow(
      /^git cat-file wrote more than 64000 bytes to its output and was stopped/
    )
  })

  it('keeps the last part of a long stderr, after a note that the rest was cut', async () => {
    const args = ['rev-parse', '--verify', ...Array.from({ length: 50 }, (_, i) => `no-such-ref-${i}`)]
    const full = await runGit(repo, ['show', ...args.slice(2)])
    expect(full.stderr.length).toBeGreaterThan(100)
    const cut = await runGit(repo, ['show', ...args.slice(2)], { maxStderrChars: 60 })
    expect(cut.code).toBe(full.code)
    expect(cut.stderr).toMatch(
      /^\[perfgate kept the last 60 characters of git's stderr; \d+ before them were cut\]\n/
    )
    expect(cut.stderr.endsWith(full.stderr.slice(-60))).toBe(true)
  })
})
