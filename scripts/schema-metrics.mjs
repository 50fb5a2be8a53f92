// Writes every metric of src/config/metrics.ts into schema/perfgate.schema.json as a property of `thresholds`
// and `regression`, each with its description and the pattern of its limit, so editors complete the names and
// check the values; writes every default of src/config/defaults.ts (as src/config/schema-defaults.ts words it)
// as the `default` of its key, so editors show it on hover; and writes the key table of docs/reference.md.
// `npm run schema`; __tests__/config/schema-metrics.test.ts and schema-defaults.test.ts keep them in step.
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { pathToFileURL } from 'node:url'
import ts from 'typescript'

const dir = mkdtempSync(path.join(os.tmpdir(), 'perfgate-schema-'))
const load = async name => {
  const source = readFileSync(`src/config/${name}.ts`, 'utf8')
  const js = ts.transpileModule(source, {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 }
  }).outputText
  const file = path.join(dir, `${name}.mjs`)
  writeFileSync(file, js.replace(/from '\.\/([a-z-]+)\.js'/g, "from './$1.mjs'"))
  return import(pathToFileURL(file).href)
}
try {
  await load('metrics')
  await load('defaults')
  const { metricSchemas } = await load('schema-metrics')
  const file = 'schema/perfgate.schema.json'
  const schema = JSON.parse(readFileSync(file, 'utf8'))
  const scenario = schema.properties.scenarios.items.properties
  const { thresholds, regression, definitions } = metricSchemas()
  scenario.thresholds = thresholds
  scenario.regression = regression
  for (const key of Object.keys(schema.definitions))
    if (key === 'metricName' || key.startsWith('threshold') || key.startsWith('regression'))
      delete schema.definitions[key]
  Object.assign(schema.definitions, definitions)
  const { configDefaults, schemaNodeOf } = await load('schema-defaults')
  const { keyTable, withKeyTable } = await load('key-table')
  const dropDefaults = node => {
    if (!node || typeof node !== 'object') return
    if (!Array.isArray(node)) delete node.default
    Object.values(node).forEach(dropDefaults)
  }
  dropDefaults(schema)
  const defaults = configDefaults()
  for (const { key, value } of defaults) {
    const node = schemaNodeOf(schema, key)
    if (!node) throw new Error(`schema: no key ${key} for its default`)
    node.default = value
  }
  writeFileSync(file, JSON.stringify(schema, null, 2) + '\n')
  const reference = 'docs/reference.md'
  writeFileSync(reference, withKeyTable(readFileSync(reference, 'utf8'), keyTable(schema, defaults)))
  console.log(`schema: ${Object.keys(thresholds.properties).length} metrics, ${defaults.length} defaults`)
} finally {
  rmSync(dir, { recursive: true, force: true })
}
