import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { parse } from 'yaml'
import { METRIC_NAMES } from '../../src/config/metrics.js'
import { PROFILES } from '../../src/config/profiles.js'
import { didYouMean } from '../../src/config/suggest.js'

const schema = JSON.parse(readFileSync('schema/perfgate.schema.json', 'utf8'))

describe('the config schema and profiles', () => {
  it('lists exactly the metrics of the registry', () => {
    expect(schema.definitions.metricName.enum).toEqual([...METRIC_NAMES])
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
