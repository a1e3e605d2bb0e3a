/**
 * Issue listings as older and odder Sentry servers send them, served by the fake Sentry over real
 * HTTP: what the API documents as optional may be absent, and one malformed issue is skipped with a
 * warning naming it instead of failing the whole listing.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction, startWorld, type World } from './fakes/world.js'
import type { SentryIssue as FakeIssue } from './fakes/sentry.js'
import {
  actionOf,
  expectNoTwoOpenIssuesPerSentryId,
  idOf,
  openIssuesFor
} from './support/world-checks.js'

let worlds: World[] = []
afterEach(async () => {
  await Promise.all(worlds.map(w => w.close()))
  worlds = []
})
async function world(): Promise<World> {
  const w = await startWorld()
  worlds.push(w)
  return w
}

/**
 * The keys a 2018-era self-hosted Sentry (9.x) sends for an issue in the org listing: no `substatus`,
 * `platform`, `isUnhandled`, `priority` or `issueType`, a project without `platform`, and
 * `annotations` as HTML strings. (`lifetime` is kept: the fake's listing reads it.)
 */
function as2018(issue: FakeIssue, annotations: string[]): FakeIssue {
  const old: Record<string, unknown> = {
    annotations,
    assignedTo: null,
    count: issue.count,
    culprit: issue.culprit,
    firstSeen: issue.firstSeen,
    hasSeen: false,
    id: issue.id,
    isBookmarked: false,
    isPublic: false,
    isSubscribed: true,
    lastSeen: issue.lastSeen,
    level: issue.level,
    logger: null,
    metadata: issue.metadata,
    numComments: 0,
    permalink: issue.permalink,
    project: { id: issue.project.id, name: issue.project.name, slug: issue.project.slug },
    shareId: null,
    shortId: issue.shortId,
    stats: issue.stats,
    status: issue.status,
    statusDetails: {},
    subscriptionDetails: null,
    title: issue.title,
    type: 'error',
    userCount: issue.userCount,
    lifetime: issue.lifetime,
    environments: issue.environments
  }
  return old as FakeIssue
}

function replaceIssue(w: World, id: string, make: (issue: FakeIssue) => FakeIssue): void {
  const index = w.sentry.issues.findIndex(i => i.id === id)
  w.sentry.issues[index] = make(w.sentry.issues[index]!)
}

describe('Sentry issue listing', () => {
  it('triages issues shaped like a 2018 self-hosted Sentry (no substatus, platform or isUnhandled; annotations as HTML strings)', async () => {
    const w = await world()
    const deadlock = idOf(w, 'deadlock')
    const jwt = idOf(w, 'jwt')
    replaceIssue(w, deadlock, i => as2018(i, []))
    replaceIssue(w, jwt, i =>
      as2018(i, ['<a href="https://github.com/acme/shop/issues/7">acme/shop#7</a>'])
    )
    expect(Object.keys(w.sentry.issues.find(i => i.id === deadlock)!)).not.toContain('substatus')

    const run = await runAction(w)

    expect(run.failed).toBeNull()
    expect(actionOf(run, deadlock)).toBe('created')
    expect(openIssuesFor(w, deadlock)).toHaveLength(1)
    // The HTML-string annotation still links the Sentry issue to #7: labelled, not opened again.
    expect(actionOf(run, jwt)).toBe('labeled')
    expect(openIssuesFor(w, jwt)).toEqual([])
    expect(run.report?.results.find(r => r.sentryId === jwt)?.githubIssue).toMatch(/\/issues\/7$/)
    expectNoTwoOpenIssuesPerSentryId(w)
  })

  it('skips one malformed issue with one warning naming it, and triages the rest', async () => {
    const w = await world()
    const deadlock = idOf(w, 'deadlock')
    const bad = w.sentry.issues.find(i => i.id === deadlock)!
    // No title and metadata that is a string: nothing about it can be trusted.
    replaceIssue(
      w,
      deadlock,
      i => ({ ...i, title: null, metadata: 'oops' }) as unknown as FakeIssue
    )
    const candidates = w.sentry.issues.length

    const run = await runAction(w)

    expect(run.report?.results.some(r => r.sentryId === deadlock)).toBe(false)
    const naming = run.warnings.filter(m => m.includes(bad.shortId))
    expect(naming).toHaveLength(1)
    expect(naming[0]).toMatch(
      new RegExp(`Skipped Sentry issue ${bad.shortId} \\(id ${deadlock}\\)`)
    )
    expect(openIssuesFor(w, deadlock)).toEqual([])
    // Every other candidate was reported; the run did not fail for it.
    expect(run.failed).toBeNull()
    expect(run.report?.results.length).toBeGreaterThan(0)
    expect(run.report?.results.length).toBeLessThan(candidates)
    expectNoTwoOpenIssuesPerSentryId(w)
  })

  it('names an item by position when not even its id is readable', async () => {
    const w = await world()
    const copy = w.sentry.issues.find(i => i.id === idOf(w, 'stripe'))!
    w.sentry.issues.push({
      ...copy,
      id: undefined,
      shortId: undefined,
      title: 42
    } as unknown as FakeIssue)

    const run = await runAction(w)

    expect(run.failed).toBeNull()
    expect(run.warnings.filter(m => /unreadable issue/.test(m))).toHaveLength(1)
  })
})
