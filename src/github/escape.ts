/**
 * User-controlled text (scenario names, branch names, messages that quote them) placed in Markdown: no
 * @mentions that notify people, no raw HTML, no broken table cells, one line.
 */
export function escapeMarkdownText(text: string): string {
  return text
    .replace(/\r?\n|\r/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/`/g, '\\`')
    .replace(/@(?=[A-Za-z0-9])/g, '@\u200b')
}
