import { NewerBaselineError, StoreError } from '../baseline/record.js'
import { GitTimeoutError } from '../git/run.js'
import { markdownFence } from '../report/escape.js'
import { CancelledError } from './cancel.js'
import { MEASURING_EVENTS, RefusedEventError } from './event.js'

const TOKEN_PATTERNS = [
  /\b(gh[pousr]_[A-Za-z0-9]{20,})\b/g,
  /\bgithub_pat_[A-Za-z0-9_]{20,}\b/g,
  // credentials in a URL (https://x-access-token:TOKEN@github.com/...)
  /(?<=\/\/)[^/\s:@]+:[^/\s@]+(?=@)/g,
  /(?<=\b(?:authorization|bearer|token)[:=\s]+)[A-Za-z0-9._~+/-]{16,}=*/gi
]

/** Text bound for the job summary or the log, with the given secrets and anything shaped like a token blanked. */
export function redactSecrets(text: string, secrets: ReadonlyArray<string | undefined> = []): string {
  let out = text
  for (const secret of secrets) if (secret && secret.length >= 4) out = out.split(secret).join('***')
  for (const pattern of TOKEN_PATTERNS) out = out.replace(pattern, '***')
  return out
}

function adviceFor(err: unknown): string {
  if (err instanceof CancelledError) return 'Nothing: the job was cancelled. Re-run it for a verdict.'
  if (err instanceof NewerBaselineError)
    return 'The baseline store holds records written by a newer perfgate. Upgrade perfgate (the version in `uses:`) in this workflow.'
  if (err instanceof GitTimeoutError || (err instanceof StoreError && err.cause instanceof GitTimeoutError))
    return 'A git command timed out. Re-run the job; if it keeps happening, check the network and the size of the fetch.'
  if (err instanceof StoreError)
    return (
      'The baseline store exists but could not be read, so perfgate did not treat it as empty. Check that the job can ' +
      'fetch the baseline branch (actions/checkout with its default credentials and `permissions: contents: read`), ' +
      'or set `baseline: { store: none }` in the config to gate without stored history.'
    )
  if (err instanceof RefusedEventError)
    return err.message.startsWith('perfgate refuses to measure on pull_request_target')
      ? 'Change `on: pull_request_target` to `on: pull_request` in this workflow, and comment from a `workflow_run` workflow with `mode: report`.'
      : `Measure on ${MEASURING_EVENTS.join(', ')}, and comment from a \`workflow_run\` workflow with \`mode: report\` (see the README, "Fork pull requests").`
  if (err instanceof Error && /input/i.test(err.message) && /Invalid value|required/i.test(err.message))
    return 'Fix the named input in the workflow file.'
  return (
    'This is perfgate failing, not a verdict on your service. Re-run the job; if it fails again, open an issue ' +
    'with this message and the job log.'
  )
}

/** The job summary of a run perfgate could not finish: the error, what to do, and where the log is. */
export function failureSummary(err: unknown, message: string, runUrl?: string): string {
  return [
    '### 💥 perfgate: ERRORED',
    '',
    'perfgate stopped before it could give a verdict, so the gate fails:',
    '',
    ...markdownFence(message.split('\n')),
    '',
    `**What to do:** ${adviceFor(err)}`,
    '',
    ...(runUrl ? [`<sub>[workflow run](${runUrl})</sub>`, ''] : [])
  ].join('\n')
}
