import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { existsSync } from 'node:fs'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium, type Browser, type Page } from 'playwright-core'
import { renderHtml } from '../../src/report/html.js'
import { chartsFor } from '../../src/report/charts.js'
import { writeReportFiles } from '../../src/report/write.js'
import { compareGate } from '../../src/gate/compare.js'
import { stopAllServices } from '../../src/service/spawn.js'
import type { Report } from '../../src/model/report.js'
import { richReport } from '../../__fixtures__/rich-report.js'
import { exampleConfig, freePort, REPO, rpsCheck } from '../../__fixtures__/config.js'
import { syntheticMeasurer } from '../harness/fake-measurer.js'

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
afterEach(async () => {
  await stopAllServices()
})
afterAll(async () => {
  await browser?.close()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** The DOM and uPlot shapes the page callbacks use (the test compiles without the DOM library). */
interface Canvas2D {
  fillStyle: string
  fillRect(x: number, y: number, w: number, h: number): void
  getImageData(x: number, y: number, w: number, h: number): { data: ArrayLike<number> }
}
interface CanvasLike {
  width: number
  height: number
  getContext(kind: '2d'): Canvas2D
}
interface UPlotLike {
  data: Array<ArrayLike<number | null>>
  series: Array<{ label: string; scale: string; show: boolean; stroke: unknown }>
  scales: Record<string, { min: number | null; max: number | null }>
  bands: Array<{ series: [number, number] }>
  bbox: { left: number; top: number; width: number; height: number }
  ctx: { canvas: CanvasLike }
  setSeries(i: number, opts: { show: boolean }): void
  valToPos(v: number, scale: string, canvasPixels: boolean): number
}
interface PageGlobals {
  __perfgate?: PageState
  __perfgateCharts?: Record<string, UPlotLike>
  document: { createElement(tag: 'canvas'): CanvasLike }
  setTimeout(fn: () => void, ms: number): void
  requestAnimationFrame(fn: () => void): void
}
interface TableLike {
  tBodies: ArrayLike<{ rows: ArrayLike<{ cells: ArrayLike<{ textContent: string | null }> }> }>
}

interface PageState {
  ready: boolean
  charts: Array<{ id: string; series: number; points: number; width: number; height: number }>
  failed: unknown[]
}

/** What the page says it drew, read back from each chart's uPlot instance and its canvas. */
interface SeriesSeen {
  label: string
  finitePoints: number
  scale: { min: number | null; max: number | null }
  /** opaque pixels of the series' own colour when it is the only series shown */
  inkAlone: number
}
interface ChartSeen {
  id: string
  series: SeriesSeen[]
  /** per band: the share of its inside filled with a translucent tint of its colour (null: too thin to tell) */
  bandFill: Array<number | null>
}

/**
 * Runs in the page. For each chart: the data and scale of every series, then every series shown alone and the
 * opaque pixels of its stroke colour counted, so a series that drew nothing (or only axes and grid were drawn)
 * cannot pass. Bands are checked for their translucent fill between the edge lines.
 */
async function inspectCharts(): Promise<ChartSeen[]> {
  const g = globalThis as unknown as PageGlobals
  const frame = () => new Promise<void>(resolve => g.requestAnimationFrame(() => g.setTimeout(resolve, 0)))
  const probe = g.document.createElement('canvas').getContext('2d')
  const rgb = (css: string): [number, number, number] => {
    probe.fillStyle = '#000000'
    probe.fillStyle = css
    probe.fillRect(0, 0, 1, 1)
    const d = probe.getImageData(0, 0, 1, 1).data
    return [d[0]!, d[1]!, d[2]!]
  }
  const near = (d: ArrayLike<number>, i: number, c: [number, number, number]) =>
    Math.hypot(d[i]! - c[0], d[i + 1]! - c[1], d[i + 2]! - c[2]) < 40
  const seen: ChartSeen[] = []
  for (const [id, u] of Object.entries(g.__perfgateCharts ?? {})) {
    const canvas = u.ctx.canvas
    const pixels = () => canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data
    const colour = (i: number) => {
      const stroke = u.series[i]!.stroke
      return rgb(
        typeof stroke === 'function' ? (stroke as (u: UPlotLike, i: number) => string)(u, i) : String(stroke)
      )
    }
    const bandFill = u.bands.map(({ series: [upper, lower] }) => {
      const scale = u.series[upper]!.scale
      const top = Math.ceil(u.valToPos(u.data[upper]![0]!, scale, true)) + 3
      const bottom = Math.floor(u.valToPos(u.data[lower]![0]!, scale, true)) - 3
      if (bottom - top < 3) return null
      const c = colour(upper)
      const d = pixels()
      const from = Math.round(u.bbox.left + u.bbox.width * 0.2)
      const to = Math.round(u.bbox.left + u.bbox.width * 0.8)
      let tinted = 0
      let all = 0
      for (let y = top; y <= bottom; y++) {
        for (let x = from; x <= to; x++) {
          const i = (y * canvas.width + x) * 4
          all++
          if (d[i + 3]! > 20 && d[i + 3]! < 90 && near(d, i, c)) tinted++
        }
      }
      return tinted / all
    })
    const series: SeriesSeen[] = []
    for (let i = 1; i < u.series.length; i++) {
      const values = Array.from(u.data[i]!)
      const s = u.series[i]!
      const scale = u.scales[s.scale]!
      for (let j = 1; j < u.series.length; j++) u.setSeries(j, { show: j === i })
      await frame()
      const c = colour(i)
      const d = pixels()
      let ink = 0
      for (let p = 0; p < d.length; p += 4) if (d[p + 3]! > 128 && near(d, p, c)) ink++
      series.push({
        label: s.label,
        finitePoints: values.filter(v => typeof v === 'number' && Number.isFinite(v)).length,
        scale: { min: scale.min, max: scale.max },
        inkAlone: ink
      })
    }
    for (let j = 1; j < u.series.length; j++) u.setSeries(j, { show: true })
    await frame()
    seen.push({ id, series, bandFill })
  }
  return seen
}

interface Opened {
  page: Page
  problems: string[]
  requests: string[]
  close(): Promise<void>
}

async function open(file: string, scheme: 'light' | 'dark' = 'light'): Promise<Opened> {
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
  return { page, problems, requests, close: () => context.close() }
}

/** The checks every report must pass in the browser; returns what the page drew. */
async function expectDrawn(opened: Opened, report: Report): Promise<ChartSeen[]> {
  const { page, problems, requests } = opened
  const state = await page.evaluate(() => (globalThis as unknown as { __perfgate: PageState }).__perfgate)
  expect(problems).toEqual([])
  expect(requests).toEqual([])
  expect(state.failed).toEqual([])
  const expected = chartsFor(report)
  expect(expected.length).toBeGreaterThan(0)
  expect(state.charts.map(c => c.id).sort()).toEqual(expected.map(c => c.id).sort())
  expect(await page.locator('.chart canvas').count()).toBe(expected.length)
  const seen = await page.evaluate(inspectCharts)
  expect(seen.map(c => c.id).sort()).toEqual(expected.map(c => c.id).sort())
  for (const chart of seen) {
    const spec = expected.find(c => c.id === chart.id)!
    expect(chart.series.map(s => s.label)).toEqual(spec.series.map(s => s.label))
    for (const s of chart.series) {
      const where = `${chart.id} / ${s.label}`
      expect([where, s.finitePoints > 0]).toEqual([where, true])
      expect([where, Number.isFinite(s.scale.min) && Number.isFinite(s.scale.max)]).toEqual([where, true])
      expect([where, s.scale.max! > s.scale.min!]).toEqual([where, true])
      expect([where, s.inkAlone >= 8]).toEqual([where, true])
    }
    expect(chart.bandFill).toHaveLength(spec.bands?.length ?? 0)
  }
  expect(await page.isVisible(`h1 .verdict >> text=${report.verdict.toUpperCase()}`)).toBe(true)
  return seen
}

/**
 * Away from the charts, no legend shows a value (no column of dashes); with the cursor on a chart, its legend shows
 * the values under it.
 */
async function expectLegendsOnHover(page: Page): Promise<void> {
  const values = (id: string) =>
    page.$$eval(`#chart-${id} .u-legend .u-value`, cells =>
      cells.map(c => (c as unknown as { textContent: string }).textContent)
    )
  const ids = await page.$$eval('figure.chart', figures =>
    figures.map(f => (f as unknown as { id: string }).id.slice(6))
  )
  for (const id of ids) {
    const idle = await values(id)
    expect([id, idle.filter(v => v !== '')]).toEqual([id, []])
  }
  // a chart with uPlot's legend (a chart of many runs has the side buttons instead), hovered in its middle
  const withLegend = []
  for (const id of ids) if ((await values(id)).length) withLegend.push(id)
  expect(withLegend.length).toBeGreaterThan(0)
  await page.locator(`#chart-${withLegend[0]} .u-over`).hover()
  const hovered = await values(withLegend[0]!)
  expect(hovered.filter(v => v !== '' && v !== '—').length).toBeGreaterThan(0)
  await page.mouse.move(0, 0)
}

describe('report.html in headless Chromium', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`draws every chart and series with data from a file:// URL with no network (${scheme})`, async () => {
      const report = richReport()
      const file = path.join(dir, `report-${scheme}.html`)
      await writeFile(file, renderHtml(report))
      const opened = await open(file, scheme)
      const seen = await expectDrawn(opened, report)
      const ids = seen.map(c => c.id)
      expect(ids).toEqual(expect.arrayContaining(['s1-sweep', 's2-stress', 's3-soak', 's3-soak-latency']))
      // the interval of the change is drawn as a filled band on both per-round charts
      for (const id of ['s0-rounds-throughput-rps', 's0-rounds-latency-p99']) {
        const [fill] = seen.find(c => c.id === id)!.bandFill
        expect([id, fill! > 0.6]).toEqual([id, true])
      }
      expect(await opened.page.textContent('#headline')).toBe(
        'perfgate failed: list: throughput.rps fell 23%'
      )
      await opened.close()
    }, 60_000)
  }

  it('draws the slices design as it measures (docs/example, a real comparison): slice pairs, epochs, base vs head', async () => {
    const report: Report = JSON.parse(await readFile('docs/example/report.json', 'utf8'))
    const file = path.join(dir, 'slices.html')
    await writeFile(file, renderHtml(report))
    const opened = await open(file)
    const seen = await expectDrawn(opened, report)
    const ids = seen.map(c => c.id)
    expect(ids).toEqual(
      expect.arrayContaining([
        's0-slices-throughput-ok_rps',
        's0-slices-latency-p50',
        's0-rounds-throughput-ok_rps',
        's0-resources-cpu',
        's0-resources-rss'
      ])
    )
    for (const id of ['s0-rps', 's0-latency']) expect(ids).not.toContain(id)
    // the x axis of the slice pairs is the pairs, 1 .. N: not 0.50 .. 0.51 s of a per-second series
    const pairs = report.scenarios[0]!.slices!.length
    const scale = await opened.page.evaluate(id => {
      const u = (globalThis as unknown as PageGlobals).__perfgateCharts![id]!
      return { min: u.scales.x!.min, max: u.scales.x!.max }
    }, 's0-slices-throughput-ok_rps')
    expect(scale).toEqual({ min: 1, max: pairs })
    // base vs head bands over epochs on both resource charts; the legend lists the x and the two means, not 16 runs
    for (const id of ['s0-resources-cpu', 's0-resources-rss']) {
      expect(seen.find(c => c.id === id)!.bandFill).toHaveLength(2)
      const listed = await opened.page.$$eval(`#chart-${id} .u-legend tr.u-series`, rows =>
        rows
          .filter(r => (r as unknown as { style: { display: string } }).style.display !== 'none')
          .map(r => (r as unknown as { textContent: string }).textContent.replace(/:.*$/, ''))
      )
      const epochs = new Set(report.scenarios[0]!.slices!.map(p => p.epoch)).size
      expect(listed).toEqual(['second', `base mean of ${epochs} epochs`, `head mean of ${epochs} epochs`])
    }
    await expectLegendsOnHover(opened.page)
    await opened.close()
  }, 60_000)

  it('keeps the rounds views for the rounds design, their legends showing values on hover only', async () => {
    const file = path.join(dir, 'rounds-legend.html')
    await writeFile(file, renderHtml(richReport()))
    const opened = await open(file)
    const ids = (await expectDrawn(opened, richReport())).map(c => c.id)
    expect(ids).toEqual(expect.arrayContaining(['s0-rps', 's0-latency', 's0-resources-cpu']))
    await expectLegendsOnHover(opened.page)
    await opened.close()
  }, 60_000)

  it('sorts the checks table by verdict and by the interval’s half-width', async () => {
    const file = path.join(dir, 'sort.html')
    await writeFile(file, renderHtml(richReport()))
    const { page, close } = await open(file)
    const column = (n: number) =>
      page.$eval(
        'table.checks',
        (table: unknown, n: number) =>
          Array.from((table as TableLike).tBodies[0]!.rows).map(r => r.cells[n]!.textContent),
        n
      )
    const rows = () => column(0).then(metrics => column(7).then(v => metrics.map((m, i) => `${m} ${v[i]}`)))
    expect(await rows()).toEqual(['throughput.rps fail', 'latency.p99 pass', 'latency.p99 pass'])
    await page.click('table.checks >> nth=0 >> th:nth-child(8)')
    expect(await column(7)).toEqual(['fail', 'pass', 'pass'])
    await page.click('table.checks >> nth=0 >> th:nth-child(8)')
    expect(await column(7)).toEqual(['pass', 'pass', 'fail'])
    // interval: ±2% (throughput) is narrower than ±20% (p99); the threshold's n/a stays last both ways
    await page.click('table.checks >> nth=0 >> th:nth-child(7)')
    expect(await column(6)).toEqual(['-25.0% … -21.0%', '+10.0% … +50.0%', 'n/a'])
    await page.click('table.checks >> nth=0 >> th:nth-child(7)')
    expect(await column(6)).toEqual(['+10.0% … +50.0%', '-25.0% … -21.0%', 'n/a'])
    await close()
  }, 60_000)

  it('draws the differential flame graph of a profiled compare: searchable, base and head selectable', async () => {
    // two failing scenarios: two profiles, each its own icicle
    const config = exampleConfig(1, [
      { name: 'get', regression: [rpsCheck] },
      { name: 'list', regression: [rpsCheck] }
    ])
    const report = await compareGate(config, {
      baseDir: REPO,
      headDir: REPO,
      host: { cpus: [0, 1], taskset: false },
      measurer: syntheticMeasurer(config, { change: { 'throughput.rps': -0.3 } })
    })
    const file = path.join(dir, 'flame.html')
    await writeFile(file, renderHtml(report))
    const { page, problems, requests, close } = await open(file)
    const flame = () =>
      page.evaluate(
        () =>
          (globalThis as unknown as { __perfgateFlame: { drawn: number; hits: number; side: string } })
            .__perfgateFlame
      )
    expect(problems).toEqual([])
    expect(requests).toEqual([])
    expect(await page.textContent('table.profile-functions tbody tr:first-child td:first-child')).toBe(
      'addedWork'
    )
    const drawn = (await flame()).drawn
    expect(drawn).toBeGreaterThan(5)
    await page.fill('#flame-search', 'addedwork')
    expect((await flame()).hits).toBe(1)
    expect(await page.locator('#flame div.hit').textContent()).toBe('addedWork')
    await page.selectOption('#flame-side', 'base')
    // the base never ran addedWork: with base widths it has no box to draw
    expect((await flame()).side).toBe('base')
    expect((await flame()).hits).toBe(0)
    await page.click('#flame div >> nth=1')
    expect((await flame()).drawn).toBeLessThan(drawn)
    // the second scenario's icicle is drawn on its own, and its search leaves the first alone
    await page.fill('#flame-search-2', 'addedwork')
    const second = await page.evaluate(
      () =>
        (globalThis as unknown as { __perfgateFlames: Record<string, { drawn: number; hits: number }> })
          .__perfgateFlames['-2']!
    )
    expect(second.drawn).toBeGreaterThan(5)
    expect(second.hits).toBe(1)
    expect((await flame()).side).toBe('base')
    expect(problems).toEqual([])
    await close()
  }, 60_000)

  it('renders a real compare run of the example service, small and fully drawn', async () => {
    const port = await freePort()
    const config = exampleConfig(port, [
      {
        name: 'get',
        load: { mode: 'closed', connections: 4, durationMs: 1500, warmupMs: 100, timeoutMs: 5000 },
        regression: [
          rpsCheck,
          { metric: 'latency.p99', direction: 'rise', tolerance: 0.5, expression: '+50%', severity: 'warn' }
        ]
      }
    ])
    config.compare.rounds = { min: 2, max: 2 }
    const report = await compareGate(config, { baseDir: REPO, headDir: REPO })
    const files = await writeReportFiles(report, path.join(dir, 'real'))
    const opened = await open(files.html, 'dark')
    const seen = await expectDrawn(opened, report)
    expect(seen.map(c => c.id)).toEqual(
      expect.arrayContaining(['s0-rps', 's0-latency', 's0-distribution', 's0-rounds-throughput-rps'])
    )
    const rounds = seen.find(c => c.id === 's0-rounds-throughput-rps')!
    expect(rounds.bandFill).toHaveLength(1)
    await opened.close()
    const size = (await stat(files.html)).size
    console.log(`report.html of a real compare run (1 scenario, 2 rounds): ${(size / 1024).toFixed(1)} KB`)
    expect(size).toBeLessThan(250_000)
  }, 60_000)
})
