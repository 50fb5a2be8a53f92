import { afterEach, beforeEach } from '@jest/globals'
import * as core from './core.js'
import { GitSandbox } from './git.js'

/**
 * The action tests' repository: before each test a fresh origin with two commits and a clone of it, handed to
 * `use` (the sandbox and the clone's path), with the fake @actions/core reset; after it, process.env as it was,
 * `cleanup` (for example stopAllServices), and the sandbox removed.
 */
export function useActionSandbox(
  use: (sandbox: GitSandbox, work: string) => void,
  cleanup?: () => Promise<void>
): void {
  const savedEnv = { ...process.env }
  let sandbox: GitSandbox | undefined
  beforeEach(async () => {
    core.reset()
    sandbox = await new GitSandbox().start(2)
    use(sandbox, sandbox.clone('work'))
  })
  afterEach(async () => {
    process.env = { ...savedEnv }
    await cleanup?.()
    await sandbox?.stop()
  })
}
