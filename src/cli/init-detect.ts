/**
 * `perfgate init`, detecting the project: its start command (package.json's start script, an entry file, a
 * Dockerfile), the TCP port it listens on (PORT, EXPOSE, the source), a readiness path, its build and default branch.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import path from 'node:path'
import { detectProtocol, grpcPortIn, type DetectedProtocol } from './init-protocol.js'
import { PLACEHOLDER_COMMAND } from '../config/placeholders.js'

/** What `perfgate init` found in a project, each value with where it came from. */
export interface Detected {
  command: string
  commandFrom: string
  /** false when nothing was found and `command` is a placeholder to edit */
  commandFound: boolean
  port: number
  portFrom: string
  /** the service reads its port from $PORT: perfgate sets it */
  readsPortEnv: boolean
  readyPath: string
  readyFrom: string
  build?: string
  buildFrom?: string
  path: string
  defaultBranch: string
  /** the service speaks gRPC or HTTP/2, not HTTP/1.1 (init-protocol.ts) */
  protocol?: DetectedProtocol
  branchFrom: string
}

const read = (file: string): string | undefined => {
  try {
    return statSync(file).isFile() && statSync(file).size < 1_000_000 ? readFileSync(file, 'utf8') : undefined
  } catch {
    return undefined
  }
}

interface PackageJson {
  main?: string
  scripts?: Record<string, string>
  dependencies?: Record<string, string>
}

function readPackage(dir: string): PackageJson | undefined {
  const text = read(path.join(dir, 'package.json'))
  if (!text) return undefined
  try {
    return JSON.parse(text) as PackageJson
  } catch {
    return undefined
  }
}

const ENTRY_FILES = ['server.js', 'server.mjs', 'index.js', 'index.mjs', 'app.js', 'app.mjs', 'main.js']
const SOURCE_DIRS = ['.', 'src', 'lib', 'server', 'app']

/** The service's source files worth reading for a port or a health route (a few, near the top). */
function sourceFiles(dir: string, entry: string | undefined): string[] {
  const files = entry ? [path.resolve(dir, entry)] : []
  for (const sub of SOURCE_DIRS) {
    const folder = path.join(dir, sub)
    let names: string[]
    try {
      names = readdirSync(folder)
    } catch {
      continue
    }
    for (const name of names.sort())
      if (/\.(c|m)?(j|t)s$/.test(name) && !name.endsWith('.d.ts')) files.push(path.join(folder, name))
  }
  return [...new Set(files)].slice(0, 40)
}

/** `node X` in a start script: the entry file X. */
const entryOf = (script: string | undefined) =>
  script
    ? /(?:^|&&\s*|\s)node\s+(?:--[\w-]+(?:=\S+)?\s+)*([^\s&|;]+\.(?:c|m)?(?:j|t)s)/.exec(script)?.[1]
    : undefined

function dockerExpose(dir: string): number | undefined {
  const text = read(path.join(dir, 'Dockerfile'))
  const port = text ? /^\s*EXPOSE\s+(\d{2,5})/im.exec(text)?.[1] : undefined
  return port ? Number(port) : undefined
}

const git = (dir: string, args: string[]): string | undefined => {
  try {
    return execFileSync('git', args, { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 })
      .toString()
      .trim()
  } catch {
    return undefined
  }
}

/**
 * The branch pushes store baselines from: origin's default branch (refs/remotes/origin/HEAD, set by a clone), else
 * the branch checked out (a repository made with `git init -b trunk` has no commit yet, but HEAD names trunk),
 * else main. All local: no network.
 */
export function defaultBranch(dir: string): { branch: string; from: string } {
  const origin = git(dir, ['symbolic-ref', '--quiet', 'refs/remotes/origin/HEAD'])
  const remote = origin?.replace(/^refs\/remotes\/origin\//, '')
  if (remote) return { branch: remote, from: "origin's default branch" }
  const current = git(dir, ['symbolic-ref', '--quiet', '--short', 'HEAD'])
  if (current) return { branch: current, from: 'the branch checked out' }
  return { branch: 'main', from: 'no git branch found: main' }
}

/** Looks at a project: package.json's start script, a Dockerfile's EXPOSE, the PORT convention in its source. */
export function detectProject(dir: string): Detected {
  const pkg = readPackage(dir)
  const scripts = pkg?.scripts ?? {}
  let command: string = PLACEHOLDER_COMMAND
  let commandFrom = 'a placeholder: perfgate found no start script, no main and no server.js; edit it'
  let commandFound = false
  const startEntry = entryOf(scripts.start)
  if (scripts.start) {
    commandFound = true
    // a plain `node server.js` is run directly: no npm process between perfgate and the service
    command = /^node\s+[^\s&|;]+$/.test(scripts.start.trim()) ? scripts.start.trim() : 'npm start'
    commandFrom = 'package.json scripts.start'
  } else if (pkg?.main && existsSync(path.join(dir, pkg.main))) {
    command = `node ${pkg.main}`
    commandFrom = 'package.json main'
    commandFound = true
  } else {
    const entry = ENTRY_FILES.find(f => existsSync(path.join(dir, f)))
    if (entry) {
      command = `node ${entry}`
      commandFrom = `${entry} in the project`
      commandFound = true
    }
  }
  const entry = startEntry ?? (pkg?.main && !scripts.start ? pkg.main : undefined) ?? command.split(' ')[1]
  const sources = sourceFiles(dir, entry).map(file => ({ file, text: read(file) ?? '' }))

  let port: number | undefined
  let portFrom = 'the default: nothing in the project names a port'
  let readsPortEnv = false
  const fromScript = scripts.start ? /\bPORT=(\d{2,5})\b/.exec(scripts.start)?.[1] : undefined
  const envFile = read(path.join(dir, '.env'))
  const fromEnvFile = envFile ? /^\s*PORT\s*=\s*"?(\d{2,5})/m.exec(envFile)?.[1] : undefined
  const exposed = dockerExpose(dir)
  for (const { file, text } of sources) {
    if (!/process\.env\.PORT|process\.env\[['"]PORT['"]\]|Deno\.env\.get\(['"]PORT/.test(text)) continue
    readsPortEnv = true
    const fallback = /process\.env(?:\.PORT|\[['"]PORT['"]\])\s*(?:\|\||\?\?)\s*['"]?(\d{2,5})/.exec(
      text
    )?.[1]
    if (fallback && port === undefined) {
      port = Number(fallback)
      portFrom = `${path.relative(dir, file)} reads PORT (default ${fallback})`
    } else if (port === undefined) portFrom = `${path.relative(dir, file)} reads PORT`
    break
  }
  if (fromScript) {
    port = Number(fromScript)
    portFrom = 'PORT= in package.json scripts.start'
  } else if (fromEnvFile) {
    port = Number(fromEnvFile)
    portFrom = 'PORT= in .env'
  } else if (exposed !== undefined) {
    port = exposed
    portFrom = 'EXPOSE in the Dockerfile'
  }
  if (port === undefined && !readsPortEnv) {
    for (const { file, text } of sources) {
      const listen = /\.listen\(\s*(\d{2,5})\b/.exec(text)?.[1]
      if (listen) {
        port = Number(listen)
        portFrom = `.listen(${listen}) in ${path.relative(dir, file)}`
        break
      }
    }
  }

  const protocol = detectProtocol(dir, pkg?.dependencies ?? {}, sources)
  const grpcPort = protocol?.kind === 'grpc' && port === undefined ? grpcPortIn(sources) : undefined
  if (grpcPort !== undefined) {
    port = grpcPort
    portFrom = 'the gRPC server binds it in the source'
  }

  let readyPath = '/'
  let readyFrom = 'no health route found: the root path'
  for (const { file, text } of sources) {
    const route = /['"`](\/(?:healthz|health|ready|readyz|ping|status))['"`]/.exec(text)?.[1]
    if (route) {
      readyPath = route
      readyFrom = `${route} in ${path.relative(dir, file)}`
      break
    }
  }

  const branch = defaultBranch(dir)
  const hasDeps = Object.keys(pkg?.dependencies ?? {}).length > 0
  const install = existsSync(path.join(dir, 'package-lock.json')) ? 'npm ci' : 'npm install'
  const steps = [...(hasDeps ? [install] : []), ...(scripts.build ? ['npm run build'] : [])]
  return {
    command,
    commandFrom,
    commandFound,
    port: port ?? 3000,
    portFrom,
    readsPortEnv,
    readyPath,
    readyFrom,
    build: steps.length ? steps.join(' && ') : undefined,
    buildFrom: steps.length ? 'package.json' : undefined,
    path: '/',
    defaultBranch: branch.branch,
    branchFrom: branch.from,
    ...(protocol ? { protocol } : {})
  }
}
