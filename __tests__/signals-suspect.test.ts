/**
 * Sentry's suspect commit in place of GitHub's blame, Seer's root cause (read, never started), and
 * the `fix-candidate` label, over HTTP against the fakes.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { startWorld, runAction, type World } from './fakes/world.js'
import { seedScenario, type ScenarioSeed } from './fakes/seed.js'
import { seedCode, CODE_COMMITS } from './fakes/seed-code.js'
import type { SentrySignalsSeed } from './fakes/sentry-signals.js'
import { markerIds } from './support/world-checks.js'
import { parseMarker } from '../src/track/marker.js'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const issueOf = (w: World, sentryId: string) =>
  w.github.issues.find(i => markerIds(i.body).includes(sentryId))!
const blamedPaths = (w: World) =>
  w.github.requests
    .filter(r => r.path.endsWith('/graphql') && /blame\(path/.test(JSON.stringify(r.body ?? '')))
    .flatMap(r =>
      Object.entries((r.body as { variables?: Record<string, unknown> }).variables ?? {})
        .filter(([k]) => /^path\d+$/.test(k))
        .map(([, v]) => String(v))
    )
const committers = (w: World) => w.sentry.requests.filter(r => r.path.endsWith('/committers/'))
const autofix = (w: World) => w.sentry.requests.filter(r => r.path.endsWith('/autofix/'))

const DISAGREEING = 'ab'.repeat(20)
const SUSPECTS: SentrySignalsSeed = {
  committers: {
    // The deadlock: Sentry names the commit blame would name. The fatal one: another commit.
    '6012345001': {
      sha: CODE_COMMITS.checkoutFix,
      message: 'Batch order writes',
      author: { name: 'Alice Example', email: 'alice@acme.test' },
      prUrl: 'https://github.com/acme/shop/pull/12'
    },
    '6012345008': {
      sha: DISAGREEING,
      message: 'Stack promotions',
      author: { name: 'dave@acme.test', email: 'dave@acme.test' }
    }
  }
}

/** Sentry knows the release commits of checkout-api@2.14.0 (and 2.15.0): its committers may answer. */
async function worldWith(signals: SentrySignalsSeed): Promise<World> {
  const now = new Date()
  const seed = seedScenario({ now })
  const { releases } = seedCode(seed)
  return startWorld({
    now,
    seed,
    sentry: {
      signals,
      releases: [
        ...releases,
        {
          version: 'checkout-api@2.14.0',
          lastCommit: { id: CODE_COMMITS.head, repository: 'acme/shop' }
        }
      ]
    }
  })
}

describe("Sentry's suspect commit", () => {
  it('replaces the blame request where Sentry names one: one committers request per new issue of such a release', async () => {
    world = await worldWith(SUSPECTS)
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    // Only checkout-api's releases have commits in Sentry; each new checkout issue is asked once.
    const created = run.report!.results.filter(r => r.action === 'created')
    const checkout = new Set(
      created.filter(r => r.shortId.startsWith('CHECKOUT-API')).map(r => r.githubIssue)
    )
    expect(committers(world)).toHaveLength(checkout.size)
    expect(committers(world).every(r => r.path.includes('/projects/acme/checkout-api/'))).toBe(true)
    // Neither crash line that Sentry named is blamed.
    const blamed = blamedPaths(world)
    expect(blamed).not.toContain('checkout-api/src/db/orders.ts')
    expect(blamed).not.toContain('checkout-api/src/pricing/applyDiscounts.ts')
    const deadlock = issueOf(world, ids.deadlock).body ?? ''
    expect(deadlock).toContain(
      `**Suspect commit** (Sentry, from the release's commits): [\`${CODE_COMMITS.checkoutFix.slice(0, 7)}\`]`
    )
    expect(deadlock).toContain(
      'by Alice Example in [its pull request](https://github.com/acme/shop/pull/12)'
    )
    // dave's only name in Sentry is his e-mail: not shown (no author at all).
    expect(issueOf(world, ids.fatal).body).not.toMatch(/acme\.test/)
    expect(issueOf(world, ids.fatal).body).toMatch(
      /\*\*Suspect commit\*\* \(Sentry, from the release's commits\): \[`abababa`\]\([^)]*\)\s*$/m
    )
    const row = run.report!.results.find(r => r.sentryId === ids.deadlock)!
    expect(row.suspectCommit).toBe(CODE_COMMITS.checkoutFix)
  })

  it('with assign: suspect-commit blames as well, and says when the two disagree', async () => {
    world = await worldWith(SUSPECTS)
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { classifier: 'heuristic', assign: 'suspect-commit' })
    expect(run.failed).toBeNull()
    expect(blamedPaths(world)).toContain('checkout-api/src/db/orders.ts')
    expect(issueOf(world, ids.deadlock).body).toContain(
      "GitHub's blame of the crash line names the same commit."
    )
    expect(issueOf(world, ids.fatal).body).toMatch(
      /\*\*Sentry and GitHub's blame disagree:\*\* the last change to the crash line is \[`[0-9a-f]{7}`\]/
    )
    // The login to assign comes from blame.
    expect(issueOf(world, ids.deadlock).assignees.map(a => a.login)).toEqual(['alice'])
  })

  it('falls back to blame on 404 "No Commits found for Release", with one debug line', async () => {
    world = await worldWith(SUSPECTS)
    world.sentry.fault(
      { path: /\/committers\/$/ },
      { status: 404, body: { detail: 'No Commits found for Release' }, times: 100 }
    )
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    expect(blamedPaths(world)).toContain('checkout-api/src/db/orders.ts')
    expect(issueOf(world, ids.deadlock).body).toMatch(
      /\*\*Suspect commit\*\* \(last change to the crash line\)/
    )
    expect(run.info.filter(l => /No Commits found for Release/.test(l)).length).toBeGreaterThan(0)
    expect(
      run.info
        .filter(l => /No Commits found for Release/.test(l))
        .every(l => l.startsWith('[debug]'))
    ).toBe(true)
    expect(run.warnings.filter(w => /suspect commit/i.test(w))).toEqual([])
  })

  it('costs no more Sentry requests than an older server except the committers requests, and fewer blame aliases', async () => {
    world = await worldWith({ olderServer: true })
    await runAction(world, { classifier: 'heuristic' })
    const before = {
      sentry: world.sentry.requests.length - committers(world).length,
      blamed: blamedPaths(world).length
    }
    await world.close()
    world = await worldWith(SUSPECTS)
    await runAction(world, { classifier: 'heuristic' })
    expect(world.sentry.requests.length - committers(world).length).toBe(before.sentry)
    expect(blamedPaths(world).length).toBe(before.blamed - 2)
  })
})

describe("Seer's root cause", () => {
  const SEER: SentrySignalsSeed = {
    autofix: {
      '6012345001': {
        rootCause:
          'Two workers lock `orders` rows in opposite order during checkout. @octocat <b>x</b>'
      }
    }
  }

  it("is read only for issues Seer ran on, shown as Seer's, and never started", async () => {
    world = await worldWith(SEER)
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    expect(autofix(world).map(r => `${r.method} ${r.path}`)).toEqual([
      `GET /api/0/organizations/acme/issues/${ids.deadlock}/autofix/`
    ])
    const body = issueOf(world, ids.deadlock).body ?? ''
    expect(body).toContain("**Seer's root cause** _(Sentry's Seer, completed; not this action's)_:")
    expect(body).toContain('Two workers lock')
    // Seer's text is untrusted: no live mention, no HTML.
    expect(body).not.toMatch(/@octocat|<b>/)
    expect(issueOf(world, ids.stripe).body).not.toContain("Seer's root cause")
  })

  it('with Seer off (403) opens every issue without it, with one warning, and never POSTs', async () => {
    world = await worldWith({ ...SEER, seer: 'off' })
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    expect(run.outputs.created).toBe('10')
    expect(run.warnings.filter(w => w.startsWith('Seer'))).toHaveLength(1)
    expect(world.github.issues.some(i => (i.body ?? '').includes("Seer's root cause"))).toBe(false)
  })

  it('never sends a POST to autofix, in any run', async () => {
    world = await worldWith({ ...SEER, fixability: { '6012345001': 0.9 } })
    await runAction(world)
    await runAction(world, { 'close-resolved': 'true' })
    const writesToSeer = world.sentry.requests.filter(
      r => r.method !== 'GET' && /autofix|summarize/.test(r.path)
    )
    expect(autofix(world).length).toBeGreaterThan(0)
    expect(writesToSeer).toEqual([])
  })
})

describe('fix-candidate', () => {
  const SCORES: SentrySignalsSeed = {
    // Seer's scores: deadlock high (≥ 0.66), fatal medium (≥ 0.40), dns low.
    fixability: { '6012345001': 0.7, '6012345008': 0.5, '6012345006': 0.3 }
  }

  it('labels new issues at or above fix-candidate (Seer first, then the classifier), and reports fixability', async () => {
    world = await worldWith(SCORES)
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    const labelled = world.github.issues.filter(i => i.labels.some(l => l.name === 'fix-candidate'))
    expect(labelled.map(i => markerIds(i.body)[0])).toEqual([ids.deadlock])
    expect(world.github.labels.find(l => l.name === 'fix-candidate')).toMatchObject({
      color: '0e8a16',
      description: expect.stringMatching(/fixability/)
    })
    const rows = JSON.parse(run.outputs.results!) as Array<{ sentryId: string; fixability: string }>
    const of = (id: string) => rows.find(r => r.sentryId === id)!.fixability
    expect([of(ids.deadlock), of(ids.fatal), of(ids.dns), of(ids.stripe)]).toEqual([
      'high',
      'medium',
      'low',
      // No Seer score: the heuristic says low.
      'low'
    ])
    expect(issueOf(world, ids.deadlock).body).toContain(
      "**Fixability:** high (by Seer: Seer's fixability score 0.70) · labelled `fix-candidate`"
    )
    expect(run.summary).toContain('| labelled `fix-candidate` | 1 |')
    expect(parseMarker(issueOf(world, ids.deadlock).body)?.fixCandidate).toBe(true)
  })

  it('at medium also labels the medium one; never a crash frame under fix-candidate-exclude; off labels none', async () => {
    world = await worldWith(SCORES)
    const { ids } = world.seed as ScenarioSeed
    await runAction(world, {
      classifier: 'heuristic',
      'fix-candidate': 'medium',
      'fix-candidate-exclude': '**/db/**'
    })
    const labelled = world.github.issues
      .filter(i => i.labels.some(l => l.name === 'fix-candidate'))
      .map(i => markerIds(i.body)[0])
    // The deadlock's crash frame is checkout-api/src/db/orders.ts.
    expect(labelled).toEqual([ids.fatal])
    await world.close()
    world = await worldWith(SCORES)
    await runAction(world, { classifier: 'heuristic', 'fix-candidate': 'off' })
    expect(world.github.issues.some(i => i.labels.some(l => l.name === 'fix-candidate'))).toBe(
      false
    )
  })

  it('a person who removes the label wins: later runs (escalation, upgrade) never put it back', async () => {
    world = await worldWith(SCORES)
    const { ids } = world.seed as ScenarioSeed
    await runAction(world, { classifier: 'heuristic' })
    const gh = issueOf(world, ids.deadlock)
    world.github.editAsPerson(gh.number, { login: 'alice', removeLabels: ['fix-candidate'] })
    // The impact climbs (an escalation) and the LLM is available (an upgrade of heuristic labels).
    world.sentry.addEvents(ids.deadlock, { events: 5000, users: 2000 })
    await runAction(world)
    await runAction(world)
    const after = world.github.issue(gh.number)!
    expect(after.labels.map(l => l.name)).not.toContain('fix-candidate')
    expect(parseMarker(after.body)?.fixCandidate).toBe(true)
    const putBack = world.github.requests.filter(
      r =>
        r.method !== 'GET' &&
        r.path.includes(`/issues/${gh.number}`) &&
        JSON.stringify(r.body ?? '').includes('fix-candidate') &&
        !/sentry-triage:v1/.test(JSON.stringify(r.body ?? ''))
    )
    expect(putBack).toEqual([])
  })
})
