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
