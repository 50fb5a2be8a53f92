import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import path from 'node:path'
import { UPLOT_CSS, UPLOT_JS, UPLOT_VERSION } from '../../src/report/vendor/uplot.js'

const require = createRequire(import.meta.url)

describe('the vendored chart library', () => {
  it('is the installed uplot, byte for byte (run npm run vendor after upgrading it)', () => {
    const dir = path.dirname(require.resolve('uplot/package.json'))
    expect(UPLOT_VERSION).toBe(JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')).version)
    expect(UPLOT_JS).toBe(readFileSync(path.join(dir, 'dist/uPlot.iife.min.js'), 'utf8'))
    expect(UPLOT_CSS).toBe(readFileSync(path.join(dir, 'dist/uPlot.min.css'), 'utf8'))
  })
})
