import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { execFile } from 'node:child_process'
import { mkdtemp, readdir, rm } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { VERSION } from '../src/version.js'

const run = promisify(execFile)
let dir: string
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-pack-'))
})
afterAll(async () => {
  await rm(dir, { recursive: true, force: true })
})

/** What npm would publish: the package's files, as `npm pack --dry-run --json` lists them. */
async function packedFiles(): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    maxBuffer: 16 * 1024 * 1024
  })
  const [pack] = JSON.parse(stdout) as Array<{ files: Array<{ path: string }> }>
  return pack!.files.map(f => f.path)
}

describe('the npm package', () => {
  it('holds the bundled CLI, its schemas and profiles, and no tests, fixtures or secrets', async () => {
    const files = await packedFiles()
    expect(files).toEqual(
      expect.arrayContaining([
        'package.json',
        'README.md',
        'LICENSE',
        'dist/cli/index.js',
        'schema/perfgate.schema.json',
        'schema/report.schema.json'
      ])
    )
    const unwanted = files.filter(f =>
      /^(__tests__|__fixtures__|src|bench|scripts|examples|docs|\.github|\.ci)\/|\.(key|pem|crt)$|(^|\/)\.env|node_modules\//.test(
        f
      )
    )
    expect(unwanted).toEqual([])
    // the action's own bundle is for `uses:`, not for npm
    expect(files.filter(f => f.startsWith('dist/') && !f.startsWith('dist/cli/'))).toEqual([])
  }, 60_000)

  it('runs its CLI from the unpacked tarball, with nothing installed', async () => {
    await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { maxBuffer: 16 * 1024 * 1024 })
    const [tarball] = (await readdir(dir)).filter(f => f.endsWith('.tgz'))
    expect(tarball).toBe(`perfgate-${VERSION}.tgz`)
    await run('tar', ['-xzf', path.join(dir, tarball!), '-C', dir])
    const cli = path.join(dir, 'package/dist/cli/index.js')
    const { stdout } = await run(process.execPath, [cli, '--version'], { cwd: dir })
    expect(stdout.trim()).toContain(VERSION)
    const help = await run(process.execPath, [cli, 'validate', '--help'], { cwd: dir })
    expect(help.stdout).toContain('perfgate validate')
  }, 120_000)
})
