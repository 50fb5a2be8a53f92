/**
 * `perfgate doctor` (and `validate --deep`): the config tried once against the real service, like
 * `lhci healthcheck`. It starts the service with the code a run uses (startOrAttach, the ready probe, stopQuietly),
 * sends one request per scenario, stops the service, and says per step what is wrong. Nothing is measured.
 */
import { Agent, request as send } from 'undici'
import { freePorts, hasServicePort, withServicePort } from '../config/port.js'
import type { Config, Scenario } from '../config/types.js'
import { compileScenario } from '../load/request.js'
import { tlsOptionsFor } from '../load/tls.js'
import { describeProbe } from '../service/ready.js'
import type { ServiceHandle } from '../service/types.js'
import { startOrAttach, stopQuietly } from './service.js'

export interface DoctorStep {
  /** start, ready, scenario NAME, stop */
  step: string
  ok: boolean
  /** what happened, or what is wrong and what to do */
  detail: string
  /** the service's last output lines, when they explain a failure */
  outputTail?: string[]
}

export interface DoctorOptions {
  /** NODE_EXTRA_CA_CERTS, for an https:// target */
  extraCaCerts?: string
  /** one request's time limit (default: the scenario's load.timeout) */
  requestTimeoutMs?: number
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`

/** The start and ready steps from a start that failed: which step it was, in the service's words. */
function startFailure(kind: string, message: string, outputTail: string[] | undefined): DoctorStep[] {
  const tail = outputTail?.length ? { outputTail } : {}
  if (kind === 'not-ready')
    return [
      { step: 'start', ok: true, detail: 'the command started and kept running' },
      { step: 'ready', ok: false, detail: message, ...tail }
    ]
  return [{ step: 'start', ok: false, detail: message, ...tail }]
}

/** One request of a scenario, as the load would send it: its status, or why it failed. */
async function oneRequest(scenario: Scenario, options: DoctorOptions): Promise<DoctorStep> {
  const step = `scenario ${scenario.name}`
  const rendered = compileScenario(scenario).render()
  const origin = new URL(scenario.request.url)
  const target = new URL(rendered.path, origin)
  const shown = `${rendered.method} ${target.href}`
  const tls = tlsOptionsFor(origin, scenario.request.insecure, options.extraCaCerts)
  const timeout = options.requestTimeoutMs ?? scenario.load.timeoutMs
  const agent = new Agent({ connect: { ...(tls ?? {}) }, headersTimeout: timeout, bodyTimeout: timeout })
  const started = Date.now()
  try {
    const response = await send(target, {
      method: rendered.method as 'GET',
      headers: rendered.headers,
      body: rendered.body ?? null,
      dispatcher: agent,
      signal: AbortSignal.timeout(timeout)
    })
    await response.body.dump()
    const ms = Date.now() - started
    const status = response.statusCode
    const expected = rendered.expect?.includes(status) ?? status < 400
    if (expected) return { step, ok: true, detail: `${shown} answered ${status} in ${ms} ms` }
    const hint = rendered.expect
      ? `it expects ${rendered.expect.join(' or ')}`
      : 'a status of 400 or more counts as a failed request: fix the url, or add expect: ' + status
    return { step, ok: false, detail: `${shown} answered ${status}: ${hint}` }
  } catch (err) {
    const code = (err as { code?: string }).code
    const reason =
      (err as Error).name === 'TimeoutError' ? `no answer within ${timeout} ms` : (err as Error).message
    return { step, ok: false, detail: `${shown} failed: ${reason}${code ? ` (${code})` : ''}` }
  } finally {
    await agent.close().catch(() => undefined)
  }
}

/** Starts the service once, checks its ready probe and one request per scenario, stops it; every step's outcome. */
export async function diagnose(config: Config, options: DoctorOptions = {}): Promise<DoctorStep[]> {
  const bound = hasServicePort(config) ? withServicePort(config, (await freePorts(1))[0]!) : config
  const probe = bound.service?.ready ?? bound.ready
  const steps: DoctorStep[] = []
  const started = Date.now()
  const result = await startOrAttach(bound, { label: 'doctor', events: () => undefined })
  if ('error' in result) return startFailure(result.error.kind, result.error.message, result.error.outputTail)
  const service: ServiceHandle = result.service
  if (bound.service)
    steps.push({ step: 'start', ok: true, detail: `${bound.service.command} (pid ${service.pid})` })
  steps.push({
    step: 'ready',
    ok: true,
    detail: probe
      ? `${describeProbe(probe)} answered after ${Date.now() - started} ms`
      : 'no ready probe (a running target)'
  })
  try {
    for (const scenario of bound.scenarios) {
      steps.push(await oneRequest(scenario, options))
      const exit = service.exitInfo()
      if (exit) {
        steps.push({
          step: 'start',
          ok: false,
          detail: `the service exited (${exit.signal ?? `code ${exit.code}`}) after the request of ${scenario.name}`,
          outputTail: service.outputTail(20)
        })
        break
      }
    }
  } finally {
    const stopError = await stopQuietly(service, 'doctor', () => undefined)
    if (bound.service)
      steps.push(
        stopError
          ? { step: 'stop', ok: false, detail: stopError.message }
          : { step: 'stop', ok: true, detail: 'stopped, its port free again' }
      )
  }
  return steps
}

/** One line: how many steps passed, or how many problems there are. */
export function doctorVerdict(steps: readonly DoctorStep[]): string {
  const failed = steps.filter(s => !s.ok).length
  return failed
    ? `${plural(failed, 'problem')} found: fix ${failed === 1 ? 'it' : 'them'} and run perfgate doctor again`
    : `healthy: ${plural(steps.length, 'check')} passed`
}
