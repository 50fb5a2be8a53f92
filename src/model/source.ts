/** Where a value came from in the YAML file, for messages and annotations (1-based line and column). */
export interface SourceRef {
  file: string
  line: number
  col: number
}
