import { getOctokit } from '@actions/github'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'

export type Octokit = ReturnType<typeof getOctokit>

export interface ClientOptions {
  /** GITHUB_API_URL: api.github.com or a GitHub Enterprise Server's /api/v3 */
  apiUrl: string
  /** rate-limit waits stop once they would pass this budget (default 60 s) */
  budgetMs?: number
  log?: (message: string) => void
  /**
   * 'github' (default): the throttling plugin's own spacing, 1 s between writes and 3 s between writes that notify,
   * and retry-after waited out in real seconds; 'none': no spacing and no wait (tests against a fake API)
   */
  spacing?: 'github' | 'none'
}

/** How the action makes its client: createClient, or in tests one with `spacing: 'none'` against a fake API. */
export type ClientFactory = (token: string, options: ClientOptions) => Octokit

/** A throttling group that lets every job through at once, for `spacing: 'none'`. */
const UNSPACED = {
  key: () => ({ schedule: <T>(_options: unknown, job: () => Promise<T>) => job() })
} as unknown as NonNullable<ThrottlingOptions['write']>

/**
 * Octokit with bounded retries: server errors are retried twice; permission answers (401, 403, 404, 422) never;
 * a secondary rate limit is waited out at most twice (honouring retry-after), and only within the budget.
 */
export function createClient(token: string, options: ClientOptions): Octokit {
  const started = Date.now()
  const budgetMs = options.budgetMs ?? 60_000
  const log = options.log ?? (() => undefined)
  const within = (retryAfterSeconds: number) => Date.now() - started + retryAfterSeconds * 1000 <= budgetMs
  return getOctokit(
    token,
    {
      baseUrl: options.apiUrl.replace(/\/$/, ''),
      retry: { doNotRetry: [400, 401, 403, 404, 410, 422, 429, 451], retries: 2 },
      throttle: {
        ...(options.spacing === 'none'
          ? { write: UNSPACED, notifications: UNSPACED, search: UNSPACED, retryAfterBaseValue: 0 }
          : {}),
        onRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _octokit: unknown,
          retryCount: number
        ) => {
          const again = retryCount < 1 && within(retryAfter)
          log(
            `GitHub rate limit on ${request.method} ${request.url}; ${again ? `retrying after ${retryAfter}s` : 'giving up'}`
          )
          return again
        },
        onSecondaryRateLimit: (
          retryAfter: number,
          request: { method: string; url: string },
          _octokit: unknown,
          retryCount: number
        ) => {
          const again = retryCount < 2 && within(retryAfter)
          log(
            `GitHub secondary rate limit on ${request.method} ${request.url}; ${again ? `retrying after ${retryAfter}s` : `giving up after ${retryCount} retries`}`
          )
          return again
        }
      }
    },
    retry,
    throttling
  )
}
