import { Ajv } from 'ajv'
import reportSchema from '../../schema/report.schema.json' with { type: 'json' }
import type { Report } from '../model/report.js'

const ajv = new Ajv({ allErrors: true, strict: true, $data: false })
const validateReportShape = ajv.compile<Report>(reportSchema)

/** Problems of a report.json against schema/report.schema.json, one line each; empty when valid. */
export function reportProblems(data: unknown): string[] {
  if (validateReportShape(data)) return []
  return (validateReportShape.errors ?? []).map(e =>
    e.keyword === 'pattern' && e.schemaPath.startsWith('#/definitions/name')
      ? `${e.instancePath} must be one line without control characters (a newline or an escape in a name could forge log lines)`
      : `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`
  )
}

export function isReport(data: unknown): data is Report {
  return reportProblems(data).length === 0
}
