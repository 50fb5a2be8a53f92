/**
 * How perfgate authenticates its own git calls (deepening a shallow clone, fetching and pushing the baseline
 * branch): with the action's github-token, given to each git command as configuration in its environment
 * (GIT_CONFIG_COUNT / GIT_CONFIG_KEY_n / GIT_CONFIG_VALUE_n, the same as `git -c`, but not on the command line that
 * `ps` shows to every user). Nothing is written to .git/config, so a checkout with `persist-credentials: false` leaves
 * no token on disk for code from the pull request to read.
 */
let authEnv: Record<string, string> = {}

/** The header git sends to `serverUrl` only; an empty value first drops any header a checkout persisted. */
export function gitAuthEnv(token: string, serverUrl = 'https://github.com'): Record<string, string> {
  if (!token) return {}
  const key = `http.${serverUrl.replace(/\/+$/, '')}/.extraheader`
  const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
  return {
    GIT_CONFIG_COUNT: '2',
    GIT_CONFIG_KEY_0: key,
    GIT_CONFIG_VALUE_0: '',
    GIT_CONFIG_KEY_1: key,
    GIT_CONFIG_VALUE_1: `AUTHORIZATION: basic ${basic}`
  }
}

/**
 * Set once by the action from its github-token input; the CLI leaves git to its own credentials. `mask` learns the
 * header's base64 value (the action registers it with core.setSecret): git can echo it under GIT_TRACE or
 * GIT_CURL_VERBOSE, and Actions masks only the token as given, not its base64 form.
 */
export function useGitAuth(
  token: string | undefined,
  serverUrl?: string,
  mask: (secret: string) => void = () => undefined
): void {
  authEnv = token ? gitAuthEnv(token, serverUrl) : {}
  if (token) {
    const basic = Buffer.from(`x-access-token:${token}`).toString('base64')
    mask(basic)
    mask(`AUTHORIZATION: basic ${basic}`)
  }
}

export function currentGitAuth(): Record<string, string> {
  return authEnv
}
