/**
 * `perfgate init --url URL`: a config for a running target (a staging deployment, or a service another job
 * starts), with no service section: perfgate starts nothing, measures the URL as it is, checks the absolute
 * limits and compares with the stored baseline (never base-vs-head).
 */
import { CONFIG_SCHEMA_URL, REFERENCE_URL } from '../identity.js'
import { UsageError } from './io.js'

/** The --url value as an http(s) URL; anything else is a usage error. */
export function targetUrl(text: string): URL {
  let url: URL | undefined
  try {
    url = new URL(text)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new UsageError(`--url takes the http:// or https:// URL of the running target, got "${text}"`)
  return url
}

const q = (s: string) => JSON.stringify(s)

/** perfgate.yml for a running target at `url`, each line a newcomer would ask about commented. */
export function renderTargetConfig(url: URL): string {
  return [
    `# yaml-language-server: $schema=${CONFIG_SCHEMA_URL}`,
    '# perfgate.yml: a running target (no service section): perfgate starts nothing and measures the URL as it is,',
    '# against the absolute limits and the stored baseline. Written by `perfgate init --url`.',
    'version: 1',
    `ready: { url: ${q(url.href)}, timeout: 60s }      # polled until 200-399 before measuring (url or tcp)`,
    'defaults:',
    '  warmup: 2s',
    '  duration: 10s',
    '  connections: 10',
    'scenarios:',
    '  - name: home',
    `    request: { method: GET, url: ${q(url.href)} }`,
    '    thresholds:                        # absolute limits: a broken one fails the job',
    '      latency.p95: "< 500ms"',
    '      errors.rate: "< 1%"',
    '    regression:                        # against the stored baseline (there is no base-vs-head compare)',
    '      latency.p95: "+25%"',
    `# server.* metrics need a service perfgate starts. Load shards, the baseline store: ${REFERENCE_URL}`,
    ''
  ].join('\n')
}
