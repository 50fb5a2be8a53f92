import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { reportProblems } from '../../src/report/validate.js'

const example = () => JSON.parse(readFileSync('docs/example/report.json', 'utf8')) as Record<string, unknown>

describe('reading a report.json', () => {
  it('brings a report of perfgate 0.1.0 (one `profile`) up to date: its profile is the first of `profiles`', () => {
    const current = example()
    const profiles = current.profiles as unknown[]
    expect(profiles.length).toBeGreaterThan(0)
    const earlier: Record<string, unknown> = { ...current, profile: profiles[0] }
    delete earlier.profiles
    expect(reportProblems(earlier)).toEqual([])
    expect(earlier.profiles).toEqual([profiles[0]])
    expect(earlier).not.toHaveProperty('profile')
  })

  it('still refuses a field it does not know, naming it', () => {
    expect(reportProblems({ ...example(), profil: {} })).toEqual(['/ has an unknown field "profil"'])
  })
})
