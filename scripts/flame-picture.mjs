// Takes the picture docs/profiles.md shows of report.html's differential flame graph: the "Where the head spends
// more CPU per request" section (the table and the icicle) of a real report, in headless Chromium.
//
//   npm run demo                 # writes perfgate-report/compare/report.html from a real failing compare
//   npm run docs:flame           # writes docs/flame.png from it
//   npm run docs:flame -- other/report.html docs/other.png
import { existsSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import path from 'node:path'
import { chromium } from 'playwright-core'

const [input = 'perfgate-report/compare/report.html', output = 'docs/flame.png'] = process.argv.slice(2)
if (!existsSync(input)) {
  console.error(
    `${input} not found: run \`npm run demo\` first (it writes perfgate-report/compare/report.html)`
  )
  process.exit(2)
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox']
})
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 })
  await page.goto(pathToFileURL(path.resolve(input)).href)
  const heading = page.locator('h2#profile')
  if (!(await heading.count()))
    throw new Error(`${input} has no CPU profile section (was the compare profiled?)`)
  await page.waitForFunction(() => (globalThis.__perfgateFlame?.drawn ?? 0) > 0)
  // hover the first grown function, so the picture shows the detail line too
  const first = await page
    .locator('table.profile-functions tbody tr:first-child td:first-child')
    .textContent()
  const box = page.locator('#flame div', { hasText: first ?? '' }).first()
  if (await box.count()) await box.hover()
  // page coordinates (the hover may have scrolled the page): from the section's heading to the detail line
  const { top, bottom } = await page.evaluate(() => {
    const y = element => element.getBoundingClientRect().top + globalThis.scrollY
    const detail = globalThis.document.getElementById('flame-detail')
    return { top: y(globalThis.document.getElementById('profile')), bottom: y(detail) + detail.offsetHeight }
  })
  await page.screenshot({
    path: output,
    fullPage: true,
    clip: { x: 0, y: top - 8, width: 1100, height: bottom - top + 16 }
  })
  console.log(`wrote ${output} from ${input}`)
} finally {
  await browser.close()
}
