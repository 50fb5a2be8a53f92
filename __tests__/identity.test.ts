import { describe, expect, it } from '@jest/globals'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import YAML from 'yaml'
import { ACTION_REF, CONFIG_SCHEMA_URL, REPOSITORY, rawUrl, repositorySlug } from '../src/identity.js'

const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
const action = YAML.parse(readFileSync('action.yml', 'utf8'))

describe("perfgate's identity comes from package.json's repository", () => {
  it('the package can be published as perfgate, with its CLI and schemas', () => {
    expect(pkg.name).toBe('perfgate')
    expect(pkg.private).toBeUndefined()
    expect(pkg.bin).toEqual({ perfgate: 'dist/cli/index.js' })
    expect(pkg.files).toEqual(expect.arrayContaining(['dist/cli/', 'schema/', 'LICENSE']))
    expect(pkg.repository).toEqual({ type: 'git', url: `git+https://github.com/${REPOSITORY}.git` })
    // dist/ is bundled with ncc: an install needs nothing from the registry
    expect(pkg.dependencies).toBeUndefined()
    expect(repositorySlug(pkg.repository.url)).toBe(REPOSITORY)
  })

  it("every schema's $id is its raw file in the repository", () => {
    for (const name of ['perfgate', 'report', 'baseline']) {
      const file = `schema/${name}.schema.json`
      expect(JSON.parse(readFileSync(file, 'utf8')).$id).toBe(rawUrl(file))
    }
    expect(CONFIG_SCHEMA_URL).toBe(
      `https://raw.githubusercontent.com/${REPOSITORY}/main/schema/perfgate.schema.json`
    )
  })

  it("the README's modelines and uses: lines name this repository", () => {
    for (const file of ['README.md', ...(existsSync('docs/reference.md') ? ['docs/reference.md'] : [])]) {
      const text = readFileSync(file, 'utf8')
      expect(text).not.toMatch(/OWNER\//)
      for (const [, url] of text.matchAll(/yaml-language-server: \$schema=(\S+)/g))
        expect(url).toBe(CONFIG_SCHEMA_URL)
      for (const [, slug] of text.matchAll(/npx --yes github:([\w.-]+\/[\w.-]+)/g))
        expect(slug).toBe(REPOSITORY)
      const uses = [...text.matchAll(/uses: (\S+\/perfgate@\S+)/g)].map(m => m[1])
      expect(uses.length).toBeGreaterThan(0)
      for (const ref of uses) expect(ref).toBe(ACTION_REF)
    }
  })

  it('is Marketplace-ready: a short description, a LICENSE, branding', () => {
    expect(action.description.length).toBeLessThan(125)
    expect(readFileSync('LICENSE', 'utf8')).toMatch(/^MIT License/)
    expect(pkg.license).toBe('MIT')
    expect(action.branding).toMatchObject({ icon: expect.any(String), color: expect.any(String) })
  })

  it('action.yml declares every output the action sets, and the README lists them', () => {
    // every output is set by the door (src/main.ts) or its parts (src/action/)
    const files = ['src/main.ts', ...readdirSync('src/action').map(f => `src/action/${f}`)]
    const source = files.map(f => readFileSync(f, 'utf8')).join('\n')
    const set = new Set([...source.matchAll(/setOutput\('([a-z-]+)'/g)].map(m => m[1]))
    expect([...set].sort()).toEqual(Object.keys(action.outputs).sort())
    const readme = readFileSync(existsSync('docs/reference.md') ? 'docs/reference.md' : 'README.md', 'utf8')
    for (const output of set) expect(readme).toContain(`| \`${output}\` |`)
  })
})
