import { readdirSync } from 'node:fs'
import path from 'node:path'

/** Every .ts file below `dir` (absolute paths), vendored code left out: what the structure tests read of src/. */
export function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry => {
    const full = path.join(dir, entry.name)
    if (entry.isDirectory()) return entry.name === 'vendor' ? [] : sourceFiles(full)
    return entry.name.endsWith('.ts') ? [full] : []
  })
}
