/**
 * Floods and the living issue, decided: plans in, plans out, no server. The tests over real HTTP
 * (floods.test.ts, living.test.ts) prove that the executor makes these writes.
 */
import { describe, expect, it } from '@jest/globals'
import type { GitHubIssue } from '../src/github/client.js'
import type { SentryIssue } from '../src/sentry/client.js'
import type { Marker, ReleaseRow } from '../src/track/marker.js'
import type { Step } from '../src/plan/steps.js'
import {
  decideFloods,
  decideReleaseFollowUp,
  mergeReleaseSteps,
  type FloodRead
} from '../src/plan/floods.js'
import { decideIntake } from '../src/plan/intake.js'
import { capRefreshes, decideRefresh, REFRESH_AFTER_MS } from '../src/plan/living.js'
import { checkPlan } from '../src/check/rules.js'
import { compareImpact } from '../src/classify/routing.js'
import { sentryIssue } from './support/factories.js'

const NOW = Date.parse('2026-12-07T12:00:00Z')
const VERSION = 'checkout-api@2.15.0'
const config = {
  floodThreshold: 10,
  floodMaxIssues: 3,
  groupSimilar: true,
  createIssues: true,
  maxIssues: 50
}

function gh(marker: Marker | null, overrides: Partial<GitHubIssue> = {}): GitHubIssue {
  return {
    number: 40,
    url: 'https://github.com/acme/shop/issues/40',
    title: `[release] ${VERSION}: 12 new errors`,
    state: 'open',
    stateReason: null,
    closedAt: null,
    labels: ['sentry', 'release'],
    marker,
    author: { login: 'github-actions[bot]', type: 'Bot', association: 'NONE' },
    comments: 0,
    createdAt: '2026-12-07T10:00:00Z',
    updatedAt: '2026-12-07T10:00:00Z',
    body: '',
    ...overrides
  }
}

/** n new issues of one release, each its own error; the first ones the most urgent. */
function flood(n: number): SentryIssue[] {
  return Array.from({ length: n }, (_, i) =>
    sentryIssue({
      id: String(5000 + i),
      shortId: `CHECKOUT-${i}`,
      title: `TypeError: failure number ${'x'.repeat(i + 1)}`,
      exceptionValue: `failure ${'x'.repeat(i + 1)}`,
      count: i === 0 ? 900 : 40 - i,
      userCount: i === 0 ? 1500 : 30 - i
    })
  )
}

const read = (issues: SentryIssue[], extra: Partial<FloodRead> = {}): FloodRead => ({
  releaseOf: new Map(issues.map(i => [i.id, VERSION])),
  releaseIssue: () => undefined,
  forSignature: () => undefined,
  ...extra
})

const row = (id: string, extra: Partial<ReleaseRow> = {}): ReleaseRow => ({
  id,
  tier: 'medium',
  events: 20,
  users: 5,
  resolved: false,
  category: 'Logic',
  severity: 'Medium',
  ...extra
})
const releaseMarker = (rows: ReleaseRow[]): Marker => ({
  ids: rows.filter(r => !r.issue).map(r => r.id),
  sig: null,
  release: { version: VERSION, rows }
})
const kinds = (steps: Step[]) => steps.map(s => s.kind)

describe('a flood, at intake', () => {
  it('when a dozen new issues of one release arrive, plans the three most urgent as issues, ONE release issue tracking the rest, and three sub-issue steps after it', () => {
    const issues = flood(12)
    const plan = decideFloods(issues, new Set(), read(issues), config, 'acme/shop', 50)
    expect(kinds(plan.steps)).toEqual([
      'create',
      'create',
      'create',
      'release',
      'sub-issue',
      'sub-issue',
      'sub-issue'
    ])
    const mostUrgent = [...issues].sort(compareImpact).slice(0, 3)
    expect(plan.steps.slice(0, 3).map(s => s.sentry[0]!.id)).toEqual(mostUrgent.map(i => i.id))
    const release = plan.steps[3] as Extract<Step, { kind: 'release' }>
    expect(release).toMatchObject({ target: null, version: VERSION, key: `release:${VERSION}` })
    expect(release.track.map(i => i.id).sort()).toEqual(
      issues
        .filter(i => !mostUrgent.includes(i))
        .map(i => i.id)
        .sort()
    )
    expect(release.own.map(o => o.createKey)).toEqual(plan.steps.slice(0, 3).map(s => s.key))
    // One classification per tracked signature group (nine distinct errors), three for the own.
    expect(release.leads).toHaveLength(9)
    expect(plan.classifications).toBe(12)
    for (const [i, step] of plan.steps.slice(4).entries())
      expect(step).toMatchObject({ childKey: plan.steps[i]!.key, parentKey: release.key })
    expect(plan.rest).toEqual([])
  })

  it('classifies a tracked signature group once, and past max-issues leaves groups to the heuristic', () => {
    const issues = flood(12)
    const twins = issues.map((i, n) =>
      n >= 6 ? { ...i, exceptionValue: 'same failure', title: 'TypeError: same failure' } : i
    )
    const grouped = decideFloods(twins, new Set(), read(twins), config, 'acme/shop', 50)
    const release = grouped.steps.find(s => s.kind === 'release') as Extract<
      Step,
      { kind: 'release' }
    >
    expect(release.track).toHaveLength(9)
    expect(release.leads).toHaveLength(4) // three distinct + one group of six
    const capped = decideFloods(issues, new Set(), read(issues), config, 'acme/shop', 5)
    const r2 = capped.steps.find(s => s.kind === 'release') as Extract<Step, { kind: 'release' }>
    expect(r2.leads).toHaveLength(2)
    expect(capped.classifications).toBe(5)
  })

  it.each([
    ['below flood-threshold', flood(9), config],
    ['with flood-threshold 0', flood(12), { ...config, floodThreshold: 0 }],
    ['with create-issues false', flood(12), { ...config, createIssues: false }]
  ])('plans no flood %s', (_case, issues, c) => {
    const plan = decideFloods(issues, new Set(), read(issues), c, 'acme/shop', 50)
    expect(plan.steps).toEqual([])
    expect(plan.rest).toHaveLength(issues.length)
  })

  it('leaves to intake the issues it cannot flood: no release known, linked, or joining an open issue of their signature', () => {
    const issues = flood(12)
    const noRelease = read(issues, { releaseOf: new Map() })
    expect(decideFloods(issues, new Set(), noRelease, config, 'acme/shop', 50).rest).toHaveLength(
      12
    )
    const linked = new Set(issues.slice(0, 3).map(i => i.id))
    const plan = decideFloods(issues, linked, read(issues), config, 'acme/shop', 50)
    // Three linked leave nine: below ten, no flood.
    expect(plan.rest).toHaveLength(12)
    expect(plan.steps).toEqual([])
    const shared = gh(
      { ids: ['1'], sig: 'abcdef0123' },
      { labels: ['category:logic', 'severity:low'] }
    )
    const joining = read(issues, { forSignature: () => shared })
    expect(decideFloods(issues, new Set(), joining, config, 'acme/shop', 50).rest).toHaveLength(12)
  })

  it('adds new issues of a release that has a release issue to it, however few, opening nothing', () => {
    const existing = gh(releaseMarker([row('4000')]))
    const issues = flood(2)
    const plan = decideFloods(
      issues,
      new Set(),
      read(issues, { releaseIssue: v => (v === VERSION ? existing : undefined) }),
      config,
      'acme/shop',
      50
    )
    expect(kinds(plan.steps)).toEqual(['release'])
    expect(plan.steps[0]).toMatchObject({ target: existing, own: [] })
    expect((plan.steps[0] as Extract<Step, { kind: 'release' }>).track).toHaveLength(2)
  })

  it('intake skips an issue its release issue tracks, saying where; floods run before max-issues cuts', () => {
    const release = gh(releaseMarker([row('4000')]))
    const tracked = sentryIssue({ id: '4000' })
    const issues = flood(12)
    const plan = decideIntake(
      {
        candidates: [tracked, ...issues],
        links: new Map([['4000', release]]),
        forSignature: () => undefined,
        labelledByAction: new Set(),
        floods: read(issues)
      },
      { ...config, maxIssues: 2 },
      'acme/shop'
    )
    expect(plan.skips).toEqual([
      { issue: tracked, githubIssue: release.url, reason: 'tracked by the release issue #40' }
    ])
    // max-issues 2: the flood is still one release issue; its classifications come out of the two.
    expect(kinds(plan.steps).filter(k => k === 'release')).toHaveLength(1)
    expect(plan.deferred).toBe(0)
  })
})

describe('a release issue, followed up', () => {
  const rows = [row('1'), row('2'), row('3', { issue: 41, tier: 'high', events: 90 })]
  const current = (overrides: Record<string, Partial<SentryIssue>> = {}) =>
    ['1', '2', '3'].map(id =>
      sentryIssue({
        id,
        count: id === '3' ? 90 : 20,
        userCount: 5,
        ...(overrides[id] ?? {})
      })
    )
  const opts = { repo: 'acme/shop', createIssues: true }

  it('when nothing moved, plans nothing', () => {
    expect(decideReleaseFollowUp(gh(releaseMarker(rows)), current(), opts)).toEqual([])
  })

  it('when Sentry resolved a row, plans one release step that rewrites it', () => {
    const steps = decideReleaseFollowUp(
      gh(releaseMarker(rows)),
      current({ '2': { status: 'resolved' } }),
      opts
    )
    expect(kinds(steps)).toEqual(['release'])
    expect(steps[0]).toMatchObject({ current: [expect.objectContaining({ id: '2' })] })
    expect(steps[0]).not.toHaveProperty('close', true)
  })

  it('when a tracked issue climbs to high, promotes it: its create, the release step, its sub-issue', () => {
    const steps = decideReleaseFollowUp(
      gh(releaseMarker(rows)),
      current({ '1': { count: 300 } }),
      opts
    )
    expect(kinds(steps)).toEqual(['create', 'release', 'sub-issue'])
    expect(steps[0]!.sentry.map(s => s.id)).toEqual(['1'])
    expect(steps[2]).toMatchObject({
      childKey: steps[0]!.key,
      parent: expect.objectContaining({ number: 40 })
    })
  })

  it('does not promote one that is high already when tracked, nor one a person closed the release issue over', () => {
    const high = [row('1', { tier: 'high', events: 300 }), row('2')]
    expect(
      decideReleaseFollowUp(
        gh(releaseMarker(high)),
        current({ '1': { count: 300 } }).slice(0, 2),
        opts
      )
    ).toEqual([])
    // A release issue a person closed is not reopened by a promotion: its rows are still kept.
    const closedByPerson = gh(releaseMarker(rows), { state: 'closed', stateReason: 'completed' })
    const steps = decideReleaseFollowUp(closedByPerson, current({ '1': { count: 300 } }), opts)
    expect(kinds(steps)).toEqual(['release'])
  })

  it('when every Sentry issue of it is resolved, its own ones too, closes it', () => {
    const all = { status: 'resolved' }
    const steps = decideReleaseFollowUp(
      gh(releaseMarker(rows)),
      current({ '1': all, '2': all, '3': all }),
      opts
    )
    expect(steps).toEqual([expect.objectContaining({ kind: 'release', close: true })])
    const notAll = decideReleaseFollowUp(
      gh(releaseMarker(rows)),
      current({ '1': all, '2': all }),
      opts
    )
    expect(notAll[0]).not.toHaveProperty('close', true)
  })

  it("merges intake's new arrivals and the follow-up's rows into one step, after the creates it names", () => {
    const target = gh(releaseMarker(rows))
    const intake = decideFloods(
      flood(2),
      new Set(),
      read(flood(2), { releaseIssue: () => target }),
      config,
      'acme/shop',
      50
    ).steps
    const follow = decideReleaseFollowUp(target, current({ '1': { count: 300 } }), opts)
    const merged = mergeReleaseSteps([...intake, ...follow])
    expect(kinds(merged)).toEqual(['create', 'release', 'sub-issue'])
    const release = merged[1] as Extract<Step, { kind: 'release' }>
    expect(release.track).toHaveLength(2)
    expect(release.own).toHaveLength(1)
    const checked = checkPlan(merged, {
      config: { sentryProjects: [], sentryQuery: 'is:unresolved', createIssues: true }
    })
    expect(checked.dropped).toEqual([])
  })
})

describe('the living issue: when the impact block is refreshed', () => {
  const shown = { events: 100, users: 10, tier: 'high' as const, at: '2026-12-07T10:00:00Z' }
  const tracked = (m: Partial<Marker> = {}) =>
    gh({ ids: ['7'], sig: null, tier: 'high', shown, ...m }, { number: 7 })
  const issue = (o: Partial<SentryIssue>) =>
    sentryIssue({ id: '7', count: 100, userCount: 10, ...o })
  const opts = { refresh: true, now: NOW }

  it.each([
    ['events doubled', { count: 200 }, /events 100 → 200/],
    ['users doubled', { userCount: 25 }, /users 10 → 25/],
    ['the tier changed', { level: 'fatal' }, /tier high → critical/]
  ])('when %s, refreshes', (_case, change, why) => {
    expect(decideRefresh(tracked(), [issue(change)], opts)?.why).toMatch(why)
  })

  it('when the numbers grew less than twofold within a day, or did not move at all even days later, refreshes nothing', () => {
    expect(decideRefresh(tracked(), [issue({ count: 150 })], opts)).toBeNull()
    const old = { ...shown, at: new Date(NOW - 3 * REFRESH_AFTER_MS).toISOString() }
    expect(decideRefresh(tracked({ shown: old }), [issue({})], opts)).toBeNull()
  })

  it('when the last refresh is a day old and the issue is still live and seen, refreshes; resolved, not', () => {
    const old = { ...shown, at: new Date(NOW - REFRESH_AFTER_MS).toISOString() }
    expect(decideRefresh(tracked({ shown: old }), [issue({ count: 101 })], opts)?.why).toBe(
      'last refreshed a day ago and still seen'
    )
    expect(
      decideRefresh(tracked({ shown: old }), [issue({ count: 101, status: 'resolved' })], opts)
    ).toBeNull()
  })

  it('leaves alone: refresh off, a closed issue, an issue opened before the block existed, a release issue', () => {
    const moved = [issue({ count: 500 })]
    expect(decideRefresh(tracked(), moved, { ...opts, refresh: false })).toBeNull()
    expect(decideRefresh(gh(tracked().marker, { state: 'closed' }), moved, opts)).toBeNull()
    const legacy = tracked()
    delete legacy.marker!.shown
    expect(decideRefresh(legacy, moved, opts)).toBeNull()
    expect(decideRefresh(gh(releaseMarker([row('7')])), moved, opts)).toBeNull()
  })

  it('keeps max-refresh-writes a run, the most moved first; a settle refresh keeps its marker part', () => {
    const step = (n: number, moved: number, state?: 'open'): Step => ({
      kind: 'refresh',
      repo: 'acme/shop',
      target: gh(null, { number: n }),
      sentry: [],
      impact: { moved, why: 'x' },
      ...(state ? { state } : {}),
      rule: 'r',
      key: `refresh:${n}`
    })
    const { steps, waiting } = capRefreshes(
      [step(1, 2), step(2, 10), step(3, 3, 'open'), step(4, 1001)],
      { maxRefreshWrites: 2 }
    )
    expect(steps.map(s => s.target!.number)).toEqual([2, 3, 4])
    expect(steps.find(s => s.target!.number === 3)).not.toHaveProperty('impact')
    expect(waiting).toBe(2)
  })
})

describe('the checks accept the new steps', () => {
  const scope = { config: { sentryProjects: [], sentryQuery: 'is:unresolved', createIssues: true } }

  it('drops a release step on an issue without a believed release marker, and a sub-issue under one', () => {
    const plain = gh({ ids: ['1'], sig: null })
    const release: Step = {
      kind: 'release',
      repo: 'acme/shop',
      target: plain,
      version: VERSION,
      track: [],
      own: [],
      current: [],
      leads: [],
      sentry: [],
      rule: 'r',
      key: 'release:x'
    }
    const attach: Step = {
      kind: 'sub-issue',
      repo: 'acme/shop',
      target: null,
      childKey: 'create:1',
      parent: plain,
      sentry: [],
      rule: 'r',
      key: 'sub-issue:x'
    }
    expect(checkPlan([release, attach], scope).dropped.map(d => d.rule)).toEqual([
      'trusted markers: #40 carries no believed release marker',
      'trusted markers: #40 carries no believed release marker'
    ])
  })

  it('still allows one step per GitHub issue a run', () => {
    const target = gh(releaseMarker([row('1')]))
    const a = decideReleaseFollowUp(target, [sentryIssue({ id: '1', status: 'resolved' })], {
      repo: 'acme/shop',
      createIssues: true
    })
    const b = a.map(s => ({ ...s, key: `${s.key}:again` }))
    const checked = checkPlan([...a, ...b], scope)
    expect(checked.steps).toHaveLength(1)
    expect(checked.dropped[0]!.rule).toBe('once: acme/shop#40 already has a step in this run')
  })
})
