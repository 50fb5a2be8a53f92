/**
 * The one way text perfgate did not write itself reaches the Actions log: report headlines (scenario names and
 * messages from a config or an artifact), the base's build output (its command comes from the pull request), the
 * service's command, API messages. The runner reads a log line as a workflow command when it starts with `::`
 * (after spaces) or holds `##[`, so such text could set outputs, add annotations or stop the masking of secrets.
 * Text that could hold a command is written between `::stop-commands::<token>` and `::<token>::`, with a random
 * token per block that the text cannot know: the runner runs no command in between, and the text is shown as is.
 */
import * as core from '@actions/core'
import { randomBytes } from 'node:crypto'

/** Both command syntaxes the runner reads: `::name ...::` (at a line's start) and the older `##[name ...]`. */
const COMMAND_LIKE = /::|##\[/

/** The lines to write for `text`: the text itself, fenced by stop-commands when it could hold a command. */
export function commandSafeLines(text: string, token = randomBytes(16).toString('hex')): string[] {
  if (!COMMAND_LIKE.test(text)) return [text]
  return [`::stop-commands::${token}`, text, `::${token}::`]
}

/** Writes untrusted text to the log (core.info unless told otherwise) so that no part of it runs as a command. */
export function logText(text: string, write: (line: string) => void = line => core.info(line)): void {
  for (const line of commandSafeLines(text)) write(line)
}
