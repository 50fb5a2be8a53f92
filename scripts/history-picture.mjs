// Renders a history page (perfgate history --out DIR writes DIR/index.html) in headless Chromium with the cursor
// on the newest change point's run of the first chart that has one, and writes the picture docs/ shows.
//
//   node scripts/history-picture.mjs perfgate-history/index.html docs/history.png
import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'

const [input = 'perfgate-history/index.html', output = 'docs/history.png'] = process.argv.slice(2)
if (!existsSync(input)) {
  console.error(`${input} not found: run \`perfgate history --out perfgate-history\` first`)
  process.exit(2)
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox']
})
try {
  const page = await browser.newPage({ viewport: { width: 1150, height: 1000 } })
  await page.goto(pathToFileURL(path.resolve(input)).href)
  await page.waitForFunction(() => globalThis.__perfgateHistory?.ready)
  await page.evaluate(() => globalThis.__perfgateDrawAll())
  const target = await page.evaluate(() => {
    const drawn = globalThis.__perfgateHistory.drawn.find(d => d.steps > 0)
    if (!drawn) return undefined
    const u = globalThis.__perfgateHistoryCharts[drawn.id]
    const data = JSON.parse(globalThis.document.getElementById('perfgate-history').textContent)
    const spec = data.series.flatMap(s => s.charts).find(c => c.id === drawn.id)
    return { id: drawn.id, x: spec.steps[spec.steps.length - 1].x, last: u.data[0][u.data[0].length - 1] }
  })
  if (target) {
    // the chart with the step in view (the page scrolls past the table and the charts before it)
    await page.locator(`#chart-${target.id}`).evaluate(el => el.scrollIntoView({ block: 'center' }))
    const box = await page.locator(`#chart-${target.id} .u-over`).boundingBox()
    await page.mouse.move(box.x + (box.width * (target.x + 0.2)) / target.last, box.y + box.height * 0.4)
  }
  await page.screenshot({ path: output })
  console.log(`wrote ${output}`)
} finally {
  await browser.close()
}
