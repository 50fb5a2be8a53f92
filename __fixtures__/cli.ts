import type { CliIO } from '../src/cli/io.js'

/** CLI input/output captured in strings, running in `cwd`. */
export function captureIO(cwd: string): CliIO & { out: string; err: string } {
  const captured = { out: '', err: '' }
  return Object.assign(captured, {
    stdout: { write: (t: string) => void (captured.out += t) },
    stderr: { write: (t: string) => void (captured.err += t) },
    cwd,
    color: false
  })
}
