/**
 * The fake GitHub host (fakes/github-host.ts): several repositories behind one GitHub API, as one
 * token sees them, over real HTTP with Octokit and fetch.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals'
import { Octokit } from '@octokit/core'
import { startFakeGitHubHost, type FakeGitHubHost } from './fakes/github-host.js'
import { runAction, startWorld, type World } from './fakes/world.js'

const TOKEN = 'ghs_hostToken0123456789'
const auth = { authorization: `token ${TOKEN}`, 'content-type': 'application/json' }

interface ErrorLike {
  status: number
  response?: { data?: unknown }
}
/** The status and answer of a request Octokit refused (it throws on 4xx). */
async function refused(p: Promise<unknown>): Promise<{ status: number; data: unknown }> {
  try {
    await p
  } catch (error) {
    const e = error as ErrorLike
    return { status: e.status, data: e.response?.data }
  }
  throw new Error('the request succeeded')
}

const code = {
  commits: [
    {
      sha: 'a'.repeat(40),
      author: 'alice',
      pr: 3,
      message: 'Add the handler',
      files: { 'src/handler.ts': 'export const x = 1\nexport const y = 2\n' }
    }
  ]
}

describe('fake GitHub host: several repositories, one API', () => {
  let host: FakeGitHubHost
  let octokit: Octokit

  beforeAll(async () => {
    host = await startFakeGitHubHost({
      token: TOKEN,
      repositories: [
        {
          owner: 'acme',
          repo: 'shop',
          labels: [{ name: 'sentry' }],
          issues: [{ title: 'Shop: checkout fails', body: 'sentry-issue-id: 11' }]
        },
        {
          owner: 'acme',
          repo: 'api',
          issues: Array.from({ length: 5 }, (_, i) => ({
            title: `API issue ${i + 1}`,
            body: i === 0 ? 'sentry-issue-id: 11' : 'other'
          })),
          code
        },
        {
          owner: 'acme',
          repo: 'docs',
          access: 'read',
          private: false,
          issues: [{ title: 'Docs' }]
        },
        { owner: 'acme', repo: 'secret', access: 'none', issues: [{ title: 'hidden' }] }
      ]
    })
    octokit = new Octokit({ auth: TOKEN, baseUrl: host.url })
  })
  afterAll(async () => {
    await host.close()
  })

  it('routes by path: each repository has its own issues, numbers, html_url and labels; ids are global', async () => {
    const shop = await octokit.request('POST /repos/{owner}/{repo}/issues', {
      owner: 'acme',
      repo: 'shop',
      title: 'new in shop',
      labels: ['sentry']
    })
    const api = await octokit.request('POST /repos/{owner}/{repo}/issues', {
      owner: 'acme',
      repo: 'api',
      title: 'new in api',
      labels: ['sentry']
    })
    expect(shop.data.number).toBe(2)
    expect(api.data.number).toBe(6)
    expect(shop.data.html_url).toBe('https://github.com/acme/shop/issues/2')
    expect(api.data.html_url).toBe('https://github.com/acme/api/issues/6')
    expect(api.data.url).toBe(`${host.url}/repos/acme/api/issues/6`)
    expect(host.repository('acme/shop').issue(2)?.title).toBe('new in shop')
    expect(host.repository('acme/api').issue(6)?.title).toBe('new in api')
    expect(host.repository('acme/shop').issues.map(i => i.title)).not.toContain('new in api')

    // GitHub's ids are global: issues, labels (created per repository) and comments never collide.
    const comment = await octokit.request(
      'POST /repos/{owner}/{repo}/issues/{issue_number}/comments',
      {
        owner: 'acme',
        repo: 'api',
        issue_number: 6,
        body: 'hello'
      }
    )
    const ids = [
      ...host.repositories.flatMap(full => {
        const r = host.repository(full)
        return [...r.issues, ...r.labels, ...r.comments].map(x => x.id)
      })
    ]
    expect(ids).toContain(comment.data.id)
    expect(new Set(ids).size).toBe(ids.length)
    const sentryLabels = host.repositories.flatMap(full =>
      host.repository(full).labels.filter(l => l.name === 'sentry')
    )
    expect(sentryLabels).toHaveLength(2)
    expect(sentryLabels[0]?.id).not.toBe(sentryLabels[1]?.id)

    // A repository_dispatch reaches the repository it names.
    await octokit.request('POST /repos/{owner}/{repo}/dispatches', {
      owner: 'acme',
      repo: 'api',
      event_type: 'sentry-issue',
      client_payload: { id: '1' }
    })
    expect(host.repository('acme/api').dispatches.map(d => d.event_type)).toEqual(['sentry-issue'])
    expect(host.repository('acme/shop').dispatches).toEqual([])

    // Each request is recorded with its repository, in order.
    const posts = host.requests.filter(r => r.method === 'POST')
    expect(posts.map(r => [r.path, r.repository])).toEqual([
      ['/repos/acme/shop/issues', 'acme/shop'],
      ['/repos/acme/api/issues', 'acme/api'],
      ['/repos/acme/api/issues/6/comments', 'acme/api'],
      ['/repos/acme/api/dispatches', 'acme/api']
    ])
    expect(host.repository('acme/shop').requests.every(r => r.repository === 'acme/shop')).toBe(
      true
    )
  })

  it('pages with /repositories/{id}/ links that lead back to the same repository', async () => {
    const { data: repo } = await octokit.request('GET /repos/{owner}/{repo}', {
      owner: 'acme',
      repo: 'api'
    })
    const first = await fetch(`${host.url}/repos/acme/api/issues?state=all&per_page=2`, {
      headers: auth
    })
    const link = first.headers.get('link') ?? ''
    const next = /<([^>]+)>; rel="next"/.exec(link)?.[1] ?? ''
    expect(next.startsWith(`${host.url}/repositories/${repo.id}/issues?`)).toBe(true)
    const titles: string[] = []
    for (let url: string | undefined = first.url; url;) {
      const r: Response = await fetch(url, { headers: auth })
      titles.push(...((await r.json()) as Array<{ title: string }>).map(i => i.title))
      url = /<([^>]+)>; rel="next"/.exec(r.headers.get('link') ?? '')?.[1]
    }
    expect(titles).toHaveLength(host.repository('acme/api').issues.length)
    expect(titles.every(t => /API|api/.test(t))).toBe(true)
    expect(host.requests.at(-1)?.repository).toBe('acme/api')
  })

  it('answers GET /repos/{owner}/{repo} with the repository object, without permissions for an installation token', async () => {
    const { data } = await octokit.request('GET /repos/{owner}/{repo}', {
      owner: 'ACME',
      repo: 'Shop'
    })
    expect(data).toMatchObject({
      full_name: 'acme/shop',
      name: 'shop',
      private: true,
      html_url: 'https://github.com/acme/shop',
      default_branch: 'main',
      has_issues: true
    })
    expect(data).not.toHaveProperty('permissions')
    const docs = await octokit.request('GET /repos/{owner}/{repo}', { owner: 'acme', repo: 'docs' })
    expect(docs.data.private).toBe(false)
    expect(docs.data.id).not.toBe(data.id)
  })

  it('answers 404 Not Found for every request about a repository the token cannot see, as for one it does not serve', async () => {
    for (const repo of ['secret', 'nowhere']) {
      for (const [method, path] of [
        ['GET', ''],
        ['GET', '/issues'],
        ['GET', '/issues/1'],
        ['GET', '/labels'],
        ['POST', '/issues'],
        ['POST', '/dispatches']
      ] as const) {
        const r = await fetch(`${host.url}/repos/acme/${repo}${path}`, {
          method,
          headers: auth,
          body: method === 'POST' ? JSON.stringify({ title: 'x', event_type: 'x' }) : undefined
        })
        expect([repo, method, path, r.status]).toEqual([repo, method, path, 404])
        expect(((await r.json()) as { message: string }).message).toBe('Not Found')
      }
    }
    expect(host.repository('acme/secret').issues.map(i => i.title)).toEqual(['hidden'])
    expect(() => host.repository('acme/nowhere')).toThrow(/serves no acme\/nowhere/)

    const search = await refused(
      octokit.request('GET /search/issues', { q: 'hidden repo:acme/secret' })
    )
    expect(search.status).toBe(422)
    const graphql = await fetch(`${host.url}/graphql`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        query: 'query($o: String!, $n: String!) { repository(owner: $o, name: $n) { id } }',
        variables: { o: 'acme', n: 'secret' }
      })
    })
    expect(graphql.status).toBe(200)
    expect(await graphql.json()).toMatchObject({
      data: { repository: null },
      errors: [
        {
          type: 'NOT_FOUND',
          message: "Could not resolve to a Repository with the name 'acme/secret'."
        }
      ]
    })
  })

  it('lets a read-only token read, and answers 403 "Resource not accessible by integration" to every write', async () => {
    const list = await octokit.request('GET /repos/{owner}/{repo}/issues', {
      owner: 'acme',
      repo: 'docs'
    })
    expect(list.data.map(i => i.title)).toEqual(['Docs'])
    const writes = [
      octokit.request('POST /repos/{owner}/{repo}/issues', {
        owner: 'acme',
        repo: 'docs',
        title: 'x'
      }),
      octokit.request('PATCH /repos/{owner}/{repo}/issues/{issue_number}', {
        owner: 'acme',
        repo: 'docs',
        issue_number: 1,
        state: 'closed'
      }),
      octokit.request('POST /repos/{owner}/{repo}/labels', {
        owner: 'acme',
        repo: 'docs',
        name: 'x'
      }),
      octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/comments', {
        owner: 'acme',
        repo: 'docs',
        issue_number: 1,
        body: 'x'
      }),
      octokit.request('PUT /repos/{owner}/{repo}/issues/{issue_number}/labels', {
        owner: 'acme',
        repo: 'docs',
        issue_number: 1,
        labels: ['x']
      })
    ]
    for (const w of writes) {
      const { status, data } = await refused(w)
      expect(status).toBe(403)
      expect((data as { message: string }).message).toBe('Resource not accessible by integration')
    }
    const docs = host.repository('acme/docs')
    expect(docs.issues.map(i => [i.title, i.state])).toEqual([['Docs', 'open']])
    expect(docs.labels).toEqual([])
    expect(docs.comments).toEqual([])
  })

  it('routes searches by their repo: qualifiers, merges several, and refuses a bad token', async () => {
    const one = await octokit.request('GET /search/issues', {
      q: '"sentry-issue-id: 11" repo:acme/api'
    })
    expect(one.data.items.map(i => i.html_url)).toEqual(['https://github.com/acme/api/issues/1'])
    expect(one.headers['x-ratelimit-resource']).toBe('search')

    const both = await octokit.request('GET /search/issues', {
      q: '"sentry-issue-id: 11" repo:acme/api repo:acme/shop is:issue',
      per_page: 1
    })
    expect(both.data.total_count).toBe(2)
    expect(both.data.items).toHaveLength(1)
    const page2 = await octokit.request('GET /search/issues', {
      q: '"sentry-issue-id: 11" repo:acme/api repo:acme/shop is:issue',
      per_page: 1,
      page: 2
    })
    expect([...both.data.items, ...page2.data.items].map(i => i.html_url).sort()).toEqual([
      'https://github.com/acme/api/issues/1',
      'https://github.com/acme/shop/issues/1'
    ])
    const searches = host.requests.filter(r => r.path === '/search/issues')
    expect(searches.at(-1)?.repositories).toEqual(['acme/api', 'acme/shop'])
    expect(searches.at(-1)?.repository).toBeNull()

    // Without repo:, every repository the token sees, never the hidden one.
    const hidden = await octokit.request('GET /search/issues', { q: 'hidden' })
    expect(hidden.data.total_count).toBe(0)
    const docs = await octokit.request('GET /search/issues', { q: 'Docs in:title' })
    expect(docs.data.items.map(i => i.html_url)).toEqual(['https://github.com/acme/docs/issues/1'])

    const bad = await fetch(`${host.url}/search/issues?q=x`, {
      headers: { authorization: 'token ghs_wrong' }
    })
    expect(bad.status).toBe(401)
  })

  it('answers GraphQL viewer itself and blame from the repository the query names', async () => {
    const viewer = await fetch(`${host.url}/graphql`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ query: 'query { viewer { login } }' })
    })
    expect(await viewer.json()).toEqual({ data: { viewer: { login: 'github-actions[bot]' } } })
    expect(host.requests.at(-1)?.repositories).toEqual([])
    // The token's own requests are the primary (first) repository's, as a single fake's would be.
    expect(host.repository('acme/shop').requests.at(-1)?.path).toBe('/graphql')
    expect(host.repository('acme/api').requests.some(r => /viewer/.test(r.rawBody))).toBe(false)

    const query = `query($owner: String!, $name: String!, $oid: GitObjectID!, $path: String!) {
      repository(owner: $owner, name: $name) {
        b0: object(oid: $oid) { ... on Commit { blame(path: $path) { ranges { startingLine endingLine commit { oid } } } } }
      }
    }`
    const blame = await fetch(`${host.url}/graphql`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        query,
        variables: { owner: 'acme', name: 'api', oid: 'a'.repeat(40), path: 'src/handler.ts' }
      })
    })
    const body = (await blame.json()) as {
      data: { repository: { b0: { blame: { ranges: Array<{ commit: { oid: string } }> } } } }
    }
    expect(body.data.repository.b0.blame.ranges[0]?.commit.oid).toBe('a'.repeat(40))
    expect(host.requests.at(-1)?.repository).toBe('acme/api')
    expect(host.repository('acme/api').requests.at(-1)?.path).toBe('/graphql')
  })

  it('has one rate budget and one secondary limit for the token across repositories', async () => {
    const remaining = async (repo: string): Promise<number> => {
      const r = await fetch(`${host.url}/repos/acme/${repo}/labels`, { headers: auth })
      return Number(r.headers.get('x-ratelimit-remaining'))
    }
    const a = await remaining('shop')
    const b = await remaining('api')
    expect(b).toBe(a - 1)

    host.secondaryRateLimit(2, 3)
    const create = (repo: string) =>
      fetch(`${host.url}/repos/acme/${repo}/issues`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({ title: `paced ${repo}` })
      })
    const first = await create('shop')
    const second = await create('api')
    expect([first.status, second.status]).toEqual([403, 403])
    expect(second.headers.get('retry-after')).toBe('3')
    expect(((await second.json()) as { message: string }).message).toMatch(/secondary rate limit/)
    expect((await remaining('api')) > 0).toBe(true) // reads pass
    expect((await create('api')).status).toBe(201)

    // A repository's own controls touch only requests about it.
    host.repository('acme/api').secondaryRateLimit(1, null)
    expect((await create('shop')).status).toBe(201)
    const limited = await create('api')
    expect(limited.status).toBe(403)
    expect(limited.headers.get('retry-after')).toBeNull()
    host.repository('acme/shop').fault({ path: '/labels' }, { status: 502 })
    expect((await fetch(`${host.url}/repos/acme/api/labels`, { headers: auth })).status).toBe(200)
    expect((await fetch(`${host.url}/repos/acme/shop/labels`, { headers: auth })).status).toBe(502)
  })

  it('shares one search budget across repositories', async () => {
    const limited = await startFakeGitHubHost({
      token: TOKEN,
      searchPerMinute: 2,
      repositories: [
        { owner: 'acme', repo: 'a' },
        { owner: 'acme', repo: 'b' }
      ]
    })
    try {
      const search = (repo: string) =>
        fetch(`${limited.url}/search/issues?q=${encodeURIComponent(`x repo:acme/${repo}`)}`, {
          headers: auth
        })
      expect((await search('a')).status).toBe(200)
      expect((await search('b')).status).toBe(200)
      const third = await search('a')
      expect(third.status).toBe(403)
      expect(third.headers.get('x-ratelimit-resource')).toBe('search')
    } finally {
      await limited.close()
    }
  })
})

describe('fake GitHub host: token kinds and runtime access', () => {
  let host: FakeGitHubHost
  afterEach(async () => {
    await host.close()
  })

  it('gives a user token its permissions per access, and follows setAccess', async () => {
    host = await startFakeGitHubHost({
      token: TOKEN,
      tokenKind: 'user',
      apiPrefix: '/api/v3',
      serverUrl: 'https://ghe.example.com',
      repositories: [
        { owner: 'acme', repo: 'web' },
        { owner: 'acme', repo: 'ro', access: 'read' }
      ]
    })
    const get = async (repo: string) => {
      const r = await fetch(`${host.url}/repos/acme/${repo}`, { headers: auth })
      return { status: r.status, body: (await r.json()) as Record<string, unknown> }
    }
    expect(host.url).toMatch(/\/api\/v3$/)
    expect((await get('web')).body).toMatchObject({
      html_url: 'https://ghe.example.com/acme/web',
      permissions: { admin: false, maintain: false, push: true, triage: true, pull: true }
    })
    expect((await get('ro')).body.permissions).toEqual({
      admin: false,
      maintain: false,
      push: false,
      triage: false,
      pull: true
    })
    host.repository('acme/web').setAccess('none')
    expect((await get('web')).status).toBe(404)
    host.repository('acme/ro').setAccess('write')
    const created = await fetch(`${host.url}/repos/acme/ro/issues`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'now writable' })
    })
    expect(created.status).toBe(201)
    expect(((await created.json()) as { html_url: string }).html_url).toBe(
      'https://ghe.example.com/acme/ro/issues/1'
    )
    const viewer = await fetch(`${host.url.replace(/\/v3$/, '')}/graphql`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ query: 'query { viewer { login } }' })
    })
    expect(viewer.status).toBe(200)
  })

  it('says all-false permissions for an installation token when asked to', async () => {
    host = await startFakeGitHubHost({
      token: TOKEN,
      installationPermissions: 'all-false',
      repositories: [{ owner: 'acme', repo: 'web' }]
    })
    const r = await fetch(`${host.url}/repos/acme/web`, { headers: auth })
    expect(((await r.json()) as { permissions: unknown }).permissions).toEqual({
      admin: false,
      maintain: false,
      push: false,
      triage: false,
      pull: false
    })
    const bad = await fetch(`${host.url}/repos/acme/web/issues`, {
      headers: { authorization: 'token ghs_wrong' }
    })
    expect(bad.status).toBe(401)
  })
})

describe('fake GitHub host: one content-creation pace for the token', () => {
  it('lists creations across repositories and refuses one too soon after another, in any repository', async () => {
    const host = await startFakeGitHubHost({
      token: TOKEN,
      creationSpacingMs: 60_000,
      repositories: [
        { owner: 'acme', repo: 'a', issues: [{ title: 'seeded' }] },
        { owner: 'acme', repo: 'b' }
      ]
    })
    try {
      const post = (path: string, body: Record<string, unknown>) =>
        fetch(`${host.url}${path}`, { method: 'POST', headers: auth, body: JSON.stringify(body) })
      expect((await post('/repos/acme/a/issues', { title: 'first' })).status).toBe(201)
      // A label is no content creation; a comment in another repository is, and comes too soon.
      expect((await post('/repos/acme/b/labels', { name: 'sentry' })).status).toBe(201)
      const tooSoon = await post('/repos/acme/b/issues', { title: 'second' })
      expect(tooSoon.status).toBe(403)
      expect(tooSoon.headers.get('retry-after')).toBeNull()
      expect(((await tooSoon.json()) as { message: string }).message).toMatch(
        /secondary rate limit/
      )
      const comment = await post('/repos/acme/a/issues/1/comments', { body: 'x' })
      expect(comment.status).toBe(403)
      expect(host.repository('acme/b').issues).toEqual([])
      expect(host.creations().map(r => [r.repository, r.path])).toEqual([
        ['acme/a', '/repos/acme/a/issues'],
        ['acme/b', '/repos/acme/b/issues'],
        ['acme/a', '/repos/acme/a/issues/1/comments']
      ])
    } finally {
      await host.close()
    }
  })

  it('admits creations spaced at least creationSpacingMs apart', async () => {
    const host = await startFakeGitHubHost({
      token: TOKEN,
      creationSpacingMs: 30,
      repositories: [
        { owner: 'acme', repo: 'a' },
        { owner: 'acme', repo: 'b' }
      ]
    })
    try {
      const statuses: number[] = []
      for (const repo of ['a', 'b', 'a']) {
        const r = await fetch(`${host.url}/repos/acme/${repo}/issues`, {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({ title: repo })
        })
        statuses.push(r.status)
        await new Promise(resolve => setTimeout(resolve, 60))
      }
      expect(statuses).toEqual([201, 201, 201])
    } finally {
      await host.close()
    }
  })
})

describe('startWorld with githubRepositories', () => {
  let world: World | undefined
  afterEach(async () => {
    await world?.close()
    world = undefined
  })

  it('serves the primary repository and the extra ones on one API; the action runs unchanged', async () => {
    world = await startWorld({
      githubRepositories: [
        { owner: 'acme', repo: 'payments', access: 'read', issues: [{ title: 'elsewhere' }] }
      ],
      githubHost: { tokenKind: 'user' }
    })
    const w = world
    expect(w.githubHost?.repositories).toEqual(['acme/shop', 'acme/payments'])
    expect(w.env.GITHUB_API_URL).toBe(w.githubHost?.url)
    expect(w.github.issue(7)?.title).toBe('JWT expired errors in checkout')
    const run = await runAction(w)
    expect(run.failed).toBeNull()
    expect(run.outputs.created).toBe('10')
    expect(w.github.issues).toHaveLength(11)
    // Every request of this one-repository run was about the primary repository or the token.
    const others = w.githubHost!.requests.filter(
      r => r.repository !== null && r.repository !== 'acme/shop'
    )
    expect(others).toEqual([])
    expect(w.githubHost!.repository('acme/payments').issues.map(i => i.title)).toEqual([
      'elsewhere'
    ])
    const payments = await fetch(`${w.env.GITHUB_API_URL}/repos/acme/payments`, {
      headers: { authorization: `token ${w.inputs['github-token']}` }
    })
    expect(((await payments.json()) as { permissions: { push: boolean } }).permissions.push).toBe(
      false
    )
  })
})
