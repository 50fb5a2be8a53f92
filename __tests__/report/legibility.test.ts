import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { renderHtml } from '../../src/report/html.js'
import { chartsFor } from '../../src/report/charts.js'
import { report, scenarioReport } from '../../__fixtures__/report.js'
import { run } from '../../__fixtures__/rich-report.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

let dir: string
let browser: Browser
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-legible-'))
  if (existsSync(CHROMIUM))
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
}, 60_000)
afterAll(async () => {
  await browser?.close()
  await rm(dir, { recursive: true, force: true })
})

/** A compare of 15 rounds per side, ABBA order, as a long budget leaves it. */
const fifteenRounds = () =>
  report({
    mode: 'compare',
    scenarios: [
      scenarioReport({
        name: 'list',
        runs: Array.from({ length: 30 }, (_, i) =>
          run(
            i % 4 === 0 || i % 4 === 3 ? 'base' : 'head',
            Math.floor(i / 2) + 1,
            i % 4 === 0 || i % 4 === 3 ? 1 : 1.1
          )
        )
      })
    ]
  })

interface Seen {
  id: string
  legendRows: number
  sideButtons: string[]
  xLabels: Array<{ text: string; left: number; right: number }>
}

describe('report.html stays legible', () => {
  it('a 15-round compare lists sides, not 30 runs, in the timeline legends', () => {
    const specs = chartsFor(fifteenRounds())
    const timelines = specs.filter(s => /^s0-(rps|latency)$/.test(s.id))
    expect(timelines).toHaveLength(2)
    for (const spec of timelines) expect(spec.legendBySide).toBe(true)
    const distribution = specs.find(s => s.id.endsWith('-distribution'))!
    expect(distribution.xTicks).toEqual([2, 10, 100, 1000, 10_000, 100_000])
  })

  it('in the browser: grouped legends that toggle a side, and percentile labels that do not overlap', async () => {
    if (!browser) throw new Error(`${CHROMIUM} not found: set CHROMIUM_PATH`)
    const file = path.join(dir, 'report.html')
    await writeFile(file, renderHtml(fifteenRounds()))
    const context = await browser.newContext({ offline: true, viewport: { width: 1280, height: 900 } })
    const page = await context.newPage()
    const problems: string[] = []
    page.on('pageerror', e => problems.push(e.message))
    await page.goto(pathToFileURL(file).href)
    await page.waitForFunction(
      () => (globalThis as unknown as { __perfgate?: { ready: boolean } }).__perfgate?.ready
    )
    const seen = await page.evaluate(() => {
      type Axis = { _splits?: number[]; _values?: string[] }
      type U = {
        axes: Axis[]
        valToPos(v: number, scale: string): number
        ctx: { font: string; measureText(t: string): { width: number } }
        root: { querySelectorAll(s: string): ArrayLike<unknown> }
      }
      type El = { querySelectorAll(s: string): ArrayLike<{ textContent: string }> }
      const g = globalThis as unknown as {
        __perfgateCharts: Record<string, U>
        document: { getElementById(id: string): El }
      }
      return Object.entries(g.__perfgateCharts).map(([id, u]) => {
        const axis = u.axes[0]!
        const splits = axis._splits ?? []
        const values = axis._values ?? []
        u.ctx.font = '12px system-ui, sans-serif'
        const xLabels = splits.map((v, i) => {
          const text = String(values[i] ?? '')
          const x = u.valToPos(v, 'x')
          const w = u.ctx.measureText(text).width
          return { text, left: x - w / 2, right: x + w / 2 }
        })
        const el = g.document.getElementById(`chart-${id}`)
        return {
          id,
          legendRows: u.root.querySelectorAll('.u-legend tr.u-series').length,
          sideButtons: Array.from(el.querySelectorAll('.side-legend button')).map(b => b.textContent),
          xLabels
        }
      })
    })
    expect(problems).toEqual([])
    const byId = (suffix: string) => seen.find((s: Seen) => s.id.endsWith(suffix))!
    for (const suffix of ['-rps', '-latency']) {
      const chart = byId(suffix)
      expect(chart.legendRows).toBe(0)
      expect(chart.sideButtons).toEqual(['base · 15 runs', 'head · 15 runs'])
    }
    const distribution = byId('-distribution')
    expect(distribution.xLabels.map(l => l.text)).toEqual(['50%', '90%', '99%', '99.9%', '99.99%', '99.999%'])
    for (let i = 1; i < distribution.xLabels.length; i++)
      expect(distribution.xLabels[i]!.left).toBeGreaterThan(distribution.xLabels[i - 1]!.right + 4)
    // a side's button hides all of its runs
    await page.click('[id$="-rps"] .side-legend button[data-side="base"]')
    const shown = await page.evaluate(() => {
      const g = globalThis as unknown as {
        __perfgateCharts: Record<string, { series: Array<{ label: string; show: boolean }> }>
      }
      const [, u] = Object.entries(g.__perfgateCharts).find(([id]) => id.endsWith('-rps'))!
      return u.series.slice(1).map(s => `${s.label.split(' ')[0]}:${s.show}`)
    })
    expect(new Set(shown)).toEqual(new Set(['base:false', 'head:true']))
    await context.close()
  }, 60_000)
})
