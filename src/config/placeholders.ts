/** {{seq}}, {{random}}, {{uuid}} and {{name}} of a scenario value, in a request's url or body. */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g
export const BUILT_IN_PLACEHOLDERS = ['seq', 'random', 'uuid'] as const

/** The placeholder names a text uses. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map(m => m[1]!)
}
