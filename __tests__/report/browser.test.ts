import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser } from 'playwright-core'
import { renderHtml } from '../../src/report/html.js'
import { chartsFor } from '../../src/report/charts.js'
import { richReport } from '../../__fixtures__/rich-report.js'

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'

let dir: string
let browser: Browser
beforeAll(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: install the Debian chromium package (.ci/run does) or set CHROMIUM_PATH`
    )
  }
  dir = await mkdtemp(path.join(os.tmpdir(), 'perfgate-html-'))
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] })
}, 60_000)
afterAll(async () => {
  await browser?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** The DOM shapes the page callbacks use (the test compiles without the DOM library). */
interface CanvasLike {
  width: number
  height: number
  getContext(kind: '2d'): {
    getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
  }
}
interface TableLike {
  tBodies: ArrayLike<{ rows: ArrayLike<{ cells: ArrayLike<{ textContent: string | null }> }> }>
}

interface PageState {
  ready: boolean
  charts: Array<{ id: string; series: number; points: number; width: number; height: number }>
  failed: unknown[]
}

describe('report.html in headless Chromium', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`draws every chart with data from a file:// URL with no network (${scheme})`, async () => {
      const report = richReport()
      const file = path.join(dir, `report-${scheme}.html`)
      await writeFile(file, renderHtml(report))
      const context = await browser.newContext({
        offline: true,
        colorScheme: scheme,
        viewport: { width: 1280, height: 900 }
      })
      const page = await context.newPage()
      const problems: string[] = []
      page.on('console', m => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`)
      })
      page.on('pageerror', e => problems.push(`pageerror: ${e.message}`))
      const requests: string[] = []
      page.on('request', r => {
        if (!r.url().startsWith('file:')) requests.push(r.url())
      })
      await page.goto(pathToFileURL(file).href)
      await page.waitForFunction(
        () => (globalThis as unknown as { __perfgate?: PageState }).__perfgate?.ready === true
      )
      const state = await page.evaluate(() => (globalThis as unknown as { __perfgate: PageState }).__perfgate)
      expect(problems).toEqual([])
      expect(requests).toEqual([])
      expect(state.failed).toEqual([])
      const expected = chartsFor(report)
      expect(state.charts.map(c => c.id).sort()).toEqual(expected.map(c => c.id).sort())
      for (const chart of state.charts) {
        expect(chart.points).toBeGreaterThan(0)
        expect(chart.width).toBeGreaterThan(300)
      }
      // every chart is a canvas with pixels drawn on it
      const inked = await page.$$eval('.chart canvas', (canvases: unknown[]) =>
        canvases.map(c => {
          const canvas = c as CanvasLike
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
          let painted = 0
          for (let i = 3; i < data.length; i += 4) if (data[i]! > 0) painted++
          return painted
        })
      )
      expect(inked).toHaveLength(expected.length)
      expect(Math.min(...inked)).toBeGreaterThan(100)
      expect(await page.isVisible('text=FAIL')).toBe(true)
      expect(await page.textContent('#headline')).toBe('perfgate failed: list: throughput.rps fell 23%')
      await context.close()
    }, 60_000)
  }

  it('sorts the checks table by a column', async () => {
    const file = path.join(dir, 'sort.html')
    await writeFile(file, renderHtml(richReport()))
    const page = await browser.newPage()
    await page.goto(pathToFileURL(file).href)
    await page.waitForFunction(
      () => (globalThis as unknown as { __perfgate?: PageState }).__perfgate?.ready === true
    )
    const verdicts = () =>
      page.$eval('table.checks', (table: unknown) =>
        Array.from((table as TableLike).tBodies[0]!.rows).map(r => r.cells[7]!.textContent)
      )
    expect(await verdicts()).toEqual(['fail', 'pass'])
    await page.click('table.checks >> nth=0 >> th:nth-child(8)')
    expect(await verdicts()).toEqual(['fail', 'pass'])
    await page.click('table.checks >> nth=0 >> th:nth-child(8)')
    expect(await verdicts()).toEqual(['pass', 'fail'])
    await page.close()
    expect((await stat(file)).size).toBeLessThan(200_000)
  }, 60_000)
})
