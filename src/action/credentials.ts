import { runGit } from '../git/runner.js'

/**
 * Credentials a checkout left in the repository's git config: an `http.<url>.extraheader` (what actions/checkout
 * writes unless `persist-credentials: false`, directly or in a file it includes) or a remote URL with a user and
 * password in it. Code from the pull request runs as the same user as perfgate and can read them. Values are never
 * returned, only where they are.
 */
export async function persistedCredentials(repo: string): Promise<string[]> {
  const found: string[] = []
  const headers = await runGit(repo, [
    'config',
    '--local',
    '--includes',
    '--name-only',
    '--get-regexp',
    '^http\\..*\\.extraheader$'
  ]).catch(() => undefined)
  if (headers?.code === 0)
    found.push(
      ...new Set(
        headers.stdout
          .toString()
          .split('\n')
          .filter(Boolean)
          .map(k => `git config ${k}`)
      )
    )
  const urls = await runGit(repo, [
    'config',
    '--local',
    '--includes',
    '--get-regexp',
    '^remote\\..*\\.(push)?url$'
  ]).catch(() => undefined)
  if (urls?.code === 0)
    for (const line of urls.stdout.toString().split('\n')) {
      const [key, url = ''] = line.split(/\s+/, 2)
      if (key && /^[a-z][a-z0-9+.-]*:\/\/[^/@\s]+@/i.test(url) && /:\/\/[^/@\s]*:[^/@\s]*@/.test(url))
        found.push(`git config ${key} (a URL with a password)`)
    }
  return found
}

/** The warning for a pull request job whose checkout kept its token on disk; undefined when none was found. */
export async function persistedCredentialsWarning(repo: string): Promise<string | undefined> {
  const found = await persistedCredentials(repo)
  if (found.length === 0) return undefined
  return (
    `perfgate: the checkout kept a token in this repository's git config (${found.join(', ')}). The pull request's ` +
    'code runs as the same user as this job (its build and its service) and can read it. Set `persist-credentials: ' +
    'false` on actions/checkout in pull request workflows: perfgate authenticates its own git calls with the ' +
    'github-token input, per command, without writing it to .git/config.'
  )
}
