import { describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import YAML from 'yaml'

interface Step {
  name?: string
  run?: string
  if?: string
  uses?: string
}
const workflow = (name: string) => YAML.parse(readFileSync(`.github/workflows/${name}.yml`, 'utf8'))
const runs = (steps: Step[]) => steps.map(s => s.run ?? '').join('\n')

describe('release readiness', () => {
  it('a vX.Y.Z tag releases: version checked, vX moved, published with provenance only when a token exists', () => {
    const release = workflow('release')
    expect(release.on).toEqual({ push: { tags: ['v[0-9]+.[0-9]+.[0-9]+'] } })
    const job = release.jobs.release
    expect(job.permissions).toEqual({ contents: 'write', 'id-token': 'write' })
    const steps: Step[] = job.steps
    const script = runs(steps)
    expect(script).toContain('"$tag" != "v$version"')
    expect(script).toContain('git tag -f "$MAJOR" "$GITHUB_SHA"')
    expect(script).toContain('node "$dir/package/dist/cli/index.js" --version')
    const publish = steps.find(s => s.run?.includes('npm publish'))!
    expect(publish.run).toContain('--provenance')
    expect(publish.if).toBe("env.NPM_TOKEN != ''")
    // checks run before anything is tagged or published
    const at = (text: string) => steps.findIndex(s => s.run?.includes(text))
    expect(at('.ci/run')).toBeLessThan(at('git tag -f'))
    expect(at('git tag -f')).toBeLessThan(at('npm publish'))
  })

  it('CI packs the package and runs the packed CLI', () => {
    const script = runs(workflow('ci').jobs.check.steps)
    expect(script).toContain('npm pack --dry-run --json')
    expect(script).toContain('node "$dir/package/dist/cli/index.js" --version')
  })

  it('CHANGELOG.md and SECURITY.md say what exists and what the action promises', () => {
    const changelog = readFileSync('CHANGELOG.md', 'utf8')
    expect(changelog).toMatch(/^## Unreleased$/m)
    for (const area of [
      'Command line',
      'Reports',
      'Load and measurement',
      'Baselines and history',
      'Security'
    ])
      expect(changelog).toContain(`### ${area}`)
    expect(existsSync('SECURITY.md')).toBe(true)
    const security = readFileSync('SECURITY.md', 'utf8')
    expect(security).toContain('## Reporting a vulnerability')
    for (const promise of ['Tokens never reach the service', 'Fork pull requests', 'The accept label'])
      expect(security).toContain(promise)
    expect(security).toContain('](docs/reliability.md)')
  })
})
