// The committed example of perfgate's outputs: docs/example/report.json (a real comparison, the demo's) and what
// `perfgate report` renders from it, report.html and summary.md. __tests__/docs-example.test.ts renders them again
// in a temp dir and fails when the committed files are stale.
//
//   npm run docs:example                 # render docs/example/ again from its report.json
//   npm run demo && npm run docs:example -- perfgate-report/compare/report.json   # take a new report first
//
// It renders with this checkout's sources, compiled to build/ (as the zoo runs them), so it needs no `npm run package`.
// A new report is made machine-neutral first (this checkout's absolute path becomes "."), so the example does not
// depend on where it was made.
import { execFileSync } from 'node:child_process'
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs'
import path from 'node:path'

const DIR = 'docs/example'
const [source] = process.argv.slice(2)
mkdirSync(DIR, { recursive: true })
if (source) {
  const root = process.cwd()
  const text = readFileSync(source, 'utf8').split(JSON.stringify(root).slice(1, -1)).join('.')
  const report = JSON.parse(text)
  writeFileSync(path.join(DIR, 'report.json'), `${JSON.stringify(report, null, 2)}\n`)
}
execFileSync('npx', ['tsc', '-p', 'tsconfig.zoo.json'], { stdio: 'inherit' })
execFileSync(
  process.execPath,
  [
    'build/src/cli/index.js',
    'report',
    path.join(DIR, 'report.json'),
    '--html',
    path.join(DIR, 'report.html'),
    '--markdown',
    path.join(DIR, 'summary.md')
  ],
  { stdio: 'inherit' }
)
