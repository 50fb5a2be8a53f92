/** The fenced blocks of a markdown text, in order, with their language. */
export function fencedBlocks(text: string): Array<{ lang: string; body: string }> {
  return [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)].map(m => ({ lang: m[1]!, body: m[2]! }))
}
