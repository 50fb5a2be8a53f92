import type { Octokit } from './client.js'

/** The label every change-point issue carries: how the next push finds the open one. */
export const CHANGE_POINT_LABEL = 'perfgate-change-point'

/** The hidden line that opens a change-point issue's body: one issue per scenario and metric. */
export const issueMarker = (key: string) => `<!-- perfgate-change-point: ${key.replace(/-->/g, '')} -->`

export interface IssueParams {
  owner: string
  repo: string
  /** scenario and metric, e.g. "list/latency.p99" */
  key: string
  title: string
  body: string
}

/**
 * One sticky issue per key: the open issue with the label whose body opens with the key's marker is updated in
 * place (title and body); without one, an issue is created. Never a second open issue for the same key.
 */
export async function upsertChangePointIssue(
  octokit: Octokit,
  params: IssueParams
): Promise<{ action: 'created' | 'updated'; number: number; url: string }> {
  const marker = issueMarker(params.key)
  const body = `${marker}\n${params.body}`
  const open = await octokit.paginate(octokit.rest.issues.listForRepo, {
    owner: params.owner,
    repo: params.repo,
    labels: CHANGE_POINT_LABEL,
    state: 'open',
    per_page: 100
  })
  const existing = open.find(issue => !issue.pull_request && (issue.body ?? '').startsWith(marker))
  if (existing) {
    const { data } = await octokit.rest.issues.update({
      owner: params.owner,
      repo: params.repo,
      issue_number: existing.number,
      title: params.title,
      body
    })
    return { action: 'updated', number: data.number, url: data.html_url }
  }
  const { data } = await octokit.rest.issues.create({
    owner: params.owner,
    repo: params.repo,
    title: params.title,
    body,
    labels: [CHANGE_POINT_LABEL]
  })
  return { action: 'created', number: data.number, url: data.html_url }
}
