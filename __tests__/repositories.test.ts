/**
 * Many repositories end to end, over real HTTP: one fake GitHub API serving acme/shop (the
 * workflow's own), acme/web and acme/pay, one token, one pace.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction, startWorld, type World } from './fakes/world.js'
import type { HostedRepositoryOptions } from './fakes/github-host.js'
import { GitHubClient } from '../src/github/client.js'
import { Budget } from '../src/http/retry.js'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const MAP = 'web-frontend: acme/web\npayments-worker: acme/pay'

async function org(extra: Partial<HostedRepositoryOptions>[] = []): Promise<World> {
  world = await startWorld({
    githubRepositories: [
      { owner: 'acme', repo: 'web', ...extra[0] },
      { owner: 'acme', repo: 'pay', ...extra[1] }
    ]
  })
  return world
}

const createdIn = (w: World, repository: string) =>
  w.githubHost!.repository(repository).issues.filter(i => i.body?.includes('sentry-triage:v1'))

describe('repository-map', () => {
  it('routes each project to its repository, labels there, and says where in results and summary', async () => {
    const w = await org()
    const run = await runAction(w, { classifier: 'heuristic', 'repository-map': MAP })
    expect(run.failed).toBeNull()
    const rows = run.report!.results
    for (const r of rows) {
      const project = w.seed.issues.find(i => i.id === r.sentryId)!.project.slug
      const expected =
        project === 'web-frontend'
          ? 'acme/web'
          : project === 'payments-worker'
            ? 'acme/pay'
            : 'acme/shop'
      expect([r.shortId, r.repository]).toEqual([r.shortId, expected])
      if (r.githubIssue)
        expect(r.githubIssue.startsWith(`https://github.com/${expected}/issues/`)).toBe(true)
    }
    expect(createdIn(w, 'acme/web').length).toBeGreaterThan(0)
    expect(createdIn(w, 'acme/pay').length).toBeGreaterThan(0)
    expect(createdIn(w, 'acme/shop').length).toBeGreaterThan(0)
    // Labels are created in the repository that uses them.
    expect(w.githubHost!.repository('acme/web').labels.map(l => l.name)).toContain('sentry')
    expect(run.summary).toMatch(
      /### acme\/web[\s\S]*### acme\/pay|### acme\/pay[\s\S]*### acme\/web/
    )
    expect(JSON.parse(run.outputs.results!)[0]).toHaveProperty('repository')

    // A re-run over the same state writes nothing anywhere.
    const writes = w.githubHost!.requests.filter(
      r => r.method !== 'GET' && !r.path.endsWith('/graphql')
    ).length
    const again = await runAction(w, { classifier: 'heuristic', 'repository-map': MAP })
    expect(again.outputs.created).toBe('0')
    expect(
      w.githubHost!.requests.filter(r => r.method !== 'GET' && !r.path.endsWith('/graphql'))
    ).toHaveLength(writes)
  })

  it('a repository a user token may only read is found by its one read: one warning, its issues wait, the others proceed', async () => {
    world = await startWorld({
      githubRepositories: [
        { owner: 'acme', repo: 'web', access: 'read' },
        { owner: 'acme', repo: 'pay' }
      ],
      githubHost: { tokenKind: 'user' }
    })
    const w = world
    const run = await runAction(w, { classifier: 'heuristic', 'repository-map': MAP })
    expect(run.failed).toBeNull()
    const warned = run.warnings.filter(
      m => /acme\/web/.test(m) && /GitHub App installation token/.test(m)
    )
    expect(warned).toHaveLength(1)
    expect(createdIn(w, 'acme/pay').length).toBeGreaterThan(0)
    // Read once: one GET of the repository, nothing else.
    expect(w.githubHost!.repository('acme/web').requests.map(r => `${r.method} ${r.path}`)).toEqual(
      ['GET /repos/acme/web']
    )
  })

  it('an app token GitHub refuses for one repository: the first refused write stops that repository, the others proceed, exit 0', async () => {
    const w = await org([{ access: 'read' }])
    const run = await runAction(w, { classifier: 'heuristic', 'repository-map': MAP })
    expect(run.failed).toBeNull()
    const web = run.report!.results.filter(r => r.repository === 'acme/web')
    expect(web.length).toBeGreaterThan(1)
    expect(
      web.every(r => r.action === 'skipped' && /cannot write to acme\/web/.test(r.reason ?? ''))
    ).toBe(true)
    expect(
      run.warnings.filter(m => /refused to let the token write to acme\/web/.test(m))
    ).toHaveLength(1)
    // One refused write, not one per issue.
    const refused = w
      .githubHost!.repository('acme/web')
      .requests.filter(r => r.method !== 'GET' && !r.path.endsWith('/graphql'))
    expect(refused).toHaveLength(1)
    expect(createdIn(w, 'acme/pay').length).toBeGreaterThan(0)
  })

  it('fails the step when no mapped repository can be written, before writing anything', async () => {
    const w = await org([{ access: 'none' }, { access: 'none' }])
    const run = await runAction(w, {
      classifier: 'heuristic',
      'repository-map': 'web-frontend: acme/web\n*: acme/pay'
    })
    expect(run.failed).toMatch(
      /none of the mapped repositories \((acme\/web, acme\/pay|acme\/pay, acme\/web)\)/
    )
    expect(
      w.githubHost!.requests.filter(r => r.method !== 'GET' && !r.path.endsWith('/graphql'))
    ).toEqual([])
  })

  it('a map line naming a project the organization does not have is an input error, before any write', async () => {
    const w = await org()
    const run = await runAction(w, {
      classifier: 'heuristic',
      'repository-map': 'web-frontnd: acme/web'
    })
    expect(run.failed).toMatch(
      /Input 'repository-map': organization 'acme' has no project 'web-frontnd'/
    )
    expect(w.githubHost!.requests.filter(r => r.method !== 'GET')).toEqual([])
    expect(w.llm.stats.requests).toBe(0)
  })

  it('creations across repositories keep the notifying-write spacing (the token’s content-creation limit)', async () => {
    world = await startWorld({
      githubRepositories: [
        { owner: 'acme', repo: 'web' },
        { owner: 'acme', repo: 'pay' }
      ],
      // GitHub refuses an issue or comment created sooner than this after the last, in any repository.
      githubHost: { creationSpacingMs: 150 }
    })
    const run = await runAction(
      world,
      { classifier: 'heuristic', 'repository-map': MAP },
      { githubNotifySpacingMs: 200, githubWriteSpacingMs: 10 }
    )
    expect(run.failed).toBeNull()
    const creations = world.githubHost!.creations()
    expect(new Set(creations.map(c => c.repository)).size).toBe(3)
    // No creation was refused (a refused one is retried, so it would show as one attempt more):
    // the pace spans repositories.
    const opened = ['acme/shop', 'acme/web', 'acme/pay'].reduce(
      (n, r) => n + createdIn(world!, r).length,
      0
    )
    expect(creations).toHaveLength(opened)
    // The notifying-write spacing (200 ms) holds between consecutive creations, across a change of
    // repository too: one queue, not one per repository.
    const gaps = creations.slice(1).map((c, i) => c.at - creations[i]!.at)
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(190)
  })

  it('a project moved to another repository keeps the issue it is linked to there: never opened twice', async () => {
    const w = await org()
    const jwt = (w.seed as unknown as { ids: Record<string, string> }).ids.jwt!
    // jwt (checkout-api) is linked by Sentry's own integration to acme/shop#7; the map now sends
    // checkout-api to acme/web.
    const run = await runAction(w, {
      classifier: 'heuristic',
      'repository-map': 'checkout-api: acme/web'
    })
    expect(run.failed).toBeNull()
    expect(run.report!.results.find(r => r.sentryId === jwt)).toMatchObject({
      action: 'skipped',
      repository: 'acme/web',
      githubIssue: 'https://github.com/acme/shop/issues/7'
    })
    expect(createdIn(w, 'acme/web').filter(i => i.body?.includes(jwt))).toEqual([])
  })

  it('a run for one Sentry issue goes to its project’s repository only', async () => {
    const w = await org()
    const web = w.seed.issues.find(i => i.project.slug === 'web-frontend')!
    const run = await runAction(w, {
      classifier: 'heuristic',
      'repository-map': MAP,
      'sentry-issue': web.id
    })
    expect(run.report!.results.map(r => [r.sentryId, r.action, r.repository])).toEqual([
      [web.id, 'created', 'acme/web']
    ])
    expect(w.githubHost!.repository('acme/shop').requests.filter(r => r.method !== 'GET')).toEqual(
      []
    )
    expect(w.githubHost!.repository('acme/pay').requests).toEqual([])
  })
})

describe('one token, one pace', () => {
  it('every repository is written through the same Octokit (one throttling queue, one write spacing)', () => {
    const github = new GitHubClient({
      token: 'ghs_x',
      apiUrl: 'http://127.0.0.1:9',
      owner: 'acme',
      repo: 'shop',
      timeoutMs: 1000,
      budget: new Budget(60_000)
    })
    const web = github.forRepository('acme/web')
    expect(web.repository).toBe('acme/web')
    expect(web.octokit).toBe(github.octokit)
  })
})

describe('shard', () => {
  it('a job triages only its shard’s projects; together the shards cover every issue once', async () => {
    const w = await org()
    world = undefined
    const seen: string[] = []
    for (const shard of ['1/2', '2/2']) {
      const run = await runAction(w, { classifier: 'heuristic', 'repository-map': MAP, shard })
      expect(run.failed).toBeNull()
      seen.push(
        ...run
          .report!.results.filter(r => r.action === 'created' || r.action === 'labeled')
          .map(r => r.sentryId)
      )
    }
    // The same organization triaged by one unsharded job: the same issues, none twice.
    await w.close()
    const whole = await org()
    const all = await runAction(whole, { classifier: 'heuristic', 'repository-map': MAP })
    const expected = all
      .report!.results.filter(r => r.action === 'created' || r.action === 'labeled')
      .map(r => r.sentryId)
    expect(seen.length).toBe(new Set(seen).size)
    expect(seen.sort()).toEqual(expected.sort())
  })
})
