// Pictures of report.html's charts in headless Chromium, for the docs (the README and docs/reference.md show them).
//
//   npm run docs:example && node scripts/report-picture.mjs docs/example/report.html docs/report-slices.png
//   node dist/cli/index.js compare --base . --head . --config rounds.yml --out /tmp/rounds   # design: rounds
//   node scripts/report-picture.mjs /tmp/rounds/report.html docs/report-rounds.png
//
// The picture is the first scenario's charts, as a reader sees them (light mode, 1100 px wide), with no cursor.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import { chromium } from 'playwright-core'

const [input, output] = process.argv.slice(2)
if (!input || !output || !existsSync(input)) {
  console.error('usage: node scripts/report-picture.mjs <report.html> <out.png>')
  process.exit(2)
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox']
})
try {
  const page = await browser.newPage({ viewport: { width: 1148, height: 900 }, deviceScaleFactor: 1 })
  await page.goto(pathToFileURL(path.resolve(input)).href)
  await page.waitForFunction(() => globalThis.__perfgate?.ready === true)
  const failed = await page.evaluate(() => globalThis.__perfgate.failed)
  if (failed.length) throw new Error(`charts failed to draw: ${JSON.stringify(failed)}`)
  await page.locator('.charts').first().screenshot({ path: output })
  console.log(`wrote ${output} from ${input}`)
} finally {
  await browser.close()
}
