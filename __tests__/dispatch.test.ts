/**
 * The action started by the webhook relay's repository_dispatch, in-process against the fakes:
 * verified payloads triage exactly the issue named, refused ones make no request at all.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { startWorld, runAction, type World } from './fakes/world.js'
import {
  KNOWN_ANSWER,
  WEBHOOK_SECRET,
  dispatchEnv,
  issueWebhook,
  signedPayload
} from './support/dispatch-event.js'
import { signBody } from '../src/webhook/hmac.js'

const CRASH = '6012345001'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const writes = (w: World) => w.github.requests.filter(r => r.method !== 'GET').length
const noRequests = (w: World) => {
  expect(w.sentry.requests).toHaveLength(0)
  expect(w.github.requests).toHaveLength(0)
  expect(w.llm.stats.requests).toBe(0)
}

async function dispatched(w: World, payload: unknown, inputs: Record<string, string> = {}) {
  Object.assign(w.env, dispatchEnv(payload))
  return runAction(w, { 'sentry-webhook-secret': WEBHOOK_SECRET, ...inputs })
}

describe('on repository_dispatch from the relay', () => {
  it('triages exactly the issue named, and a replayed delivery triages nothing twice', async () => {
    world = await startWorld()
    const payload = await signedPayload('issue', issueWebhook('created', CRASH))
    const run = await dispatched(world, payload)
    expect(run.failed).toBeNull()
    expect(run.report!.results.map(r => [r.sentryId, r.action])).toEqual([[CRASH, 'created']])
    expect(run.info).toContain(
      `repository_dispatch: Sentry issue.created for issue ${CRASH}, signature verified`
    )
    // The whole night's listing was not read: one issue, one classification.
    expect(world.llm.stats.requests).toBe(1)
    expect(world.github.issues.filter(i => i.body?.includes(CRASH))).toHaveLength(1)

    const before = { writes: writes(world), llm: world.llm.stats.requests }
    const replay = await dispatched(world, payload)
    expect(replay.failed).toBeNull()
    expect(replay.report!.results.map(r => [r.sentryId, r.action])).toEqual([[CRASH, 'skipped']])
    expect(writes(world)).toBe(before.writes)
    expect(world.llm.stats.requests).toBe(before.llm)
  })

  it('takes the issue of an event_alert, an error webhook, and the relay’s minimal body', async () => {
    world = await startWorld()
    const alert = JSON.stringify({ action: 'triggered', data: { event: { issue_id: CRASH } } })
    const run = await dispatched(world, await signedPayload('event_alert', alert), {
      'dry-run': 'true'
    })
    expect(run.report!.results.map(r => r.sentryId)).toEqual([CRASH])
    const error = JSON.stringify({ action: 'created', data: { error: { issue_id: 6012345002 } } })
    const second = await dispatched(world, await signedPayload('error', error), {
      'dry-run': 'true'
    })
    expect(second.report!.results.map(r => r.sentryId)).toEqual(['6012345002'])
    const minimal = JSON.stringify({
      resource: 'issue',
      action: 'created',
      issueId: '6012345003',
      timestamp: 1764650000
    })
    const third = await dispatched(world, await signedPayload('issue', minimal), {
      'dry-run': 'true'
    })
    expect(third.report!.results.map(r => r.sentryId)).toEqual(['6012345003'])
  })

  it('refuses a tampered body before any request to Sentry, GitHub or the LLM', async () => {
    world = await startWorld()
    const payload = await signedPayload('issue', issueWebhook('created', CRASH))
    const run = await dispatched(world, { ...payload, body: issueWebhook('created', '6012345002') })
    expect(run.report).toBeUndefined()
    expect(run.failed).toMatch(
      /signature of the sentry-triage repository_dispatch does not match its body under sentry-webhook-secret.*nothing was sent to Sentry, GitHub or the LLM/
    )
    noRequests(world)
  })

  it('refuses a payload signed with another secret, or not signed at all', async () => {
    world = await startWorld()
    const body = issueWebhook('created', CRASH)
    const wrong = await dispatched(world, await signedPayload('issue', body, 'not-the-secret'))
    expect(wrong.failed).toMatch(/does not match its body/)
    const unsigned = await dispatched(world, { resource: 'issue', body })
    expect(unsigned.failed).toMatch(
      /carries no signature while sentry-webhook-secret is set: refusing it/
    )
    const empty = await dispatched(world, { resource: 'issue', body, signature: '' })
    expect(empty.failed).toMatch(/carries no signature/)
    const malformed = await dispatched(world, { resource: 'issue' })
    expect(malformed.failed).toMatch(/must carry client_payload \{resource, body, signature\}/)
    noRequests(world)
    for (const run of [wrong, unsigned, empty, malformed])
      expect(run.all()).not.toContain(WEBHOOK_SECRET)
  })

  it('refuses a signed body that names no issue, and does nothing for actions it does not handle', async () => {
    world = await startWorld()
    const none = await dispatched(world, await signedPayload('issue', '{"action":"created"}'))
    expect(none.failed).toMatch(/names no issue id/)
    const assigned = await dispatched(
      world,
      await signedPayload('issue', issueWebhook('assigned', CRASH))
    )
    expect(assigned.failed).toBeNull()
    expect(assigned.report).toBeUndefined()
    expect(assigned.info).toContain(
      'Sentry issue.assigned is not a webhook the action acts on: nothing to do.'
    )
    noRequests(world)
  })

  it('on resolved runs the follow-up for that one issue alone: its GitHub issue closes, nothing is triaged', async () => {
    world = await startWorld()
    const created = await dispatched(
      world,
      await signedPayload('issue', issueWebhook('created', CRASH))
    )
    expect(created.report!.results.map(r => r.action)).toEqual(['created'])
    world.sentry.resolve(CRASH)
    const llmBefore = world.llm.stats.requests
    const sentryMark = world.sentry.requests.length

    const payload = await signedPayload('issue', issueWebhook('resolved', CRASH))
    const run = await dispatched(world, payload, { 'close-resolved': 'true' })
    expect(run.failed).toBeNull()
    expect(run.report!.results.map(r => [r.sentryId, r.action])).toEqual([[CRASH, 'closed']])
    const issue = world.github.issues.find(i => i.body?.includes(CRASH))!
    expect(issue.state).toBe('closed')
    expect(issue.state_reason).toBe('completed')
    // No intake: not the night's listing, no classification; the issue itself is read once (by
    // id, to check it is in scope), and nothing else of Sentry's.
    const sentryAfter = world.sentry.requests.slice(sentryMark)
    expect(sentryAfter.some(r => r.query.get('sort') === 'new')).toBe(false)
    expect(sentryAfter.filter(r => r.path.endsWith(`/issues/${CRASH}/`))).toHaveLength(1)
    expect(sentryAfter.filter(r => r.query.getAll('group').includes(CRASH))).toHaveLength(0)
    expect(world.llm.stats.requests).toBe(llmBefore)

    // A replayed delivery finds the issue already closed: no write.
    const writesBefore = writes(world)
    const replay = await dispatched(world, payload, { 'close-resolved': 'true' })
    expect(replay.failed).toBeNull()
    expect(writes(world)).toBe(writesBefore)
  })

  it('without sentry-webhook-secret, refuses the dispatch: the step fails naming the input, no request at all', async () => {
    world = await startWorld()
    const body = issueWebhook('created', CRASH)
    const signed = await signedPayload('issue', body)
    const runs = []
    for (const payload of [signed, { resource: 'issue', body }, { resource: 'issue' }]) {
      Object.assign(world.env, dispatchEnv(payload))
      runs.push(await runAction(world, { 'sentry-webhook-secret': '' }))
    }
    for (const run of runs) {
      expect(run.report).toBeUndefined()
      expect(run.failed).toBe(
        'The sentry-triage repository_dispatch cannot be verified: sentry-webhook-secret is not set. Set it to the Sentry integration’s client secret, the one the relay has as SENTRY_CLIENT_SECRET (sentry-webhook-secret: ${{ secrets.SENTRY_CLIENT_SECRET }}); refusing it: nothing was sent to Sentry, GitHub or the LLM.'
      )
    }
    noRequests(world)
  })

  it('verifies the known-answer signature (openssl) of a fixed body under a fixed secret', async () => {
    world = await startWorld()
    const { secret, body, signature } = KNOWN_ANSWER
    const run = await dispatched(
      world,
      { resource: 'issue', body, signature },
      { 'sentry-webhook-secret': secret, 'dry-run': 'true' }
    )
    expect(run.failed).toBeNull()
    expect(run.info).toContain(
      `repository_dispatch: Sentry issue.created for issue ${CRASH}, signature verified`
    )
    expect(run.report!.results.map(r => r.sentryId)).toEqual([CRASH])
  })

  it('treats another dispatch type as an ordinary run, with or without sentry-webhook-secret', async () => {
    world = await startWorld()
    const body = issueWebhook('created', CRASH)
    Object.assign(world.env, dispatchEnv({ body, signature: await signBody('x', body) }, 'nightly'))
    for (const secret of [WEBHOOK_SECRET, '']) {
      const run = await runAction(world, { 'sentry-webhook-secret': secret, 'dry-run': 'true' })
      expect(run.failed).toBeNull()
      expect(run.report!.results.length).toBeGreaterThan(1)
    }
  })
})

describe('a webhook run is held to the scope (Part 3: plan, then write)', () => {
  it('a signed webhook for an issue of a project outside sentry-projects writes nothing and asks the LLM nothing', async () => {
    world = await startWorld()
    // CRASH (CHECKOUT-API-3K) is in checkout-api; the workflow triages web-frontend only.
    const payload = await signedPayload('issue', issueWebhook('created', CRASH))
    const run = await dispatched(world, payload, { 'sentry-projects': 'web-frontend' })
    expect(run.failed).toBeNull()
    expect(run.report!.results).toHaveLength(1)
    expect(run.report!.results[0]).toMatchObject({ sentryId: CRASH, action: 'skipped' })
    expect(run.report!.results[0]!.reason).toMatch(/outside the scope.*not in sentry-projects/)
    expect(world.github.requests.filter(r => r.method !== 'GET')).toEqual([])
    expect(world.github.issues.some(i => i.body?.includes(CRASH))).toBe(false)
    expect(world.llm.stats.requests).toBe(0)
    expect(run.summary).toMatch(/outside the scope/)
  })
})
