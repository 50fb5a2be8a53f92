import { describe, expect, it } from '@jest/globals'
import { renderOpenMetrics } from '../../src/report/openmetrics.js'
import { METRIC_NAMES } from '../../src/config/metrics.js'
import { report, scenarioReport } from '../../__fixtures__/report.js'
import { richReport } from '../../__fixtures__/rich-report.js'

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/
const NUMBER = /^(?:[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|[+-]?Inf|NaN)$/
const RESERVED = /_(total|created|count|sum|bucket|gcount|gsum|info)$/
// a label value: any character but a backslash, a quote or a newline, or one of the three escapes
const LABEL_VALUE = /^(?:[^"\\\n]|\\[\\"n])*$/

interface Family {
  type: string
  unit?: string
  help?: string
  samples: Array<{ name: string; labels: Record<string, string>; value: string }>
}

function parseLabels(text: string): Record<string, string> {
  const labels: Record<string, string> = {}
  const pair = /([^=,]+)="((?:[^"\\]|\\.)*)"(,|$)/y
  let at = 0
  while (at < text.length) {
    pair.lastIndex = at
    const m = pair.exec(text)
    if (!m) throw new Error(`bad labels {${text}} at ${at}`)
    const [, name, value] = m
    if (!LABEL_NAME.test(name!)) throw new Error(`bad label name ${name}`)
    if (!LABEL_VALUE.test(value!)) throw new Error(`bad escape in label value "${value}"`)
    if (name! in labels) throw new Error(`label ${name} twice`)
    labels[name!] = value!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c))
    at = pair.lastIndex
  }
  return labels
}

/**
 * A strict reading of the OpenMetrics text format for the subset perfgate writes (gauges and counters): it throws
 * on the first rule broken, and returns the families when all hold.
 */
function parseOpenMetrics(text: string): Map<string, Family> {
  if (!text.endsWith('# EOF\n')) throw new Error('must end with "# EOF" and a newline')
  const lines = text.slice(0, -'# EOF\n'.length).split('\n').slice(0, -1)
  const families = new Map<string, Family>()
  let current: string | undefined
  const done = new Set<string>()
  const open = (name: string) => {
    if (current !== name) {
      if (current) done.add(current)
      if (done.has(name)) throw new Error(`family ${name} is not contiguous`)
      current = name
    }
  }
  for (const line of lines) {
    if (line === '') throw new Error('empty line')
    const meta = /^# (TYPE|UNIT|HELP) (\S+) ?(.*)$/.exec(line)
    if (line.startsWith('#')) {
      if (!meta) throw new Error(`unknown comment: ${line}`)
      const [, kind, name, rest] = meta
      if (!NAME.test(name!)) throw new Error(`bad family name ${name}`)
      open(name!)
      const family = families.get(name!)
      if (kind === 'TYPE') {
        if (family) throw new Error(`TYPE of ${name} after its metadata or twice`)
        if (!['gauge', 'counter'].includes(rest!)) throw new Error(`unexpected type ${rest}`)
        if (rest === 'gauge' && RESERVED.test(name!))
          throw new Error(`gauge ${name} ends in a reserved suffix`)
        families.set(name!, { type: rest!, samples: [] })
        continue
      }
      if (!family) throw new Error(`${kind} of ${name} before its TYPE`)
      if (family.samples.length) throw new Error(`${kind} of ${name} after its samples`)
      if (kind === 'UNIT') {
        if (family.unit !== undefined) throw new Error(`UNIT of ${name} twice`)
        if (!name!.endsWith(`_${rest}`)) throw new Error(`${name} does not end with its unit ${rest}`)
        family.unit = rest
      } else {
        if (family.help !== undefined) throw new Error(`HELP of ${name} twice`)
        if (/\\[^\\n"]/.test(rest!.replace(/\\\\/g, ''))) throw new Error(`bad escape in HELP of ${name}`)
        family.help = rest
      }
      continue
    }
    const sample = /^([^{\s]+)(?:\{(.*)\})? (\S+)$/.exec(line)
    if (!sample) throw new Error(`bad sample line: ${line}`)
    const [, name, labelText, value] = sample
    if (!NAME.test(name!)) throw new Error(`bad metric name ${name}`)
    if (!NUMBER.test(value!)) throw new Error(`bad value ${value}`)
    const familyName =
      current && families.get(current)?.type === 'counter' ? name!.replace(/_total$/, '') : name!
    const family = families.get(familyName)
    if (!family || familyName !== current) throw new Error(`sample ${name} outside its family's block`)
    if (family.type === 'counter' && !name!.endsWith('_total'))
      throw new Error(`counter sample ${name} lacks _total`)
    const labels = parseLabels(labelText ?? '')
    const key = JSON.stringify(Object.entries(labels).sort())
    if (family.samples.some(s => JSON.stringify(Object.entries(s.labels).sort()) === key))
      throw new Error(`${name} has the same labels twice`)
    family.samples.push({ name: name!, labels, value: value! })
  }
  for (const [name, family] of families)
    if (!family.samples.length) throw new Error(`family ${name} has no samples`)
  return families
}

describe('renderOpenMetrics', () => {
  const text = renderOpenMetrics(
    report({
      mode: 'compare',
      scenarios: [
        scenarioReport({ name: 'list "all"', baseMetrics: { 'throughput.rps': 4000, 'latency.p99': 3000 } }),
        scenarioReport({
          name: 'broken\\path\nnext',
          verdict: 'errored',
          metrics: { 'requests.total': 0, 'errors.total': 3 }
        })
      ]
    })
  )
  const lines = text.trimEnd().split('\n')

  it('converts to SI base units and labels scenario, suite and side', () => {
    expect(lines).toContain(
      'perfgate_latency_p99_seconds{scenario="list \\"all\\"",suite="load",side="head"} 0.0031'
    )
    expect(lines).toContain(
      'perfgate_latency_p99_seconds{scenario="list \\"all\\"",suite="load",side="base"} 0.003'
    )
    expect(lines).toContain(
      'perfgate_server_cpu_mean_ratio{scenario="list \\"all\\"",suite="load",side="head"} 0.97'
    )
    expect(lines).toContain(
      'perfgate_server_rss_peak_bytes{scenario="list \\"all\\"",suite="load",side="head"} 71000000'
    )
  })

  it('is valid OpenMetrics: families declared once before their samples, escaped labels, # EOF last', () => {
    const families = parseOpenMetrics(text)
    expect(families.get('perfgate_latency_p99_seconds')).toMatchObject({ type: 'gauge', unit: 'seconds' })
    expect(families.get('perfgate_scenario_failed')!.samples).toContainEqual({
      name: 'perfgate_scenario_failed',
      labels: { scenario: 'broken\\path\nnext', verdict: 'errored' },
      value: '1'
    })
  })

  it('never names a gauge with the counter suffix _total: run totals are plain gauges', () => {
    expect(text).not.toMatch(/_total[{ ]/)
    expect(lines).toContain('# TYPE perfgate_requests gauge')
    expect(lines).toContain('perfgate_errors{scenario="broken\\\\path\\nnext",suite="load",side="head"} 3')
  })

  it('gives every registered metric its own valid family, and so does a report with suites', () => {
    const every = Object.fromEntries(METRIC_NAMES.map(name => [name, 1]))
    const families = parseOpenMetrics(
      renderOpenMetrics(report({ scenarios: [scenarioReport({ metrics: every, baseMetrics: every })] }))
    )
    // one family per metric plus perfgate_scenario_failed: no two metrics collapse into one name
    expect(families.size).toBe(METRIC_NAMES.length + 1)
    expect(families.get('perfgate_generator_rate_achieved_per_second')?.samples).toHaveLength(2)
    expect(() => parseOpenMetrics(renderOpenMetrics(richReport()))).not.toThrow()
  })

  it('the checker itself rejects what breaks the format', () => {
    const valid = '# TYPE a gauge\n# HELP a x\na{s="1"} 1\n# EOF\n'
    expect(() => parseOpenMetrics(valid)).not.toThrow()
    expect(() => parseOpenMetrics(valid.replace('# EOF\n', ''))).toThrow(/EOF/)
    expect(() => parseOpenMetrics(valid.replace('a{s="1"} 1', 'a{s="1\\x"} 1'))).toThrow(/escape/)
    expect(() => parseOpenMetrics(valid.replace('a{s="1"} 1', 'a_total{s="1"} 1'))).toThrow(/outside/)
    expect(() => parseOpenMetrics('# TYPE a_total gauge\na_total 1\n# EOF\n')).toThrow(/reserved/)
    expect(() => parseOpenMetrics('a 1\n# TYPE a gauge\n# EOF\n')).toThrow(/outside/)
    expect(() => parseOpenMetrics('# TYPE a gauge\n# UNIT a seconds\na 1\n# EOF\n')).toThrow(/unit/)
    expect(() => parseOpenMetrics('# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n# EOF\n')).toThrow(
      /outside/
    )
    expect(() => parseOpenMetrics('# TYPE a gauge\na one\n# EOF\n')).toThrow(/value/)
  })
})
