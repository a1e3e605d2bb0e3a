/**
 * The follow-up pass end to end, over real HTTP against the fakes: closing what Sentry resolved or
 * archived, regressions (reopen / new / ignore, also far outside every listing), resolve-in-sentry,
 * the upgrade after an LLM outage, trusted markers, dry-run and the request counts. Each state change
 * writes once; a re-run writes nothing. Escalation and people's changes: people.test.ts; sentry-link
 * and create-issues false: sentry-link.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction, type World } from './fakes/world.js'
import { makeIssues, seedScenario, type ScenarioSeed } from './fakes/seed.js'
import { trackedIssueSeeds } from './fakes/seed-tracked.js'
import {
  commentsOn,
  expectQuietRerun,
  ids,
  issueFor,
  labelsOf,
  later,
  mark,
  markerOf,
  oldIssueWorld,
  sentryWrites,
  writes,
  worldPerTest
} from './support/followup.js'

const start = worldPerTest()

describe('close-resolved', () => {
  const inputs = { 'close-resolved': 'true' }

  it('closes as completed when resolved, as not planned when archived, one comment each, and a re-run writes nothing', async () => {
    const w = await start()
    const { deadlock, stripe, dns } = ids(w)
    expect((await runAction(w, inputs)).failed).toBeNull()
    const resolved = issueFor(w, deadlock).number
    const archived = issueFor(w, stripe).number
    const untouched = issueFor(w, dns).number
    w.sentry.resolve(deadlock)
    w.sentry.archive(stripe)

    const since = mark(w)
    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(run.outputs.closed).toBe('2')
    expect(run.summary).toContain('| Closed | 2 |')
    expect(w.github.issue(resolved)).toMatchObject({ state: 'closed', state_reason: 'completed' })
    expect(w.github.issue(archived)).toMatchObject({ state: 'closed', state_reason: 'not_planned' })
    expect(w.github.issue(untouched)!.state).toBe('open')
    const deadlockIssue = w.sentry.issues.find(i => i.id === deadlock)!
    expect(commentsOn(w, resolved)).toHaveLength(1)
    expect(commentsOn(w, resolved)[0]!.body).toContain(deadlockIssue.permalink)
    expect(commentsOn(w, archived)).toHaveLength(1)
    expect(commentsOn(w, archived)[0]!.body).toMatch(/not planned/)
    const rows = run.report!.results.filter(r => r.sentryId === deadlock || r.sentryId === stripe)
    expect(rows.map(r => r.action)).toEqual(['closed', 'closed'])
    // The marker records the action's own close, in the close request itself.
    expect(markerOf(w.github.issue(resolved))!.state).toBe('closed')
    expect(since.sentry()).toEqual([])

    await expectQuietRerun(w, inputs)
  })

  it('closes an issue shared by several Sentry issues only when all of them are resolved, with one comment naming them', async () => {
    const w = await start()
    const { similarA, similarB } = ids(w)
    await runAction(w, inputs)
    const n = issueFor(w, similarA).number
    expect(issueFor(w, similarB).number).toBe(n)
    w.sentry.resolve(similarA)
    const since = mark(w)
    const half = await runAction(w, inputs)
    expect(half.failed).toBeNull()
    expect(w.github.issue(n)!.state).toBe('open')
    expect(since.github()).toEqual([])

    w.sentry.resolve(similarB)
    const run = await runAction(w, inputs)
    expect(w.github.issue(n)).toMatchObject({ state: 'closed', state_reason: 'completed' })
    expect(run.outputs.closed).toBe('1')
    expect(commentsOn(w, n)).toHaveLength(1)
    for (const id of [similarA, similarB])
      expect(commentsOn(w, n)[0]!.body).toContain(w.sentry.issues.find(i => i.id === id)!.permalink)
    await expectQuietRerun(w, inputs)
  })

  it('is off by default: a resolved Sentry issue leaves its GitHub issue open and nothing is written', async () => {
    const w = await start()
    const { deadlock } = ids(w)
    await runAction(w)
    const n = issueFor(w, deadlock).number
    w.sentry.resolve(deadlock)
    const since = mark(w)
    const run = await runAction(w)
    expect(run.outputs.closed).toBe('0')
    expect(w.github.issue(n)!.state).toBe('open')
    expect(since.github()).toEqual([])
  })
})

describe('regressions', () => {
  const inputs = { 'close-resolved': 'true' }

  /** First run, Sentry resolves, second run closes; returns the closed issue's number. */
  async function closedByAction(w: World, sentryId: string, extra: Record<string, string> = {}) {
    await runAction(w, { ...inputs, ...extra })
    w.sentry.resolve(sentryId)
    await runAction(w, { ...inputs, ...extra })
    const n = issueFor(w, sentryId).number
    expect(w.github.issue(n)!.state).toBe('closed')
    return n
  }

  it('on-regression reopen: reopened with one comment, output reopened, a re-run writes nothing', async () => {
    const w = await start()
    const { oom } = ids(w)
    const n = await closedByAction(w, oom)
    const before = commentsOn(w, n).length
    const severity = labelsOf(w, n).find(l => l.startsWith('severity:'))
    w.sentry.regress(oom, { events: 1, release: 'payments-worker@2.3.9', at: later() })

    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(w.github.issue(n)).toMatchObject({ state: 'open', state_reason: 'reopened' })
    expect(labelsOf(w, n).find(l => l.startsWith('severity:'))).toBe(severity)
    // Its GitHub issue was in the listing (closed within since): no search needed.
    expect(w.github.requests.filter(r => r.path.endsWith('/search/issues'))).toEqual([])
    expect(commentsOn(w, n)).toHaveLength(before + 1)
    expect(commentsOn(w, n).at(-1)!.body).toMatch(/regressed/i)
    // What Sentry saw since: its events and the release it came back in.
    expect(commentsOn(w, n).at(-1)!.body).toMatch(
      /events in all.*latest release payments-worker@‍?2\.3\.9/
    )
    expect(run.outputs.reopened).toBe('1')
    expect(run.report!.results.find(r => r.sentryId === oom)!.action).toBe('reopened')
    expect(markerOf(w.github.issue(n))!.state).toBe('open')

    await expectQuietRerun(w, inputs)
  })

  it('on-regression reopen with a burst that climbs a tier: reopened and escalated in the same run, one comment, then quiet', async () => {
    const w = await start()
    const { oom } = ids(w)
    const n = await closedByAction(w, oom)
    expect(markerOf(w.github.issue(n))!.tier).toBe('medium')
    const before = commentsOn(w, n).length
    w.sentry.regress(oom, { events: 40, at: later() })

    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(w.github.issue(n)).toMatchObject({ state: 'open', state_reason: 'reopened' })
    expect(markerOf(w.github.issue(n))).toMatchObject({ state: 'open', tier: 'high' })
    expect(commentsOn(w, n)).toHaveLength(before + 1)
    const row = run.report!.results.find(r => r.sentryId === oom)!
    expect(row.action).toBe('reopened')
    expect(row.reason).toMatch(/escalated from the medium to the high tier/)

    await expectQuietRerun(w, inputs)
  })

  it('on-regression new: a new issue says "Regression of #N", the old one points at it, and the new one is the linked one from then on', async () => {
    const w = await start()
    const { oom } = ids(w)
    const extra = { 'on-regression': 'new' }
    const old = await closedByAction(w, oom, extra)
    const oldTitle = w.github.issue(old)!.title
    const before = commentsOn(w, old).length
    w.sentry.regress(oom, { at: later() })

    const run = await runAction(w, { ...inputs, ...extra })
    expect(run.failed).toBeNull()
    const fresh = issueFor(w, oom)
    expect(fresh.number).not.toBe(old)
    expect(fresh.state).toBe('open')
    expect(fresh.title).toBe(oldTitle)
    expect(fresh.body).toContain(`Regression of #${old}`)
    expect(markerOf(fresh)!.ids).toEqual([oom])
    expect(w.github.issue(old)!.state).toBe('closed')
    expect(commentsOn(w, old)).toHaveLength(before + 1)
    expect(commentsOn(w, old).at(-1)!.body).toContain(fresh.html_url)

    await expectQuietRerun(w, { ...inputs, ...extra })
    expect(issueFor(w, oom).number).toBe(fresh.number)
  })

  it('on-regression ignore: the closed issue stays closed and nothing is written', async () => {
    const w = await start()
    const { oom } = ids(w)
    const n = await closedByAction(w, oom)
    w.sentry.regress(oom, { at: later() })
    const since = mark(w)
    const run = await runAction(w, { ...inputs, 'on-regression': 'ignore' })
    expect(run.failed).toBeNull()
    expect(w.github.issue(n)!.state).toBe('closed')
    expect(since.github()).toEqual([])
  })

  it('works with close-resolved off when a person closed the issue as completed; a not_planned close stays closed', async () => {
    const w = await start()
    const { oom, dns } = ids(w)
    await runAction(w)
    const completed = issueFor(w, oom).number
    const notPlanned = issueFor(w, dns).number
    w.github.editAsPerson(completed, { close: 'completed' })
    w.github.editAsPerson(notPlanned, { close: 'not_planned' })
    w.sentry.regress(oom, { at: later() })
    w.sentry.regress(dns, { at: later() })

    const run = await runAction(w)
    expect(run.failed).toBeNull()
    expect(w.github.issue(completed)).toMatchObject({ state: 'open', state_reason: 'reopened' })
    expect(w.github.issue(notPlanned)).toMatchObject({
      state: 'closed',
      state_reason: 'not_planned'
    })
    expect(run.outputs.reopened).toBe('1')
    await expectQuietRerun(w, {})
  })

  it('finds a regression whose GitHub issue was closed weeks ago, outside every listing, by one search for its marker', async () => {
    const weeksAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    const now = new Date()
    const seed = seedScenario({ now })
    const oldId = seed.ids.old
    const body = [
      'Found by a person above the section.',
      '<!-- sentry-triage:begin -->',
      `<!-- sentry-triage:v1 {"ids":["${oldId}"],"sig":null,"tier":"routine","state":"closed"} -->`,
      '## An old crash',
      '<!-- sentry-triage:end -->'
    ].join('\n')
    const w = await start({
      now,
      seed,
      github: {
        issues: [
          {
            number: 50,
            title: 'Old crash',
            body,
            state: 'closed',
            state_reason: 'completed',
            created_at: weeksAgo,
            updated_at: weeksAgo,
            closed_at: weeksAgo
          }
        ]
      }
    })
    w.sentry.regress(oldId, { events: 5, at: later() })

    const run = await runAction(w)
    expect(run.failed).toBeNull()
    const searches = w.github.requests.filter(r => r.path.endsWith('/search/issues'))
    expect(searches).toHaveLength(1)
    expect(searches[0]!.query.get('q')).toContain(oldId)
    const regressedListing = w.sentry.requests.filter(r =>
      (r.query.get('query') ?? '').includes('is:regressed')
    )
    expect(regressedListing).toHaveLength(1)
    expect(w.github.issue(50)).toMatchObject({ state: 'open', state_reason: 'reopened' })
    expect(w.github.issue(50)!.body!.startsWith('Found by a person above the section.\n')).toBe(
      true
    )
    expect(run.report!.results.find(r => r.sentryId === oldId)!.action).toBe('reopened')
  })
})

describe('a regression far outside the listing, reached by its Sentry link', () => {
  it('reads the issue the external-issue link names, no search, and reopens it', async () => {
    const w = await start()
    const { oom } = ids(w)
    await runAction(w, { 'sentry-link': 'true' })
    const n = issueFor(w, oom).number
    expect(w.sentry.externalIssues.some(e => e.issueId === oom)).toBe(true)
    w.github.editAsPerson(n, { close: 'completed' })
    // Closed weeks ago: outside the closed listing's `since`.
    const weeksAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
    Object.assign(w.github.issue(n)!, { updated_at: weeksAgo, closed_at: weeksAgo })
    w.sentry.regress(oom, { at: later() })

    const since = mark(w)
    const run = await runAction(w, { 'sentry-link': 'true' })
    expect(run.failed).toBeNull()
    expect(w.github.requests.filter(r => r.path.endsWith('/search/issues'))).toEqual([])
    expect(
      w.github.requests.filter(r => r.method === 'GET' && r.path === `/repos/acme/shop/issues/${n}`)
    ).toHaveLength(1)
    expect(w.github.issue(n)).toMatchObject({ state: 'open', state_reason: 'reopened' })
    expect(run.report!.results.find(r => r.sentryId === oom)!.action).toBe('reopened')
    expect(since.sentry()).toEqual([])
  })
})

describe('resolve-in-sentry', () => {
  const inputs = { 'resolve-in-sentry': 'true' }

  it('resolves the Sentry issue once when a person closes as completed, with a comment; not_planned and re-runs send no PUT', async () => {
    const w = await start()
    const { deadlock, dns, keyError } = ids(w)
    await runAction(w, inputs)
    const done = issueFor(w, deadlock).number
    const dropped = issueFor(w, dns).number
    const byCommit = issueFor(w, keyError).number
    w.github.editAsPerson(done, { close: 'completed' })
    w.github.editAsPerson(dropped, { close: 'not_planned' })
    // A merged pull request's "Fixes #n" closes as completed too.
    w.github.editAsPerson(byCommit, { closedByCommit: 'a'.repeat(40) })

    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(
      w.sentry.issueUpdates
        .map(u => [u.issueId, u.body])
        .sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    ).toEqual(
      [
        // In the next release: events from the release already deployed do not regress it.
        [deadlock, { status: 'resolvedInNextRelease' }],
        [keyError, { status: 'resolvedInNextRelease' }]
      ].sort((a, b) => String(a[0]).localeCompare(String(b[0])))
    )
    expect(run.summary).toContain('| Resolved in Sentry | 2 |')
    expect(w.sentry.issues.find(i => i.id === deadlock)!.status).toBe('resolved')
    expect(commentsOn(w, done)).toHaveLength(1)
    expect(commentsOn(w, done)[0]!.body).toContain(
      w.sentry.issues.find(i => i.id === deadlock)!.permalink
    )
    expect(commentsOn(w, dropped)).toHaveLength(0)
    expect(run.report!.results.find(r => r.sentryId === deadlock)!.sentry).toBe('resolved')

    await expectQuietRerun(w, inputs)
    expect(w.sentry.issueUpdates).toHaveLength(2)
    // Unresolved again in Sentry by hand while the GitHub issue stays closed: that close was acted on once.
    w.sentry.setStatus(deadlock, 'unresolved', 'ongoing')
    await expectQuietRerun(w, inputs)
    expect(w.sentry.issueUpdates).toHaveLength(2)
  })

  it('never resolves in Sentry after a close the action made itself', async () => {
    const w = await start()
    const { deadlock } = ids(w)
    const both = { ...inputs, 'close-resolved': 'true' }
    await runAction(w, both)
    w.sentry.resolve(deadlock)
    await runAction(w, both)
    expect(issueFor(w, deadlock).state).toBe('closed')
    // Someone unresolves it in Sentry by hand (no regression): the action's own close is no reason.
    w.sentry.setStatus(deadlock, 'unresolved', 'ongoing')
    const run = await runAction(w, both)
    expect(run.failed).toBeNull()
    expect(w.sentry.issueUpdates).toEqual([])
  })
})
describe('upgrade after an LLM outage', () => {
  it('replaces the heuristic labels by the LLM answer, leaves a label a person changed, and a re-run asks nothing', async () => {
    const w = await start()
    const { deadlock, dns, keyError } = ids(w)
    w.llm.quotaExceeded(1)
    const down = await runAction(w, { 'max-concurrency': '1' })
    expect(down.report!.breakerReason).not.toBeNull()
    expect(down.report!.results.every(r => r.classifier === 'heuristic')).toBe(true)
    for (const id of [deadlock, dns, keyError])
      expect(markerOf(issueFor(w, id))!.applied!.classifier).toBe('heuristic')

    // A person corrects the category of the dns issue before the LLM is back.
    const dnsIssue = issueFor(w, dns).number
    const personCategory = 'category:logic'
    const dnsBefore = labelsOf(w, dnsIssue)
    const heuristicCategory = dnsBefore.find(l => l.startsWith('category:'))!
    const heuristicApplied = markerOf(issueFor(w, dns))!.applied!
    expect(heuristicCategory).not.toBe(personCategory)
    w.github.editAsPerson(dnsIssue, {
      removeLabels: [heuristicCategory],
      addLabels: [personCategory]
    })

    // Another person removes the severity of the keyError issue: it stays removed.
    const keyIssue = issueFor(w, keyError).number
    const keySeverity = labelsOf(w, keyIssue).find(l => l.startsWith('severity:'))!
    w.github.editAsPerson(keyIssue, { removeLabels: [keySeverity] })

    const up = await runAction(w)
    expect(up.failed).toBeNull()
    expect(labelsOf(w, keyIssue).filter(l => l.startsWith('severity:'))).toEqual([])
    expect(up.report!.results.find(r => r.sentryId === keyError)).toMatchObject({
      action: 'upgraded',
      kept: true
    })
    const expected = (w.seed as ScenarioSeed).expected
    const deadlockIssue = issueFor(w, deadlock)
    const want = expected[deadlock]!
    expect(labelsOf(w, deadlockIssue.number)).toEqual(
      expect.arrayContaining([
        `category:${want.category.toLowerCase().replace(' ', '-')}`,
        `severity:${want.severity.toLowerCase()}`
      ])
    )
    expect(
      labelsOf(w, deadlockIssue.number).filter(l => /^(category|severity):/.test(l))
    ).toHaveLength(2)
    expect(markerOf(deadlockIssue)!.applied).toEqual({
      category: want.category,
      severity: want.severity,
      classifier: 'llm'
    })
    expect(up.report!.results.find(r => r.sentryId === deadlock)!.action).toBe('upgraded')
    expect(up.report!.upgraded).toBeGreaterThan(0)
    // The person's category stands; the marker says the LLM classified it.
    expect(labelsOf(w, dnsIssue)).toContain(personCategory)
    expect(labelsOf(w, dnsIssue).filter(l => l.startsWith('category:'))).toEqual([personCategory])
    // What the action applied: the LLM's severity, and still the heuristic's category (the person's stands).
    expect(markerOf(w.github.issue(dnsIssue))!.applied).toMatchObject({
      classifier: 'llm',
      category: heuristicApplied.category
    })

    await expectQuietRerun(w, {})
  })
})

describe('dry-run', () => {
  it('reports would-escalate for an old issue that climbed and writes nothing', async () => {
    const w = await start(oldIssueWorld())
    const { old } = ids(w)
    await runAction(w)
    w.sentry.addEvents(old, { events: 200, users: 1000 })
    const since = mark(w)
    const run = await runAction(w, { 'dry-run': 'true' })
    expect(run.failed).toBeNull()
    expect(run.report!.results.find(r => r.sentryId === old)!.action).toBe('would-escalate')
    expect(since.github()).toEqual([])
    expect(since.sentry()).toEqual([])
    expect(markerOf(w.github.issue(60))!.tier).toBe('high')
    expect(run.summary).toContain('| Would escalate | 1 |')
  })

  it('reports would-close and would-reopen and writes nothing on either side', async () => {
    const w = await start()
    const { deadlock, oom } = ids(w)
    await runAction(w)
    const toClose = issueFor(w, deadlock).number
    const toReopen = issueFor(w, oom).number
    w.github.editAsPerson(toReopen, { close: 'completed' })
    w.sentry.resolve(deadlock)
    w.sentry.regress(oom, { at: later() })

    const since = mark(w)
    const run = await runAction(w, {
      'dry-run': 'true',
      'close-resolved': 'true',
      'resolve-in-sentry': 'true'
    })
    expect(run.failed).toBeNull()
    expect(since.github()).toEqual([])
    expect(since.sentry()).toEqual([])
    const action = (id: string) => run.report!.results.find(r => r.sentryId === id)!.action
    expect(action(deadlock)).toBe('would-close')
    expect(action(oom)).toBe('would-reopen')
    expect(w.github.issue(toClose)!.state).toBe('open')
    expect(w.github.issue(toReopen)!.state).toBe('closed')
    expect(run.outputs.closed).toBe('0')
    expect(run.info.join('\n')).toMatch(/\[dry-run\] Would close/)
    expect(run.summary).toContain('| Would close | 1 |')
    expect(run.summary).toContain('| Would reopen | 1 |')
  })
})

describe('whose markers count', () => {
  it('never closes an issue a stranger opened with a copied marker', async () => {
    const now = new Date()
    const seed = seedScenario({ now })
    const body = [
      '<!-- sentry-triage:begin -->',
      `<!-- sentry-triage:v1 {"ids":["${seed.ids.old}"],"sig":null} -->`,
      'Claimed by a stranger.',
      '<!-- sentry-triage:end -->'
    ].join('\n')
    const w = await start({
      now,
      seed,
      github: {
        issues: [{ number: 70, title: 'x', body, user: 'stranger', author_association: 'NONE' }]
      }
    })
    w.sentry.resolve(seed.ids.old)
    const run = await runAction(w, { 'close-resolved': 'true' })
    expect(run.failed).toBeNull()
    expect(w.github.issue(70)!.state).toBe('open')
    expect(writes(w).filter(r => /\/issues\/70(\/|$)/.test(r.path))).toEqual([])
    expect(run.outputs.closed).toBe('0')
  })
})

describe('cost of the follow-up', () => {
  it('reads M = 250 linked issues in ⌈M/100⌉ Sentry batches plus one regressed listing, and ⌈M/100⌉ GitHub pages', async () => {
    const now = new Date()
    const seed = makeIssues(250, now)
    const w = await start({
      now,
      seed,
      github: {
        issues: trackedIssueSeeds(seed, {
          firstNumber: 100,
          createdAt: new Date(now.getTime() - 3_600_000).toISOString()
        })
      }
    })
    const run = await runAction(w, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    expect(run.report!.results).toHaveLength(250)
    const batches = w.sentry.requests.filter(r => r.query.getAll('group').length > 0)
    expect(batches.map(r => r.query.getAll('group').length)).toEqual([100, 100, 50])
    const regressed = w.sentry.requests.filter(r =>
      (r.query.get('query') ?? '').includes('is:regressed')
    )
    expect(regressed).toHaveLength(1)
    const listings = w.github.requests.filter(
      r => r.method === 'GET' && /\/issues$/.test(r.path) && !/search/.test(r.path)
    )
    expect(listings.filter(r => r.query.get('state') === 'open')).toHaveLength(3)
    expect(listings.filter(r => r.query.get('state') === 'closed')).toHaveLength(1)
    expect(writes(w)).toEqual([])
    expect(sentryWrites(w)).toEqual([])
  })
})
