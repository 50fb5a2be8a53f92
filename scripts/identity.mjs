// Derives perfgate's identity from package.json's `repository` and writes it where static files need it:
// the schemas' $id (the raw file in the repository, so editors can fetch it) and the README's modeline and
// `uses:` lines, and the `npx --yes github:OWNER/REPO` that runs the CLI before the package is published. `npm run identity` after changing the repository; __tests__/identity.test.ts checks it.
import { readFileSync, writeFileSync } from 'node:fs'

const pkg = JSON.parse(readFileSync('package.json', 'utf8'))
const slug = /github\.com[/:]([^/]+\/[^/#]+?)(?:\.git)?$/.exec(pkg.repository.url)?.[1]
if (!slug) throw new Error(`package.json repository.url is not a GitHub URL: ${pkg.repository.url}`)
const raw = file => `https://raw.githubusercontent.com/${slug}/main/${file}`

for (const name of ['perfgate', 'report', 'baseline']) {
  const file = `schema/${name}.schema.json`
  const text = readFileSync(file, 'utf8')
  writeFileSync(file, text.replace(/"\$id": "[^"]*"/, `"$id": "${raw(file)}"`))
}

const docs = ['README.md', 'docs/reference.md', 'examples/README.md']
for (const file of docs) {
  let text
  try {
    text = readFileSync(file, 'utf8')
  } catch {
    continue
  }
  text = text
    .replace(/(yaml-language-server: \$schema=)\S+/g, `$1${raw('schema/perfgate.schema.json')}`)
    .replace(/uses: [A-Za-z0-9_.-]+\/perfgate@v1/g, `uses: ${slug}@v1`)
    // until the package is published, the CLI runs from the repository
    .replace(/npx --yes github:[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+/g, `npx --yes github:${slug}`)
  writeFileSync(file, text)
}
console.log(`identity: ${slug}`)
