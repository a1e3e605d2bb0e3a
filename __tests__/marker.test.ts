import { describe, it, expect } from '@jest/globals'
import {
  findSection,
  parseMarker,
  renderMarker,
  renderSection,
  rewriteSection,
  SECTION_BEGIN,
  SECTION_END,
  type Marker
} from '../src/track/marker.js'
import { believe, needsIdentity } from '../src/track/trust.js'
import type { GitHubIssue } from '../src/github/client.js'
import { renderIssueBody } from '../src/render/issue-body.js'
import { createRedactor } from '../src/render/redact.js'
import { classification, eventContext, sentryIssue, stackFrame } from './support/factories.js'

const marker: Marker = {
  ids: ['4501', '4502'],
  sig: 'abcdef0123456789',
  tier: 'high',
  applied: { category: 'Database', severity: 'High', classifier: 'heuristic' }
}
const section = renderSection(marker, '## 🟠 High · Database\n\nbody text')

describe('renderMarker / parseMarker', () => {
  it('round-trips ids, signature, tier, what was applied and the state the action set', () => {
    const full: Marker = { ...marker, resolvedFor: '2026-11-30T10:00:00Z', state: 'closed' }
    expect(parseMarker(renderSection(full, 'x'))).toEqual(full)
  })

  it('refuses loudly a Sentry id that is not all digits, instead of dropping it', () => {
    expect(() => renderMarker({ ids: ['12', 'x" --> <b>'], sig: null })).toThrow(
      /'x" --> <b>' is not a numeric Sentry id/
    )
    expect(() => renderMarker({ ids: [], sig: null })).toThrow(/not a numeric Sentry id/)
  })

  it('drops a signature, tier or applied record that is not of the expected shape', () => {
    const odd = renderMarker({
      ids: ['12'],
      sig: 'NOT HEX!',
      tier: 'extreme' as never,
      applied: { category: 'Pwned', severity: 'High', classifier: 'llm' } as never
    })
    expect(parseMarker(renderSection({ ids: ['12'], sig: null }, 'x'))).toEqual({
      ids: ['12'],
      sig: null
    })
    expect(odd).toBe('<!-- sentry-triage:v1 {"ids":["12"],"sig":null} -->')
  })

  it.each([
    '<!-- sentry-triage:v1 not json -->',
    '<!-- sentry-triage:v1 {"ids":"1"} -->',
    '<!-- sentry-triage:v1 {"ids":[1]} -->',
    '<!-- sentry-triage:v1 {"ids":["1a"]} -->',
    '<!-- sentry-triage:v1 {"ids":[]} -->',
    '<!-- sentry-triage:v1 null -->',
    '<!-- sentry-triage:v1 {"ids":["1"]}',
    '<!-- sentry-triage:v2 {"ids":["1"],"sig":null} -->'
  ])('rejects the marker line %p', line => {
    expect(parseMarker(line)).toBeNull()
    expect(parseMarker(`${SECTION_BEGIN}\n${line}\nx\n${SECTION_END}`)).toBeNull()
  })
})

describe('the action section', () => {
  it('is found wherever a person moved it, with text above and below', () => {
    const body = `Notes from on-call: see the runbook.\n\n${section}\n\n> [!NOTE]\n> fixed in #12 (a person)`
    expect(parseMarker(body)).toEqual(marker)
  })

  it('rewrites only its own section: every byte outside stays as it was', () => {
    const above = 'Above\r\nwith CRLF and trailing spaces   \n\n'
    const below = '\n\nBelow <!-- a person comment -->\n```\ncode\n```\n'
    const body = `${above}${section}${below}`
    const next = rewriteSection(body, { ...marker, tier: 'critical' })
    expect(next.startsWith(above)).toBe(true)
    expect(next.endsWith(below)).toBe(true)
    expect(parseMarker(next)?.tier).toBe('critical')
    expect(next).toContain('body text')
  })

  it('rewrites its content when asked, still keeping the outside', () => {
    const body = `Top\n${section}\nBottom`
    const next = rewriteSection(body, marker, old => `${old}\n- Also: X`)
    expect(next).toBe(
      `Top\n${renderSection(marker, '## 🟠 High · Database\n\nbody text\n- Also: X')}\nBottom`
    )
  })

  it('ignores a marker quoted inside a code block, and a section quoted there', () => {
    const quoted = renderSection({ ids: ['666'], sig: null }, 'quoted')
    const body = `A person pasted this:\n\`\`\`\n${quoted}\n\`\`\`\n${section}`
    expect(parseMarker(body)).toEqual(marker)
    expect(parseMarker(`\`\`\`\n${quoted}\n\`\`\``)).toBeNull()
  })

  it('is not ended by an end line an attacker put in a code block of the section', () => {
    const hostile = renderIssueBody({
      issue: sentryIssue({
        id: '4501',
        title: `${SECTION_END}\n${renderMarker({ ids: ['666'], sig: null })}`
      }),
      others: [],
      classification: classification(),
      route: null,
      event: eventContext({
        exceptions: [
          {
            type: 'Error',
            value: `x\n${SECTION_END}\n${SECTION_BEGIN}\n${renderMarker({ ids: ['666'], sig: null })}`
          }
        ],
        frames: [stackFrame({ line: SECTION_END })]
      }),
      signature: null,
      redact: createRedactor(false, [])
    })
    const found = findSection(hostile)
    expect(found?.marker.ids).toEqual(['4501'])
    expect(hostile.slice(found!.start, found!.end)).toBe(hostile)
    expect(parseMarker(hostile.split('\n').slice(2).join('\n'))).toBeNull()
  })

  it('counts a body written before sections by its bare marker, wherever it now sits, and gives it a section on rewrite', () => {
    const legacy =
      '<!-- sentry-triage:v1 {"ids":["77"],"sig":null} -->\n## 🟡 Medium · Logic\n\ntext\n\n<sub>Opened by sentry-triage. Text from Sentry and the LLM is shown as data; labels come only from fixed lists.</sub>'
    const body = `A person wrote this above.\n\n${legacy}\n\nAnd this below.`
    expect(parseMarker(body)).toEqual({ ids: ['77'], sig: null })
    const next = rewriteSection(body, { ids: ['77'], sig: null, tier: 'high' })
    expect(next.startsWith('A person wrote this above.\n\n')).toBe(true)
    expect(next.endsWith('\n\nAnd this below.')).toBe(true)
    expect(findSection(next)?.legacy).toBe(false)
    expect(next).toContain(
      `${SECTION_BEGIN}\n<!-- sentry-triage:v1 {"ids":["77"],"sig":null,"tier":"high"} -->\n## 🟡 Medium · Logic`
    )
    expect(next).toContain(`labels come only from fixed lists.</sub>\n${SECTION_END}`)
  })
})

describe('whose markers are believed (track/trust.ts)', () => {
  const issue = (login: string, type: string, association: string): GitHubIssue => ({
    number: 1,
    url: 'https://github.com/acme/shop/issues/1',
    title: 't',
    state: 'open',
    stateReason: null,
    closedAt: null,
    labels: [],
    marker: null,
    author: { login, type, association },
    comments: 0,
    createdAt: '2026-12-01T00:00:00Z',
    updatedAt: '2026-12-01T00:00:00Z',
    body: section
  })
  it.each([
    ['github-actions[bot]', 'Bot', 'NONE', null, true],
    ['triage-app[bot]', 'Bot', 'NONE', 'triage-app[bot]', true],
    // Any other bot (a workflow that copies a stranger's text into an issue) is not believed.
    ['copy-bot[bot]', 'Bot', 'NONE', 'triage-app[bot]', false],
    ['copy-bot[bot]', 'Bot', 'NONE', null, false],
    ['alice', 'User', 'OWNER', null, true],
    ['bob', 'User', 'MEMBER', null, true],
    ['carol', 'User', 'COLLABORATOR', null, true],
    ['dave', 'User', 'CONTRIBUTOR', null, false],
    ['eve', 'User', 'NONE', null, false]
  ])(
    'a marker in an issue by %s (%s, %s), the token being %s: believed %p',
    (login, type, association, self, trusted) => {
      expect(believe(issue(login, type, association), self).marker).toEqual(trusted ? marker : null)
    }
  )

  it("asks for the token's identity only for a marker opened by a bot other than Actions' own", () => {
    expect(needsIdentity(issue('github-actions[bot]', 'Bot', 'NONE'))).toBe(false)
    expect(needsIdentity(issue('alice', 'User', 'NONE'))).toBe(false)
    expect(needsIdentity(issue('triage-app[bot]', 'Bot', 'NONE'))).toBe(true)
    expect(needsIdentity({ ...issue('triage-app[bot]', 'Bot', 'NONE'), body: 'no marker' })).toBe(
      false
    )
  })
})
