/**
 * GitHub's code endpoints for the fake GitHub (API-NOTES F6), served from a seeded in-memory
 * repository: the repository (`default_branch`), `commits/{ref}`, `git/trees/{sha}?recursive=1`,
 * `contents/{path}?ref=` (base64), and `POST /graphql` answering aliased `blame` queries with
 * GitHub's shapes (partial data plus an `errors` array). Options answer 403 "Resource not
 * accessible by integration" (a token without `contents: read`) and slow the blame down.
 */
import { createHash } from 'node:crypto'
import { bearer, json, sleep, type Route, type RouteContext, type RouteResult } from './server.js'
import { answerGraphql, type Snapshot } from './github-blame.js'

export interface CodeCommitSeed {
  sha: string
  message?: string | undefined
  /** GitHub login of the author; null = an e-mail no account has */
  author?: string | null | undefined
  /** the pull request that merged it */
  pr?: number | undefined
  /** the whole tree at this commit; default: the previous commit's */
  files?: Record<string, string> | undefined
  /** blame per path: line ranges → commit sha; lines not covered are this commit's */
  blame?: Record<string, Array<{ start: number; end: number; commit: string }>> | undefined
}

export interface FakeCodeOptions {
  /** the code repository (default: the fake's own owner/repo) */
  owner?: string | undefined
  repo?: string | undefined
  defaultBranch?: string | undefined
  /** oldest first; the default branch's head is the last */
  commits: CodeCommitSeed[]
  /** tag and branch names → sha */
  refs?: Record<string, string> | undefined
  /** no `contents: read`: every code read answers 403, GraphQL answers FORBIDDEN */
  forbidden?: boolean | undefined
  /** every blame request waits this long first */
  blameDelayMs?: number | undefined
  /** trees come back with `truncated: true` */
  truncatedTree?: boolean | undefined
}

const DOCS = 'https://docs.github.com/rest'
const FORBIDDEN = {
  message: 'Resource not accessible by integration',
  documentation_url: `${DOCS}/repos/contents#get-repository-content`,
  status: '403'
}

function gitSha(kind: string, text: string): string {
  return createHash('sha1')
    .update(`${kind} ${Buffer.byteLength(text)}\0${text}`)
    .digest('hex')
}

/** The routes, to append to the fake GitHub's table; `api()` and `server` give the URLs. */
export function codeRoutes(
  opts: FakeCodeOptions,
  base: {
    owner: string
    repo: string
    token: string
    prefix: string
    serverUrl: string
    api: () => string
    /** who `query { viewer { login } }` says the token is */
    viewer: string
  }
): Route[] {
  const owner = opts.owner ?? base.owner
  const repo = opts.repo ?? base.repo
  const branch = opts.defaultBranch ?? 'main'
  const snapshots = new Map<string, Snapshot>()
  let files: Record<string, string> = {}
  for (const seed of opts.commits) {
    files = seed.files ?? files
    snapshots.set(seed.sha, { seed, files })
  }
  const head = opts.commits.at(-1)?.sha ?? ''
  const refs: Record<string, string> = { [branch]: head, ...opts.refs }
  const html = `${base.serverUrl}/${owner}/${repo}`
  const repoApi = () => `${base.api()}/repos/${owner}/${repo}`

  const resolve = (ref: string): Snapshot | undefined => {
    const named = refs[ref]
    if (named) return snapshots.get(named)
    if (/^[0-9a-f]{7,40}$/.test(ref)) {
      const hits = [...snapshots.keys()].filter(sha => sha.startsWith(ref))
      return hits.length === 1 ? snapshots.get(hits[0] as string) : undefined
    }
    return undefined
  }

  /** Auth, the repository's name, and the missing permission, checked like GitHub does. */
  const guard = (ctx: RouteContext): RouteResult | null => {
    if (bearer(ctx) !== base.token)
      return json(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' })
    if (ctx.params.owner !== owner || ctx.params.repo !== repo)
      return json(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
    return opts.forbidden ? json(403, FORBIDDEN) : null
  }

  const commitBody = (s: Snapshot) => ({
    sha: s.seed.sha,
    node_id: `C_${s.seed.sha.slice(0, 12)}`,
    url: `${repoApi()}/commits/${s.seed.sha}`,
    html_url: `${html}/commit/${s.seed.sha}`,
    commit: {
      message: s.seed.message ?? 'Change',
      tree: { sha: gitSha('tree', s.seed.sha), url: `${repoApi()}/git/trees/${s.seed.sha}` }
    },
    author: s.seed.author ? { login: s.seed.author, type: 'User' } : null,
    parents: [],
    files: []
  })

  const prefix = `${base.prefix}/repos/:owner/:repo`
  // GitHub Enterprise Server serves GraphQL at /api/graphql next to its REST /api/v3.
  const graphqlPath = base.prefix.endsWith('/api/v3')
    ? base.prefix.replace(/\/v3$/, '/graphql')
    : `${base.prefix}/graphql`
  const contents = async (ctx: RouteContext): Promise<RouteResult> => {
    const denied = guard(ctx)
    if (denied) return denied
    const path = ctx.path
      .replace(/^.*?\/contents\//, '')
      .split('/')
      .map(decodeURIComponent)
      .join('/')
    const snapshot = resolve(ctx.query.get('ref') ?? branch)
    const content = snapshot?.files[path]
    if (content === undefined)
      return json(404, {
        message: 'Not Found',
        documentation_url: `${DOCS}/repos/contents#get-repository-content`,
        status: '404'
      })
    const sha = gitSha('blob', content)
    return json(200, {
      type: 'file',
      encoding: 'base64',
      size: Buffer.byteLength(content),
      name: path.split('/').at(-1),
      path,
      content: (
        Buffer.from(content)
          .toString('base64')
          .match(/.{1,60}/g) ?? []
      ).join('\n'),
      sha,
      url: `${repoApi()}/contents/${path}?ref=${snapshot?.seed.sha}`,
      html_url: `${html}/blob/${snapshot?.seed.sha}/${path}`,
      download_url: null
    })
  }

  const routes: Route[] = [
    {
      method: 'GET',
      pattern: prefix,
      handler: ctx => {
        const denied = guard(ctx)
        // Repository metadata needs only `metadata: read`: a token without contents still sees it.
        if (denied && denied.status !== 403) return denied
        return json(200, {
          id: 800_000_001,
          name: repo,
          full_name: `${owner}/${repo}`,
          private: true,
          html_url: html,
          default_branch: branch,
          permissions: { admin: false, push: false, pull: !opts.forbidden }
        })
      }
    },
    {
      method: 'GET',
      pattern: `${prefix}/commits/:ref`,
      handler: ctx => {
        const denied = guard(ctx)
        if (denied) return denied
        const snapshot = resolve(ctx.params.ref ?? '')
        return snapshot
          ? json(200, commitBody(snapshot))
          : json(422, {
              message: `No commit found for SHA: ${ctx.params.ref}`,
              documentation_url: `${DOCS}/commits/commits#get-a-commit`,
              status: '422'
            })
      }
    },
    {
      method: 'GET',
      pattern: `${prefix}/git/trees/:sha`,
      handler: ctx => {
        const denied = guard(ctx)
        if (denied) return denied
        const snapshot = resolve(ctx.params.sha ?? '')
        if (!snapshot)
          return json(404, {
            message: 'Not Found',
            documentation_url: `${DOCS}/git/trees#get-a-tree`,
            status: '404'
          })
        const recursive = ctx.query.has('recursive')
        const dirs = new Set<string>()
        for (const path of Object.keys(snapshot.files)) {
          const parts = path.split('/')
          for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'))
        }
        const entries = [
          ...[...dirs].map(path => ({
            path,
            mode: '040000',
            type: 'tree',
            sha: gitSha('tree', path),
            url: `${repoApi()}/git/trees/${gitSha('tree', path)}`
          })),
          ...Object.entries(snapshot.files).map(([path, content]) => ({
            path,
            mode: '100644',
            type: 'blob',
            sha: gitSha('blob', content),
            size: Buffer.byteLength(content),
            url: `${repoApi()}/git/blobs/${gitSha('blob', content)}`
          }))
        ]
          .filter(e => recursive || !e.path.includes('/'))
          .sort((a, b) => a.path.localeCompare(b.path))
        return json(200, {
          sha: snapshot.seed.sha,
          url: `${repoApi()}/git/trees/${snapshot.seed.sha}`,
          tree: entries,
          truncated: opts.truncatedTree === true
        })
      }
    },
    // Octokit sends `{path}` with its slashes encoded; a client that does not is served too.
    ...[1, 2, 3, 4, 5, 6].map(depth => ({
      method: 'GET',
      pattern: `${prefix}/contents${Array.from({ length: depth }, (_, i) => `/:p${i}`).join('')}`,
      handler: contents
    })),
    {
      method: 'POST',
      pattern: graphqlPath,
      handler: async ctx => {
        if (bearer(ctx) !== base.token)
          return json(401, { message: 'Bad credentials', documentation_url: DOCS })
        if (isViewerQuery(ctx.body)) return json(200, { data: { viewer: { login: base.viewer } } })
        if (opts.blameDelayMs) await sleep(opts.blameDelayMs)
        return json(
          200,
          answerGraphql(ctx.body, {
            owner,
            repo,
            html,
            forbidden: opts.forbidden === true,
            resolve,
            snapshots
          })
        )
      }
    }
  ]
  return routes
}

/** `query { viewer { login } }`: who the token is (GitHub answers it for users, apps and Actions). */
export function isViewerQuery(body: unknown): boolean {
  const query = (body as { query?: unknown } | null)?.query
  return (
    typeof query === 'string' && /^\s*query\s*\{\s*viewer\s*\{\s*login\s*\}\s*\}\s*$/.test(query)
  )
}
