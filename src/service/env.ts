/**
 * The service under test must never see the workflow's credentials, nor the runner's command files: action inputs
 * (the github-token among them) arrive as INPUT_* variables, the runner adds ACTIONS_* tokens, and GITHUB_STATE,
 * GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH and GITHUB_STEP_SUMMARY name files through which a process could set the
 * post step's state (the process groups it kills), later steps' environment and PATH, this step's outputs, or the
 * job summary. RUNNER_TRACKING_ID stays: the runner's orphan-process cleanup relies on it.
 */
const DROPPED_EXACT = new Set([
  'GITHUB_TOKEN',
  'GH_TOKEN',
  'GITHUB_STATE',
  'GITHUB_ENV',
  'GITHUB_OUTPUT',
  'GITHUB_PATH',
  'GITHUB_STEP_SUMMARY'
])
const DROPPED_PREFIXES = ['INPUT_', 'ACTIONS_']

export function isSecretVariable(name: string): boolean {
  const upper = name.toUpperCase()
  return DROPPED_EXACT.has(upper) || DROPPED_PREFIXES.some(p => upper.startsWith(p))
}

export function scrubEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {}
  for (const [name, value] of Object.entries(env)) {
    if (value !== undefined && !isSecretVariable(name)) out[name] = value
  }
  return out
}
