import { describe, expect, it } from '@jest/globals'
import { scrubEnv } from '../../src/service/env.js'

describe('the service environment', () => {
  it('drops tokens and the runner’s command files, and keeps RUNNER_TRACKING_ID', () => {
    const env = scrubEnv({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      GITHUB_TOKEN: 'ghs_x',
      GH_TOKEN: 'ghs_x',
      'INPUT_GITHUB-TOKEN': 'ghs_x',
      ACTIONS_RUNTIME_TOKEN: 'x',
      ACTIONS_ID_TOKEN_REQUEST_URL: 'https://token',
      GITHUB_STATE: '/home/runner/work/_temp/_runner_file_commands/save_state_1',
      GITHUB_ENV: '/home/runner/work/_temp/_runner_file_commands/set_env_1',
      GITHUB_OUTPUT: '/home/runner/work/_temp/_runner_file_commands/set_output_1',
      GITHUB_PATH: '/home/runner/work/_temp/_runner_file_commands/add_path_1',
      GITHUB_STEP_SUMMARY: '/home/runner/work/_temp/_runner_file_commands/step_summary_1',
      GITHUB_SHA: 'a'.repeat(40),
      RUNNER_TRACKING_ID: 'github_1'
    })
    expect(env).toEqual({
      PATH: '/usr/bin',
      HOME: '/home/runner',
      GITHUB_SHA: 'a'.repeat(40),
      RUNNER_TRACKING_ID: 'github_1'
    })
  })
})
