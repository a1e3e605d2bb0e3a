/**
 * People win, end to end against the fakes: a triage label a person set, swapped or removed is never
 * changed by a later run, escalation included; the bytes a person wrote around the action's section
 * survive every rewrite; a person's reopen after the action's close stands.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction } from './fakes/world.js'
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
  writes,
  worldPerTest
} from './support/followup.js'

const start = worldPerTest()
const startOld = (extra: { above?: string; below?: string } = {}) => start(oldIssueWorld(extra))

describe('escalation outside the intake window', () => {
  it('raises the severity, assigns critical-assignees and records the tier when an old issue climbs; a re-run writes nothing', async () => {
    const w = await startOld()
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
    const w = await startOld()
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
    const w = await startOld({ above, below })
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

  it('keeps every byte a person wrote around the section when a later Sentry issue joins it', async () => {
    const w = await start()
    const { similarA } = ids(w)
    await runAction(w)
    const n = issueFor(w, similarA).number
    const above = 'Triage notes (person):\n\n'
    const below = '\n\n---\nLinked incident: INC-42 ✓'
    w.github.editAsPerson(n, { body: `${above}${w.github.issue(n)!.body!}${below}` })
    // A new Sentry issue of the same signature (another fingerprint of the same crash).
    const twin = structuredClone(w.sentry.issues.find(i => i.id === similarA)!)
    Object.assign(twin, {
      id: '6012345099',
      shortId: 'PAYMENTS-WORKER-2Z',
      permalink: 'https://sentry.io/organizations/acme/issues/6012345099/'
    })
    w.sentry.issues.push(twin)
    w.sentry.events['6012345099'] = structuredClone(w.sentry.events[similarA]!)

    const run = await runAction(w)
    expect(run.failed).toBeNull()
    expect(run.report!.results.find(r => r.sentryId === '6012345099')!.githubIssue).toBe(
      w.github.issue(n)!.html_url
    )
    const body = w.github.issue(n)!.body!
    expect(markerOf(w.github.issue(n))!.ids).toContain('6012345099')
    expect(body).toContain('PAYMENTS-WORKER-2Z')
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
    expect(run.summary).toContain('| Left alone: a person changed it | 1 |')
    await expectQuietRerun(w, inputs)
  })

  it('after a person reopened it, a regression and a new resolution close it again', async () => {
    const w = await start()
    const { deadlock } = ids(w)
    const inputs = { 'close-resolved': 'true' }
    await runAction(w, inputs)
    const n = issueFor(w, deadlock).number
    w.sentry.resolve(deadlock)
    await runAction(w, inputs)
    w.github.editAsPerson(n, { reopen: true })
    await runAction(w, inputs)
    expect(w.github.issue(n)!.state).toBe('open')

    // The person was right: it came back. The marker records the issue open, silently, once.
    w.sentry.regress(deadlock, { at: later() })
    const comments = commentsOn(w, n).length
    const since = mark(w)
    await runAction(w, inputs)
    expect(since.github().map(r => r.method)).toEqual(['PATCH'])
    expect(markerOf(w.github.issue(n))!.state).toBe('open')
    expect(commentsOn(w, n)).toHaveLength(comments)
    await expectQuietRerun(w, inputs)

    w.sentry.resolve(deadlock)
    const run = await runAction(w, inputs)
    expect(w.github.issue(n)).toMatchObject({ state: 'closed', state_reason: 'completed' })
    expect(run.outputs.closed).toBe('1')
    await expectQuietRerun(w, inputs)
  })
})
