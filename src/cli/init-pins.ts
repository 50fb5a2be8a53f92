/**
 * The actions the workflows `perfgate init` writes use, and the commit each release tag points at, for `--pin`.
 *
 * By default the workflows use major tags (`actions/checkout@v5`): they take the maintainers' fixes without a
 * pull request, and Dependabot or Renovate cannot bump a SHA nobody asked for. `--pin` writes the full commit SHA
 * with its tag in a comment (`actions/checkout@08c6…  # v5.0.0`), which a moved or compromised tag cannot change
 * (GitHub's hardening guide; Dependabot updates pinned SHAs and their comments).
 *
 * Where the SHAs come from: the commit each tag below names in its repository on github.com (`git ls-remote
 * https://github.com/actions/checkout refs/tags/v5.0.0`, and so on), cross-checked against many public workflows
 * that pin the same tags. The machine that writes perfgate is offline, so the table is a constant: re-check it with
 * `git ls-remote` when moving a tag, and keep `__tests__/cli/init-pins.test.ts` in step.
 */
import { ACTION_REF } from '../identity.js'

export interface ActionPin {
  /** the major tag a workflow uses by default */
  major: string
  /** the release the pin names */
  tag: string
  /** the full commit SHA of that release */
  sha: string
}

export const ACTION_PINS = {
  'actions/checkout': { major: 'v5', tag: 'v5.0.0', sha: '08c6903cd8c0fde910a37f88322edcfb5dd907a8' },
  'actions/setup-node': { major: 'v6', tag: 'v6.0.0', sha: '2028fbc5c25fe9cf00d9f06a71cc4710d4507903' },
  'actions/upload-artifact': { major: 'v4', tag: 'v4.6.2', sha: 'ea165f8d65b6e75b540449e92b4886f43607fa02' },
  'actions/download-artifact': { major: 'v4', tag: 'v4.3.0', sha: 'd3f86a106a0bac45b974a628896c90dbdf5c8093' }
} as const satisfies Record<string, ActionPin>

export type PinnedAction = keyof typeof ACTION_PINS

/**
 * The `uses:` value of an action: `actions/checkout@v5`, or pinned, its SHA with the tag in a comment.
 * perfgate's own action has no release commit this build could name, so it stays on its tag, with a comment
 * saying to pin it to the release you reviewed.
 */
export function uses(action: PinnedAction | 'perfgate', pin: boolean): string {
  if (action === 'perfgate')
    return pin ? `${ACTION_REF}  # pin to the commit of the release you reviewed` : ACTION_REF
  const p = ACTION_PINS[action]
  return pin ? `${action}@${p.sha}  # ${p.tag}` : `${action}@${p.major}`
}
