import { createClient, type ClientFactory } from '../../src/github/client.js'

/**
 * The action's client without the throttling plugin's real spacing (1 s between writes, 3 s between writes that
 * notify, shared by every client of the process): for tests against the fake API, where it only adds waiting.
 */
export const unspacedClient: ClientFactory = (token, options) =>
  createClient(token, { ...options, spacing: 'none' })
