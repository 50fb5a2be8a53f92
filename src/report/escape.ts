/**
 * Markdown punctuation written as numeric character references. GitHub decodes them to plain text in Markdown and
 * in HTML blocks alike (so the same text is safe inside `<summary>`, where backslash escapes would show), and they
 * never open a code span, emphasis or a table cell. Without a literal `[` no link or image (`![x](url)`) can form,
 * and without `<` no autolink or HTML, so `(`, `)` and `!` stay readable.
 */
const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '|': '&#124;',
  '`': '&#96;',
  '\\': '&#92;',
  '[': '&#91;',
  ']': '&#93;',
  '*': '&#42;'
}

/**
 * User-controlled text (scenario names, branch names, messages that quote them, anything from a result artifact)
 * placed in Markdown or in an HTML block of it: one line, no raw HTML, no links or images, no code spans, no broken
 * table cells, and no @mentions or #123 references that notify people or link issues (a zero-width space breaks
 * them; entities would not, because GitHub links references after decoding), and no bare URL that GitHub would
 * turn into a link on its own (`https://…`, `www.…`): a zero-width space after the scheme or `www` breaks it.
 */
export function escapeMarkdownText(text: string): string {
  return text
    .replace(/[\r\n\u2028\u2029]+/g, ' ')
    .replace(/@(?=[A-Za-z0-9])/g, '@\u200b')
    .replace(/#(?=\d)/g, '#\u200b')
    .replace(/:\/\//g, ':/\u200b/')
    .replace(/\bwww\./gi, m => `${m.slice(0, 3)}\u200b.`)
    .replace(/[&<>|`\\[\]*]/g, c => ENTITIES[c]!)
}

/**
 * A code span for a name that should read as code (a metric, a file): only when the text cannot end the span or a
 * table cell; anything else is shown as escaped text instead.
 */
export function markdownCode(text: string): string {
  return text !== '' && !/[`|\r\n\u2028\u2029]/.test(text) && text.trim() === text
    ? `\`${text}\``
    : escapeMarkdownText(text)
}

/**
 * A fenced code block that the text cannot close: the fence is longer than the longest run of backticks in it
 * (a line starting with ``` inside would otherwise end the block and let the rest render as Markdown).
 */
export function markdownFence(lines: readonly string[], info = 'text'): string[] {
  const body = lines.flatMap(l => l.split(/\r\n|\r|\n/))
  const longest = Math.max(0, ...body.map(l => Math.max(0, ...(l.match(/`+/g) ?? []).map(run => run.length))))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return [`${fence}${info}`, ...body, fence]
}
