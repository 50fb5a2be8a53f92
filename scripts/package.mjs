// Bundles the three entry points with ncc into dist/. Deterministic: dist/ is committed and CI rebuilds it.
import { execFileSync } from 'node:child_process'
import { rmSync, writeFileSync, readFileSync, chmodSync } from 'node:fs'

const entries = [
  ['src/index.ts', 'dist'],
  ['src/post/index.ts', 'dist/post'],
  ['src/cli/index.ts', 'dist/cli']
]

rmSync('dist', { recursive: true, force: true })
for (const [entry, out] of entries) {
  execFileSync('npx', ['ncc', 'build', entry, '-o', out, '--license', 'licenses.txt', '--quiet'], {
    stdio: 'inherit'
  })
}
// The CLI is run directly (`perfgate` bin, `node dist/cli/index.js`): keep its shebang and make it executable.
const cli = 'dist/cli/index.js'
const text = readFileSync(cli, 'utf8')
if (!text.startsWith('#!')) writeFileSync(cli, `#!/usr/bin/env node\n${text}`)
chmodSync(cli, 0o755)
