/**
 * Owners and code context over real HTTP: the fake GitHub serves a seeded repository (tree,
 * contents, commits, GraphQL blame), the fake Sentry its releases; nothing is mocked.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubClient } from '../src/github/client.js'
import { SentryClient } from '../src/sentry/client.js'
import { Budget } from '../src/http/retry.js'
import { parseLatestEvent, type EventContext } from '../src/sentry/event.js'
import {
  resolveCodeContexts,
  type CodeContextDeps,
  type CodeContextItem
} from '../src/code/context.js'
import { startFakeGitHub, type FakeGitHub } from './fakes/github.js'
import { startFakeSentry, type FakeSentry } from './fakes/sentry.js'
import type { FakeCodeOptions } from './fakes/github-code.js'
import type { SentryReleaseInput } from './fakes/sentry-releases.js'
import { seedScenario } from './fakes/seed.js'
import { CODE_COMMITS, seedCode } from './fakes/seed-code.js'

const GH_TOKEN = 'ghs_codeContextTestToken0123456789'
const SENTRY_TOKEN = 'sntryu_codeContextTest'
const SERVER = 'https://github.example'

const fakes: Array<{ close(): Promise<void> }> = []
afterEach(async () => {
  await Promise.all(fakes.splice(0).map(f => f.close()))
})

interface Setup {
  github: FakeGitHub
  sentry: FakeSentry
  deps(
    overrides?: Partial<CodeContextDeps['config']>,
    extra?: Partial<CodeContextDeps>
  ): CodeContextDeps
}

async function setup(
  code: FakeCodeOptions,
  releases: SentryReleaseInput[] = [],
  apiPrefix = ''
): Promise<Setup> {
  const github = await startFakeGitHub({
    owner: 'acme',
    repo: 'shop',
    token: GH_TOKEN,
    serverUrl: SERVER,
    apiPrefix,
    code
  })
  const sentry = await startFakeSentry({ token: SENTRY_TOKEN, org: 'acme', releases })
  fakes.push(github, sentry)
  const budget = new Budget(120_000)
  const client = new GitHubClient({
    token: GH_TOKEN,
    apiUrl: github.url,
    owner: 'acme',
    repo: 'shop',
    timeoutMs: 5_000,
    budget,
    retryAfterBaseMs: 10,
    writeSpacingMs: 0
  })
  const sentryClient = new SentryClient({
    baseUrl: sentry.url,
    token: SENTRY_TOKEN,
    org: 'acme',
    timeoutMs: 5_000,
    budget
  })
  return {
    github,
    sentry,
    deps: (overrides = {}, extra = {}) => ({
      config: {
        assign: [],
        codeLinks: true,
        code: { owner: 'acme', repo: 'shop' },
        githubServerUrl: SERVER,
        ...overrides
      },
      octokit: client.octokit,
      sentry: sentryClient,
      ...extra
    })
  }
}

/** An event with one exception whose frames are the given ones (Sentry's order, crash last). */
function eventWith(
  frames: Array<Record<string, unknown>>,
  release: string | null = 'v1'
): EventContext {
  const { event } = parseLatestEvent({
    release: release ? { version: release } : null,
    entries: [
      {
        type: 'exception',
        data: { values: [{ type: 'Error', value: 'boom', stacktrace: { frames } }] }
      }
    ]
  })
  if (!event) throw new Error('test event did not parse')
  return event
}

const count = (g: FakeGitHub, re: RegExp, method = 'GET') =>
  g.requests.filter(r => r.method === method && re.test(r.path)).length

describe('the demo repository', () => {
  const now = new Date('2026-12-01T12:00:00Z')
  const seed = seedScenario({ now })
  const { code, releases } = seedCode(seed)
  const items = (): CodeContextItem[] =>
    seed.issues.map(i => ({ sentryId: i.id, event: parseLatestEvent(seed.events[i.id]).event }))

  it('links frames at the release commit, names owners and the suspect pull request', async () => {
    // The browser release is made unknown here (the demo tags it): no tag, no Sentry release commits.
    const refs = Object.fromEntries(
      Object.entries(code.refs ?? {}).filter(([name]) => name !== 'web-frontend@5.2.1')
    )
    const s = await setup({ ...code, refs }, releases)
    const { contexts, warnings } = await resolveCodeContexts(s.deps(), items())
    const deadlock = contexts.get(seed.ids.deadlock)
    expect(deadlock?.commit?.sha).toBe(CODE_COMMITS.release)
    expect(deadlock?.movedWarning).toBe(false)
    expect(deadlock?.crash?.path).toBe('checkout-api/src/db/orders.ts')
    expect(deadlock?.crash?.permalink).toBe(
      `${SERVER}/acme/shop/blob/${CODE_COMMITS.release}/checkout-api/src/db/orders.ts#L${deadlock?.crash?.lineNo}`
    )
    expect(deadlock?.owners).toMatchObject({
      users: ['alice'],
      teams: ['acme/checkout'],
      file: '.github/CODEOWNERS'
    })
    expect(deadlock?.suspect).toEqual({
      sha: CODE_COMMITS.checkoutFix,
      url: `${SERVER}/acme/shop/commit/${CODE_COMMITS.checkoutFix}`,
      login: 'alice',
      pr: { number: 12, url: `${SERVER}/acme/shop/pull/12` }
    })
    // Python, site-packages frames skipped: the crash is the gateway file.
    const stripe = contexts.get(seed.ids.stripe)
    expect(stripe?.crash?.path).toBe('payments-worker/payments/gateways/stripe_gateway.py')
    expect(stripe?.owners).toMatchObject({
      users: ['bob'],
      emails: ['payments-oncall@acme.example']
    })
    // The browser release is unknown everywhere: the default branch's head, with the note.
    const react = contexts.get(seed.ids.reactTypeError)
    expect(react).toMatchObject({
      movedWarning: true,
      commit: { sha: CODE_COMMITS.head, branch: 'main' }
    })
    expect(react?.crash?.path).toMatch(/^web-frontend\/src\//)
    expect(react?.suspect?.login).toBeNull()
    // checkout-api@2.15.0: Sentry's release names the commit.
    expect(contexts.get(seed.ids.fatal)?.commit).toMatchObject({
      sha: CODE_COMMITS.head,
      source: 'sentry-release'
    })
    expect(warnings.map(w => w.kind)).toEqual(['release-unresolved'])
  })

  it('reads each tree and CODEOWNERS once per distinct commit, and blames in ⌈n/20⌉ requests', async () => {
    const s = await setup(code, releases)
    const { contexts } = await resolveCodeContexts(s.deps(), items())
    const commits = new Set([...contexts.values()].flatMap(c => (c.commit ? [c.commit.sha] : [])))
    expect(commits.size).toBeGreaterThan(1)
    expect(count(s.github, /\/git\/trees\//)).toBe(commits.size)
    expect(count(s.github, /\/contents\//)).toBe(commits.size)
    const blamed = [...contexts.values()].filter(c => c.suspect).length
    expect(blamed).toBeGreaterThan(3)
    expect(count(s.github, /^\/graphql$/, 'POST')).toBe(Math.ceil(blamed / 20))
    // One release lookup per distinct release, not per issue.
    const lookups = s.sentry.requests.filter(r => r.path.includes('/releases/')).map(r => r.path)
    expect(new Set(lookups).size).toBe(lookups.length)
  })

  it('makes no request at all when code-links is off and assign is empty', async () => {
    const s = await setup(code, releases)
    const before = { github: s.github.requests.length, sentry: s.sentry.requests.length }
    const result = await resolveCodeContexts(s.deps({ codeLinks: false, assign: [] }), items())
    expect(result).toEqual({ contexts: new Map(), warnings: [] })
    expect(s.github.requests.length).toBe(before.github)
    expect(s.sentry.requests.length).toBe(before.sentry)
  })

  it('with code-links off, assign still finds owners and suspects but links nothing', async () => {
    const s = await setup(code, releases)
    const { contexts } = await resolveCodeContexts(
      s.deps({ codeLinks: false, assign: ['codeowners'] }),
      items()
    )
    const deadlock = contexts.get(seed.ids.deadlock)
    expect(deadlock?.owners?.users).toEqual(['alice'])
    expect(deadlock?.crash?.permalink).toBeNull()
    expect(deadlock?.suspect).toBeNull()
    expect(count(s.github, /^\/graphql$/, 'POST')).toBe(0)
  })

  it('on GitHub Enterprise Server, blames through /api/graphql', async () => {
    const s = await setup(code, releases, '/api/v3')
    const { contexts } = await resolveCodeContexts(s.deps(), items().slice(0, 1))
    expect(contexts.get(seed.ids.deadlock)?.suspect?.login).toBe('alice')
    expect(count(s.github, /^\/api\/graphql$/, 'POST')).toBe(1)
  })
})

const SHA = 'abcdef0123456789abcdef0123456789abcdef01'
const SHAPES_REPO: FakeCodeOptions = {
  commits: [
    {
      sha: SHA,
      author: 'octo',
      files: Object.fromEntries(
        [
          'src/pkg/automation/step.py',
          'errors/views.py',
          'server/src/routes/cart.ts',
          'web/src/index.ts',
          'web/src/pages/Home.tsx',
          'web/main.js',
          'app/src/main/java/io/sentry/example/Application.java',
          'app/src/main/kotlin/com/acme/shop/CartService.kt',
          'app/models/user.rb',
          'pkg/api/handler.go',
          'MyWebApp/Pages/Divide-Zero.cs',
          'api/util/format.ts',
          'web/util/format.ts',
          'CODEOWNERS'
        ].map(p => [p, p === 'CODEOWNERS' ? '*.py @py\n/web/ @web\n' : `${'line\n'.repeat(80)}`])
      )
    }
  ],
  refs: { v1: SHA }
}

describe('frame shapes real SDKs send (API-NOTES F8)', () => {
  const shapes: Array<[string, Record<string, unknown>, string | null]> = [
    [
      'Python /app/src',
      {
        filename: 'pkg/automation/step.py',
        absPath: '/app/src/pkg/automation/step.py',
        module: 'pkg.automation.step'
      },
      'src/pkg/automation/step.py'
    ],
    [
      'Django /code',
      { filename: 'errors/views.py', absPath: '/code/errors/views.py', module: 'errors.views' },
      'errors/views.py'
    ],
    [
      'Python site-packages',
      {
        filename: 'django/core/handlers/base.py',
        absPath: '/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py'
      },
      null
    ],
    [
      'Node /usr/src/app',
      { filename: '/usr/src/app/src/routes/cart.ts', absPath: '/usr/src/app/src/routes/cart.ts' },
      'server/src/routes/cart.ts'
    ],
    [
      'Node dist, compiled',
      { filename: '/usr/src/app/dist/routes/cart.js', absPath: '/usr/src/app/dist/routes/cart.js' },
      'server/src/routes/cart.ts'
    ],
    [
      'node:internal',
      {
        filename: 'node:internal/process/task_queues',
        absPath: 'node:internal/process/task_queues'
      },
      null
    ],
    [
      'node_modules',
      {
        filename: '/app/node_modules/pg/lib/client.js',
        absPath: '/app/node_modules/pg/lib/client.js'
      },
      null
    ],
    [
      'webpack://project/./src',
      {
        filename: 'webpack://web/./src/index.ts',
        absPath: 'webpack://web/./src/index.ts',
        module: 'src/index'
      },
      'web/src/index.ts'
    ],
    [
      'webpack:///./src',
      { filename: './src/pages/Home.tsx', absPath: 'webpack:///./src/pages/Home.tsx' },
      'web/src/pages/Home.tsx'
    ],
    ['app:///', { filename: 'app:///main.js', absPath: 'app:///main.js' }, 'web/main.js'],
    [
      'minified URL',
      {
        filename: '/static/js/main.3f9c1a.js',
        absPath: 'https://shop.acme.com/static/js/main.3f9c1a.js'
      },
      null
    ],
    [
      'Java module + filename',
      {
        filename: 'Application.java',
        absPath: 'Application.java',
        module: 'io.sentry.example.Application'
      },
      'app/src/main/java/io/sentry/example/Application.java'
    ],
    [
      'Kotlin',
      { filename: 'CartService.kt', module: 'com.acme.shop.CartService$total$1' },
      'app/src/main/kotlin/com/acme/shop/CartService.kt'
    ],
    [
      'Ruby app/models',
      { filename: 'app/models/user.rb', absPath: '/srv/shop/app/models/user.rb' },
      'app/models/user.rb'
    ],
    [
      'Ruby gem',
      {
        filename: 'puma/server.rb',
        absPath: '/Users/dev/.rvm/gems/ruby-3.2.0/gems/puma-6.4.0/lib/puma/server.rb'
      },
      null
    ],
    [
      'Go module path',
      {
        filename: 'github.com/acme/shop/pkg/api/handler.go',
        absPath: '/build/pkg/api/handler.go',
        module: 'github.com/acme/shop/pkg/api'
      },
      'pkg/api/handler.go'
    ],
    [
      '.NET build path',
      {
        filename: 'C:\\agent\\_work\\1\\s\\MyWebApp\\Pages\\Divide-Zero.cs',
        module: 'MyWebApp.Pages.DivideZeroModel',
        package: 'MyWebApp'
      },
      'MyWebApp/Pages/Divide-Zero.cs'
    ],
    ['ambiguous', { filename: 'util/format.ts', absPath: '/app/util/format.ts' }, null]
  ]

  it('maps each shape to its file, or to nothing (one tree request for them all)', async () => {
    const s = await setup(SHAPES_REPO)
    const items = shapes.map(([name, frame]) => ({
      sentryId: name,
      event: eventWith([{ ...frame, function: 'f', lineNo: 7, inApp: true }])
    }))
    const { contexts, warnings } = await resolveCodeContexts(s.deps(), items)
    for (const [name, , expected] of shapes)
      expect([name, contexts.get(name)?.crash?.path ?? null]).toEqual([name, expected])
    expect(contexts.get('Node dist, compiled')?.crash?.permalink).toBe(
      `${SERVER}/acme/shop/blob/${SHA}/server/src/routes/cart.ts`
    )
    expect(count(s.github, /\/git\/trees\//)).toBe(1)
    expect(count(s.github, /\/contents\//)).toBe(1)
    const notFound = warnings.filter(w => w.kind === 'file-not-found')
    expect(notFound).toHaveLength(1)
    expect(notFound[0]?.issues).toHaveLength(shapes.filter(([, , p]) => p === null).length)
  })

  it('names no file, owner or suspect when no frame is in-app, and asks GitHub nothing', async () => {
    const s = await setup(SHAPES_REPO)
    const event = eventWith([
      { filename: 'errors/views.py', absPath: '/code/errors/views.py', lineNo: 3, inApp: false }
    ])
    const { contexts, warnings } = await resolveCodeContexts(
      s.deps({ assign: ['codeowners', 'suspect-commit'] }),
      [{ sentryId: '1', event }]
    )
    expect(contexts.get('1')).toMatchObject({
      inAppFrames: false,
      crash: null,
      owners: null,
      suspect: null
    })
    expect(warnings).toEqual([])
    expect(s.github.requests).toHaveLength(0)
  })
})

describe('missing pieces never block, and each kind is warned once', () => {
  const items = (n: number) =>
    Array.from({ length: n }, (_, i) => ({
      sentryId: String(100 + i),
      event: eventWith([
        {
          filename: 'errors/views.py',
          absPath: '/code/errors/views.py',
          function: 'view',
          lineNo: 1 + i,
          inApp: true
        }
      ])
    }))

  it('without contents: read: one warning naming the permission, and no further requests', async () => {
    const s = await setup({ ...SHAPES_REPO, forbidden: true })
    const { contexts, warnings } = await resolveCodeContexts(
      s.deps({ assign: ['codeowners'] }),
      items(5)
    )
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatchObject({
      kind: 'permission',
      issues: ['100', '101', '102', '103', '104']
    })
    expect(warnings[0]?.message).toMatch(/Add `contents: read` to the workflow's permissions/)
    expect([...contexts.values()].every(c => c.crash === null)).toBe(true)
    expect(s.github.requests.length).toBeLessThanOrEqual(3)
  })

  it('GraphQL refusing the token is the same permission kind', async () => {
    const s = await setup(SHAPES_REPO)
    s.github.fault(
      { method: 'POST', path: '/graphql' },
      {
        status: 200,
        body: {
          data: { repository: null },
          errors: [
            {
              type: 'FORBIDDEN',
              path: ['repository'],
              message: 'Resource not accessible by integration'
            }
          ]
        }
      }
    )
    const { contexts, warnings } = await resolveCodeContexts(s.deps(), items(3))
    expect(warnings.map(w => w.kind)).toEqual(['permission'])
    expect(contexts.get('100')?.crash?.path).toBe('errors/views.py')
    expect(contexts.get('100')?.suspect).toBeNull()
  })

  it('no CODEOWNERS: one warning, no contents request', async () => {
    const files = { ...SHAPES_REPO.commits[0]?.files }
    delete files.CODEOWNERS
    const s = await setup({ ...SHAPES_REPO, commits: [{ sha: SHA, files }] })
    const { contexts, warnings } = await resolveCodeContexts(
      s.deps({ assign: ['codeowners'] }),
      items(4)
    )
    expect(warnings.map(w => [w.kind, w.issues.length])).toEqual([['no-codeowners', 4]])
    expect(warnings[0]?.message).toMatch(/no CODEOWNERS.*\.github\/, the root and docs\//)
    expect(count(s.github, /\/contents\//)).toBe(0)
    expect(contexts.get('100')?.suspect?.login).toBeNull()
  })

  it('a blame that times out: one warning, the rest of the context kept', async () => {
    const s = await setup({ ...SHAPES_REPO, blameDelayMs: 1_000 })
    const { contexts, warnings } = await resolveCodeContexts(
      s.deps({}, { blameTimeoutMs: 100 }),
      items(3)
    )
    expect(warnings.map(w => [w.kind, w.issues.length])).toEqual([['blame-timeout', 3]])
    expect(contexts.get('100')).toMatchObject({
      crash: { path: 'errors/views.py' },
      owners: { users: ['py'] },
      suspect: null
    })
    expect(count(s.github, /^\/graphql$/, 'POST')).toBe(1)
  })

  it('a truncated tree is said once', async () => {
    const s = await setup({ ...SHAPES_REPO, truncatedTree: true })
    const { warnings } = await resolveCodeContexts(s.deps(), items(2))
    expect(warnings.map(w => w.kind)).toEqual(['tree-truncated'])
  })

  it('45 crash lines cost ⌈45/20⌉ = 3 GraphQL requests', async () => {
    const s = await setup(SHAPES_REPO)
    const { contexts } = await resolveCodeContexts(s.deps(), items(45))
    expect([...contexts.values()].filter(c => c.suspect?.login === 'octo')).toHaveLength(45)
    expect(count(s.github, /^\/graphql$/, 'POST')).toBe(3)
  })
})

describe('issues without a stack', () => {
  it('get no context and cost no request', async () => {
    const s = await setup(SHAPES_REPO)
    const { event } = parseLatestEvent({
      entries: [{ type: 'message', data: { formatted: 'hi' } }]
    })
    const { contexts, warnings } = await resolveCodeContexts(s.deps(), [
      { sentryId: '1', event },
      { sentryId: '2', event: null }
    ])
    expect(contexts.size).toBe(0)
    expect(warnings).toEqual([])
    expect(s.github.requests).toHaveLength(0)
  })
})
