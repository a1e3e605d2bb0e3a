/**
 * What Sentry already knows, in whole runs over HTTP against the fakes (SPEC Part 3): signals read
 * from the listings the run makes anyway (`expand=`), Sentry's owners named with one listing per
 * kind, Sentry's suspect commit in place of blame, Seer's root cause read (never started), and the
 * `fix-candidate` label, which a person may take away for good.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { startWorld, runAction, type World } from './fakes/world.js'
import { seedScenario, type ScenarioSeed } from './fakes/seed.js'
import { seedCode, CODE_COMMITS } from './fakes/seed-code.js'
import type { SentrySignalsSeed } from './fakes/sentry-signals.js'
import { markerIds } from './support/world-checks.js'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const issueOf = (w: World, sentryId: string) =>
  w.github.issues.find(i => markerIds(i.body).includes(sentryId))!
const isListing = (path: string) => /\/organizations\/acme\/issues\/$/.test(path)
const blameRequests = (w: World) =>
  w.github.requests.filter(
    r => r.path.endsWith('/graphql') && /blame\(path/.test(JSON.stringify(r.body ?? ''))
  )
const committersRequests = (w: World) =>
  w.sentry.requests.filter(r => r.path.endsWith('/committers/'))

/** A world whose Sentry knows the release commits of checkout-api@2.14.0 as well as of 2.15.0. */
async function worldWith(
  signals: SentrySignalsSeed,
  scopes?: string[],
  codeowners?: string
): Promise<World> {
  const now = new Date()
  const seed = seedScenario({ now })
  const { code, releases } = seedCode(seed)
  // Every commit of the demo repository shares one file map.
  const files = code.commits[0]!.files
  if (codeowners !== undefined && files) files['.github/CODEOWNERS'] = codeowners
  return startWorld({
    now,
    seed,
    github: { code },
    sentry: {
      signals,
      releases: [
        ...releases,
        {
          version: 'checkout-api@2.14.0',
          lastCommit: { id: CODE_COMMITS.head, repository: 'acme/shop' }
        }
      ],
      ...(scopes ? { scopes } : {})
    }
  })
}

describe('signals in at no extra request', () => {
  it('every issue listing and the single-issue read ask expand=owners, sentryAppIssues and integrationIssues', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    await runAction(world, { classifier: 'heuristic', 'close-resolved': 'true' })
    world.sentry.regress(ids.oom, { events: 3 })
    await runAction(world, { classifier: 'heuristic', 'close-resolved': 'true' })
    await runAction(world, { classifier: 'heuristic', 'sentry-issue': ids.keyError })
    const reads = world.sentry.requests.filter(
      r => isListing(r.path) || new RegExp(`/issues/${ids.keyError}/$`).test(r.path)
    )
    const kinds = new Set(
      reads.map(r =>
        r.query.has('group')
          ? 'group'
          : /is:regressed/.test(r.query.get('query') ?? '')
            ? 'regressed'
            : isListing(r.path)
              ? 'intake'
              : 'single'
      )
    )
    expect([...kinds].sort()).toEqual(['group', 'intake', 'regressed', 'single'])
    for (const r of reads)
      expect(r.query.getAll('expand')).toEqual(['owners', 'sentryAppIssues', 'integrationIssues'])
  })

  it('shows priority, fixability and links in the issue, and gives the LLM the priority as a fact', async () => {
    world = await worldWith({
      integrationIssues: {
        '6012345001': [{ key: 'OPS-42', url: 'https://acme.atlassian.net/browse/OPS-42' }]
      }
    })
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world)
    expect(run.failed).toBeNull()
    const body = issueOf(world, ids.deadlock).body ?? ''
    expect(body).toContain('### What Sentry knows')
    expect(body).toMatch(/\*\*Sentry:\*\* priority medium · handled · new/)
    expect(body).toContain('[OPS-42](https://acme.atlassian.net/browse/OPS-42)')
    expect(body).toMatch(
      /\*\*Fixability:\*\* medium \(by the LLM: Lock order is in the app code\.\)/
    )
    const prompt = world.llm.bodies
      .map(b => String(b.messages[1]?.content ?? ''))
      .find(c => c.includes('deadlock detected'))!
    expect(JSON.parse(prompt.slice(prompt.indexOf('{'))).sentry).toBe('priority medium')
  })

  it('works against an older Sentry that sends none of these fields and has no such endpoints', async () => {
    world = await worldWith({ olderServer: true })
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    expect(run.outputs.created).toBe('10')
    // The release commits exist, the committers endpoint does not: blame names the suspects.
    expect(committersRequests(world).length).toBeGreaterThan(0)
    expect(blameRequests(world).length).toBeGreaterThan(0)
    expect(
      world.github.issues.some(i => /Suspect commit\*\* \(last change/.test(i.body ?? ''))
    ).toBe(true)
  })
})

describe("Sentry's owners", () => {
  const owners: SentrySignalsSeed = {
    owners: {
      '6012345001': [
        { type: 'ownershipRule', owner: 'team:51' },
        { type: 'suspectCommit', owner: 'user:7' }
      ],
      '6012345002': [{ type: 'ownershipRule', owner: 'team:52' }],
      '6012345006': [{ type: 'codeowners', owner: 'user:8' }]
    },
    teams: [
      { id: '51', slug: 'checkout-team', name: 'Checkout' },
      { id: '52', slug: 'payments-team', name: 'Payments' }
    ],
    members: [
      {
        id: '900',
        email: 'jane@acme.test',
        name: 'Jane Doe',
        user: { id: '7', name: 'Jane Doe', username: 'jane@acme.test', email: 'jane@acme.test' }
      },
      {
        id: '901',
        email: 'sam@acme.test',
        name: 'sam@acme.test',
        user: { id: '8', name: 'sam@acme.test', username: 'sam@acme.test', email: 'sam@acme.test' }
      }
    ]
  }

  it('names teams by slug and people by name, never an e-mail, with one listing per kind for the run', async () => {
    world = await worldWith(owners, ['org:read', 'project:read', 'event:read', 'member:read'])
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    const deadlock = issueOf(world, ids.deadlock).body ?? ''
    expect(deadlock).toMatch(
      /\*\*Sentry's owners:\*\* team #checkout-team \(ownership rule\), Jane Doe \(suspect commit\)/
    )
    // Sam's only names are e-mail addresses: he is "a Sentry member", never his address.
    expect(issueOf(world, ids.dns).body).toContain('a Sentry member (code owners)')
    expect(world.github.issues.map(i => i.body ?? '').join('\n')).not.toMatch(/acme\.test/)
    // No live mention of a Sentry name.
    expect(deadlock).not.toMatch(/@checkout-team|@Jane/)
    const sentryPaths = world.sentry.requests.map(r => r.path)
    expect(sentryPaths.filter(p => p.endsWith('/teams/'))).toHaveLength(1)
    expect(sentryPaths.filter(p => p.endsWith('/members/'))).toHaveLength(1)
  })

  it('without member:read names people plainly, with one warning; teams are still named', async () => {
    world = await worldWith(owners)
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    expect(issueOf(world, ids.deadlock).body).toMatch(
      /team #checkout-team \(ownership rule\), a Sentry member \(suspect commit\)/
    )
    expect(run.warnings.filter(w => w.startsWith("Sentry's owners"))).toHaveLength(1)
    expect(run.warnings.find(w => w.startsWith("Sentry's owners"))).toMatch(/member:read/)
  })

  it('names the ownership rule team as the owner where CODEOWNERS has none for the crash frame', async () => {
    world = await worldWith(owners, undefined, '/checkout-api/  @alice @acme/checkout\n')
    const { ids } = world.seed as ScenarioSeed
    await runAction(world, { classifier: 'heuristic' })
    // CODEOWNERS names nobody for payments-worker/; checkout's files have their owners.
    const stripe = issueOf(world, ids.stripe).body ?? ''
    expect(stripe).toMatch(
      /\*\*Owners\*\* \(Sentry ownership rule; CODEOWNERS names no owner for payments-worker\/payments\/gateways\/stripe\\_gateway\.py\): team #payments-team/
    )
    expect(issueOf(world, ids.deadlock).body).not.toContain('**Owners** (Sentry ownership rule')
  })

  it('reads a list, one object (the published schema) or null alike', async () => {
    world = await worldWith({ ...owners, ownersAsObject: true })
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    expect(issueOf(world, ids.deadlock).body).toMatch(/team #checkout-team \(ownership rule\)/)
  })
})
