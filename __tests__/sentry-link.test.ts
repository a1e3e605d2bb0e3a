/**
 * `sentry-link` (each new GitHub issue registered on its Sentry issues as an external issue, the
 * installation given or discovered, a 403 one warning) and `create-issues: false` (no LLM spend on
 * issues that will not be written), end to end against the fakes.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction, type World } from './fakes/world.js'
import { ids, isChat, mark, markerOf, worldPerTest } from './support/followup.js'

const start = worldPerTest()

describe('sentry-link', () => {
  const inputs = { 'sentry-link': 'true' }
  const installationsListed = (w: World) =>
    w.sentry.requests.filter(r => /sentry-app-installations\/$/.test(r.path))

  it('registers each new GitHub issue on its Sentry issues through the one installation, and the intake asks for is:unlinked', async () => {
    const w = await start()
    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(run.outputs.created).toBe('10')
    const intake = w.sentry.requests.find(r => r.query.get('sort') === 'new')!
    expect(intake.query.get('query')).toContain('is:unlinked')
    expect(installationsListed(w)).toHaveLength(1)

    const uuid = w.sentry.installations[0]!.uuid
    const created = w.github.issues.filter(i => markerOf(i) && i.number !== 7)
    expect(created).toHaveLength(10)
    const expected = created.flatMap(i =>
      markerOf(i)!.ids.map(id => ({ issueId: id, webUrl: i.html_url, identifier: `#${i.number}` }))
    )
    expect(expected).toHaveLength(11)
    expect(
      w.sentry.externalIssues.map(e => ({
        issueId: e.issueId,
        webUrl: e.webUrl,
        identifier: e.identifier
      }))
    ).toEqual(expect.arrayContaining(expected))
    expect(w.sentry.externalIssues).toHaveLength(11)
    expect(w.sentry.externalIssues.every(e => e.installationUuid === uuid)).toBe(true)
    expect(w.sentry.externalIssues.every(e => e.project === 'acme/shop')).toBe(true)
    expect(run.report!.sentryLinked).toBe(11)

    // Linked now, so the intake listing leaves them out; nothing is written again.
    const since = mark(w)
    const again = await runAction(w, inputs)
    expect(again.failed).toBeNull()
    expect(again.report!.results.filter(r => r.action !== 'skipped')).toEqual([])
    expect(since.github()).toEqual([])
    expect(since.sentry()).toEqual([])
    expect(since.llm()).toBe(0)
  })

  it('uses sentry-app-installation when given, without listing installations', async () => {
    const w = await start({ sentry: { installations: 2 } })
    const chosen = w.sentry.installations[1]!.uuid
    const run = await runAction(w, { ...inputs, 'sentry-app-installation': chosen })
    expect(run.failed).toBeNull()
    expect(installationsListed(w)).toEqual([])
    expect(w.sentry.externalIssues).toHaveLength(11)
    expect(w.sentry.externalIssues.every(e => e.installationUuid === chosen)).toBe(true)
  })

  it('with several installations and no input: one warning naming them, no link, issues still opened', async () => {
    const w = await start({ sentry: { installations: 2 } })
    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(run.outputs.created).toBe('10')
    const warned = run.warnings.filter(m => /sentry-link|Sentry link/.test(m))
    expect(warned).toHaveLength(1)
    for (const i of w.sentry.installations) expect(warned[0]).toContain(i.uuid)
    expect(w.sentry.externalIssues).toEqual([])
    expect(installationsListed(w)).toHaveLength(1)
  })

  it('a 403 on the link is exactly one warning and never a failed run', async () => {
    const w = await start({ sentry: { externalIssueForbidden: true } })
    const run = await runAction(w, inputs)
    expect(run.failed).toBeNull()
    expect(run.outputs.created).toBe('10')
    expect(run.outputs.failed).toBe('0')
    expect(run.warnings.filter(m => /sentry-link|Sentry link/.test(m))).toHaveLength(1)
    const posts = w.sentry.requests.filter(
      r => r.method === 'POST' && /external-issues\/$/.test(r.path)
    )
    expect(posts).toHaveLength(1)
    expect(w.sentry.externalIssues).toEqual([])
  })
})

describe('create-issues: false', () => {
  it('classifies only the Sentry issues that have a GitHub issue: no LLM request for the unlinked ones', async () => {
    const w = await start()
    const { jwt } = ids(w)
    const run = await runAction(w, { 'create-issues': 'false' })
    expect(run.failed).toBeNull()
    expect(w.llm.requests.filter(isChat)).toHaveLength(1)
    expect(w.llm.requests.filter(isChat)[0]!.rawBody).toContain('jwt expired')
    const classified = run.report!.results.filter(r => r.classifier !== null)
    expect(classified.map(r => r.sentryId)).toEqual([jwt])
    expect(run.outputs.created).toBe('0')
    expect(w.github.issues.filter(i => markerOf(i))).toEqual([])
  })
})
