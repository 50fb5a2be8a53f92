import { describe, expect, it } from '@jest/globals'
import { readFileSync, readdirSync, statSync } from 'node:fs'
import path from 'node:path'
import { REPO } from '../__fixtures__/config.js'

const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8')
const major = (version: string) => Number(/(\d+)/.exec(version)?.[1])
const atLeast = (version: string, [a, b, c]: number[]) => {
  const [x = 0, y = 0, z = 0] = version.split('.').map(Number)
  return x !== a! ? x > a! : y !== b! ? y > b! : z >= c!
}

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap(name => {
    const full = path.join(dir, name)
    return statSync(full).isDirectory() ? sources(full) : full.endsWith('.ts') ? [full] : []
  })
}

describe('dependency and runtime policy', () => {
  it('the ajv bundled into dist/ is 8.18.0 or later (CVE-2025-69873), and none enables $data', () => {
    // dist/ is fully bundled, so every package is a devDependency: the ajv that ships is the one ncc resolves from
    // src/, the top-level node_modules/ajv (nested copies belong to the dev tools that depend on them)
    const lock = JSON.parse(read('package-lock.json')) as {
      packages: Record<string, { version?: string; dev?: boolean }>
    }
    const shipped = Object.entries(lock.packages).filter(([name]) => name === 'node_modules/ajv')
    expect(shipped.length).toBeGreaterThan(0)
    for (const [name, p] of shipped) expect([name, atLeast(p.version!, [8, 18, 0])]).toEqual([name, true])
    for (const file of sources(path.join(REPO, 'src'))) {
      const text = readFileSync(file, 'utf8')
      for (const call of text.match(/new Ajv\(\{[^}]*\}/g) ?? [])
        expect([file, call]).toEqual([file, expect.stringContaining('$data: false')])
      expect(text).not.toMatch(/\$data:\s*true/)
    }
  })

  it('the Node versions agree: the action’s runtime, .node-version, engines and the one running the tests', () => {
    const action = /using:\s*node(\d+)/.exec(read('action.yml'))![1]!
    const pinned = major(read('.node-version'))
    const engines = (JSON.parse(read('package.json')) as { engines: { node: string } }).engines.node
    const minimum = major(engines)
    expect(Number(action)).toBe(pinned)
    expect(Number(action)).toBeGreaterThanOrEqual(minimum)
    expect(major(process.versions.node)).toBeGreaterThanOrEqual(minimum)
  })
})

describe('the test projects', () => {
  const root = path.join(REPO, '__tests__')
  const name = (file: string) => path.relative(root, file).replace(/\.test\.ts$/, '')
  // what starts a process, drives load or runs git (an in-process server on 127.0.0.1 does none of these)
  const heavy =
    /__fixtures__\/(git|action-sandbox)\.js|node:child_process|src\/service\/spawn\.js|src\/load\/(closed|open)\.js|src\/gate\/run-gate\.js|src\/measure\/suites\.js|chromium/

  it('every test that starts processes, drives load or runs git is in the integration project, which names only real files', async () => {
    const { INTEGRATION } = (await import(path.join(REPO, 'jest.config.js'))) as { INTEGRATION: string[] }
    const tests = sources(root).filter(f => f.endsWith('.test.ts'))
    const unit = tests.filter(f => !INTEGRATION.includes(name(f)) && name(f) !== 'policy')
    const misplaced = unit.filter(f => heavy.test(readFileSync(f, 'utf8'))).map(name)
    expect(misplaced).toEqual([])
    expect(INTEGRATION.filter(n => !tests.some(f => name(f) === n))).toEqual([])
  })
})
