/**
 * Floods end to end, over real HTTP against the fakes: a bad deploy (a dozen new Sentry issues of
 * one release) is ONE release issue with the three most urgent as sub-issues (the child's id sent,
 * never its number), a task list where the sub-issues API answers 404 (GitHub Enterprise Server),
 * the rest tracked by the release issue's marker; a second run adds to it; the follow-up strikes
 * resolved rows through, promotes a tracked issue whose tier climbs, closes the release issue when
 * all are resolved; a person's text and labels on it are theirs. The living impact: living.test.ts.
 */
import { describe, expect, it } from '@jest/globals'
import { runAction, startWorld, type World } from './fakes/world.js'
import { BAD_RELEASE, badDeployRelease, seedBadDeploy } from './fakes/seed-flood.js'
import type { GitHubIssue } from './fakes/github.js'
import { expectQuietRerun, mark, markerOf, worldPerTest } from './support/followup.js'

const start = worldPerTest()
const TITLE = `[release] ${BAD_RELEASE}: 12 new errors`

/** A world whose Sentry has only the bad deploy's dozen new issues, and the release's commits. */
async function floodWorld(
  github: { subIssues?: boolean } = {}
): Promise<World & { ids: string[] }> {
  const now = new Date()
  const flood = seedBadDeploy({ now })
  const w = await start(
    startWorld({ now, seed: flood, sentry: { releases: [badDeployRelease()] }, github })
  )
  return Object.assign(w, { ids: flood.ids })
}

const releaseIssues = (w: World) => w.github.issues.filter(i => i.title.startsWith('[release]'))
const releaseIssue = (w: World): GitHubIssue => {
  const found = releaseIssues(w)
  expect(found).toHaveLength(1)
  return found[0]!
}
interface ReleaseMarker {
  ids: string[]
  release: {
    v: string
    rows: Array<[string, string, number, number, number, string, string, number]>
    tasklist?: boolean
  }
}
const releaseMarker = (gh: GitHubIssue) => markerOf(gh) as unknown as ReleaseMarker
/** The GitHub issue of its own that a Sentry issue has (its marker lists it), if any. */
const ownIssue = (w: World, id: string) =>
  w.github.issues.find(i => !i.title.startsWith('[release]') && markerOf(i)?.ids.includes(id))
const labels = (gh: GitHubIssue) => gh.labels.map(l => l.name).sort()

describe('a bad deploy: one release issue', () => {
  it('opens ONE release issue for a dozen new errors of one release, the three most urgent as sub-issues (by id), the rest tracked', async () => {
    const w = await floodWorld()
    const run = await runAction(w)
    expect(run.failed).toBeNull()

    const release = releaseIssue(w)
    expect(release.title).toBe(TITLE)
    expect(labels(release)).toEqual(['release', 'sentry'])
    // The three most urgent (tier, users, events) have issues of their own; nobody else has one.
    const own = w.ids.slice(0, 3).map(id => ownIssue(w, id))
    for (const gh of own) expect(gh).toBeDefined()
    expect(w.github.issues).toHaveLength(1 + 1 + 3) // the seed's integration issue #7, the release, three
    for (const id of w.ids.slice(3)) expect(ownIssue(w, id)).toBeUndefined()
    // Attached through the sub-issues API with the children's ids — never their numbers.
    expect(w.github.subIssues.get(release.number)).toEqual(own.map(gh => gh!.id))
    const attaches = w.github.requests.filter(
      r => r.method === 'POST' && r.path.endsWith(`/issues/${release.number}/sub_issues`)
    )
    expect(attaches.map(r => (r.body as { sub_issue_id: number }).sub_issue_id)).toEqual(
      own.map(gh => gh!.id)
    )
    expect(own.map(gh => gh!.id)).not.toContain(own[0]!.number)

    // Its section: every new issue with impact, category, severity and link; the release's commits.
    const body = release.body ?? ''
    for (const issue of w.sentry.issues) {
      expect(body).toContain(issue.shortId)
      expect(body).toContain(issue.permalink)
    }
    expect(body).toMatch(/\| 🔴 critical \| \[CHECKOUT-API-GO\]/)
    expect(body).toContain('3,200 events · 1,450 users')
    expect(body).toContain('Checkout v2: new pricing pipeline')
    expect(body).toContain('`f00dbabef00d`')
    for (const gh of own) expect(body).toContain(`| #${gh!.number} |`)
    expect(body.match(/\| tracked here \|/g)).toHaveLength(9)
    // The marker tracks the nine (ids) and records the three promoted with their numbers.
    const marker = releaseMarker(release)
    expect(marker.ids.sort()).toEqual(w.ids.slice(3).sort())
    expect(marker.release.v).toBe(BAD_RELEASE)
    expect(
      marker.release.rows
        .filter(r => r[7] > 0)
        .map(r => r[7])
        .sort()
    ).toEqual(own.map(gh => gh!.number).sort())
    // results: the nine say where they are tracked, with a category and a severity.
    for (const id of w.ids.slice(3)) {
      const row = run.report!.results.find(r => r.sentryId === id)!
      expect(row).toMatchObject({
        action: 'skipped',
        githubIssue: release.html_url,
        reason: `tracked by the release issue #${release.number}`
      })
      expect(row.category).not.toBeNull()
      expect(row.severity).not.toBeNull()
    }
    // Four GitHub issues opened: the release issue and its three sub-issues; nine rows tracked.
    expect(run.outputs.created).toBe('4')
    expect(run.outputs.skipped).toBe('9')
    // Summary: the flood first.
    expect(run.summary.indexOf('### Floods')).toBeGreaterThan(0)
    expect(run.summary.indexOf('### Floods')).toBeLessThan(
      run.summary.indexOf('| Sentry | Title |')
    )
    expect(run.summary).toContain(
      `| checkout-api@‍2.15.0 | 12 | 3 | 9 | [#${release.number}](${release.html_url}) |`
    )

    await expectQuietRerun(w, {})
  })

  it('adds the next new issues of that release to the same release issue: never a second one', async () => {
    const w = await floodWorld()
    expect((await runAction(w)).failed).toBeNull()
    const release = releaseIssue(w)
    // Two more errors of the same deploy arrive before the next run.
    const more = seedBadDeploy({ now: w.now, count: 14 })
    for (const issue of more.issues.slice(12)) {
      w.sentry.issues.push(issue)
      w.sentry.events[issue.id] = more.events[issue.id]!
    }
    const newIds = more.ids.slice(12)

    const run = await runAction(w)
    expect(run.failed).toBeNull()
    expect(releaseIssue(w).number).toBe(release.number)
    const marker = releaseMarker(releaseIssue(w))
    for (const id of newIds) expect(marker.ids).toContain(id)
    expect(marker.release.rows).toHaveLength(14)
    for (const id of newIds) {
      expect(ownIssue(w, id)).toBeUndefined()
      expect(run.report!.results.find(r => r.sentryId === id)).toMatchObject({
        action: 'skipped',
        reason: `tracked by the release issue #${release.number}`
      })
    }
    // The nine tracked earlier are not opened by a later run either.
    for (const id of w.ids.slice(3))
      expect(run.report!.results.find(r => r.sentryId === id)?.reason).toBe(
        `tracked by the release issue #${release.number}`
      )
    await expectQuietRerun(w, {})
  })

  it('lists the sub-issues as a task list in the section where the sub-issues API answers 404 (GHES)', async () => {
    const w = await floodWorld({ subIssues: false })
    expect((await runAction(w)).failed).toBeNull()
    const release = releaseIssue(w)
    const own = w.ids.slice(0, 3).map(id => ownIssue(w, id)!)
    expect(w.github.subIssues.size).toBe(0)
    const body = release.body ?? ''
    const tasks = body.slice(
      body.indexOf('<!-- sentry-triage:tasks -->'),
      body.indexOf('<!-- sentry-triage:tasks-end -->')
    )
    for (const gh of own) expect(tasks).toContain(`- [ ] #${gh.number}`)
    expect(releaseMarker(release).release.tasklist).toBe(true)
    // Once known, the API is not asked again: a re-run writes nothing.
    await expectQuietRerun(w, {})
  })

  it.each([
    ['below flood-threshold', '13'],
    ['with flood-threshold 0 (off)', '0']
  ])('makes no flood %s: every new issue gets its own, as before', async (_case, threshold) => {
    const w = await floodWorld()
    const run = await runAction(w, { 'flood-threshold': threshold })
    expect(run.failed).toBeNull()
    expect(releaseIssues(w)).toHaveLength(0)
    expect(run.outputs.created).toBe('12')
  })
})

describe('a flood in dry-run', () => {
  it('writes nothing and reports the release issue it would open, the three it would create and the nine it would track', async () => {
    const w = await floodWorld()
    const since = mark(w)
    const run = await runAction(w, { 'dry-run': 'true' })
    expect(run.failed).toBeNull()
    expect(since.github()).toEqual([])
    const rows = run.report!.results
    expect(rows.filter(r => r.action === 'would-create').map(r => r.sentryId)).toEqual(
      w.ids.slice(0, 3)
    )
    for (const id of w.ids.slice(3))
      expect(rows.find(r => r.sentryId === id)).toMatchObject({
        action: 'skipped',
        reason: 'would be tracked by a new release issue for checkout-api@2.15.0'
      })
    expect(run.info.join('\n')).toContain(
      `[dry-run] Would open "${TITLE}" with labels sentry, release`
    )
    expect(run.summary).toMatch(/\| checkout-api@‍2\.15\.0 \| 12 \| 3 \| 9 \| would open \|/)
  })
})

describe('the release issue followed up', () => {
  it('strikes a resolved row through, promotes a tracked issue whose tier climbs to a sub-issue, and closes when all are resolved', async () => {
    const w = await floodWorld()
    expect((await runAction(w)).failed).toBeNull()
    const release = releaseIssue(w)
    const [resolved, climbing] = [w.ids[5]!, w.ids[6]!]

    w.sentry.resolve(resolved)
    let since = mark(w)
    let run = await runAction(w)
    expect(run.failed).toBeNull()
    const shortOf = (id: string) => w.sentry.issues.find(i => i.id === id)!.shortId
    expect(releaseIssue(w).body).toMatch(new RegExp(`\\| ~~.*${shortOf(resolved)}.*~~ \\|`))
    // One body edit of the release issue, no comment, nothing else.
    expect(since.github().map(r => `${r.method} ${r.path}`)).toEqual([
      `PATCH /repos/acme/shop/issues/${release.number}`
    ])

    w.sentry.addEvents(climbing, { events: 300 })
    since = mark(w)
    run = await runAction(w)
    expect(run.failed).toBeNull()
    const promoted = ownIssue(w, climbing)!
    expect(promoted).toBeDefined()
    expect(run.report!.results.find(r => r.sentryId === climbing)!.action).toBe('created')
    expect(w.github.subIssues.get(release.number)).toContain(promoted.id)
    const marker = releaseMarker(releaseIssue(w))
    expect(marker.ids).not.toContain(climbing)
    expect(marker.release.rows.find(r => r[0] === climbing)![7]).toBe(promoted.number)
    expect(since.llm()).toBe(1)
    await expectQuietRerun(w, {})

    for (const id of w.ids) w.sentry.resolve(id)
    run = await runAction(w)
    expect(run.failed).toBeNull()
    expect(w.github.issue(release.number)).toMatchObject({
      state: 'closed',
      state_reason: 'completed'
    })
    expect(w.github.comments.filter(c => c.issue_number === release.number)).toHaveLength(1)
    await expectQuietRerun(w, {})
  })

  it("keeps a person's text outside the section byte for byte, and their labels on the release issue", async () => {
    const w = await floodWorld()
    expect((await runAction(w)).failed).toBeNull()
    const release = releaseIssue(w)
    const above = 'Rolled back at 10:42 by on-call.\r\n\r\n'
    const below = '\n\n- [ ] post-mortem <!-- keep -->\n'
    w.github.editAsPerson(release.number, {
      body: `${above}${release.body}${below}`,
      setLabels: ['sentry', 'incident', 'p1']
    })
    w.sentry.resolve(w.ids[4]!)

    const run = await runAction(w)
    expect(run.failed).toBeNull()
    const after = w.github.issue(release.number)!
    expect(after.body!.startsWith(above)).toBe(true)
    expect(after.body!.endsWith(below)).toBe(true)
    expect(after.body).toMatch(/~~/)
    expect(labels(after)).toEqual(['incident', 'p1', 'sentry'])
    const patch = w.github.requests.filter(r => r.method === 'PATCH').at(-1)!
    expect(patch.body).not.toHaveProperty('labels')
  })
})
