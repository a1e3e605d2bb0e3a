/**
 * One fake GitHub API on one port serving several repositories, as ONE token sees them (issue #14:
 * an organization's repositories behind a GitHub App installation token).
 *
 * Design: each repository is a whole single-repository fake (github.ts, unchanged behaviour) on its
 * own port; the host's front server answers every client and forwards each request to the fake of
 * the repository it is about — by path (`/repos/{owner}/{repo}/…`, `/repositories/{id}/…`), by the
 * `repo:` qualifiers of `/search/issues?q=`, by `repository(owner:, name:)` in a GraphQL body —
 * and answers itself what belongs to the token rather than to a repository:
 * - `query { viewer { login } }`; `GET /repos/{owner}/{repo}` (the repository object, see
 *   `TokenKind` for `permissions`);
 * - access: `none` → 404 `{"message":"Not Found"}` for every request about the repository (as for a
 *   repository that does not exist; GraphQL: NOT_FOUND; search: 422 "cannot be searched");
 *   `read` → reads work, every write (POST/PATCH/PUT/DELETE) answers 403 "Resource not accessible
 *   by integration";
 * - the token's limits: one `x-ratelimit-*` budget (core, and search per minute), one secondary
 *   rate limit, one content-creation pace across repositories; the request log.
 * The fakes name the host's origin in their URLs, and share one id sequence (GitHub's issue,
 * comment and label ids are global: the sub-issues API takes ids).
 */
import http from 'node:http'
import {
  bearer,
  json,
  startServer,
  type FaultMatch,
  type RecordedRequest,
  type RouteContext,
  type RouteResult
} from './server.js'
import {
  primaryLimitFault,
  secondaryLimitFault,
  startFakeGitHub,
  WRITES,
  type FakeGitHub
} from './github.js'
import { isViewerQuery } from './github-code.js'
import {
  graphqlNotFound,
  graphqlRepos,
  repositoryObject,
  searchRepos,
  type RepositoryAccess
} from './github-host-parts.js'
import { hostSearch } from './github-host-search.js'
import type {
  FakeGitHubHost,
  FakeGitHubHostOptions,
  HostedRepository,
  HostedRepositoryOptions,
  HostRequest
} from './github-host-types.js'

export type { RepositoryAccess, TokenKind } from './github-host-parts.js'
export type {
  FakeGitHubHost,
  FakeGitHubHostOptions,
  HostedRepository,
  HostedRepositoryOptions,
  HostRequest
} from './github-host-types.js'

interface Entry {
  full: string
  id: number
  access: RepositoryAccess
  fake: FakeGitHub
  seed: HostedRepositoryOptions
}

const DOCS = 'https://docs.github.com/rest'
const notFound = (): RouteResult =>
  json(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
const badCredentials = (): RouteResult =>
  json(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' })
/** POST …/issues and POST …/issues/{n}/comments: content creation, counted per token. */
const isCreation = (r: RecordedRequest, prefix: string): boolean =>
  r.method === 'POST' &&
  new RegExp(`^${prefix}/(?:repos/[^/]+/[^/]+|repositories/\\d+)/issues(?:/\\d+/comments)?$`).test(
    r.path
  )
// Hop-by-hop headers, and the token's rate headers (the host owns those).
const DROPPED =
  /^(?:host|connection|keep-alive|transfer-encoding|content-length|date|x-ratelimit-.*|x-github-request-id)$/

/** Sends a request on to a repository's own fake (at `origin`), and its answer back. */
function relay(
  agent: http.Agent,
  origin: string,
  ctx: RouteContext,
  pathAndQuery = `${ctx.url.pathname}${ctx.url.search}`
): Promise<RouteResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(ctx.headers)) if (!DROPPED.test(k)) headers[k] = v
    const req = http.request(
      new URL(pathAndQuery, origin),
      { method: ctx.method, headers, agent },
      res => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('error', reject)
        res.on('end', () => {
          const out: Record<string, string> = {}
          for (const [k, v] of Object.entries(res.headers))
            if (v !== undefined && !DROPPED.test(k)) out[k] = Array.isArray(v) ? v.join(', ') : v
          const text = Buffer.concat(chunks).toString('utf8')
          resolve({ status: res.statusCode ?? 502, headers: out, body: text || undefined })
        })
      }
    )
    req.on('error', reject)
    req.end(ctx.rawBody.length > 0 ? ctx.rawBody : undefined)
  })
}

export async function startFakeGitHubHost(opts: FakeGitHubHostOptions): Promise<FakeGitHubHost> {
  const prefix = (opts.apiPrefix ?? '').replace(/\/+$/, '')
  const serverUrl = (opts.serverUrl ?? 'https://github.com').replace(/\/+$/, '')
  const graphqlPath = prefix.endsWith('/api/v3')
    ? prefix.replace(/\/v3$/, '/graphql')
    : `${prefix}/graphql`
  const botLogin = opts.botLogin ?? 'github-actions[bot]'
  const limit = opts.rateLimit ?? 5000
  const rl = { used: 0, reset: Math.floor(Date.now() / 1000) + 3600, seq: 0 }
  let ids = 2_000_000_000
  const nextId = (): number => ++ids
  const agent = new http.Agent({ keepAlive: true })
  const pace: { last?: number | undefined } = {}
  const entries: Entry[] = []
  const find = (full: string): Entry | undefined =>
    entries.find(e => e.full.toLowerCase() === full.toLowerCase())
  const visible = (e: Entry | undefined): e is Entry => e !== undefined && e.access !== 'none'

  const coreHeaders = (req: RecordedRequest): Record<string, string> => {
    const common = {
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `C0DE:${(++rl.seq).toString(16).toUpperCase().padStart(4, '0')}:1A2B3C:4D5E6F:67000000`,
      'x-content-type-options': 'nosniff'
    }
    // Searches count against the search budget (their answers carry it), not the core one.
    if (req.path === `${prefix}/search/issues`) return common
    const nowSec = Math.floor(Date.now() / 1000)
    if (nowSec >= rl.reset) Object.assign(rl, { reset: nowSec + 3600, used: 0 })
    rl.used += 1
    return {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - rl.used)),
      'x-ratelimit-used': String(Math.min(limit, rl.used)),
      'x-ratelimit-reset': String(rl.reset),
      'x-ratelimit-resource': 'core',
      ...common
    }
  }

  const front = await startServer({
    latencyMs: opts.latencyMs,
    baseHeaders: coreHeaders,
    notFound,
    methodNotAllowed: notFound
  })
  const api = `${front.url}${prefix}`

  const forward = (e: Entry, ctx: RouteContext, pathAndQuery?: string): Promise<RouteResult> =>
    relay(agent, e.fake.server.url, ctx, pathAndQuery)

  /** Auth, visibility and write access, checked like GitHub before the repository's fake answers. */
  const admit = (e: Entry | undefined, ctx: RouteContext): RouteResult | Entry => {
    if (bearer(ctx) !== opts.token) return badCredentials()
    if (!visible(e)) return notFound()
    if (WRITES.includes(ctx.method) && e.access === 'read')
      return json(403, {
        message: 'Resource not accessible by integration',
        documentation_url: DOCS,
        status: '403'
      })
    if (opts.creationSpacingMs !== undefined && isCreation(ctx, prefix)) {
      const at = Date.now()
      if (pace.last !== undefined && at - pace.last < opts.creationSpacingMs)
        return json(403, secondaryLimitFault(1, null).body)
      pace.last = at
    }
    return e
  }

  const onRepo = async (ctx: RouteContext): Promise<RouteResult> => {
    const e = admit(find(`${ctx.params.owner}/${ctx.params.repo}`), ctx)
    if (!('fake' in e)) return e
    if (ctx.method === 'GET' && ctx.params.s0 === undefined) {
      const open = [...e.fake.issues, ...e.fake.pulls].filter(i => i.state === 'open').length
      return json(
        200,
        repositoryObject({
          owner: e.seed.owner,
          repo: e.seed.repo,
          id: e.id,
          api,
          serverUrl,
          private: e.seed.private ?? true,
          defaultBranch: e.seed.code?.defaultBranch ?? 'main',
          hasIssues: e.seed.issuesDisabled !== true,
          openIssues: open,
          access: e.access === 'read' ? 'read' : 'write',
          tokenKind: opts.tokenKind ?? 'installation',
          installationPermissions: opts.installationPermissions ?? 'absent'
        })
      )
    }
    return forward(e, ctx)
  }

  const onRepositoryId = async (ctx: RouteContext): Promise<RouteResult> => {
    const e = admit(
      entries.find(x => String(x.id) === ctx.params.rid),
      ctx
    )
    return 'fake' in e ? forward(e, ctx) : e
  }

  const onGraphql = async (ctx: RouteContext): Promise<RouteResult> => {
    if (bearer(ctx) !== opts.token) return badCredentials()
    if (isViewerQuery(ctx.body)) return json(200, { data: { viewer: { login: botLogin } } })
    const named = graphqlRepos(ctx.body)
    if (named.length !== 1)
      return json(200, {
        errors: [
          {
            message: `The fake GitHub host answers viewer, or a query about one repository(owner:, name:); this one names ${named.length}.`
          }
        ]
      })
    const e = find(named[0] as string)
    return visible(e) ? forward(e, ctx) : json(200, graphqlNotFound(named[0] as string))
  }

  const search = hostSearch({
    token: opts.token,
    api,
    perMinute: opts.searchPerMinute ?? null,
    find,
    visible: () => entries.filter(visible),
    forward
  })

  // The front server's table has no wildcard: one pattern per depth under a repository.
  const METHODS = ['GET', ...WRITES]
  const tails = Array.from({ length: 13 }, (_, d) =>
    Array.from({ length: d }, (_, i) => `/:s${i}`).join('')
  )
  for (const method of METHODS)
    for (const tail of tails) {
      front.route(method, `${prefix}/repos/:owner/:repo${tail}`, onRepo)
      if (tail) front.route(method, `${prefix}/repositories/:rid${tail}`, onRepositoryId)
    }
  front.route('GET', `${prefix}/search/issues`, search)
  front.route('POST', graphqlPath, onGraphql)

  for (const [index, seed] of opts.repositories.entries()) {
    const full = `${seed.owner}/${seed.repo}`
    if (find(full)) throw new Error(`fake GitHub host: ${full} is seeded twice`)
    const { access, private: _private, ...rest } = seed
    void _private
    const id = 700_000_001 + index
    const fake = await startFakeGitHub({
      ...rest,
      // A hosted repository's code is its own: a code repository elsewhere is another repository.
      code: rest.code && { ...rest.code, owner: seed.owner, repo: seed.repo },
      token: opts.token,
      serverUrl,
      apiPrefix: prefix,
      botLogin,
      now: opts.now,
      apiOrigin: front.url,
      repositoryId: id,
      nextId
    })
    entries.push({ full, id, access: access ?? 'write', fake, seed })
  }

  /** The repositories a request is about, as the routing above reads them. */
  const about = (r: RecordedRequest): string[] => {
    const canonical = (full: string): string => find(full)?.full ?? full
    const repoPath = new RegExp(`^${prefix}/repos/([^/]+)/([^/]+)`).exec(r.path)
    if (repoPath)
      return [
        canonical(
          `${decodeURIComponent(repoPath[1] ?? '')}/${decodeURIComponent(repoPath[2] ?? '')}`
        )
      ]
    const idPath = new RegExp(`^${prefix}/repositories/(\\d+)/`).exec(r.path)
    if (idPath) {
      const e = entries.find(x => String(x.id) === idPath[1])
      return e ? [e.full] : []
    }
    if (r.path === `${prefix}/search/issues`) {
      const named = searchRepos(r.query.get('q') ?? '')
      return named.length > 0 ? named.map(canonical) : entries.filter(visible).map(e => e.full)
    }
    if (r.path === graphqlPath)
      return isViewerQuery(r.body) ? [] : graphqlRepos(r.body).map(canonical)
    return []
  }
  const tagged = (): HostRequest[] =>
    front.requests.map(r => {
      const t = r as HostRequest
      if (t.repositories === undefined) {
        t.repositories = about(r)
        t.repository = t.repositories.length === 1 ? (t.repositories[0] as string) : null
      }
      return t
    })

  let closed: Promise<void> | undefined
  const close = (): Promise<void> => {
    closed ??= (async () => {
      await front.close()
      await Promise.all(entries.map(e => e.fake.close()))
      agent.destroy()
    })()
    return closed
  }

  /**
   * A request is a repository's when it is about it; the primary (first) repository, the one
   * GITHUB_REPOSITORY names, also takes the token's requests about no served repository (viewer,
   * unknown paths), so its handle sees what a single fake would.
   */
  const belongs = (r: RecordedRequest, e: Entry): boolean => {
    const names = about(r)
    return names.includes(e.full) || (e === entries[0] && !names.some(n => find(n)))
  }

  const handle = (e: Entry): HostedRepository => {
    const scoped = (m: FaultMatch): FaultMatch => ({
      ...m,
      when: r => belongs(r, e) && (m.when ? m.when(r) : true)
    })
    const { fake } = e
    return {
      ...fake,
      fullName: e.full,
      id: e.id,
      url: api,
      get requests() {
        return tagged().filter(r => belongs(r, e))
      },
      get access() {
        return e.access
      },
      setAccess: access => void (e.access = access),
      fault: (m, f) => front.fault(scoped(m), f),
      secondaryRateLimit: (times = 1, retryAfterSec: number | null = 1) =>
        front.fault(scoped({ method: WRITES }), secondaryLimitFault(times, retryAfterSec)),
      primaryRateLimit: (times = 1) => front.fault(scoped({}), primaryLimitFault(times, limit)),
      server: front,
      close
    }
  }

  return {
    url: api,
    serverUrl,
    get requests() {
      return tagged()
    },
    repository(fullName) {
      const e = find(fullName)
      if (!e) throw new Error(`fake GitHub host: it serves no ${fullName}`)
      return handle(e)
    },
    repositories: entries.map(e => e.full),
    creations: () => tagged().filter(r => isCreation(r, prefix)),
    fault: (m, f) => front.fault(m, f),
    secondaryRateLimit: (times = 1, retryAfterSec: number | null = 1) =>
      front.fault({ method: WRITES }, secondaryLimitFault(times, retryAfterSec)),
    primaryRateLimit: (times = 1) => front.fault({}, primaryLimitFault(times, limit)),
    setLatency: ms => front.setLatency(ms),
    server: front,
    close
  }
}
