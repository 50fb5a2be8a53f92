/** {{seq}}, {{random}}, {{uuid}} and {{name}} of a scenario value, in a request's url or body. */
export const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*)\s*\}\}/g
export const BUILT_IN_PLACEHOLDERS = ['seq', 'random', 'uuid'] as const

/** The placeholder names a text uses. */
export function placeholdersIn(text: string): string[] {
  return [...text.matchAll(PLACEHOLDER)].map(m => m[1]!)
}

/**
 * {{service.port}}: reserved, apart from the per-request placeholders above (its dot keeps it out of PLACEHOLDER).
 * It is filled once per side and service start with a free port, in service.command, service.env, service.ready
 * and the scenarios' URLs (see port.ts), so base and head can run side by side.
 */
export const SERVICE_PORT = /\{\{\s*service\.port\s*\}\}/g

export function usesServicePort(text: string): boolean {
  return new RegExp(SERVICE_PORT.source).test(text)
}

export function fillServicePort(text: string, port: number): string {
  return text.replace(SERVICE_PORT, String(port))
}

/**
 * The service.command `perfgate init` writes when it finds no start command. It is no command anyone runs:
 * validate (and every command that loads the config) refuses it until it is replaced.
 */
export const PLACEHOLDER_COMMAND = '<the command that starts your service>'
