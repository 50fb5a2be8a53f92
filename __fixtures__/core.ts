import type * as core from '@actions/core'
import { jest } from '@jest/globals'

export const inputs: Record<string, string> = {}
export const outputs: Record<string, string> = {}
export const state: Record<string, string> = {}
export const annotations: Array<{ level: string; message: string; props?: core.AnnotationProperties }> = []
export const summaryParts: string[] = []
export const logs: string[] = []
/** values registered with setSecret (Actions masks them in the log) */
export const secrets: string[] = []

export const getInput = jest.fn((name: string) => inputs[name] ?? '')
export const setOutput = jest.fn((name: string, value: unknown) => {
  outputs[name] = String(value)
})
export const saveState = jest.fn((name: string, value: unknown) => {
  state[name] = String(value)
})
export const setSecret = jest.fn((value: string) => {
  secrets.push(value)
})
export const getState = jest.fn((name: string) => state[name] ?? '')
export const setFailed = jest.fn<(message: string | Error) => void>()
export const info = jest.fn((message: string) => {
  logs.push(message)
})
/** groups show in `logs` as ::group::TITLE and ::endgroup:: lines, as in the Actions log */
export const startGroup = jest.fn((title: string) => {
  logs.push(`::group::${title}`)
})
export const endGroup = jest.fn(() => {
  logs.push('::endgroup::')
})
export const warning = jest.fn((message: string | Error, props?: core.AnnotationProperties) => {
  annotations.push({ level: 'warning', message: String(message), props })
})
export const error = jest.fn((message: string | Error, props?: core.AnnotationProperties) => {
  annotations.push({ level: 'error', message: String(message), props })
})
export const summary = {
  addRaw(text: string) {
    summaryParts.push(text)
    return summary
  },
  async write() {
    return summary
  }
}

export function reset(): void {
  for (const record of [inputs, outputs, state]) for (const key of Object.keys(record)) delete record[key]
  annotations.length = 0
  summaryParts.length = 0
  logs.length = 0
  secrets.length = 0
}
