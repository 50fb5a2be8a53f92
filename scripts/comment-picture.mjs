// Renders a real summary.md (the text of perfgate's PR comment) as GitHub renders it, GitHub-flavoured markdown
// with GitHub's own stylesheet, in headless Chromium, and writes the picture the README shows.
//
//   npm run demo                 # writes perfgate-report/compare/summary.md from a real base-vs-head run
//   npm run docs:picture         # renders it to docs/comment.png
//   npm run docs:picture -- other/summary.md docs/other.png
//
// Emoji need a colour emoji font (Debian: apt-get install fonts-noto-color-emoji).
import { readFileSync, existsSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { marked } from 'marked'
import { chromium } from 'playwright-core'

const [input = 'perfgate-report/compare/summary.md', output = 'docs/comment.png'] = process.argv.slice(2)
if (!existsSync(input)) {
  console.error(
    `${input} not found: run \`npm run demo\` first (it writes perfgate-report/compare/summary.md)`
  )
  process.exit(2)
}
const require = createRequire(import.meta.url)
const css = readFileSync(require.resolve('github-markdown-css/github-markdown-light.css'), 'utf8')
// GitHub shows a ```mermaid block as a chart; the picture shows the folded comment, so the block stays folded
const body = marked.parse(readFileSync(input, 'utf8'), { gfm: true })
const html = `<!doctype html><html><head><meta charset="utf-8"><style>${css}
  body { margin: 0; background: #fff; }
  .frame { width: 860px; margin: 16px; border: 1px solid #d1d9e0; border-radius: 6px; }
  .who { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0; border-radius: 6px 6px 0 0;
         font: 14px -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #59636e; }
  .who b { color: #1f2328; }
  .markdown-body { padding: 16px; font-size: 14px; }
</style></head><body><div class="frame"><div class="who"><b>github-actions</b> bot commented</div>
<article class="markdown-body">${body}</article></div></body></html>`

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
  args: ['--no-sandbox']
})
try {
  const page = await browser.newPage({ viewport: { width: 900, height: 600 }, deviceScaleFactor: 1 })
  await page.setContent(html)
  await page.locator('.frame').screenshot({ path: output })
  // the markdown the picture shows sits beside it, so the two can be compared and the picture made again
  const source = output.replace(/\.png$/, '.md')
  if (source !== input) writeFileSync(source, readFileSync(input, 'utf8'))
  console.log(`wrote ${output} (and ${source}) from ${input}`)
} finally {
  await browser.close()
}
