/**
 * The one git runner: arguments as an array (no shell), never prompting, authenticated as auth.ts says, every call
 * bounded by a timeout that stops git with its process group, and failures worded without credentials.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { currentGitAuth } from './auth.js'
import { killProcessGroup } from './process-group.js'

export interface GitResult {
  code: number
  stdout: Buffer
  stderr: string
}

/** A git call stopped because it did not finish in time (a hung fetch or push). */
export class GitTimeoutError extends Error {}

export interface RunGitOptions {
  input?: string
  env?: Record<string, string>
  /** stop git (and its transport: ssh, a credential helper) after this long and reject with GitTimeoutError */
  timeoutMs?: number
  /** stop git and reject with GitOutputError once it has written more than this to stdout (GIT_MAX_STDOUT_BYTES) */
  maxStdoutBytes?: number
  /** keep only the last this many characters of git's stderr, after a note that the rest was cut (GIT_MAX_STDERR_CHARS) */
  maxStderrChars?: number
}

/** A git call stopped because its output outgrew what perfgate keeps (a store or history far larger than expected). */
export class GitOutputError extends Error {}

/** The most of git's stdout perfgate keeps in memory: more means something is wrong, and it is an error. */
export const GIT_MAX_STDOUT_BYTES = 256 * 1024 * 1024
/** The most of git's stderr kept: its last lines say what went wrong; a flood (GIT_TRACE, a chatty hook) is cut. */
export const GIT_MAX_STDERR_CHARS = 1024 * 1024

/** Stops git with everything it started: it runs in its own process group. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return
  try {
    killProcessGroup(child.pid, 'SIGKILL')
  } catch {
    // no process groups (Windows): stop git itself at least
    child.kill('SIGKILL')
  }
}

/** git calls still running, each in its own process group: a cancelled run stops them. */
const running = new Set<ChildProcess>()

export function stopAllGit(): void {
  for (const child of running) killGroup(child)
}

/** The longest a git call may take when its caller sets no budget: no git call of perfgate's runs unbounded. */
export const GIT_TIMEOUT_MS = 5 * 60_000

/**
 * git with arguments as an array (no shell), optional stdin, never prompting for credentials, authenticated with
 * the action's token when it has one (see git-auth.ts), and stopped after `timeoutMs` (GIT_TIMEOUT_MS by default).
 */
export function runGit(cwd: string, args: string[], options: RunGitOptions = {}): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...currentGitAuth(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
      // its own process group, so that a timeout also stops the ssh or helper git is waiting for
      detached: true
    })
    running.add(child)
    child.once('exit', () => running.delete(child))
    const out: Buffer[] = []
    let stderr = ''
    const ms = Math.max(0, options.timeoutMs ?? GIT_TIMEOUT_MS)
    const timer = setTimeout(() => {
      killGroup(child)
      reject(new GitTimeoutError(`git ${args[0]} did not finish within ${secondsText(ms)} and was stopped`))
    }, ms)
    const maxOut = options.maxStdoutBytes ?? GIT_MAX_STDOUT_BYTES
    const maxErr = options.maxStderrChars ?? GIT_MAX_STDERR_CHARS
    let outBytes = 0
    let cut = 0
    child.stdout.on('data', (chunk: Buffer) => {
      outBytes += chunk.length
      if (outBytes <= maxOut) return void out.push(chunk)
      if (outBytes - chunk.length > maxOut) return
      clearTimeout(timer)
      killGroup(child)
      reject(
        new GitOutputError(
          `git ${args[0]} wrote more than ${sizeText(maxOut)} to its output and was stopped: perfgate keeps at most that much`
        )
      )
    })
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString()
      if (stderr.length > maxErr) {
        cut += stderr.length - maxErr
        stderr = stderr.slice(-maxErr)
      }
    })
    child.on('error', err => {
      clearTimeout(timer)
      reject(err)
    })
    child.on('close', code => {
      clearTimeout(timer)
      const note = cut
        ? `[perfgate kept the last ${maxErr} characters of git's stderr; ${cut} before them were cut]\n`
        : ''
      resolve({ code: code ?? 1, stdout: Buffer.concat(out), stderr: note + stderr })
    })
    child.stdin.on('error', () => undefined)
    child.stdin.end(options.input ?? '')
  })
}

function sizeText(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${Number((bytes / 1024 / 1024).toPrecision(3))} MiB` : `${bytes} bytes`
}

export function secondsText(ms: number): string {
  return `${Number((ms / 1000).toPrecision(3))} s`
}

/** Text for messages (a remote's URL, git's own words) without any credentials written into a URL in it. */
export function withoutCredentials(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s]*@/gi, '$1')
}

/** git's output, trimmed; a failure throws `git <command> failed: <its last lines>`. */
export async function gitOutput(cwd: string, args: string[], options?: RunGitOptions): Promise<string> {
  const result = await runGit(cwd, args, options)
  if (result.code !== 0) throw new Error(`git ${args[0]} failed: ${lastLines(result.stderr)}`)
  return result.stdout.toString().trim()
}

/** git's output, or undefined when it failed or timed out (a question the caller has a fallback for). */
export async function tryGitOutput(
  cwd: string,
  args: string[],
  options?: RunGitOptions
): Promise<string | undefined> {
  try {
    return await gitOutput(cwd, args, options)
  } catch {
    return undefined
  }
}

/** The last lines git wrote to stderr, for a message, without credentials. */
export function lastLines(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map(l => l.trim())
    .filter(Boolean)
  return withoutCredentials(lines.slice(-3).join(' / ')) || 'no message'
}
