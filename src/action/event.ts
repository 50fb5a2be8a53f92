import { readFileSync } from 'node:fs'

/** The workflow's event payload (GITHUB_EVENT_PATH), or {} when there is none or it cannot be read. */
export function readEventPayload(env: NodeJS.ProcessEnv): unknown {
  if (!env.GITHUB_EVENT_PATH) return {}
  try {
    return JSON.parse(readFileSync(env.GITHUB_EVENT_PATH, 'utf8'))
  } catch {
    return {}
  }
}

/** The events perfgate measures on: their token cannot write for a fork's code, or they run trusted code only. */
export const MEASURING_EVENTS = [
  'pull_request',
  'push',
  'schedule',
  'workflow_dispatch',
  'merge_group'
] as const

/** Measuring was refused because of the workflow's event (the summary's advice says how to set it up instead). */
export class RefusedEventError extends Error {}

/**
 * `pull_request_target` runs with a write token and the repository's secrets, even for forks. Measuring means
 * building and running whatever is checked out, and there that can be the PR's code: perfgate refuses, before it
 * reads the config or starts anything. Only `mode: report`, which runs no PR code, may run there.
 */
export const PULL_REQUEST_TARGET_REFUSED =
  'perfgate refuses to measure on pull_request_target: that event runs with a write token and the repository’s ' +
  'secrets, and measuring builds and runs the checked-out code, which can be the pull request’s (a "pwn request"). ' +
  'Measure in a workflow on pull_request (fork PRs get a read-only token there) that uploads perfgate-report/ as an ' +
  'artifact, and post the comment from a second workflow on workflow_run that downloads the artifact and runs ' +
  'perfgate with mode: report (it reads the artifact as data and runs no PR code). See the README, "Fork pull requests".'

/**
 * Measuring runs checked-out code. On any event but MEASURING_EVENTS (workflow_run, issue_comment,
 * pull_request_review, ...) the job has a write token and secrets while what is checked out can come from a pull
 * request, so perfgate refuses before it reads the config or starts anything. `mode: report` and `mode: merge` read
 * artifacts as data and run no code from the pull request: they stay allowed everywhere.
 */
export function refuseUntrustedEvent(mode: string, eventName: string | undefined): void {
  if (mode === 'report' || mode === 'merge') return
  if (eventName === 'pull_request_target') throw new RefusedEventError(PULL_REQUEST_TARGET_REFUSED)
  if (eventName && (MEASURING_EVENTS as readonly string[]).includes(eventName)) return
  throw new RefusedEventError(
    `perfgate refuses to measure on ${eventName ? `the ${eventName} event` : 'an unnamed event (GITHUB_EVENT_NAME is not set)'}: ` +
      `measuring builds and runs the checked-out code, and this event's job can hold a write token and the ` +
      `repository's secrets while that code comes from a pull request. Measure on ${MEASURING_EVENTS.join(', ')}; ` +
      `to comment from a privileged workflow (workflow_run), run perfgate there with mode: report (or mode: merge for ` +
      `sharded legs), which reads the measuring run's artifact as data and runs no code.`
  )
}
