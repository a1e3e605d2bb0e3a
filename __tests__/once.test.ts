/**
 * Once: no step twice, even when the answer to a write is lost. Over real HTTP: the fake GitHub
 * handles the request (the comment lands), then answers 502 — the executor must find the comment
 * by its key instead of posting it again.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction } from './fakes/world.js'
import { commentsOn, ids, issueFor, worldPerTest } from './support/followup.js'

const start = worldPerTest()

describe('a comment whose answer is lost', () => {
  it('is looked for by its key and never posted twice', async () => {
    const w = await start()
    const inputs = { 'close-resolved': 'true' }
    const { deadlock } = ids(w)
    await runAction(w, inputs)
    const n = issueFor(w, deadlock).number
    w.sentry.resolve(deadlock)
    w.github.fault(
      { method: 'POST', path: new RegExp(`/issues/${n}/comments$`) },
      { afterHandled: true, status: 502, body: { message: 'Bad Gateway' } }
    )

    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(w.github.issue(n)!.state).toBe('closed')
    const closing = commentsOn(w, n).filter(c => /resolved in Sentry: closing/.test(c.body ?? ''))
    expect(closing).toHaveLength(1)
    expect(closing[0]!.body).toContain(
      `<!-- sentry-triage:step close:${n}:${deadlock}:completed -->`
    )
    // The lost answer was followed by one read of the comments, not by a second POST.
    const posts = w.github.requests.filter(
      r => r.method === 'POST' && r.path.endsWith(`/issues/${n}/comments`)
    )
    expect(posts).toHaveLength(1)
    expect(
      w.github.requests.filter(r => r.method === 'GET' && r.path.endsWith(`/issues/${n}/comments`))
    ).toHaveLength(1)
  })
})

describe('labels and the marker that records them', () => {
  it('change in one request on an escalation: no run killed in between can leave labels the marker does not know', async () => {
    const w = await start()
    const { deadlock } = ids(w)
    await runAction(w, { classifier: 'heuristic' })
    const n = issueFor(w, deadlock).number
    const before = w.github.requests.length
    // The impact climbs to the critical tier: more than 1000 users.
    w.sentry.addEvents(deadlock, { events: 5000, users: 2000 })

    const run = await runAction(w, { classifier: 'heuristic' })
    expect(run.report!.results.find(r => r.sentryId === deadlock)).toMatchObject({
      action: 'escalated',
      severity: 'Critical'
    })
    const onIssue = w.github.requests
      .slice(before)
      .filter(r => r.method !== 'GET' && new RegExp(`/issues/${n}(/|$)`).test(r.path))
    const patches = onIssue.filter(r => r.method === 'PATCH')
    expect(patches).toHaveLength(1)
    const body = patches[0]!.body as { labels?: string[]; body?: string }
    expect(body.labels).toContain('severity:critical')
    expect(body.body).toContain('"severity":"Critical"')
    // No label added or removed on its own.
    expect(onIssue.filter(r => /\/labels/.test(r.path))).toEqual([])
  })
})

describe('dry-run shows exactly what would happen', () => {
  const planOf = (run: { info: string[] }) => run.info.filter(l => l.startsWith('Plan: '))

  it('prints the same plan steps as a real run over the same state: intake, then the follow-up', async () => {
    const w = await start()
    const inputs = { classifier: 'heuristic', 'close-resolved': 'true' }
    const dry = await runAction(w, { ...inputs, 'dry-run': 'true' })
    expect(w.github.requests.filter(r => r.method !== 'GET')).toEqual([])
    const real = await runAction(w, inputs)
    expect(planOf(dry).length).toBeGreaterThan(5)
    expect(planOf(real)).toEqual(planOf(dry))

    const { deadlock } = ids(w)
    w.sentry.resolve(deadlock)
    const writes = w.github.requests.filter(r => r.method !== 'GET').length
    const dryFollow = await runAction(w, { ...inputs, 'dry-run': 'true' })
    expect(w.github.requests.filter(r => r.method !== 'GET')).toHaveLength(writes)
    const realFollow = await runAction(w, inputs)
    expect(planOf(dryFollow)).toEqual([
      expect.stringMatching(/^Plan: close .* for CHECKOUT-API-3K/)
    ])
    expect(planOf(realFollow)).toEqual(planOf(dryFollow))
  })
})
