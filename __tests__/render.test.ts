import { describe, it, expect } from '@jest/globals'
import {
  classifierText,
  MAX_PROSE,
  renderIssueBody,
  renderSentryComment,
  renderTitle,
  type IssueBodyInput
} from '../src/render/issue-body.js'
import { codeBlock, inline, link, neutraliseMentions } from '../src/render/markdown.js'
import { IMPACT_BEGIN, IMPACT_END } from '../src/render/impact.js'
import { parseMarker, SECTION_BEGIN, SECTION_END } from '../src/track/marker.js'
import { createRedactor } from '../src/render/redact.js'
import type { Route } from '../src/classify/routing.js'
import { classification, eventContext, sentryIssue, stackFrame } from './support/factories.js'

const ZWJ = '\u200D'
const redact = createRedactor(true)
const noRedact = (s: string) => s

// ---------------------------------------------------------------------------------------------
// Small Markdown readers, close enough to GitHub's (CommonMark + GFM tables) for these checks.

interface Fence {
  char: string
  length: number
}

/** Splits a body into the text outside fenced code blocks and the blocks' contents; throws if a fence stays open. */
function fencedBlocks(body: string): { outside: string; blocks: string[] } {
  const outside: string[] = []
  const blocks: string[] = []
  let open: Fence | null = null
  let current: string[] = []
  for (const line of body.split(/\r\n|\r|\n/)) {
    if (open === null) {
      const start = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line)
      if (start && !(start[1]!.startsWith('`') && start[2]!.includes('`'))) {
        open = { char: start[1]![0]!, length: start[1]!.length }
        current = []
      } else {
        outside.push(line)
      }
    } else {
      const close = /^ {0,3}(`{3,}|~{3,})[ \t]*$/.exec(line)
      if (close && close[1]![0] === open.char && close[1]!.length >= open.length) {
        blocks.push(current.join('\n'))
        open = null
      } else {
        current.push(line)
      }
    }
  }
  if (open !== null) throw new Error(`a ${open.char.repeat(open.length)} fence is left open`)
  return { outside: outside.join('\n'), blocks }
}

/** GFM splits a table row on every pipe not escaped by a backslash (even inside code spans). */
function cellDelimiters(row: string): number {
  let count = 0
  for (let i = 0; i < row.length; i++) {
    if (row[i] === '\\') i++
    else if (row[i] === '|') count++
  }
  return count
}

function tableRows(markdown: string): string[] {
  return markdown.split('\n').filter(line => line.startsWith('|'))
}

// ---------------------------------------------------------------------------------------------

const HOSTILE =
  '@octocat and @acme/security-team </details><details open><img src=x onerror=alert(1)><script>alert(1)</script> ' +
  '``` ```` | a | b | order #1234 failed, see GH-12 and acme/shop#7 ' +
  'alice@example.com from 10.1.2.3 with eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX3ZhbHVl and AKIAIOSFODNN7EXAMPLE ' +
  'https://evil.example/phish www.evil.example [click](javascript:alert(1)) ![x](https://evil.example/p.png) ' +
  '<!-- sentry-triage:v1 {"ids":["666"],"sig":null} --> \u202Egnp.exe **bold** _it_ ~~s~~ &#64;admin \\@bob'

/** Raw forms that must never appear outside a code block. */
const RAW_OUTSIDE_CODE = [
  '@octocat',
  '@acme/security-team',
  '</details>',
  '<details',
  '<img',
  '<script',
  '<!--  ',
  '#1234',
  'GH-12',
  'shop#7',
  'https://evil',
  'www.evil',
  '\u202E',
  '&#64;admin',
  '@bob'
]

/** Redacted secrets that must not appear anywhere. */
const SECRETS = ['alice@example.com', '10.1.2.3', 'eyJzdWIiOiIxIn0', 'AKIAIOSFODNN7EXAMPLE']

function hostileInput(size = 1): IssueBodyInput {
  const hostile = HOSTILE.repeat(size)
  const issue = sentryIssue({
    id: '4501',
    title: hostile,
    culprit: hostile,
    exceptionType: 'Error',
    exceptionValue: hostile,
    platform: `python ${hostile}`,
    level: 'error',
    project: { id: '11', slug: `checkout|api ${hostile}`, name: hostile },
    firstSeen: hostile,
    permalink: 'https://acme.sentry.io/issues/4501/'
  })
  return {
    issue,
    others: [
      sentryIssue({
        id: '4502',
        shortId: `WEB-${hostile}`,
        project: { id: '12', slug: 'web', name: null }
      })
    ],
    classification: classification({
      rootCause: `Root ${hostile}`,
      suggestedAction: `Act ${hostile}`,
      fallbackReason: hostile
    }),
    route: { tier: 'high', model: 'claude-sonnet-4.5', reason: 'level error with 60 events' },
    event: eventContext({
      exceptions: [{ type: `Error ${hostile}`, value: hostile }],
      frames: [stackFrame({ function: hostile, filename: hostile, line: hostile }), stackFrame()],
      release: hostile
    }),
    signature: 'abcdef0123456789',
    redact
  }
}

describe('neutraliseMentions / inline: mentions', () => {
  it.each(['@user', '@octo-cat', '@org/team', '@a_b', 'cc @user1, @user2'])(
    'breaks the mention in %p with a zero-width joiner',
    text => {
      const out = inline(text)
      expect(out).not.toMatch(/@[A-Za-z0-9]/)
      expect(out).toContain(`@${ZWJ}`)
      expect(out.replaceAll(ZWJ, '').replaceAll('\\', '')).toBe(text)
    }
  )

  it('neutralises mentions without other escaping', () => {
    expect(neutraliseMentions('ping @alice and @acme/ops')).toBe(
      `ping @${ZWJ}alice and @${ZWJ}acme/ops`
    )
  })

  it('does not rely on \\@ or &#64;, which GitHub still renders as mentions or text', () => {
    expect(inline('\\@bob')).toContain(`@${ZWJ}bob`)
    const entity = inline('&#64;bob')
    expect(entity).not.toContain('&#64;')
    expect(entity.startsWith('&amp;#')).toBe(true)
  })
})

describe('inline: HTML, Markdown and references', () => {
  it.each([
    ['</details>', '&lt;/details&gt;'],
    ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['<!-- hidden -->', '&lt;\\!-- hidden --&gt;'],
    ['a & b', 'a &amp; b']
  ])('escapes HTML in %p', (text, expected) => {
    expect(inline(text)).toBe(expected)
  })

  it('escapes pipes so that a table row keeps its cell count', () => {
    const row = `| Culprit | ${inline('a | b || c \\| d \\\\| e')} |`
    expect(cellDelimiters(row)).toBe(3)
    expect(cellDelimiters(`| Culprit | ${'a | b'} |`)).toBe(4)
  })

  it('escapes Markdown emphasis, links, images and code spans', () => {
    const out = inline(
      '**b** _i_ ~~s~~ [l](https://x.example) ![i](https://x.example/i.png) `code`'
    )
    expect(out).not.toMatch(/(^|[^\\])[*_~[\]`!]/)
  })

  it.each([
    ['#1234', `#${ZWJ}1234`],
    ['order #1234 failed', `order #${ZWJ}1234 failed`],
    ['GH-12', `GH-${ZWJ}12`],
    ['gh-12', `gh-${ZWJ}12`],
    ['acme/shop#7', `acme/shop#${ZWJ}7`]
  ])('breaks the cross-reference in %p', (text, expected) => {
    expect(inline(text)).toBe(expected)
  })

  it('keeps # that is not a reference', () => {
    expect(inline('C# and #main')).toBe('C# and #main')
  })

  it('breaks bare URLs so they do not autolink', () => {
    const out = inline('see https://evil.example/x and www.evil.example and ftp://files.example')
    expect(out).not.toContain('https://')
    expect(out).not.toContain('www.')
    expect(out).not.toContain('ftp://')
    expect(out.replaceAll(ZWJ, '')).toBe(
      'see https://evil.example/x and www.evil.example and ftp://files.example'
    )
  })

  it('strips bidi overrides and control characters', () => {
    const out = inline('invoice\u202Egnp.exe\u2066x\u2069\u0007\u200F')
    expect(out).toBe('invoicegnp.exex')
  })

  it('collapses newlines so the text stays on its line', () => {
    expect(inline('line one\n\n# heading\n- item\r\n```')).toBe(
      'line one # heading - item \\`\\`\\`'
    )
  })

  it('renders empty values as a dash', () => {
    expect(inline(null)).toBe('—')
    expect(inline(undefined)).toBe('—')
    expect(inline('')).toBe('—')
  })

  it('cuts to the given length with an ellipsis before escaping', () => {
    const out = inline('x'.repeat(500), 50)
    expect(out).toBe(`${'x'.repeat(49)}…`)
    expect(inline('y'.repeat(50), 50)).toBe('y'.repeat(50))
  })

  it('does not split a surrogate pair when cutting', () => {
    const out = inline(`${'a'.repeat(48)}😀😀`, 50)
    expect(out).toBe(`${'a'.repeat(48)}…`)
  })
})

describe('codeBlock', () => {
  it('uses a plain ``` fence for ordinary text', () => {
    expect(codeBlock('a = 1')).toBe('```\na = 1\n```')
    expect(codeBlock('a = 1', 'python')).toBe('```python\na = 1\n```')
  })

  it.each([
    '```\nescaped?\n```',
    'one ``` three ```` four',
    '````',
    '`'.repeat(40),
    '~~~\n```js\nx\n```\n~~~'
  ])('cannot be left by backtick runs in %p', content => {
    const block = codeBlock(content)
    const { outside, blocks } = fencedBlocks(`before\n${block}\nafter`)
    expect(blocks).toEqual([content])
    expect(outside).toBe('before\nafter')
  })

  it('strips bidi overrides inside the block', () => {
    expect(codeBlock('a\u202Eb')).toBe('```\nab\n```')
  })
})

describe('link', () => {
  it('links http(s) URLs', () => {
    expect(link('CHECKOUT-1', 'https://acme.sentry.io/issues/1/')).toBe(
      '[CHECKOUT-1](https://acme.sentry.io/issues/1/)'
    )
  })

  it.each([
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'not a url',
    '',
    null,
    undefined
  ])('renders only the label for %p', url => {
    expect(link('label', url)).toBe('label')
  })

  it('encodes characters that would end the link or split a table cell', () => {
    const out = link('x', 'https://acme.sentry.io/issues/1/?q=a)b|c d')
    expect(out).toBe('[x](https://acme.sentry.io/issues/1/?q=a%29b%7Cc%20d)')
    expect(cellDelimiters(`| Issue | ${out} |`)).toBe(3)
  })
})

describe('renderTitle', () => {
  it('is [SHORT-ID] title', () => {
    expect(
      renderTitle(
        sentryIssue({ shortId: 'CHECKOUT-API-1A', title: 'TypeError: x is undefined' }),
        noRedact
      )
    ).toBe('[CHECKOUT-API-1A] TypeError: x is undefined')
  })

  it('is at most 256 characters', () => {
    const title = renderTitle(sentryIssue({ title: 'E'.repeat(1000) }), noRedact)
    expect(title.length).toBeLessThanOrEqual(256)
    expect(title.startsWith('[CHECKOUT-API-1A] EEE')).toBe(true)
    expect(title.endsWith('…')).toBe(true)
  })

  it('neutralises mentions', () => {
    const title = renderTitle(sentryIssue({ title: 'Denied for @alice and @acme/ops' }), noRedact)
    expect(title).not.toMatch(/@[a-z]/)
    expect(title).toBe(`[CHECKOUT-API-1A] Denied for @${ZWJ}alice and @${ZWJ}acme/ops`)
  })

  it('applies redaction', () => {
    const title = renderTitle(
      sentryIssue({ title: 'No account for bob@example.com from 10.0.0.7' }),
      redact
    )
    expect(title).toBe('[CHECKOUT-API-1A] No account for [email] from [ip]')
  })

  it('keeps a title on one line and strips bidi overrides', () => {
    expect(renderTitle(sentryIssue({ title: 'line one\nline two\u202E' }), noRedact)).toBe(
      '[CHECKOUT-API-1A] line one line two'
    )
  })
})

describe('classifierText', () => {
  const route: Route = { tier: 'critical', model: 'gpt-4.1', reason: 'level fatal' }

  it('names the model and the tier for the LLM', () => {
    expect(classifierText(classification({ classifier: 'llm', model: 'gpt-4.1' }), route)).toBe(
      'LLM `gpt-4.1` (critical tier: level fatal)'
    )
  })

  it('says heuristic, with the fallback reason escaped', () => {
    const text = classifierText(
      classification({
        classifier: 'heuristic',
        model: null,
        fallbackReason: 'HolySheep answered 503 <b>@ops</b>'
      }),
      null
    )
    expect(text).toBe(
      `heuristic rules (LLM unavailable: HolySheep answered 503 &lt;b&gt;@${ZWJ}ops&lt;/b&gt;)`
    )
    expect(classifierText(classification({ classifier: 'heuristic', model: null }), null)).toBe(
      'heuristic rules'
    )
  })
})

describe('renderIssueBody: content', () => {
  const input: IssueBodyInput = {
    issue: sentryIssue({
      id: '4501',
      shortId: 'CHECKOUT-API-1A',
      title: 'OperationalError: deadlock detected',
      culprit: 'app/orders.py in save',
      permalink: 'https://acme.sentry.io/issues/4501/',
      level: 'error',
      platform: 'python',
      count: 1234,
      userCount: 56,
      firstSeen: '2025-11-28T10:00:00Z',
      lastSeen: '2025-11-29T09:00:00Z'
    }),
    others: [],
    classification: classification({
      category: 'Database',
      severity: 'High',
      rootCause: 'Two transactions lock orders in opposite order.',
      suggestedAction: 'Lock rows in a fixed order.',
      classifier: 'llm',
      model: 'claude-sonnet-4.5'
    }),
    route: { tier: 'high', model: 'claude-sonnet-4.5', reason: 'level error with 1234 events' },
    event: eventContext({
      exceptions: [{ type: 'OperationalError', value: 'deadlock detected' }],
      frames: [
        stackFrame({
          filename: 'app/orders.py',
          function: 'save',
          lineNo: 88,
          line: 'session.commit()'
        })
      ],
      release: 'shop@2.3.4'
    }),
    signature: 'abcdef0123456789',
    redact
  }
  const body = renderIssueBody(input)

  it.each([
    ['category', 'Database'],
    ['severity', 'High'],
    ['root cause', '**Root cause:** Two transactions lock orders in opposite order.'],
    ['suggested action', '**Suggested action:** Lock rows in a fixed order.'],
    ['permalink and shortId', '[CHECKOUT-API-1A](https://acme.sentry.io/issues/4501/)'],
    ['project', '| Project | checkout-api |'],
    ['level', '| Level | error |'],
    ['platform', '| Platform | python |'],
    ['culprit', '| Culprit | app/orders.py in save |'],
    ['event count', '| Events | 1,234 |'],
    ['user count', '| Users affected | 56 |'],
    ['first seen', '| First seen | 2025-11-28T10:00:00Z |'],
    ['last seen', '| Last seen | 2025-11-29T09:00:00Z |'],
    [
      'model',
      '| Classified by | LLM `claude-sonnet-4.5` (high tier: level error with 1234 events) |'
    ],
    ['latest release (the latest event’s)', `| Latest release | shop@${ZWJ}2.3.4 |`],
    ['exception', 'OperationalError: deadlock detected'],
    ['frame', '  at save (app/orders.py:88)\n      session.commit()']
  ])('shows the %s', (_label, expected) => {
    expect(body).toContain(expected)
  })

  it('is all one section: begin line, marker, a heading of severity and category … end line', () => {
    const lines = body.split('\n')
    expect(lines[0]).toBe(SECTION_BEGIN)
    expect(parseMarker(body)).toEqual({
      ids: ['4501'],
      sig: 'abcdef0123456789',
      tier: 'high',
      applied: { category: 'Database', severity: 'High', classifier: 'llm' }
    })
    expect(lines[2]).toBe('## 🟠 High · Database')
    expect(lines.at(-1)).toBe(SECTION_END)
  })

  it('names the heuristic when it classified', () => {
    const heuristic = renderIssueBody({
      ...input,
      classification: classification({
        classifier: 'heuristic',
        model: null,
        fallbackReason: 'timeout'
      }),
      route: null
    })
    expect(heuristic).toContain('| Classified by | heuristic rules (LLM unavailable: timeout) |')
  })

  it('lists the other Sentry issues of the same signature', () => {
    const grouped = renderIssueBody({
      ...input,
      others: [
        sentryIssue({
          id: '4502',
          shortId: 'WEB-9',
          permalink: 'https://acme.sentry.io/issues/4502/',
          project: { id: '2', slug: 'web', name: null },
          count: 7,
          userCount: 2
        })
      ]
    })
    expect(grouped).toContain('### Same signature (2 Sentry issues)')
    expect(grouped).toContain(
      '- [WEB-9](https://acme.sentry.io/issues/4502/) · web · 7 events · 2 users'
    )
    expect(parseMarker(grouped)?.ids).toEqual(['4501', '4502'])
  })

  it('lists at most 20 issues of the signature, while the marker keeps every id', () => {
    const others = Array.from({ length: 30 }, (_, i) =>
      sentryIssue({ id: String(5000 + i), shortId: `WEB-${i}` })
    )
    const grouped = renderIssueBody({ ...input, others })
    expect(grouped).toContain('### Same signature (31 Sentry issues)')
    expect(grouped.split('\n').filter(line => line.startsWith('- ['))).toHaveLength(20)
    expect(grouped).toContain('- … and 11 more')
    expect(parseMarker(grouped)?.ids).toHaveLength(31)
  })

  it('shows a permalink too long to be real as plain text', () => {
    const long = renderIssueBody({
      ...input,
      issue: { ...input.issue, permalink: `https://acme.sentry.io/${'a'.repeat(5000)}` }
    })
    expect(long).toContain('| Issue | CHECKOUT-API-1A |')
  })

  it('falls back to the title in the exception block without an event', () => {
    const { blocks } = fencedBlocks(renderIssueBody({ ...input, event: null }))
    expect(blocks).toEqual(['OperationalError: deadlock detected'])
  })

  it('keeps every table row at two cells', () => {
    for (const row of tableRows(body)) expect(cellDelimiters(row)).toBe(3)
  })
})

describe('renderIssueBody: hostile Sentry issue and LLM answer', () => {
  const body = renderIssueBody(hostileInput())
  const { outside, blocks } = fencedBlocks(body)

  it('has balanced code fences, with the exception inside one block', () => {
    expect(blocks).toHaveLength(1)
    expect(blocks[0]).toContain('order #1234 failed')
  })

  it.each(RAW_OUTSIDE_CODE)('has no raw %p outside code blocks', raw => {
    expect(outside).not.toContain(raw)
  })

  it('has no live Markdown link or image from untrusted text', () => {
    expect(outside).not.toMatch(/(^|[^\\])\]\(javascript:/)
    expect(outside).not.toMatch(/(^|[^\\])!\[/)
    expect(outside).toContain('\\[click\\]')
  })

  it.each(SECRETS)('contains no redacted secret %p anywhere', secret => {
    expect(body).not.toContain(secret)
  })

  it('has no HTML tag or comment outside code blocks except the section lines, the marker and the footer', () => {
    const lines = outside.split('\n')
    expect(lines[0]).toBe(SECTION_BEGIN)
    expect(lines[1]).toMatch(
      /^<!-- sentry-triage:v1 \{"ids":\["4501","4502"\],"sig":"abcdef0123456789","tier":"high","applied":\{[^<>]*\}\} -->$/
    )
    expect(lines.at(-1)).toBe(SECTION_END)
    const tags =
      lines
        .slice(2, -1)
        .join('\n')
        .match(/<[!/a-z][^>]*>?/gi) ?? []
    // The impact block's two hidden lines are the action's own, like the section's.
    expect(
      tags.filter(tag => !/^<\/?sub>$/.test(tag) && tag !== IMPACT_BEGIN && tag !== IMPACT_END)
    ).toEqual([])
    expect(tags.filter(tag => tag === IMPACT_BEGIN || tag === IMPACT_END)).toHaveLength(2)
  })

  it('keeps the pipe count of every table row', () => {
    const rows = tableRows(outside)
    expect(rows.length).toBeGreaterThanOrEqual(12)
    for (const row of rows) expect(cellDelimiters(row)).toBe(3)
  })

  it('keeps the marker in its section and parseable', () => {
    expect(parseMarker(body)).toMatchObject({
      ids: ['4501', '4502'],
      sig: 'abcdef0123456789',
      tier: 'high'
    })
  })

  it('caps the root cause and the action', () => {
    const long = renderIssueBody({
      ...hostileInput(),
      classification: classification({
        rootCause: 'r'.repeat(50_000),
        suggestedAction: 's'.repeat(50_000)
      })
    })
    const rootLine = long.split('\n').find(line => line.startsWith('**Root cause:**'))!
    expect(rootLine.length).toBeLessThanOrEqual('**Root cause:** '.length + MAX_PROSE)
  })
})

describe('renderIssueBody: size', () => {
  it('stays under GitHub’s 65,536 characters with huge inputs, fences balanced and marker intact', () => {
    const input = hostileInput(400)
    const manyFrames = Array.from({ length: 2000 }, (_, i) =>
      stackFrame({ function: `f${i}`, line: '`'.repeat(i % 50) + 'x'.repeat(300) })
    )
    const body = renderIssueBody({
      ...input,
      others: Array.from({ length: 300 }, (_, i) =>
        sentryIssue({
          id: String(5000 + i),
          shortId: `WEB-${'&'.repeat(200)}`,
          permalink: `https://acme.sentry.io/issues/${'9'.repeat(5000)}/`,
          project: { id: '2', slug: '<'.repeat(300), name: null }
        })
      ),
      event: eventContext({
        exceptions: Array.from({ length: 200 }, () => ({
          type: 'E'.repeat(1000),
          value: '`'.repeat(2000)
        })),
        frames: manyFrames,
        release: '&'.repeat(5000)
      })
    })
    expect(body.length).toBeLessThan(65_536)
    const { outside } = fencedBlocks(body)
    for (const row of tableRows(outside)) expect(cellDelimiters(row)).toBe(3)
    expect(parseMarker(body)?.ids).toHaveLength(301)
    for (const secret of SECRETS) expect(body).not.toContain(secret)
  })

  it('stays under the limit when the exception is one giant backtick run', () => {
    const body = renderIssueBody({
      ...hostileInput(),
      event: eventContext({
        exceptions: [{ type: 'Error', value: '`'.repeat(100_000) }],
        frames: Array.from({ length: 300 }, () => stackFrame({ line: '`'.repeat(399) }))
      })
    })
    expect(body.length).toBeLessThan(65_536)
    expect(() => fencedBlocks(body)).not.toThrow()
  })
})

describe('renderSentryComment', () => {
  it('summarises the classification with the GitHub link, redacted and without mentions', () => {
    const text = renderSentryComment(
      classification({
        rootCause: 'Fails for bob@example.com, ask @alice',
        suggestedAction: 'Rotate AKIAIOSFODNN7EXAMPLE'
      }),
      'https://github.com/acme/shop/issues/9',
      redact
    )
    expect(text).toBe(
      [
        'sentry-triage: High · Database (LLM claude-sonnet-4.5)',
        `Root cause: Fails for [email], ask @${ZWJ}alice`,
        'Suggested action: Rotate [aws-key]',
        'GitHub: https://github.com/acme/shop/issues/9'
      ].join('\n')
    )
  })

  it('leaves out the link when there is none and names the heuristic', () => {
    const text = renderSentryComment(
      classification({ classifier: 'heuristic', model: null }),
      null,
      redact
    )
    expect(text.split('\n')).toHaveLength(3)
    expect(text).toContain('(heuristic)')
  })
})
