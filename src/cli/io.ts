/** A stream the CLI writes to. */
export interface Writer {
  write(text: string): void
  isTTY?: boolean
}

/** Where the CLI reads and writes: the process's streams, or a test's. */
export interface CliIO {
  stdout: Writer
  stderr: Writer
  cwd: string
  color: boolean
  /** init asks questions only when this is a terminal */
  stdin?: NodeJS.ReadableStream & { isTTY?: boolean }
}

/** A wrong command line: perfgate prints the message and the command's usage, and exits with 2. */
export class UsageError extends Error {}
