/**
 * perfgate's identity, derived from one place: package.json's `repository`. The schema `$id`s, the README's
 * modeline and `uses:` lines and the workflow `perfgate init` writes all come from here
 * (`npm run identity` rewrites the static files; a test keeps them in step).
 */
import pkg from '../package.json' with { type: 'json' }

/** "owner/name" from a repository URL such as git+https://github.com/owner/name.git */
export function repositorySlug(url: string): string {
  const match = /github\.com[/:]([^/]+)\/([^/#]+?)(?:\.git)?(?:#.*)?$/.exec(url)
  if (!match) throw new Error(`package.json repository.url is not a GitHub URL: ${url}`)
  return `${match[1]}/${match[2]}`
}

/** owner/name of perfgate's GitHub repository */
export const REPOSITORY = repositorySlug(pkg.repository.url)
/** the action reference a workflow uses */
export const ACTION_REF = `${REPOSITORY}@v1`
/** the raw URL of a file in the repository's default branch (what editors fetch for the schema) */
export const rawUrl = (file: string): string => `https://raw.githubusercontent.com/${REPOSITORY}/main/${file}`
export const CONFIG_SCHEMA_URL = rawUrl('schema/perfgate.schema.json')
export const PACKAGE_NAME: string = pkg.name
/** the reference documentation, on the repository's default branch */
export const REFERENCE_URL = `https://github.com/${REPOSITORY}/blob/main/docs/reference.md`
