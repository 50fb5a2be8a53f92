// Run before `npm test`: the report.html browser test drives a headless Chromium through playwright-core.
// Playwright's own browser download cannot be used on machines that reach only the npm registry and Debian's
// packages, so on Debian the `chromium` package is installed here when it is missing.
import { existsSync } from 'node:fs'
import { execFileSync } from 'node:child_process'

const wanted = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (existsSync(wanted)) process.exit(0)
if (process.env.CHROMIUM_PATH) {
  console.error(
    `ensure-chromium: CHROMIUM_PATH=${wanted} does not exist; point it at a Chromium or Chrome binary`
  )
  process.exit(1)
}

const hasApt = existsSync('/usr/bin/apt-get')
const isRoot = process.getuid?.() === 0
const hasSudo = existsSync('/usr/bin/sudo')
if (!hasApt || (!isRoot && !hasSudo)) {
  console.error(
    'ensure-chromium: no Chromium at /usr/bin/chromium and no apt-get/sudo to install it.\n' +
      '  Install Chromium or Chrome and set CHROMIUM_PATH to it; the report.html browser test needs it.'
  )
  process.exit(1)
}

console.log('ensure-chromium: installing the Debian chromium package for the report.html browser test')
const prefix = isRoot ? [] : ['sudo']
const run = args => {
  const [cmd, ...rest] = [...prefix, ...args]
  execFileSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}
try {
  run(['apt-get', 'update', '-q'])
  run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', 'chromium'])
} catch (error) {
  console.error(
    `ensure-chromium: apt-get failed (${error.message}); install chromium by hand or set CHROMIUM_PATH`
  )
  process.exit(1)
}
