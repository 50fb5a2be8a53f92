import * as core from '@actions/core'
import path from 'node:path'
import { CONFIG_CANDIDATES, discoverConfig } from '../config/discover.js'
import { loadConfig } from '../config/load.js'
import { ConfigError, formatProblems } from '../config/problems.js'
import type { Config } from '../config/types.js'
import { configAnnotations } from './annotations.js'
import type { ActionInputs } from './inputs.js'
import type { ActionSession } from './session.js'
import { writeSummary } from './summary.js'

/** The config input; left at its default it is discovered (perfgate.yml, perfgate.yaml, .github/perfgate.yml). */
export function configFile(inputs: ActionInputs): string {
  return inputs.config === CONFIG_CANDIDATES[0]
    ? discoverConfig(inputs.workspace)
    : path.resolve(inputs.workspace, inputs.config)
}

/** The config, or undefined when it is invalid: then its problems are annotated at file:line:col and the step fails. */
export async function loadActionConfig(
  inputs: ActionInputs,
  session: ActionSession,
  env: NodeJS.ProcessEnv
): Promise<Config | undefined> {
  const file = configFile(inputs)
  try {
    return await loadConfig(file)
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err
    const relative = path.relative(inputs.workspace, file) || inputs.config
    session.annotate(configAnnotations(err.problems, relative))
    await writeSummary(
      `### 💥 perfgate: invalid config\n\n\`\`\`text\n${formatProblems(err.problems)}\n\`\`\`\n`,
      env
    )
    core.setOutput('verdict', 'errored')
    const first = err.problems[0]
    core.setFailed(
      `perfgate: ${relative} has ${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}` +
        (first ? ` (first: line ${first.line} col ${first.col}: ${first.message})` : '')
    )
    return undefined
  }
}
