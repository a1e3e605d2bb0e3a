/**
 * The follow-up pass end to end, over real HTTP against the fakes: closing what Sentry resolved or
 * archived, regressions (reopen / new / ignore, also far outside every listing), escalation outside
 * the intake window, the upgrade after an LLM outage, resolve-in-sentry, sentry-link, create-issues
 * false, the request counts, dry-run. Each state change writes once; a re-run writes nothing.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { startWorld, runAction, type World, type WorldOptions } from './fakes/world.js'
import type { ScenarioSeed } from './fakes/seed.js'
import type { GitHubIssue } from './fakes/github.js'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

async function start(options: WorldOptions = {}): Promise<World> {
  world = await startWorld(options)
  return world
}

const ids = (w: World) => (w.seed as ScenarioSeed).ids
const writes = (w: World) => w.github.requests.filter(r => r.method !== 'GET')
const sentryWrites = (w: World) => w.sentry.requests.filter(r => r.method !== 'GET')
const isChat = (r: { method: string; path: string }) =>
  r.method === 'POST' && /\/chat\/completions$/.test(r.path)

interface MarkerValue {
  ids: string[]
  sig: string | null
  tier?: string
  applied?: { category: string; severity: string; classifier: string }
  resolvedFor?: string
  state?: string
}

function markerOf(issue: GitHubIssue | undefined): MarkerValue | null {
  const match = /^<!-- sentry-triage:v1 (\{.*?\}) -->$/m.exec(issue?.body ?? '')
  return match ? (JSON.parse(match[1]!) as MarkerValue) : null
}

/** The GitHub issue (open first, then newest) whose marker lists a Sentry id. */
function issueFor(w: World, sentryId: string): GitHubIssue {
  const found = w.github.issues
    .filter(i => markerOf(i)?.ids.includes(sentryId))
    .sort(
      (a, b) => Number(a.state === 'closed') - Number(b.state === 'closed') || b.number - a.number
    )
  if (!found[0]) throw new Error(`no GitHub issue for Sentry issue ${sentryId}`)
  return found[0]
}

const commentsOn = (w: World, n: number) => w.github.comments.filter(c => c.issue_number === n)
const labelsOf = (w: World, n: number) =>
  w.github
    .issue(n)!
    .labels.map(l => l.name)
    .sort()

/** A second run's writes on both sides, counted from here. */
function mark(w: World) {
  const gh = writes(w).length
  const se = sentryWrites(w).length
  const llm = w.llm.requests.filter(isChat).length
  return {
    github: () => writes(w).slice(gh),
    sentry: () => sentryWrites(w).slice(se),
    llm: () => w.llm.requests.filter(isChat).length - llm
  }
}

/** A moment GitHub's clock (real time) has certainly passed: regressions after a close today. */
const later = (s = 2) => new Date(Date.now() + s * 1000)

/** Re-runs and asserts nothing was written on either side and no LLM request was made. */
async function expectQuietRerun(w: World, inputs: Record<string, string>): Promise<void> {
  const since = mark(w)
  const again = await runAction(w, inputs)
  expect(again.failed).toBeNull()
  expect(since.github()).toEqual([])
  expect(since.sentry()).toEqual([])
  expect(since.llm()).toBe(0)
}

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
    w.sentry.regress(oom, { events: 1, at: later() })

    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(w.github.issue(n)).toMatchObject({ state: 'open', state_reason: 'reopened' })
    expect(commentsOn(w, n)).toHaveLength(before + 1)
    expect(commentsOn(w, n).at(-1)!.body).toMatch(/regressed/i)
    expect(run.outputs.reopened).toBe('1')
    expect(run.report!.results.find(r => r.sentryId === oom)!.action).toBe('reopened')
    expect(markerOf(w.github.issue(n))!.state).toBe('open')

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
    const probe = await startWorld({ now })
    const oldId = (probe.seed as ScenarioSeed).ids.old
    await probe.close()
    const body = [
      'Found by a person above the section.',
      '<!-- sentry-triage:begin -->',
      `<!-- sentry-triage:v1 {"ids":["${oldId}"],"sig":null,"tier":"routine","state":"closed"} -->`,
      '## An old crash',
      '<!-- sentry-triage:end -->'
    ].join('\n')
    const w = await start({
      now,
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

describe('resolve-in-sentry', () => {
  const inputs = { 'resolve-in-sentry': 'true' }

  it('resolves the Sentry issue once when a person closes as completed, with a comment; not_planned and re-runs send no PUT', async () => {
    const w = await start()
    const { deadlock, dns } = ids(w)
    await runAction(w, inputs)
    const done = issueFor(w, deadlock).number
    const dropped = issueFor(w, dns).number
    w.github.editAsPerson(done, { close: 'completed' })
    w.github.editAsPerson(dropped, { close: 'not_planned' })

    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(w.sentry.issueUpdates.map(u => [u.issueId, u.body])).toEqual([
      [deadlock, { status: 'resolved' }]
    ])
    expect(w.sentry.issues.find(i => i.id === deadlock)!.status).toBe('resolved')
    expect(commentsOn(w, done)).toHaveLength(1)
    expect(commentsOn(w, done)[0]!.body).toContain(
      w.sentry.issues.find(i => i.id === deadlock)!.permalink
    )
    expect(commentsOn(w, dropped)).toHaveLength(0)
    expect(run.report!.results.find(r => r.sentryId === deadlock)!.sentry).toBe('resolved')

    await expectQuietRerun(w, inputs)
    expect(w.sentry.issueUpdates).toHaveLength(1)
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

/** A GitHub issue the bot opened days ago for the seed's `old` Sentry issue (first seen 9 days back). */
function oldIssueSeed(oldId: string, extra: { above?: string; below?: string } = {}) {
  const daysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const section = [
    '<!-- sentry-triage:begin -->',
    `<!-- sentry-triage:v1 {"ids":["${oldId}"],"sig":null,"tier":"high","applied":{"category":"Network","severity":"High","classifier":"llm"},"state":"open"} -->`,
    '## 🟠 High · Network',
    '',
    'Failed to fetch in src/api/client.',
    '<!-- sentry-triage:end -->'
  ].join('\n')
  return {
    number: 60,
    title: 'TypeError: Failed to fetch',
    body: `${extra.above ?? ''}${section}${extra.below ?? ''}`,
    labels: ['sentry', 'category:network', 'severity:high'],
    created_at: daysAgo,
    updated_at: daysAgo
  }
}

async function oldIssueWorld(extra: { above?: string; below?: string } = {}): Promise<World> {
  const now = new Date()
  const probe = await startWorld({ now })
  const oldId = (probe.seed as ScenarioSeed).ids.old
  await probe.close()
  return start({ now, github: { issues: [oldIssueSeed(oldId, extra)] } })
}

describe('escalation outside the intake window', () => {
  it('raises the severity, assigns critical-assignees and records the tier when an old issue climbs; a re-run writes nothing', async () => {
    const w = await oldIssueWorld()
    const { old } = ids(w)
    const inputs = { 'critical-assignees': 'octocat' }
    await runAction(w, inputs)
    expect(labelsOf(w, 60)).toEqual(['category:network', 'sentry', 'severity:high'])

    w.sentry.addEvents(old, { events: 200, users: 1000 })
    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(run.report!.escalated).toBe(1)
    const row = run.report!.results.find(r => r.sentryId === old)!
    expect(row.action).toBe('escalated')
    expect(labelsOf(w, 60)).toEqual(['category:network', 'sentry', 'severity:critical'])
    expect(w.github.issue(60)!.assignees.map(a => a.login)).toEqual(['octocat'])
    const marker = markerOf(w.github.issue(60))!
    expect(marker.tier).toBe('critical')
    expect(marker.applied).toEqual({ category: 'Network', severity: 'Critical', classifier: 'llm' })

    await expectQuietRerun(w, inputs)
  })

  it('never changes a severity a person set, but still records the new tier', async () => {
    const w = await oldIssueWorld()
    const { old } = ids(w)
    await runAction(w)
    w.github.editAsPerson(60, { setLabels: ['sentry', 'category:network', 'severity:low'] })
    w.sentry.addEvents(old, { events: 200, users: 1000 })

    const run = await runAction(w)
    expect(run.failed).toBeNull()
    expect(labelsOf(w, 60)).toEqual(['category:network', 'sentry', 'severity:low'])
    const marker = markerOf(w.github.issue(60))!
    expect(marker.tier).toBe('critical')
    expect(marker.applied!.severity).toBe('High')
    expect(run.report!.results.find(r => r.sentryId === old)!.kept).toBe(true)
    // No label request at all on #60: the person's severity stands.
    expect(writes(w).filter(r => /\/issues\/60\/labels/.test(r.path))).toEqual([])

    await expectQuietRerun(w, {})
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
    expect(heuristicCategory).not.toBe(personCategory)
    w.github.editAsPerson(dnsIssue, {
      removeLabels: [heuristicCategory],
      addLabels: [personCategory]
    })

    const up = await runAction(w)
    expect(up.failed).toBeNull()
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
    expect(markerOf(w.github.issue(dnsIssue))!.applied!.classifier).toBe('llm')

    await expectQuietRerun(w, {})
  })
})

describe('people win', () => {
  it('a label a person swapped, set or removed is never re-added or changed by later runs (intake, escalation, upgrade)', async () => {
    const w = await start()
    const { deadlock, oom, dns } = ids(w)
    await runAction(w)
    const swapped = issueFor(w, deadlock).number
    const removed = issueFor(w, oom).number
    const set = issueFor(w, dns).number
    const swapFrom = labelsOf(w, swapped).find(l => l.startsWith('severity:'))!
    const swapTo = swapFrom === 'severity:low' ? 'severity:medium' : 'severity:low'
    w.github.editAsPerson(swapped, { removeLabels: [swapFrom], addLabels: [swapTo] })
    const removedSeverity = labelsOf(w, removed).find(l => l.startsWith('severity:'))!
    w.github.editAsPerson(removed, { removeLabels: [removedSeverity] })
    w.github.editAsPerson(set, {
      setLabels: [
        'sentry',
        'category:database',
        ...labelsOf(w, set).filter(l => l.startsWith('severity:'))
      ]
    })
    const after = new Map([swapped, removed].map(n => [n, labelsOf(w, n)]))

    // Every one of them climbs to the critical tier: escalation runs, and must respect the people.
    for (const id of [deadlock, oom, dns]) w.sentry.addEvents(id, { events: 500, users: 1200 })
    const run = await runAction(w)
    expect(run.failed).toBeNull()
    for (const [n, labels] of after) expect(labelsOf(w, n)).toEqual(labels)
    // The category a person set stays; the severity is still the action's own, so it is raised.
    expect(labelsOf(w, set)).toEqual(['category:database', 'sentry', 'severity:critical'])
    for (const id of [deadlock, oom, dns]) expect(markerOf(issueFor(w, id))!.tier).toBe('critical')
    const rows = run.report!.results.filter(r => [deadlock, oom].includes(r.sentryId))
    expect(rows.map(r => [r.action, r.kept])).toEqual([
      ['escalated', true],
      ['escalated', true]
    ])
    await expectQuietRerun(w, {})
    for (const [n, labels] of after) expect(labelsOf(w, n)).toEqual(labels)
    expect(labelsOf(w, set)).toEqual(['category:database', 'sentry', 'severity:critical'])
  })

  it('keeps every byte a person wrote above and below the section through escalation and the close', async () => {
    const above = 'Notes from on-call:\r\n- seen on pod 3 <!-- keep -->\n\n'
    const below = '\n\n```\n<!-- sentry-triage:end -->\n```\nTrailing words, no newline'
    const w = await oldIssueWorld({ above, below })
    const { old } = ids(w)
    const inputs = { 'close-resolved': 'true' }
    await runAction(w, inputs)
    w.sentry.addEvents(old, { events: 200, users: 1000 })
    await runAction(w, inputs)
    expect(markerOf(w.github.issue(60))!.tier).toBe('critical')
    let body = w.github.issue(60)!.body!
    expect(body.startsWith(above)).toBe(true)
    expect(body.endsWith(below)).toBe(true)

    w.sentry.resolve(old)
    await runAction(w, inputs)
    expect(w.github.issue(60)!.state).toBe('closed')
    body = w.github.issue(60)!.body!
    expect(markerOf(w.github.issue(60))!.state).toBe('closed')
    expect(body.startsWith(above)).toBe(true)
    expect(body.endsWith(below)).toBe(true)
  })

  it('leaves open an issue a person reopened after the action closed it, and says so', async () => {
    const w = await start()
    const { deadlock } = ids(w)
    const inputs = { 'close-resolved': 'true' }
    await runAction(w, inputs)
    const n = issueFor(w, deadlock).number
    w.sentry.resolve(deadlock)
    await runAction(w, inputs)
    expect(w.github.issue(n)!.state).toBe('closed')
    w.github.editAsPerson(n, { reopen: true })

    const since = mark(w)
    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(w.github.issue(n)!.state).toBe('open')
    expect(since.github()).toEqual([])
    const row = run.report!.results.find(r => r.sentryId === deadlock)!
    expect(row).toMatchObject({ action: 'skipped', kept: true })
    expect(row.reason).toMatch(/person reopened/)
    expect(run.summary).toMatch(/person/i)
    await expectQuietRerun(w, inputs)
  })
})
