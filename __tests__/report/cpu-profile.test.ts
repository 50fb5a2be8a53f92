import { describe, expect, it } from '@jest/globals'
import { compareGate } from '../../src/gate/compare.js'
import { renderComment, renderSummary } from '../../src/report/markdown.js'
import { renderTerminal } from '../../src/report/terminal.js'
import { NO_CHANGE, profileMarkdown } from '../../src/report/cpu-profile.js'
import type { Report } from '../../src/model/report.js'
import type { ProfileReport } from '../../src/model/profile.js'
import { exampleConfig, REPO, rpsCheck } from '../../__fixtures__/config.js'
import { syntheticMeasurer } from '../harness/fake-measurer.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'

async function failingReport(): Promise<Report> {
  const config = exampleConfig(1, [{ name: 'get', regression: [rpsCheck] }])
  const report = await compareGate(config, {
    baseDir: REPO,
    headDir: REPO,
    host: { cpus: [0, 1], taskset: false },
    measurer: syntheticMeasurer(config, { change: { 'throughput.rps': -0.3 } }),
    git: { sha: SHA }
  })
  expect(report.profiles).toHaveLength(1)
  return report
}

describe('the words of the CPU profile', () => {
  it('puts "Where the head spends more CPU per request" under the failing check, linked to the head commit', async () => {
    const report = await failingReport()
    const comment = renderComment(report, { repositoryUrl: 'https://github.com/acme/shop' })
    const failing = comment.indexOf('throughput.rps')
    const where = comment.indexOf(
      '**Where the head spends more CPU per request** (get, profiled after the verdict'
    )
    expect(failing).toBeGreaterThan(0)
    expect(where).toBeGreaterThan(failing)
    const row = comment.split('\n').find(l => l.startsWith('| `addedWork`'))!
    expect(row).toMatch(/^\| `addedWork` \| 0 µs → \d+(\.\d+)? µs \| \+\d+(\.\d+)? µs \(/)
    expect(row).toContain(
      `[\`bench/profile-service.cjs:20\`](https://github.com/acme/shop/blob/${SHA}/bench/profile-service.cjs#L20)`
    )
    // the first row of the table is the added function
    const rows = comment.split('\n').filter(l => /^\| `/.test(l))
    expect(rows[0]).toBe(row)
    expect(renderSummary(report)).toContain('| `addedWork` |')
  })

  it('links to the pull request’s head commit when the report knows it, not the merge commit', async () => {
    const report = await failingReport()
    const head = 'abcdef0123456789abcdef0123456789abcdef01'
    const linked = renderComment(
      { ...report, git: { sha: SHA, headSha: head } },
      { repositoryUrl: 'https://github.com/acme/shop' }
    )
    expect(linked).toContain(`(https://github.com/acme/shop/blob/${head}/bench/profile-service.cjs#L20)`)
    expect(linked).not.toContain(`/blob/${SHA}/`)
  })

  it('prints the functions in the terminal, first the added one', async () => {
    const text = renderTerminal(await failingReport())
    const lines = text.split('\n')
    const at = lines.findIndex(l => l.startsWith('Where the head spends more CPU per request: get'))
    expect(at).toBeGreaterThan(0)
    expect(lines[at + 1]).toMatch(/^ {2}addedWork {2}0 µs → .* bench\/profile-service\.cjs:20$/)
  })

  it('escapes every name and path a profile carries, in Markdown and in the terminal', async () => {
    const report = await failingReport()
    const evil = {
      name: 'x|y <img src=x> [a](https://evil) `tick` @someone #12\u001b[31m',
      url: 'file:///srv/app/node_modules/@evil/pkg|name/index.js',
      line: 3,
      package: '@evil/pkg|name'
    }
    const profile: ProfileReport = {
      ...report.profiles![0]!,
      increased: [{ ...report.profiles![0]!.increased[0]!, frame: evil }]
    }
    const markdown = profileMarkdown(profile, {
      repositoryUrl: 'https://github.com/acme/shop',
      sha: SHA
    }).join('\n')
    expect(markdown).not.toContain('<img')
    expect(markdown).not.toContain('](https://evil')
    expect(markdown).not.toContain('@someone')
    expect(markdown).not.toMatch(/\| *y/)
    expect(markdown).not.toContain('github.com/acme/shop/blob')
    // a path that climbs out of the repository is shown, never linked
    const climbing = {
      ...profile,
      increased: [
        {
          ...report.profiles![0]!.increased[0]!,
          frame: { ...report.profiles![0]!.increased[0]!.frame, file: '../../evil/x.js' }
        }
      ]
    }
    expect(
      profileMarkdown(climbing, { repositoryUrl: 'https://github.com/acme/shop', sha: SHA }).join('\n')
    ).not.toContain('](')
    const terminal = renderTerminal({ ...report, profiles: [profile] })
    expect(terminal).not.toContain('\u001b[31m')
  })

  it('says no function changed beyond noise when none did', async () => {
    const report = await failingReport()
    const profile = { ...report.profiles![0]!, increased: [] }
    expect(profileMarkdown(profile)).toContain(`${NO_CHANGE}.`)
    expect(renderTerminal({ ...report, profiles: [profile] })).toContain(`  ${NO_CHANGE}`)
  })
})
