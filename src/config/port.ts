import net from 'node:net'
import { once } from 'node:events'
import { fillServicePort, usesServicePort } from './placeholders.js'
import type { Config, ReadyProbe, RequestSpec, Scenario, ServiceSpec } from './types.js'

/**
 * Where a config uses {{service.port}}: the fields that may hold it. A config that uses it in the service (command,
 * env or ready probe) and in the scenarios' URLs can run base and head side by side, each on its own port.
 */
export function servicePortUses(config: Pick<Config, 'service' | 'scenarios'>): string[] {
  const s = config.service
  const uses: string[] = []
  if (s && usesServicePort(s.command)) uses.push('service.command')
  if (s && Object.values(s.env).some(usesServicePort)) uses.push('service.env')
  if (s && readyText(s.ready).some(usesServicePort)) uses.push('service.ready')
  if (config.scenarios.some(sc => requestsOf(sc).some(r => usesServicePort(r.url))))
    uses.push('scenario urls')
  return uses
}

/** The service can be given a port (command or env) and the load follows it (ready probe and URLs). */
export function hasServicePort(config: Pick<Config, 'service' | 'scenarios'>): boolean {
  const uses = servicePortUses(config)
  return (uses.includes('service.command') || uses.includes('service.env')) && uses.includes('scenario urls')
}

function readyText(ready: ReadyProbe): string[] {
  if (ready.kind === 'http') return [ready.url]
  if (ready.kind === 'tcp') return [ready.host, ready.portText ?? String(ready.port)]
  return []
}

function requestsOf(scenario: Scenario): RequestSpec[] {
  return scenario.mix?.length ? [scenario.request, ...scenario.mix] : [scenario.request]
}

function fillReady(ready: ReadyProbe, port: number): ReadyProbe {
  if (ready.kind === 'http') return { ...ready, url: fillServicePort(ready.url, port) }
  if (ready.kind === 'tcp' && ready.portText !== undefined) {
    const { portText, ...rest } = ready
    return { ...rest, host: fillServicePort(ready.host, port), port: Number(fillServicePort(portText, port)) }
  }
  return ready
}

function fillService(service: ServiceSpec, port: number): ServiceSpec {
  const ready = fillReady(service.ready, port)
  return {
    ...service,
    command: fillServicePort(service.command, port),
    env: Object.fromEntries(Object.entries(service.env).map(([k, v]) => [k, fillServicePort(v, port)])),
    ready,
    ...(service.preflightUrl ? { preflightUrl: fillServicePort(service.preflightUrl, port) } : {})
  }
}

function fillScenario(scenario: Scenario, port: number): Scenario {
  const fill = <T extends RequestSpec>(r: T): T => ({ ...r, url: fillServicePort(r.url, port) })
  return {
    ...scenario,
    request: fill(scenario.request),
    ...(scenario.mix ? { mix: scenario.mix.map(fill) } : {})
  }
}

/** The config with {{service.port}} filled with `port` everywhere it may appear; the config itself is unchanged. */
export function withServicePort<T extends Pick<Config, 'service' | 'scenarios'>>(config: T, port: number): T {
  return {
    ...config,
    ...(config.service ? { service: fillService(config.service, port) } : {}),
    scenarios: config.scenarios.map(s => fillScenario(s, port))
  }
}

/** `count` distinct ports nothing listens on right now (the kernel's choice on 127.0.0.1). */
export async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, async () => {
      const server = net.createServer().listen(0, '127.0.0.1')
      await once(server, 'listening')
      return server
    })
  )
  const ports = servers.map(s => (s.address() as net.AddressInfo).port)
  await Promise.all(
    servers.map(async s => {
      s.close()
      await once(s, 'close')
    })
  )
  return ports
}
