// Installs, with one apt-get on Debian, the tools the tests need when they are missing.
//
//   node scripts/ensure-tools.mjs         `pretest`: Chromium is required (the report.html browser test drives it
//                                         through playwright-core); nginx, wrk, php and openssl are wanted by the zoo
//                                         (__tests__/zoo): when they cannot be installed this says so loudly and
//                                         the zoo's slice skips the nginx server, saying so again; perf
//                                         (linux-perf) is wanted by the CPU profile tests, which else test V8's
//                                         profiler only.
//   node scripts/ensure-tools.mjs --zoo   `prezoo`: nginx, wrk, python3, php, lighttpd, caddy, openssl, h2load
//                                         (nghttp2-client) and Python's grpcio for /usr/bin/python3 (python3-grpcio,
//                                         python3-grpc-tools) are required by `npm run zoo` (h2load is also
//                                         `npm run bench:h2`'s independent HTTP/2 reference). npm test's zoo slice
//                                         runs no grpcio server: it needs neither.
//
// Playwright's own browser download cannot be used on machines that reach only the npm registry and Debian's
// packages, hence Debian's chromium. nginx-light is Debian's smallest nginx; the zoo runs it from a temp dir in
// the foreground and never uses the system service.
import { accessSync, constants, existsSync } from 'node:fs'
import { execFileSync, spawnSync } from 'node:child_process'
import path from 'node:path'

const zoo = process.argv.includes('--zoo')

function onPath(command) {
  const dirs = [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin']
  return dirs.some(dir => {
    try {
      accessSync(path.join(dir || '.', command), constants.X_OK)
      return true
    } catch {
      return false
    }
  })
}

/** Debian's grpcio is for Debian's Python (/usr/bin/python3), whatever python3 a PATH finds first (pyenv, a venv). */
const hasGrpcio = () =>
  spawnSync('/usr/bin/python3', ['-c', 'import grpc, grpc_tools'], { stdio: 'ignore' }).status === 0

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
if (!zoo && process.env.CHROMIUM_PATH && !existsSync(chromium)) {
  console.error(
    `ensure-tools: CHROMIUM_PATH=${chromium} does not exist; point it at a Chromium or Chrome binary`
  )
  process.exit(1)
}

/** Every tool of this mode: its Debian package, whether it is there, and whether its absence fails. */
const tools = [
  ...(zoo ? [] : [{ name: 'chromium', pkg: 'chromium', present: existsSync(chromium), required: true }]),
  { name: 'nginx', pkg: 'nginx-light', present: onPath('nginx'), required: zoo },
  { name: 'wrk', pkg: 'wrk', present: onPath('wrk'), required: zoo },
  { name: 'php', pkg: 'php-cli', present: onPath('php'), required: zoo },
  { name: 'openssl', pkg: 'openssl', present: onPath('openssl'), required: zoo },
  ...(zoo
    ? [
        { name: 'python3', pkg: 'python3', present: onPath('python3'), required: true },
        { name: 'lighttpd', pkg: 'lighttpd', present: onPath('lighttpd'), required: true },
        { name: 'caddy', pkg: 'caddy', present: onPath('caddy'), required: true },
        { name: 'h2load', pkg: 'nghttp2-client', present: onPath('h2load'), required: true },
        { name: 'grpcio', pkg: 'python3-grpcio python3-grpc-tools', present: hasGrpcio(), required: true }
      ]
    : [{ name: 'perf', pkg: 'linux-perf', present: onPath('perf'), required: false }])
]
const missing = tools.filter(t => !t.present)
if (!missing.length) process.exit(0)

const why = {
  chromium:
    'the report.html browser test needs it; elsewhere set CHROMIUM_PATH to a Chromium or Chrome binary',
  nginx: 'the zoo runs Debian nginx',
  wrk: "the zoo compares perfgate's throughput with wrk's",
  python3: "the zoo runs Python's http.server",
  php: "the zoo runs PHP's built-in server, which ends its bodies by closing the connection",
  lighttpd: 'the zoo runs Debian lighttpd',
  caddy: "the zoo runs Debian Caddy's caddy respond",
  openssl: "the zoo's HTTP/2 servers over TLS use a certificate made at test time",
  h2load: "the zoo and npm run bench:h2 compare perfgate's HTTP/2 latency with h2load's",
  grpcio: "the zoo runs Python's grpcio server, its stubs made by grpc_tools.protoc",
  perf: 'the CPU profile tests sample with perf record where it can run; without it they test the V8 profiler only'
}

/** Says why the missing tools stay missing; exits 1 when one of them is required. */
function giveUp(reason) {
  for (const tool of missing) {
    const line = `ensure-tools: ${tool.name} is not installed and ${reason} (${why[tool.name]}).`
    if (tool.required) console.error(line)
    else
      console.warn(
        `\n*** ${line}\n*** npm test will SKIP what needs ${tool.name}${tool.name === 'perf' ? '' : '; npm run zoo will fail'}. ***\n`
      )
  }
  process.exit(missing.some(t => t.required) ? 1 : 0)
}

const hasApt = existsSync('/usr/bin/apt-get')
const isRoot = process.getuid?.() === 0
const hasSudo = existsSync('/usr/bin/sudo')
if (!hasApt || (!isRoot && !hasSudo)) giveUp('there is no apt-get (or no root/sudo) to install it')

const packages = missing.flatMap(t => t.pkg.split(' '))
console.log(`ensure-tools: installing the Debian packages ${packages.join(', ')}`)
const prefix = isRoot ? [] : ['sudo']
const run = args => {
  const [cmd, ...rest] = [...prefix, ...args]
  execFileSync(cmd, rest, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } })
}
try {
  run(['apt-get', 'update', '-q'])
  run(['apt-get', 'install', '-y', '-q', '--no-install-recommends', ...packages])
} catch (error) {
  giveUp(`apt-get failed (${error.message})`)
}
