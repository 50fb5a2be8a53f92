import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { analyseSeries, historyReport } from '../../src/history/analyse.js'
import { buildSeries } from '../../src/history/series.js'
import type { HistoryComparison } from '../../src/model/history.js'
import { renderHistoryPage, MAX_DRAWN_POINTS } from '../../src/report/history-page.js'
import { shaOf, syntheticHistory, type SyntheticHistory } from '../../__fixtures__/history.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

let dir: string
let browser: Browser
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} not found: install the Debian chromium package or set CHROMIUM_PATH`)
  }
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-history-'))
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
}, 60_000)
afterAll(async () => {
  await browser?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

interface Drawn {
  id: string
  points: number
  steps: number
  segments: number
}
interface HistoryState {
  ready: boolean
  total: number
  drawn: Drawn[]
  failed: unknown[]
}
interface Globals {
  __perfgateHistory: HistoryState
  __perfgateDrawAll(): void
}

async function open(spec: SyntheticHistory, comparisons: HistoryComparison[] = []): Promise<Page> {
  const { line, records } = syntheticHistory(spec)
  const built = buildSeries(records, { line })
  const report = historyReport({
    store: 'directory .perfgate/baselines',
    order: 'the first-parent line of main',
    series: analyseSeries(built.series),
    comparisons,
    skipped: { count: 1, reasons: ['v1/runs/zz/1.json: not valid JSON'] }
  })
  const file = path.join(dir, `history-${spec.runs}.html`)
  await writeFile(file, renderHistoryPage(report))
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } })
  const errors: string[] = []
  page.on('pageerror', err => errors.push(String(err)))
  await page.goto(pathToFileURL(file).href)
  await page.waitForFunction(() => (globalThis as unknown as Globals).__perfgateHistory?.ready === true)
  expect(errors).toEqual([])
  return page
}

const state = (page: Page) => page.evaluate(() => (globalThis as unknown as Globals).__perfgateHistory)

describe('the history page in Chromium', () => {
  it('draws the step at its commit, names the commit on hover, and draws the rest when scrolled to', async () => {
    const page = await open({ runs: 24, stepAt: 12, step: 1.3, scenarios: ['list', 'search', 'detail'] }, [
      {
        source: 'pr/report.json',
        scenario: 'list',
        sha: 'feedbeef'.padEnd(40, '0'),
        baseSha: shaOf(23),
        createdAt: '2026-11-02T00:00:00Z',
        verdict: 'fail',
        metrics: { 'latency.p99': { base: 11000, head: 14000 } }
      }
    ])
    await page.waitForFunction(() => (globalThis as unknown as Globals).__perfgateHistory.drawn.length > 0)
    const first = await state(page)
    expect(first.failed).toEqual([])
    expect(first.total).toBe(12) // 3 scenarios x 4 measured metrics
    // lazily: not every chart is drawn before it is scrolled to
    const p99 = first.drawn.find(d => d.id === 's0-latency_p99')!
    expect(p99).toMatchObject({ points: 24, steps: 1, segments: 2 })
    // the step's size is written on the chart in the "worse" colour
    await page.locator('#chart-s0-latency_p99').scrollIntoViewIfNeeded()
    const box = (await page.locator('#chart-s0-latency_p99 .u-over').boundingBox())!
    const hits = await page.evaluate(() => {
      interface Ctx {
        fillStyle: string
        fillRect(x: number, y: number, w: number, h: number): void
        getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
      }
      interface Canvas {
        width: number
        height: number
        getContext(kind: '2d'): Ctx
      }
      const g = globalThis as unknown as {
        __perfgateHistoryCharts: Record<string, { ctx: { canvas: Canvas } }>
        getComputedStyle(el: unknown): { getPropertyValue(name: string): string }
        document: { documentElement: unknown; createElement(tag: 'canvas'): Canvas }
      }
      const canvas = g.__perfgateHistoryCharts['s0-latency_p99']!.ctx.canvas
      const d = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
      const fail = g.getComputedStyle(g.document.documentElement).getPropertyValue('--fail').trim()
      const probe = g.document.createElement('canvas').getContext('2d')
      probe.fillStyle = fail
      probe.fillRect(0, 0, 1, 1)
      const [r, gr, b] = Array.from(probe.getImageData(0, 0, 1, 1).data)
      let n = 0
      for (let i = 0; i < d.length; i += 4) {
        if (Math.hypot(d[i]! - r!, d[i + 1]! - gr!, d[i + 2]! - b!) < 30 && d[i + 3]! > 200) n++
      }
      return n
    })
    expect(hits).toBeGreaterThan(20)
    // hover over the run after the step: its commit, subject, date and runner
    await page.mouse.move(box.x + (box.width * 12.2) / 23, box.y + box.height / 2)
    const tip = await page.locator('#tip').textContent()
    expect(tip).toContain(shaOf(12).slice(0, 7))
    expect(tip).toContain('handler does 30% more work')
    expect(tip).toContain('2 cores, AMD EPYC 7B13')
    expect(await page.locator('#changes').textContent()).toContain(shaOf(12).slice(0, 7))
    expect(await page.locator('#skipped').textContent()).toContain('1 record skipped')
    await page.evaluate(() => (globalThis as unknown as Globals).__perfgateDrawAll())
    const all = await state(page)
    expect(all.drawn).toHaveLength(all.total)
    expect(all.failed).toEqual([])
    await page.close()
  }, 60_000)

  it('sorts the change points by date, step size and scenario with buttons, by mouse and keyboard', async () => {
    const page = await open({
      runs: 48,
      stepAt: 12,
      step: 1.3,
      scenarios: ['list', 'search', 'detail'],
      scenarioSteps: { list: [12, 1.3], search: [24, 1.15], detail: [36, 1.6] }
    })
    const column = (n: number) =>
      page.$$eval(`#changes tbody tr td:nth-child(${n})`, cells => cells.map(c => c.textContent ?? ''))
    const sortOf = (name: string) =>
      page.locator('#changes thead th', { has: page.getByRole('button', { name: `sort by ${name}` }) })
    const sizes = async () => (await column(5)).map(t => Math.abs(parseFloat(t.replace('−', '-'))))
    const scenarios = async () => [...new Set(await column(3))]
    // first: newest first, which the date header says
    expect(await scenarios()).toEqual(['detail', 'search', 'list'])
    expect(await sortOf('date').getAttribute('aria-sort')).toBe('descending')
    // the step: largest first, then smallest first
    await page.getByRole('button', { name: 'sort by step' }).click()
    const desc = await sizes()
    expect(desc.length).toBeGreaterThanOrEqual(6)
    expect(desc).toEqual([...desc].sort((a, b) => b - a))
    expect((await column(3))[0]).toBe('detail')
    expect(await sortOf('step').getAttribute('aria-sort')).toBe('descending')
    expect(await sortOf('date').getAttribute('aria-sort')).toBeNull()
    await page.getByRole('button', { name: 'sort by step' }).click()
    expect(await sizes()).toEqual([...desc].reverse())
    expect(await sortOf('step').getAttribute('aria-sort')).toBe('ascending')
    // the scenario, from the keyboard: A to Z, then Z to A
    await page.getByRole('button', { name: 'sort by scenario' }).focus()
    await page.keyboard.press('Enter')
    expect(await scenarios()).toEqual(['detail', 'list', 'search'])
    await page.keyboard.press('Space')
    expect(await scenarios()).toEqual(['search', 'list', 'detail'])
    expect(await sortOf('scenario').getAttribute('aria-sort')).toBe('descending')
    // the date: newest first again, then oldest first
    await page.getByRole('button', { name: 'sort by date' }).click()
    expect(await scenarios()).toEqual(['detail', 'search', 'list'])
    expect(await sortOf('date').getAttribute('aria-sort')).toBe('descending')
    await page.getByRole('button', { name: 'sort by date' }).click()
    expect(await scenarios()).toEqual(['list', 'search', 'detail'])
    expect(await sortOf('date').getAttribute('aria-sort')).toBe('ascending')
    await page.close()
  }, 60_000)

  it('opens a store of 10,000 runs, drawing each chart thinned', async () => {
    const page = await open({
      runs: 10_000,
      stepAt: 6_000,
      step: 1.2,
      scenarios: ['list', 'search'],
      cv: 0.06
    })
    await page.evaluate(() => (globalThis as unknown as Globals).__perfgateDrawAll())
    const all = await state(page)
    expect(all.failed).toEqual([])
    expect(all.drawn).toHaveLength(all.total)
    for (const d of all.drawn) expect(d.points).toBeLessThanOrEqual(MAX_DRAWN_POINTS)
    expect(all.drawn.find(d => d.id === 's0-latency_p99')!.steps).toBeGreaterThanOrEqual(1)
    await page.close()
  }, 60_000)
})
