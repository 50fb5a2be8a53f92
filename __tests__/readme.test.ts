import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync, readFileSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { main } from '../src/cli/main.js'
import { parseConfig } from '../src/config/load.js'
import { captureIO } from '../__fixtures__/cli.js'
import { fencedBlocks } from '../__fixtures__/markdown.js'

const readme = readFileSync('README.md', 'utf8')

let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-readme-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

describe('the README', () => {
  it('opens with three steps (config, workflow, the comment) and keeps the clone commands visible', () => {
    const firstScreen = readme.split('\n').slice(0, 70).join('\n')
    expect(firstScreen).toContain('## Get started in three steps')
    for (const step of ['**1. ', '**2. ', '**3. ']) expect(firstScreen).toContain(step)
    expect(firstScreen).toContain('npx perfgate init')
    // the comment is what perfgate is for: it shows before any setup
    expect(readme.split('\n').slice(0, 12).join('\n')).toContain('](docs/comment.png)')
    // until the package is published, the CLI runs from the repository (npm run identity names it)
    expect(firstScreen).toMatch(/npx --yes github:[\w.-]+\/[\w.-]+ init/)
    expect(readme).toContain('npm ci && npm run demo')
    expect(readme).toContain('npm ci && npm test')
    expect(readme.split('\n').length).toBeLessThan(200)
  })

  it('shows a picture rendered from a real summary.md, committed beside it', () => {
    expect(existsSync('docs/comment.png')).toBe(true)
    const png = readFileSync('docs/comment.png')
    expect(png.subarray(1, 4).toString()).toBe('PNG')
    expect(png.readUInt32BE(16)).toBeGreaterThan(600) // width
    const source = readFileSync('docs/comment.md', 'utf8')
    expect(source).toMatch(/^### \S+ perfgate: [A-Z]+\n/)
    expect(source).toContain('| scenario | verdict |')
  })

  it('its minimal perfgate.yml is valid', () => {
    const yaml = fencedBlocks(readme).find(
      b => b.lang === 'yaml' && b.body.startsWith('# yaml-language-server')
    )
    const config = parseConfig(yaml!.body, 'perfgate.yml', dir)
    expect(config.scenarios.map(s => s.name)).toEqual(['home'])
  })

  it('quotes exactly what perfgate validate prints', async () => {
    const blocks = fencedBlocks(readme)
    const at = blocks.findIndex(b => b.lang === 'yaml' && b.body.startsWith('# perfgate.yml with'))
    expect(at).toBeGreaterThan(-1)
    const quoted = blocks[at + 1]!
    expect(quoted.lang).toBe('text')
    const project = await mkdtemp(path.join(dir, 'quote-'))
    await writeFile(path.join(project, 'perfgate.yml'), blocks[at]!.body)
    const io = captureIO(project)
    expect(await main(['validate'], io)).toBe(2)
    expect(io.err).toBe(quoted.body)
  })

  it('links only to files that exist and to headings that exist', () => {
    for (const file of ['README.md', 'docs/reference.md']) {
      const text = readFileSync(file, 'utf8')
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+\.md|[^)#\s]+\.png|LICENSE)(#[^)]+)?\)/g)) {
        expect([file, target, existsSync(path.join(path.dirname(file), target!))]).toEqual([
          file,
          target,
          true
        ])
      }
      for (const [, target, anchor] of text.matchAll(/\]\(([^)#\s]+\.md)#([^)]+)\)/g)) {
        const linked = readFileSync(path.join(path.dirname(file), target!), 'utf8')
        const slugs = [...linked.matchAll(/^#+ (.+)$/gm)].map(m =>
          m[1]!
            .toLowerCase()
            .replace(/[^a-z0-9 _-]/g, '')
            .replace(/ /g, '-')
        )
        expect([target, anchor, slugs.includes(anchor!)]).toEqual([target, anchor, true])
      }
    }
  })
})
