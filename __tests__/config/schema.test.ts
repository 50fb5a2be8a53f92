import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { metricSchemas } from '../../src/config/schema-metrics.js'
import { METRIC_NAMES } from '../../src/config/metrics.js'
import { PROFILES } from '../../src/config/profiles.js'
import { didYouMean } from '../../src/config/suggest.js'

const schema = JSON.parse(readFileSync('schema/perfgate.schema.json', 'utf8'))

describe('the config schema and profiles', () => {
  it('lists exactly the metrics of the registry, each as a property (npm run schema writes them)', () => {
    const scenario = schema.properties.scenarios.items.properties
    const built = metricSchemas()
    expect(scenario.thresholds).toEqual(built.thresholds)
    expect(scenario.regression).toEqual(built.regression)
    for (const [name, definition] of Object.entries(built.definitions))
      expect(schema.definitions[name]).toEqual(definition)
    expect(Object.keys(scenario.thresholds.properties)).toEqual([...METRIC_NAMES])
    for (const property of Object.values(scenario.thresholds.properties) as Array<{ description: string }>)
      expect(property.description.length).toBeGreaterThan(20)
  })

  it('the profile files in thresholds/ are the embedded profiles', () => {
    for (const [name, profile] of Object.entries(PROFILES)) {
      expect(parse(readFileSync(`thresholds/${name}.yml`, 'utf8'))).toEqual(profile)
    }
  })

  it('suggests close names and nothing for far ones', () => {
    expect(didYouMean('p999', METRIC_NAMES)).toBe('latency.p99.9')
    expect(didYouMean('latency.p999', METRIC_NAMES)).toBe('latency.p99.9')
    expect(didYouMean('thruput.rps', METRIC_NAMES)).toBe('throughput.rps')
    expect(didYouMean('conections', ['connections', 'duration'])).toBe('connections')
    expect(didYouMean('banana', ['connections', 'duration'])).toBeUndefined()
  })
})
