/**
 * What Sentry already knows, decided and rendered without a server: the listing's signal fields
 * read leniently, fixability (Seer's thresholds, the LLM's answer, the heuristic's default), the
 * fix-candidate decision and its globs, the inputs, the prompt's facts, and the body's block.
 */
import { describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { issueSchema } from '../src/sentry/issue.js'
import { fixabilityFromScore, withSeerFixability } from '../src/classify/fixability.js'
import { parseAnswer } from '../src/classify/parse.js'
import { classifyHeuristically } from '../src/classify/heuristic.js'
import { decideFixCandidate, globToRegExp, matchesGlob } from '../src/plan/fix-candidate.js'
import { ConfigError, DEFAULTS, readConfig } from '../src/config/config.js'
import { buildMessages, issueFacts } from '../src/classify/prompt.js'
import { renderSentrySignals } from '../src/render/sentry-signals.js'
import { renderCodeSection } from '../src/render/code-section.js'
import { parseMarker, renderMarker, rewriteSection, renderSection } from '../src/track/marker.js'
import { labelSpec } from '../src/track/labels.js'
import { personName } from '../src/sentry/signals-client.js'
import { classification, eventContext, sentryIssue } from './support/factories.js'
import type { CodeContext } from '../src/code/context.js'
import { buildReport, fixabilityLine } from '../eval/report.js'
import type { EvalItem } from '../eval/dataset.js'

const LISTED = {
  id: '4501',
  shortId: 'CHECKOUT-API-1A',
  title: 'TypeError: x is undefined',
  project: { id: '11', slug: 'checkout-api', name: 'Checkout API' },
  count: '3',
  userCount: 1
}
const read = (extra: Record<string, unknown>) => issueSchema.parse({ ...LISTED, ...extra })

describe('the listing’s signals', () => {
  it('reads priority, Seer’s score and last run, owners and links', () => {
    const issue = read({
      priority: 'high',
      seerFixabilityScore: 0.81,
      seerAutofixLastTriggered: '2026-12-06T21:02:18.160885Z',
      owners: [
        { type: 'ownershipRule', owner: 'team:51', date_added: '2026-12-01T10:00:00Z' },
        { type: 'suspectCommit', owner: 'user:7', date_added: '2026-12-01T10:00:00Z' }
      ],
      sentryAppIssues: [
        { displayName: 'acme/shop#12', webUrl: 'https://github.com/acme/shop/issues/12' }
      ],
      integrationIssues: [{ key: 'OPS-1', url: 'https://acme.atlassian.net/browse/OPS-1' }]
    })
    expect(issue.signals).toEqual({
      priority: 'high',
      seerFixabilityScore: 0.81,
      seerAutofixLastTriggered: '2026-12-06T21:02:18.160885Z',
      owners: [
        { kind: 'ownershipRule', actor: 'team', id: '51' },
        { kind: 'suspectCommit', actor: 'user', id: '7' }
      ],
      links: [
        { title: 'acme/shop#12', url: 'https://github.com/acme/shop/issues/12' },
        { title: 'OPS-1', url: 'https://acme.atlassian.net/browse/OPS-1' }
      ]
    })
  })

  it('takes owners as a list, as one object (the published schema, also its bare-id example) or null', () => {
    expect(read({ owners: { type: 'codeowners', owner: 'team:3' } }).signals?.owners).toEqual([
      { kind: 'codeowners', actor: 'team', id: '3' }
    ])
    expect(read({ owners: { type: 'user', owner: '1' } }).signals?.owners).toEqual([
      { kind: null, actor: 'user', id: '1' }
    ])
    expect(read({ owners: null }).signals?.owners).toEqual([])
  })

  it('drops a malformed optional field, never the issue; an older server sends none of them', () => {
    const odd = read({
      priority: 'urgent',
      seerFixabilityScore: 'very',
      seerAutofixLastTriggered: 42,
      owners: [{ type: 'ownershipRule', owner: 'team:<script>' }, 'team:1', 7],
      sentryAppIssues: [{ displayName: 'x', webUrl: 'javascript:alert(1)' }, null],
      integrationIssues: 'OPS-1'
    })
    expect(odd.shortId).toBe('CHECKOUT-API-1A')
    expect(odd.signals).toEqual({
      priority: null,
      seerFixabilityScore: null,
      seerAutofixLastTriggered: null,
      owners: [],
      links: []
    })
    expect(read({ seerFixabilityScore: 1.7 }).signals?.seerFixabilityScore).toBeNull()
    expect(read({}).signals).toEqual({
      priority: null,
      seerFixabilityScore: null,
      seerAutofixLastTriggered: null,
      owners: [],
      links: []
    })
  })

  it('never takes an e-mail address for a person’s name', () => {
    expect(personName('jane@acme.test', 'Jane Doe')).toBe('Jane Doe')
    expect(personName('sam@acme.test', 'sam@acme.test')).toBeNull()
  })
})

describe('fixability', () => {
  it('follows Sentry’s thresholds: ≥ 0.66 high, ≥ 0.40 medium, else low', () => {
    expect([0.9, 0.66, 0.659, 0.4, 0.399, 0].map(fixabilityFromScore)).toEqual([
      'high',
      'high',
      'medium',
      'medium',
      'low',
      'low'
    ])
    expect(fixabilityFromScore(null)).toBeNull()
    expect(fixabilityFromScore(Number.NaN)).toBeNull()
  })

  it('takes Seer’s score over the classifier’s answer, and keeps the answer without a score', () => {
    const llm = classification({ fixability: 'low', fixabilitySource: 'llm' })
    expect(withSeerFixability(llm, 0.7)).toMatchObject({
      fixability: 'high',
      fixabilitySource: 'seer'
    })
    expect(withSeerFixability(llm, null)).toBe(llm)
  })

  it('reads the LLM’s fixability and one-line reason; an unknown value is absent, never a failure', () => {
    const base = { category: 'Logic', severity: 'High', rootCause: 'a', suggestedAction: 'b' }
    const ok = parseAnswer(
      JSON.stringify({ ...base, fixability: 'High', fixabilityReason: 'A null check.\nMore prose' })
    )
    expect(ok).toEqual({
      ok: true,
      value: {
        ...base,
        fixability: 'high',
        fixabilitySource: 'llm',
        fixabilityReason: 'A null check.'
      }
    })
    const unknown = parseAnswer(JSON.stringify({ ...base, fixability: 'maybe' }))
    expect(unknown.ok && unknown.value).toEqual(base)
    const lines = parseAnswer(
      'Category: Logic\nSeverity: High\nRoot cause: a\nSuggested action: b\nFixability: medium\nFixability reason: guard it'
    )
    expect(lines.ok && [lines.value.fixability, lines.value.fixabilityReason]).toEqual([
      'medium',
      'guard it'
    ])
  })

  it('the heuristic says low', () => {
    expect(classifyHeuristically(sentryIssue(), eventContext())).toMatchObject({
      fixability: 'low',
      fixabilitySource: 'heuristic'
    })
  })
})

describe('fix-candidate', () => {
  const config = {
    fixCandidate: 'high' as const,
    fixCandidateExclude: ['**/auth/**', '**/billing/**', '**/migrations/**']
  }

  it('labels at or above the threshold, not below, never when off or unknown', () => {
    expect(decideFixCandidate({ fixability: 'high' }, 'src/cart.ts', config).label).toBe(true)
    expect(decideFixCandidate({ fixability: 'medium' }, 'src/cart.ts', config).label).toBe(false)
    expect(
      decideFixCandidate({ fixability: 'medium' }, 'src/cart.ts', {
        ...config,
        fixCandidate: 'medium'
      }).label
    ).toBe(true)
    expect(
      decideFixCandidate({ fixability: 'high' }, 'src/cart.ts', { ...config, fixCandidate: 'off' })
        .label
    ).toBe(false)
    expect(decideFixCandidate({}, 'src/cart.ts', config).label).toBe(false)
  })

  it('never labels a crash frame under an excluded path, and says which glob', () => {
    const d = decideFixCandidate({ fixability: 'high' }, 'app/auth/session.py', config)
    expect(d).toEqual({
      label: false,
      reason: 'the crash frame app/auth/session.py matches fix-candidate-exclude **/auth/**'
    })
    expect(decideFixCandidate({ fixability: 'high' }, 'auth/login.ts', config).label).toBe(false)
    expect(decideFixCandidate({ fixability: 'high' }, 'src/author.ts', config).label).toBe(true)
  })

  it('globs: ** spans directories (none included), * stays inside one, ? is one character', () => {
    expect(globToRegExp('**/db/**').test('checkout-api/src/db/orders.ts')).toBe(true)
    expect(globToRegExp('src/*.ts').test('src/a/b.ts')).toBe(false)
    expect(globToRegExp('src/*.ts').test('src/b.ts')).toBe(true)
    expect(globToRegExp('src/?.ts').test('src/ab.ts')).toBe(false)
    expect(globToRegExp('a.b').test('axb')).toBe(false)
    expect(matchesGlob('/billing/invoice.py', ['**/billing/**'])).toBe('**/billing/**')
  })

  it('the label is created with a colour and a description', () => {
    expect(labelSpec('fix-candidate')).toEqual({
      name: 'fix-candidate',
      color: '0e8a16',
      description: expect.stringMatching(/fixability/)
    })
  })

  it('the marker records that the action applied it, through a rewrite of the section', () => {
    const marker = { ids: ['4501'], sig: null, fixCandidate: true as const }
    expect(renderMarker(marker)).toContain('"fixCandidate":true')
    const body = renderSection(marker, 'text')
    const rewritten = rewriteSection(body, { ...parseMarker(body)!, tier: 'high' })
    expect(parseMarker(rewritten)).toMatchObject({ fixCandidate: true, tier: 'high' })
    expect(
      parseMarker(renderSection({ ids: ['4501'], sig: null }, 'x'))?.fixCandidate
    ).toBeUndefined()
  })
})

describe('the inputs', () => {
  const REQUIRED: Record<string, string> = {
    'sentry-token': 'sntryu_abc',
    'sentry-org': 'acme',
    classifier: 'heuristic',
    'github-token': 'ghs_abc',
    repository: 'acme/shop'
  }
  const config = (extra: Record<string, string> = {}) =>
    readConfig(name => ({ ...REQUIRED, ...extra })[name] ?? '', {})

  it('default to high and the auth, billing and migrations globs, as action.yml says', () => {
    const c = config()
    expect(c.fixCandidate).toBe('high')
    expect(c.fixCandidateExclude).toEqual(['**/auth/**', '**/billing/**', '**/migrations/**'])
    const yml = readFileSync(new URL('../action.yml', import.meta.url), 'utf8')
    expect(yml).toContain(`  fix-candidate:\n`)
    expect(yml).toContain(`default: '${DEFAULTS['fix-candidate-exclude']}'`)
  })

  it('refuse bad values with an error naming the input and the form', () => {
    expect(() => config({ 'fix-candidate': 'always' })).toThrow(ConfigError)
    expect(() => config({ 'fix-candidate': 'always' })).toThrow(
      /Input 'fix-candidate' must be high, medium, low or off \(got 'always'\)/
    )
    expect(() => config({ 'fix-candidate-exclude': 'src/my billing/**' })).toThrow(
      /Input 'fix-candidate-exclude' each entry must be a path glob/
    )
    expect(config({ 'fix-candidate': ' OFF ' }).fixCandidate).toBe('off')
  })
})

describe('the prompt', () => {
  it('carries Sentry’s priority, Seer’s score and a substatus that says something, compactly', () => {
    const issue = sentryIssue({
      substatus: 'regressed',
      signals: {
        priority: 'high',
        seerFixabilityScore: 0.7,
        seerAutofixLastTriggered: null,
        owners: [],
        links: []
      }
    })
    const facts = issueFacts(issue, eventContext(), s => s)
    expect(facts.sentry).toBe('priority high, Seer fixability 0.70, regressed')
    // The title repeats the raised exception: said once.
    expect(facts.title).toBeUndefined()
    expect(
      issueFacts(sentryIssue({ title: 'Checkout failed' }), eventContext(), s => s).title
    ).toBe('Checkout failed')
    expect(issueFacts(sentryIssue(), null, s => s).sentry).toBeUndefined()
  })

  it('asks for fixability and a one-line reason', () => {
    const [system] = buildMessages(sentryIssue(), null, s => s)
    expect(system!.content).toMatch(/"fixability": "high"\|"medium"\|"low", "fixabilityReason"/)
  })
})

describe('the body', () => {
  const redact = (s: string) => s
  const withOwners = sentryIssue({
    signals: {
      priority: 'high',
      seerFixabilityScore: null,
      seerAutofixLastTriggered: null,
      owners: [],
      links: [{ title: 'OPS-1 <b>', url: 'https://acme.atlassian.net/browse/OPS-1' }]
    }
  })

  it('names Sentry’s owners without a ping, and Seer’s root cause as Seer’s, as data', () => {
    const block = renderSentrySignals({
      issue: withOwners,
      classification: classification({
        fixability: 'high',
        fixabilitySource: 'llm',
        fixabilityReason: 'guard'
      }),
      signals: {
        seer: { text: 'Ask @octocat </details>', status: 'COMPLETED' },
        owners: [
          { kind: 'ownershipRule', actor: 'team', name: 'backend' },
          { kind: 'suspectCommit', actor: 'user', name: 'Jane @doe' },
          { kind: 'codeowners', actor: 'user', name: null }
        ]
      },
      code: null,
      fixCandidate: { label: true, reason: '' },
      redact
    })
    expect(block).toContain('**Fixability:** high (by the LLM: guard) · labelled `fix-candidate`')
    expect(block).toContain('**Sentry:** priority high · unhandled · new')
    expect(block).toContain(
      'team #backend (ownership rule), Jane @\u200Ddoe (suspect commit), a Sentry member (code owners)'
    )
    expect(block).toContain('[OPS-1 &lt;b&gt;](https://acme.atlassian.net/browse/OPS-1)')
    expect(block).toContain(
      "**Seer's root cause** _(Sentry's Seer, completed; not this action's)_: Ask @\u200Doctocat &lt;/details&gt;"
    )
    expect(block).not.toMatch(/@(?!\u200D)/)
  })

  it('shows Sentry’s suspect commit and says when GitHub’s blame disagrees', () => {
    const sha = (c: string) => c.repeat(40)
    const ctx: CodeContext = {
      commit: {
        sha: sha('1'),
        url: 'https://github.com/acme/shop/commit/1',
        source: 'sentry-release',
        branch: null
      },
      movedWarning: false,
      inAppFrames: true,
      frames: [],
      crash: null,
      owners: null,
      suspect: {
        sha: sha('2'),
        url: 'https://github.com/acme/shop/commit/2',
        login: 'alice',
        pr: null
      },
      sentrySuspect: {
        sha: sha('3'),
        url: 'https://github.com/acme/shop/commit/3',
        message: 'x',
        author: 'Jane Doe',
        pr: null,
        repository: null
      }
    }
    const text = renderCodeSection(ctx, { mentionOwners: false, redact })
    expect(text).toContain("**Suspect commit** (Sentry, from the release's commits): [`3333333`]")
    expect(text).toContain(
      "**Sentry and GitHub's blame disagree:** the last change to the crash line is [`2222222`]"
    )
    expect(text).not.toMatch(/@alice\b/)
    const same = renderCodeSection(
      { ...ctx, suspect: { ...ctx.suspect!, sha: sha('3') } },
      { mentionOwners: true, redact }
    )
    expect(same).toContain("GitHub's blame of the crash line names the same commit.")
  })
})

describe('npm run eval', () => {
  const item = (id: string, fixability?: 'high' | 'low') =>
    ({
      id,
      split: 'tune',
      round: 1,
      category: 'Logic',
      severity: 'High',
      ambiguous: false,
      reason: 'a test item',
      issue: sentryIssue(),
      event: null,
      ...(fixability ? { fixability } : {})
    }) as EvalItem
  const prediction = (i: EvalItem, fixability: 'high' | 'low') => ({
    item: i,
    category: 'Logic' as const,
    severity: 'High' as const,
    fixability,
    classifier: 'heuristic' as const
  })

  it('reports fixability agreement on the items labelled with one', () => {
    const report = buildReport('t', [
      prediction(item('a', 'high'), 'high'),
      prediction(item('b', 'high'), 'low'),
      prediction(item('c'), 'low')
    ])
    expect(fixabilityLine(report)).toBe('Fixability agreement: 50.0 % (1 of 2 labelled items)')
  })

  it('says "not labelled" rather than a figure when no item is', () => {
    const report = buildReport('t', [prediction(item('c'), 'low')])
    expect(fixabilityLine(report)).toMatch(/^Fixability: not labelled/)
  })
})
