/**
 * The living issue end to end, over real HTTP against the fakes: every issue's section shows its
 * impact and a 14-day sparkline from the listing's own `stats` (groupStatsPeriod=14d, on the
 * follow-up's group= batches too: no extra request); the follow-up rewrites only the impact block
 * when events or users doubled, the tier changed, or a day passed while Sentry kept seeing it — a
 * body edit, never a comment, at most max-refresh-writes a run, most moved first; unchanged numbers
 * write nothing; a person's text outside the section is kept byte for byte.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction, type World } from './fakes/world.js'
import type { GitHubIssue } from './fakes/github.js'
import { IMPACT_BEGIN, IMPACT_END } from '../src/render/impact.js'
import {
  commentsOn,
  expectQuietRerun,
  ids,
  issueFor,
  mark,
  markerOf,
  worldPerTest
} from './support/followup.js'

const start = worldPerTest()

const impactOf = (gh: GitHubIssue | undefined) => {
  const body = gh?.body ?? ''
  return body.slice(body.indexOf(IMPACT_BEGIN), body.indexOf(IMPACT_END) + IMPACT_END.length)
}
const sparkOf = (gh: GitHubIssue | undefined) =>
  /\| Last 14 days \| ([▁▂▃▄▅▆▇█]+) \(/.exec(impactOf(gh))?.[1]
const shownOf = (gh: GitHubIssue | undefined) =>
  (
    markerOf(gh) as unknown as {
      shown?: { events: number; users: number; tier: string; at: string }
    }
  )?.shown
const listings = (w: World) =>
  w.sentry.requests.filter(
    r => r.method === 'GET' && /\/organizations\/acme\/issues\/$/.test(r.path)
  )

async function triaged(): Promise<World> {
  const w = await start()
  expect((await runAction(w)).failed).toBeNull()
  return w
}

describe('the impact every issue shows', () => {
  it('shows events, users, first and last seen, first and latest release and a 14-day sparkline, from the listing itself', async () => {
    const w = await triaged()
    const gh = issueFor(w, ids(w).deadlock)
    const impact = impactOf(gh)
    expect(impact).toContain('| Events | 342 |')
    expect(impact).toContain('| Users affected | 87 |')
    expect(impact).toMatch(/\| First seen \| \d{4}-/)
    expect(impact).toMatch(/\| Last seen \| \d{4}-/)
    expect(impact).toContain('| First release | checkout-api@‍2.14.0 |')
    expect(impact).toContain('| Latest release | checkout-api@‍2.14.0 |')
    expect(sparkOf(gh)).toMatch(/^[▁▂▃▄▅▆▇█]{14}$/)
    expect(shownOf(gh)).toMatchObject({ events: 342, users: 87, tier: 'high' })
    // The timeline rode on the listings the run made anyway: every one asked for the daily one.
    expect(listings(w).length).toBeGreaterThan(0)
    for (const r of listings(w)) {
      expect(r.query.get('groupStatsPeriod')).toBe('14d')
      expect(r.query.getAll('collapse')).not.toContain('stats')
    }
  })
})

describe('the follow-up keeps it current', () => {
  it('rewrites only the impact block when events doubled — one body edit, no comment — keeping every byte outside the section; then nothing', async () => {
    const w = await triaged()
    const { deadlock } = ids(w)
    const n = issueFor(w, deadlock).number
    const above = 'On-call notes: seen on pod 3.\r\n\r\n'
    const below = '\n\n> [!NOTE]\n> person text <!-- theirs -->\n'
    w.github.editAsPerson(n, { body: `${above}${w.github.issue(n)!.body}${below}` })
    const before = w.github.issue(n)!.body!
    w.sentry.addEvents(deadlock, { events: 400, users: 5 })

    const since = mark(w)
    const run = await runAction(w)
    expect(run.failed).toBeNull()
    expect(since.github().map(r => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/acme/shop/issues/${n}`
    ])
    expect(Object.keys(since.github()[0]!.body as object)).toEqual(['body'])
    expect(commentsOn(w, n)).toHaveLength(0)
    const after = w.github.issue(n)!
    expect(after.body!.startsWith(above)).toBe(true)
    expect(after.body!.endsWith(below)).toBe(true)
    expect(impactOf(after)).toContain('| Events | 742 |')
    expect(impactOf(after)).toContain('| Users affected | 92 |')
    // Today's 400 new events make today the busiest day, whatever the hour (the seed's events fall
    // into one or two UTC days depending on when the test runs, so the earlier shape may match).
    expect(sparkOf(after)).toMatch(/█$/)
    expect(sparkOf(after)!.length).toBeLessThanOrEqual(14)
    expect(shownOf(after)).toMatchObject({ events: 742, users: 92 })
    // Outside the impact block, the section is what it was.
    const outside = (b: string) =>
      b
        .replace(/<!-- sentry-triage:v1 .* -->/, '')
        .replace(/<!-- sentry-triage:impact -->[^]*<!-- sentry-triage:impact-end -->/, '')
    expect(outside(after.body!)).toBe(outside(before))
    // The follow-up's group= batch asked for the timeline too; the sparkline cost no request.
    const batch = listings(w)
      .filter(r => r.query.getAll('group').length > 0)
      .at(-1)!
    expect(batch.query.get('groupStatsPeriod')).toBe('14d')
    expect(since.sentry()).toEqual([])
    expect(run.summary).toMatch(/### Impact refreshed[^]*events 342 → 742/)

    await expectQuietRerun(w, {})
  })

  it('refreshes at most max-refresh-writes a run, the most moved first; the others in the next run', async () => {
    const w = await triaged()
    // Three issues in the high tier, which growth keeps there: refreshes, not escalations.
    const { stripe: tenfold, deadlock: threefold, reactTypeError: twofold } = ids(w)
    const counts = new Map(
      [tenfold, threefold, twofold].map(id => [
        id,
        Number(w.sentry.issues.find(i => i.id === id)!.count)
      ])
    )
    w.sentry.addEvents(tenfold, { events: counts.get(tenfold)! * 9 })
    w.sentry.addEvents(threefold, { events: counts.get(threefold)! * 2 })
    w.sentry.addEvents(twofold, { events: counts.get(twofold)! })
    const numbers = [tenfold, threefold, twofold].map(id => issueFor(w, id).number)

    let since = mark(w)
    let run = await runAction(w, { 'max-refresh-writes': '1' })
    expect(run.failed).toBeNull()
    expect(since.github().map(r => r.path)).toEqual([`/repos/acme/shop/issues/${numbers[0]}`])
    expect(run.info.join('\n')).toMatch(/2 impact refresh\(es\) over max-refresh-writes \(1\)/)

    since = mark(w)
    run = await runAction(w)
    expect(
      since
        .github()
        .map(r => r.path)
        .sort()
    ).toEqual(
      numbers
        .slice(1)
        .map(n => `/repos/acme/shop/issues/${n}`)
        .sort()
    )
    await expectQuietRerun(w, {})
  })

  it('refreshes a live issue a day after its last refresh when Sentry saw more, and never with unchanged numbers', async () => {
    const w = await triaged()
    const { deadlock, stripe } = ids(w)
    // Both were last refreshed two days ago (as an earlier run would have written it).
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000).toISOString()
    for (const id of [deadlock, stripe]) {
      const gh = issueFor(w, id)
      gh.body = gh.body!.replace(/"at":"[^"]+"/, `"at":"${twoDaysAgo}"`)
    }
    w.sentry.addEvents(deadlock, { events: 3 })

    const since = mark(w)
    expect((await runAction(w)).failed).toBeNull()
    expect(since.github().map(r => r.path)).toEqual([
      `/repos/acme/shop/issues/${issueFor(w, deadlock).number}`
    ])
    expect(impactOf(issueFor(w, deadlock))).toContain('| Events | 345 |')
    await expectQuietRerun(w, {})
  })

  it('carries the impact in an escalation’s own write (one request), and refreshes nothing with refresh: false', async () => {
    const w = await triaged()
    const { deadlock, oom } = ids(w)
    const n = issueFor(w, oom).number
    w.sentry.addEvents(oom, { events: 10, users: 1500 })
    let since = mark(w)
    expect((await runAction(w)).failed).toBeNull()
    const patches = since.github().filter(r => r.path === `/repos/acme/shop/issues/${n}`)
    expect(patches).toHaveLength(1)
    expect(patches[0]!.body).toHaveProperty('labels')
    expect(shownOf(w.github.issue(n))).toMatchObject({ tier: 'critical' })
    await expectQuietRerun(w, {})

    w.sentry.addEvents(deadlock, { events: 1000 })
    since = mark(w)
    expect((await runAction(w, { refresh: 'false' })).failed).toBeNull()
    expect(since.github()).toEqual([])
  })
})
