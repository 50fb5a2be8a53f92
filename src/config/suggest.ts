import { distance } from 'fastest-levenshtein'

const squash = (s: string) => s.toLowerCase().replace(/[^a-z0-9]/g, '')

/**
 * The closest allowed name to a misspelt one, or undefined when nothing is close. Names are compared whole and
 * by their last dotted parts, ignoring dots, so "p999" finds "latency.p99.9" and "conections" finds "connections".
 */
export function didYouMean(wrong: string, allowed: readonly string[]): string | undefined {
  const target = squash(wrong)
  let best: { name: string; score: number } | undefined
  for (const name of allowed) {
    const parts = name.split('.')
    const forms = [name, ...parts.map((_, i) => parts.slice(i).join('.'))].map(squash)
    const score = Math.min(...forms.map(f => distance(target, f)))
    if (!best || score < best.score) best = { name, score }
  }
  if (!best) return undefined
  return best.score <= Math.max(1, Math.floor(target.length / 3)) ? best.name : undefined
}

/** The command a typo meant: a close spelling (two edits or fewer, transpositions too) or a unique prefix. */
export function suggestCommand(word: string, commands: readonly string[]): string | undefined {
  const close = didYouMean(word, commands)
  if (close) return close
  const w = word.toLowerCase()
  const sorted = (s: string) => [...s].sort().join('')
  const near = commands.filter(
    c =>
      w.length >= 3 && (distance(w, c) <= 2 || sorted(w) === sorted(c)) && Math.abs(c.length - w.length) <= 2
  )
  if (near.length === 1) return near[0]
  const prefixed = commands.filter(c => w.length >= 2 && c.startsWith(w))
  return prefixed.length === 1 ? prefixed[0] : undefined
}
