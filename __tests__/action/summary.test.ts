import { describe, expect, it } from '@jest/globals'
import { capSummary } from '../../src/action/summary.js'

describe('capSummary', () => {
  it('leaves a normal summary alone and cuts a huge one under 900 KiB at a line, saying so', () => {
    expect(capSummary('# ok\n')).toBe('# ok\n')
    const huge = Array.from({ length: 40_000 }, (_, i) => `| row ${i} | ${'é'.repeat(20)} |`).join('\n')
    const cut = capSummary(huge)
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(900 * 1024)
    expect(cut).toMatch(/\| row \d+ \| é+ \|\n\n… the summary was cut to stay under GitHub’s 1 MiB limit/)
  })
})
