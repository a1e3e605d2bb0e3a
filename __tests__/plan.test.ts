/**
 * The decisions and the checks, as specifications: plans in, plans out, no server. The tests over
 * real HTTP (followup, people, security, faults) prove that the executor makes the planned writes.
 */
import { describe, expect, it } from '@jest/globals'
import type { GitHubIssue } from '../src/github/client.js'
import type { Marker } from '../src/track/marker.js'
import { decideFollowUp, type FollowUpOptions } from '../src/plan/followup.js'
import { decideIntake } from '../src/plan/intake.js'
import { checkPlan } from '../src/check/rules.js'
import type { Step } from '../src/plan/steps.js'
import { escalation } from '../src/execute/relabel.js'
import { sentryIssue, classification } from './support/factories.js'

const marker = (m: Partial<Marker> = {}): Marker => ({
  ids: ['4711'],
  sig: null,
  tier: 'routine',
  applied: { category: 'Database', severity: 'Medium', classifier: 'llm' },
  ...m
})

function gh(overrides: Partial<GitHubIssue> = {}): GitHubIssue {
  return {
    number: 7,
    url: 'https://github.com/acme/shop/issues/7',
    title: '[SHOP-1] Deadlock',
    state: 'open',
    stateReason: null,
    closedAt: null,
    labels: ['category:database', 'severity:medium', 'sentry'],
    marker: marker(),
    author: { login: 'github-actions[bot]', type: 'Bot', association: 'NONE' },
    comments: 0,
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
    body: '',
    ...overrides
  }
}

const options = (o: Partial<FollowUpOptions> = {}): FollowUpOptions => ({
  closeResolved: true,
  onRegression: 'reopen',
  resolveInSentry: false,
  createIssues: true,
  repo: 'acme/shop',
  llmAvailable: true,
  returnedAt: new Map(),
  now: Date.parse('2026-12-07T12:00:00Z'),
  ...o
})

const CLOSED_AT = '2026-12-05T10:00:00Z'
const closed = (reason: string, m: Partial<Marker> = {}) =>
  gh({ state: 'closed', stateReason: reason, closedAt: CLOSED_AT, marker: marker(m) })
const regressed = sentryIssue({ id: '4711', status: 'unresolved', substatus: 'regressed' })

describe('a regression is a return after a resolution', () => {
  it('when a person closed it while Sentry still had it live (regressed before the close), the follow-up plans nothing', () => {
    const before = new Map([['4711', '2026-12-04T09:00:00Z']])
    expect(
      decideFollowUp(closed('completed'), [regressed], options({ returnedAt: before }))
    ).toBeNull()
  })

  it('when Sentry has it live with no recorded return at all (ongoing), nothing is reopened', () => {
    const ongoing = sentryIssue({ id: '4711', status: 'unresolved', substatus: 'ongoing' })
    expect(decideFollowUp(closed('completed'), [ongoing], options())).toBeNull()
  })

  it('when it regressed after the close, the issue is reopened with a key naming that return', () => {
    const after = new Map([['4711', '2026-12-06T09:00:00Z']])
    const step = decideFollowUp(closed('completed'), [regressed], options({ returnedAt: after }))
    expect(step).toMatchObject({ kind: 'reopen', key: 'reopen:7:4711:2026-12-06T09:00:00Z' })
  })

  it('an issue the action closed as not planned (archived) is reopened when Sentry un-archives it by escalation', () => {
    const escalating = sentryIssue({ id: '4711', status: 'unresolved', substatus: 'escalating' })
    const after = new Map([['4711', '2026-12-06T09:00:00Z']])
    const ours = closed('not_planned', { state: 'closed' })
    expect(decideFollowUp(ours, [escalating], options({ returnedAt: after }))).toMatchObject({
      kind: 'reopen'
    })
    // A person's not-planned close stays closed.
    const persons = closed('not_planned')
    expect(decideFollowUp(persons, [escalating], options({ returnedAt: after }))).toBeNull()
  })

  it('with create-issues false, on-regression new acts as reopen', () => {
    const after = new Map([['4711', '2026-12-06T09:00:00Z']])
    const o = options({ returnedAt: after, onRegression: 'new', createIssues: false })
    expect(decideFollowUp(closed('completed'), [regressed], o)).toMatchObject({ kind: 'reopen' })
    expect(
      decideFollowUp(closed('completed'), [regressed], { ...o, createIssues: true })
    ).toMatchObject({ kind: 'regression-issue' })
  })

  it('resolve-in-sentry resolves in the next release', () => {
    const live = sentryIssue({ id: '4711', status: 'unresolved', substatus: 'ongoing' })
    const step = decideFollowUp(closed('completed'), [live], options({ resolveInSentry: true }))
    expect(step).toMatchObject({ kind: 'resolve', inNextRelease: true })
  })
})

describe('people win', () => {
  const resolved = sentryIssue({ id: '4711', status: 'resolved', substatus: null })

  it('a person who reopens after resolve-in-sentry resolved the Sentry issue is not closed again', () => {
    const reopened = gh({ marker: marker({ resolvedFor: CLOSED_AT }) })
    expect(decideFollowUp(reopened, [resolved], options())).toMatchObject({ kind: 'kept' })
  })

  it('escalation brings critical-assignees only when the severity is raised to Critical now', () => {
    const c = classification({ severity: 'Critical' })
    // Already Critical: nothing raised, so a person's removal of the assignees stands.
    const already = gh({
      labels: ['severity:critical'],
      marker: marker({ applied: { category: 'Database', severity: 'Critical', classifier: 'llm' } })
    })
    expect(escalation(already, c, { from: 'high', to: 'critical' })).toMatchObject({
      raised: false
    })
    // A person lowered it: theirs.
    const lowered = gh({ labels: ['severity:low'] })
    expect(escalation(lowered, c, { from: 'high', to: 'critical' })).toMatchObject({
      raised: false,
      personSet: true
    })
    expect(escalation(gh(), c, { from: 'high', to: 'critical' })).toMatchObject({
      raised: true,
      target: 'Critical'
    })
  })

  it('an issue linked only by Sentry’s integration that the action labelled before is not labelled or classified again', () => {
    const issue = sentryIssue({ id: '4711' })
    const linked = gh({ marker: null, labels: ['severity:high'] })
    const plan = decideIntake(
      {
        candidates: [issue],
        links: new Map([['4711', linked]]),
        forSignature: () => undefined,
        labelledByAction: new Set([7])
      },
      { maxIssues: 50, createIssues: true, groupSimilar: true },
      'acme/shop'
    )
    expect(plan.steps).toEqual([])
    expect(plan.skips[0]).toMatchObject({ kept: true })
  })

  it('an upgrade whose LLM answer failed is not asked again for a day', () => {
    const heuristic = gh({
      marker: marker({
        applied: { category: 'Database', severity: 'Medium', classifier: 'heuristic' },
        upgradeTriedAt: '2026-12-07T06:00:00Z'
      })
    })
    const live = sentryIssue({ id: '4711', status: 'unresolved', substatus: 'ongoing' })
    expect(decideFollowUp(heuristic, [live], options())).toBeNull()
    expect(
      decideFollowUp(heuristic, [live], options({ now: Date.parse('2026-12-08T07:00:00Z') }))
    ).toMatchObject({ kind: 'upgrade' })
  })
})

describe('the plan check', () => {
  const step = (s: Partial<Step>): Step =>
    ({
      kind: 'close',
      repo: 'acme/shop',
      target: gh(),
      reason: 'completed',
      sentry: [sentryIssue({ id: '4711' })],
      rule: 'r',
      key: 'close:7',
      ...s
    }) as Step
  const config = {
    sentryProjects: [],
    sentryQuery: 'is:unresolved',
    environment: null,
    createIssues: true
  }

  it('drops a step for a Sentry issue outside sentry-projects', () => {
    const other = sentryIssue({
      id: '9',
      project: { id: '2', slug: 'web-frontend', name: 'web-frontend' }
    })
    const checked = checkPlan([step({ sentry: [other] })], {
      config: { ...config, sentryProjects: ['checkout-api'] }
    })
    expect(checked.steps).toEqual([])
    expect(checked.dropped[0]!.rule).toMatch(/scope: .* not in sentry-projects/)
  })

  it('keeps at most one step per GitHub issue, and no key twice', () => {
    const checked = checkPlan(
      [step({}), step({ kind: 'refresh', key: 'refresh:7' } as Partial<Step>), step({})],
      { config }
    )
    expect(checked.steps).toHaveLength(1)
    expect(checked.dropped.map(d => d.rule)).toEqual([
      expect.stringMatching(/^once: acme\/shop#7/),
      expect.stringMatching(/^once: step close:7/)
    ])
  })

  it('drops a follow-up step on an issue whose marker is not believed', () => {
    const checked = checkPlan([step({ target: gh({ marker: null }) })], { config })
    expect(checked.dropped[0]!.rule).toMatch(/trusted markers/)
  })

  it('drops a new issue when create-issues is false', () => {
    const checked = checkPlan(
      [step({ kind: 'create', target: null, key: 'create:4711' } as Partial<Step>)],
      { config: { ...config, createIssues: false } }
    )
    expect(checked.dropped[0]!.rule).toMatch(/create-issues is false/)
  })
})
