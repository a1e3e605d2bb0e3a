/**
 * Fake GitHub REST API: issues, labels and issue comments of ONE repository, with GitHub's
 * response shapes, validation errors (422 with `errors[]`), pagination `Link` headers
 * (`/repositories/{id}/...` URLs, like api.github.com), `x-ratelimit-*` headers on every
 * response, helpers for primary and secondary rate limits, and `repository_dispatch` (recorded).
 *
 * Part 2 additions: close/reopen with `state_reason` (`closed_at`, `closed_by` — the latter only on
 * the single-issue GET and writes, not in listings, API-NOTES F5), issue events for every change
 * (github-events.ts), edits by a person (`editAsPerson`), and `GET /search/issues`
 * (github-search.ts). `updated_at` moves only when a write changes something. Logins ending in
 * `[bot]` are `Bot` users; any other login is a `User` (seeds: `user`, `author_association`).
 */
import {
  bearer,
  isRecord,
  json,
  startServer,
  type FakeServer,
  type FaultMatch,
  type FaultSpec,
  type RecordedRequest,
  type RouteContext,
  type RouteResult
} from './server.js'
import {
  makeHistory,
  publicEvent,
  type GitHubIssueEvent,
  type PersonEdit,
  type StateReason
} from './github-events.js'
import { searchHandler } from './github-search.js'
import { subIssueRoutes } from './github-sub-issues.js'

export type { GitHubIssueEvent, PersonEdit, StateReason } from './github-events.js'
import { codeRoutes, isViewerQuery, type FakeCodeOptions } from './github-code.js'

// ---------------------------------------------------------------------------------------------
// types

export interface GitHubUser {
  login: string
  id: number
  node_id: string
  avatar_url: string
  gravatar_id: string
  url: string
  html_url: string
  type: 'User' | 'Bot' | 'Organization'
  site_admin: boolean
  [key: string]: unknown
}

export interface GitHubLabel {
  id: number
  node_id: string
  url: string
  name: string
  color: string
  default: boolean
  description: string | null
}

export interface GitHubIssue {
  id: number
  node_id: string
  url: string
  repository_url: string
  labels_url: string
  comments_url: string
  events_url: string
  html_url: string
  number: number
  title: string
  body: string | null
  user: GitHubUser
  labels: GitHubLabel[]
  state: 'open' | 'closed'
  state_reason: 'completed' | 'not_planned' | 'reopened' | 'duplicate' | null
  locked: boolean
  active_lock_reason: string | null
  assignee: GitHubUser | null
  assignees: GitHubUser[]
  milestone: null
  comments: number
  created_at: string
  updated_at: string
  closed_at: string | null
  closed_by?: GitHubUser | null | undefined
  author_association: string
  type: null
  timeline_url: string
  performed_via_github_app: unknown
  reactions: Record<string, unknown>
  /** only on pull requests */
  pull_request?:
    | {
        url: string
        html_url: string
        diff_url: string
        patch_url: string
        merged_at: string | null
      }
    | undefined
  draft?: boolean | undefined
  [key: string]: unknown
}

export interface GitHubComment {
  id: number
  node_id: string
  url: string
  html_url: string
  issue_url: string
  body: string
  user: GitHubUser
  created_at: string
  updated_at: string
  author_association: string
  performed_via_github_app: unknown
  reactions: Record<string, unknown>
  /** test convenience: the issue number */
  issue_number: number
}

export interface GitHubIssueSeed {
  number?: number | undefined
  title: string
  body?: string | null | undefined
  state?: 'open' | 'closed' | undefined
  state_reason?: GitHubIssue['state_reason'] | undefined
  /** label names (created in the repo if missing) */
  labels?: string[] | undefined
  assignees?: string[] | undefined
  /** author login (default github-actions[bot]) */
  user?: string | undefined
  /** the author's relation to the repo (default: NONE for bots, MEMBER for users); NONE = a stranger */
  author_association?: string | undefined
  created_at?: string | undefined
  updated_at?: string | undefined
  closed_at?: string | null | undefined
  /** login that closed a closed seed (default the bot); recorded as a `closed` event */
  closed_by?: string | undefined
  comments?: number | undefined
}

export interface GitHubLabelSeed {
  name: string
  color?: string | undefined
  description?: string | null | undefined
}

export interface FakeGitHubOptions {
  owner: string
  repo: string
  token: string
  /** html_url origin (default https://github.com) */
  serverUrl?: string | undefined
  /** path prefix of the API, e.g. "/api/v3" to mimic GitHub Enterprise Server (default "") */
  apiPrefix?: string | undefined
  /** every write answers 403 "Resource not accessible by integration" */
  readOnly?: boolean | undefined
  /** every /issues endpoint answers 410 */
  issuesDisabled?: boolean | undefined
  issues?: GitHubIssueSeed[] | undefined
  labels?: GitHubLabelSeed[] | undefined
  /** seed two pull requests, which the issues list returns too (items with `pull_request`) */
  includePulls?: boolean | undefined
  /** if set, assignees outside this list → 422 */
  collaborators?: string[] | undefined
  /** login of the token's identity (default github-actions[bot]) */
  botLogin?: string | undefined
  now?: (() => Date) | undefined
  latencyMs?: number | undefined
  /** x-ratelimit-limit (default 1000, the GITHUB_TOKEN limit) */
  rateLimit?: number | undefined
  /** search index lag: issues created less than this many ms ago are not found (default 0) */
  searchLagMs?: number | undefined
  /** search rate limit per minute (GitHub: 30 authenticated); unset = unlimited */
  searchPerMinute?: number | undefined
  /** a code repository: trees, contents, commits and GraphQL blame (github-code.ts) */
  code?: FakeCodeOptions | undefined
  /**
   * The origin this fake's URLs name (issue `url`, `Link` headers) when another server answers for
   * it: the GitHub host (github-host.ts) serves several fakes behind one port. Default: its own.
   */
  apiOrigin?: string | undefined
  /** the repository's id in `/repositories/{id}/…` links (the host gives each repository its own) */
  repositoryId?: number | undefined
  /** where issue, comment, label and event ids come from: a host shares one (GitHub's are global) */
  nextId?: (() => number) | undefined
  /** false: the sub-issues API answers 404, as on GitHub Enterprise Server without it (default true) */
  subIssues?: boolean | undefined
  /** issue ids that exist in another owner's repository: attaching one as a sub-issue → 422 */
  otherOwnerIssueIds?: number[] | undefined
}

export interface GitHubDispatch {
  event_type: string
  client_payload: Record<string, unknown>
  at: number
}

export interface FakeGitHub {
  /** API base, e.g. http://127.0.0.1:PORT (plus apiPrefix) */
  url: string
  serverUrl: string
  /** issues only (pull requests are in `pulls`) */
  issues: GitHubIssue[]
  pulls: GitHubIssue[]
  labels: GitHubLabel[]
  comments: GitHubComment[]
  /** every issue event recorded (API writes, person edits, seeds), oldest first */
  events: GitHubIssueEvent[]
  /** the events of one issue, oldest first */
  eventsFor(n: number): GitHubIssueEvent[]
  /**
   * Test control: change an issue as a person (a `User`, default `octocat`) does in GitHub's UI, or as
   * a commit/merged PR does (`closedByCommit`): records events, bumps updated_at when something changed.
   */
  editAsPerson(n: number, edit: PersonEdit): GitHubIssue
  requests: RecordedRequest[]
  /** repository_dispatch events accepted by POST /repos/{owner}/{repo}/dispatches, in order */
  dispatches: GitHubDispatch[]
  fault(match: FaultMatch, f: FaultSpec): void
  setLatency(ms: number): void
  close(): Promise<void>
  /** next `times` writes (POST/PATCH/PUT/DELETE) answer 403 secondary rate limit; retryAfterSec null = no retry-after header */
  secondaryRateLimit(times?: number, retryAfterSec?: number | null): void
  /** next `times` requests answer 403 primary rate limit (x-ratelimit-remaining 0, reset now+1) */
  primaryRateLimit(times?: number): void
  /** convenience: find an issue or PR by number */
  issue(n: number): GitHubIssue | undefined
  /** sub-issues by parent number: the children's ids, in the order attached (github-sub-issues.ts) */
  subIssues: Map<number, number[]>
  server: FakeServer
}

// ---------------------------------------------------------------------------------------------

const DOCS = 'https://docs.github.com/rest'
const ghIso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

function b64(s: string): string {
  return Buffer.from(s).toString('base64').replace(/=+$/, '')
}

function makeUser(
  login: string,
  id: number,
  api: string,
  server: string,
  type: GitHubUser['type']
): GitHubUser {
  return {
    login,
    id,
    node_id: type === 'Bot' ? `BOT_kgDO${b64(String(id))}` : `U_kgDO${b64(String(id))}`,
    avatar_url: `https://avatars.githubusercontent.com/${type === 'Bot' ? 'in/15368' : `u/${id}`}?v=4`,
    gravatar_id: '',
    url: `${api}/users/${encodeURIComponent(login)}`,
    html_url:
      type === 'Bot' ? `${server}/apps/${login.replace(/\[bot\]$/, '')}` : `${server}/${login}`,
    followers_url: `${api}/users/${encodeURIComponent(login)}/followers`,
    repos_url: `${api}/users/${encodeURIComponent(login)}/repos`,
    type,
    user_view_type: 'public',
    site_admin: false
  }
}

function validationFailed(errors: Array<Record<string, unknown>>, docs: string): RouteResult {
  return json(422, { message: 'Validation Failed', errors, documentation_url: docs, status: '422' })
}

function invalidRequest(message: string, docs: string): RouteResult {
  return json(422, {
    message: `Invalid request.\n\n${message}`,
    documentation_url: docs,
    status: '422'
  })
}

const DOC_CREATE_ISSUE = `${DOCS}/issues/issues#create-an-issue`
const DOC_UPDATE_ISSUE = `${DOCS}/issues/issues#update-an-issue`
const DOC_LIST_ISSUES = `${DOCS}/issues/issues#list-repository-issues`
const DOC_ADD_LABELS = `${DOCS}/issues/labels#add-labels-to-an-issue`
const DOC_CREATE_LABEL = `${DOCS}/issues/labels#create-a-label`
const DOC_CREATE_COMMENT = `${DOCS}/issues/comments#create-an-issue-comment`

export async function startFakeGitHub(opts: FakeGitHubOptions): Promise<FakeGitHub> {
  const now = (): Date => (opts.now ? opts.now() : new Date())
  const serverUrl = (opts.serverUrl ?? 'https://github.com').replace(/\/+$/, '')
  const prefix = (opts.apiPrefix ?? '').replace(/\/+$/, '')
  const repoId = opts.repositoryId ?? 700_000_000 + (opts.owner.length * 31 + opts.repo.length * 7)
  const rlLimit = opts.rateLimit ?? 1000
  const rl = { used: 0, reset: Math.floor(Date.now() / 1000) + 3600 }
  let seq = 2_000_000_000
  let reqSeq = 0
  const nextId = opts.nextId ?? ((): number => ++seq)

  const issues: GitHubIssue[] = []
  const pulls: GitHubIssue[] = []
  const labels: GitHubLabel[] = []
  const comments: GitHubComment[] = []
  const dispatches: GitHubDispatch[] = []

  // `api` is filled in once the server listens
  let api = ''
  const repoApi = (): string => `${api}/repos/${opts.owner}/${opts.repo}`
  const botLogin = opts.botLogin ?? 'github-actions[bot]'
  const bot = (): GitHubUser =>
    makeUser(botLogin, 41898282, api, serverUrl, botLogin.endsWith('[bot]') ? 'Bot' : 'User')
  const userFor = (login: string): GitHubUser =>
    login === botLogin
      ? bot()
      : makeUser(
          login,
          1000 + [...login].reduce((a, c) => a + c.charCodeAt(0), 0),
          api,
          serverUrl,
          login.endsWith('[bot]') ? 'Bot' : 'User'
        )
  const actionsApp = (): Record<string, unknown> => ({
    id: 15368,
    slug: 'github-actions',
    node_id: 'MDM6QXBwMTUzNjg=',
    name: 'GitHub Actions',
    owner: { login: 'github', id: 9919, type: 'Organization' },
    description: 'Automate your workflow from idea to production',
    external_url: 'https://help.github.com/en/actions',
    html_url: `${serverUrl}/apps/github-actions`,
    created_at: '2018-07-30T09:30:17Z',
    updated_at: '2024-04-10T20:33:16Z',
    permissions: { issues: 'write', metadata: 'read' },
    events: []
  })

  const history = makeHistory({
    nextId,
    repoApi,
    appFor: actor => (actor.login === 'github-actions[bot]' ? actionsApp() : null)
  })

  const labelUrl = (name: string): string => `${repoApi()}/labels/${encodeURIComponent(name)}`
  const findLabel = (name: string): GitHubLabel | undefined =>
    labels.find(l => l.name.toLowerCase() === name.toLowerCase())
  const createLabel = (
    name: string,
    color = 'ededed',
    description: string | null = null
  ): GitHubLabel => {
    const id = nextId()
    const l: GitHubLabel = {
      id,
      node_id: `LA_kwDO${b64(String(id))}`,
      url: labelUrl(name),
      name,
      color: color.toLowerCase(),
      default: false,
      description
    }
    labels.push(l)
    return l
  }
  const ensureLabel = (name: string): GitHubLabel => findLabel(name) ?? createLabel(name)

  const reactions = (url: string): Record<string, unknown> => ({
    url: `${url}/reactions`,
    total_count: 0,
    '+1': 0,
    '-1': 0,
    laugh: 0,
    hooray: 0,
    confused: 0,
    heart: 0,
    rocket: 0,
    eyes: 0
  })

  const allItems = (): GitHubIssue[] => [...issues, ...pulls]
  const findItem = (n: number): GitHubIssue | undefined => allItems().find(i => i.number === n)
  const nextNumber = (): number => allItems().reduce((m, i) => Math.max(m, i.number), 0) + 1

  const buildIssue = (
    number: number,
    title: string,
    body: string | null,
    author: GitHubUser,
    at: string
  ): GitHubIssue => {
    const id = nextId()
    const url = `${repoApi()}/issues/${number}`
    return {
      url,
      repository_url: repoApi(),
      labels_url: `${url}/labels{/name}`,
      comments_url: `${url}/comments`,
      events_url: `${url}/events`,
      html_url: `${serverUrl}/${opts.owner}/${opts.repo}/issues/${number}`,
      id,
      node_id: `I_kwDO${b64(String(id))}`,
      number,
      title,
      user: author,
      labels: [],
      state: 'open',
      locked: false,
      assignee: null,
      assignees: [],
      milestone: null,
      comments: 0,
      created_at: at,
      updated_at: at,
      closed_at: null,
      author_association: author.type === 'Bot' ? 'NONE' : 'MEMBER',
      type: null,
      active_lock_reason: null,
      sub_issues_summary: { total: 0, completed: 0, percent_completed: 0 },
      issue_dependencies_summary: {
        blocked_by: 0,
        total_blocked_by: 0,
        blocking: 0,
        total_blocking: 0
      },
      body,
      closed_by: null,
      reactions: reactions(url),
      timeline_url: `${url}/timeline`,
      performed_via_github_app: author.login === 'github-actions[bot]' ? actionsApp() : null,
      state_reason: null
    }
  }

  const touch = (i: GitHubIssue): void => {
    i.updated_at = ghIso(now())
  }

  const setAssignees = (i: GitHubIssue, logins: string[]): void => {
    i.assignees = logins.map(userFor)
    i.assignee = i.assignees[0] ?? null
  }

  // ---- seeding (after `api` is known, see below)
  const seedAll = (): void => {
    for (const l of opts.labels ?? [])
      createLabel(l.name, l.color ?? 'ededed', l.description ?? null)
    const seeds = opts.issues ?? []
    let n = 0
    const base = now().getTime()
    for (const s of seeds) {
      n = s.number ?? Math.max(n + 1, nextNumber())
      const created = s.created_at ?? ghIso(new Date(base - 86_400_000 * 3 + n * 60_000))
      const issue = buildIssue(n, s.title, s.body ?? null, userFor(s.user ?? botLogin), created)
      issue.updated_at = s.updated_at ?? created
      if (s.author_association) issue.author_association = s.author_association
      history.setLabels(issue, (s.labels ?? []).map(ensureLabel), issue.user, created)
      setAssignees(issue, s.assignees ?? [])
      issue.comments = s.comments ?? 0
      if (s.state === 'closed') {
        const reason = s.state_reason ?? 'completed'
        const closer = userFor(s.closed_by ?? botLogin)
        history.close(
          issue,
          reason === 'reopened' ? 'completed' : reason,
          closer,
          s.closed_at ?? issue.updated_at
        )
      } else if (s.state_reason) {
        issue.state_reason = s.state_reason
      }
      issues.push(issue)
    }
    if (opts.includePulls) {
      for (const title of ['Bump undici from 6.21.0 to 6.21.1', 'Fix flaky checkout test']) {
        const num = nextNumber()
        const created = ghIso(new Date(base - 86_400_000 + num * 60_000))
        const pr = buildIssue(
          num,
          title,
          'PR body',
          userFor(title.startsWith('Bump') ? 'dependabot[bot]' : 'octocat'),
          created
        )
        if (title.startsWith('Bump')) pr.labels = [ensureLabel('dependencies')]
        const prUrl = `${repoApi()}/pulls/${num}`
        pr.html_url = `${serverUrl}/${opts.owner}/${opts.repo}/pull/${num}`
        pr.pull_request = {
          url: prUrl,
          html_url: pr.html_url,
          diff_url: `${pr.html_url}.diff`,
          patch_url: `${pr.html_url}.patch`,
          merged_at: null
        }
        pr.draft = false
        pulls.push(pr)
      }
    }
  }

  // ---- helpers for handlers

  const guard = (
    ctx: RouteContext,
    write: boolean,
    issuesEndpoint: boolean,
    docs: string
  ): RouteResult | null => {
    if (bearer(ctx) !== opts.token)
      return json(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' })
    if (ctx.params.rid !== undefined) {
      if (ctx.params.rid !== String(repoId))
        return json(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
    } else if (
      (ctx.params.owner ?? '').toLowerCase() !== opts.owner.toLowerCase() ||
      (ctx.params.repo ?? '').toLowerCase() !== opts.repo.toLowerCase()
    ) {
      return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    }
    if (issuesEndpoint && opts.issuesDisabled)
      return json(410, {
        message: 'Issues are disabled for this repo',
        documentation_url: docs,
        status: '410'
      })
    if (write && opts.readOnly)
      return json(403, {
        message: 'Resource not accessible by integration',
        documentation_url: docs,
        status: '403'
      })
    return null
  }

  const pageParams = (ctx: RouteContext): { perPage: number; page: number } => {
    const pp = Number(ctx.query.get('per_page') ?? '30')
    const pg = Number(ctx.query.get('page') ?? '1')
    return {
      perPage: Number.isFinite(pp) && pp >= 1 ? Math.min(100, Math.floor(pp)) : 30,
      page: Number.isFinite(pg) && pg >= 1 ? Math.floor(pg) : 1
    }
  }

  /** GitHub-style Link header; URLs use the /repositories/{id}/ form like api.github.com */
  const linkHeader = (
    ctx: RouteContext,
    tail: string,
    page: number,
    lastPage: number
  ): Record<string, string> => {
    if (lastPage <= 1) return {}
    const mk = (p: number): string => {
      const q = new URLSearchParams(ctx.query)
      q.delete('page')
      q.append('page', String(p))
      return `<${api}/repositories/${repoId}/${tail}?${q.toString()}>`
    }
    const parts: string[] = []
    if (page > 1) parts.push(`${mk(Math.min(page - 1, lastPage))}; rel="prev"`)
    if (page < lastPage) parts.push(`${mk(page + 1)}; rel="next"`, `${mk(lastPage)}; rel="last"`)
    if (page > 1) parts.push(`${mk(1)}; rel="first"`)
    return parts.length ? { link: parts.join(', ') } : {}
  }

  const paged = <T>(
    ctx: RouteContext,
    all: T[],
    tail: string
  ): { items: T[]; headers: Record<string, string> } => {
    const { perPage, page } = pageParams(ctx)
    const lastPage = Math.max(1, Math.ceil(all.length / perPage))
    return {
      items: all.slice((page - 1) * perPage, page * perPage),
      headers: linkHeader(ctx, tail, page, lastPage)
    }
  }

  const labelNames = (raw: unknown): string[] | null => {
    // accepts string[], {name}[], a single string
    const arr = typeof raw === 'string' ? [raw] : Array.isArray(raw) ? raw : null
    if (arr === null) return null
    const out: string[] = []
    for (const x of arr) {
      if (typeof x === 'string') out.push(x)
      else if (isRecord(x) && typeof x.name === 'string') out.push(x.name)
      else return null
    }
    return out
  }

  /** validates label names for issue writes; returns an error result or the labels (auto-created) */
  const resolveLabels = (names: string[], docs: string): GitHubLabel[] | RouteResult => {
    for (const n of names) {
      if (n.trim() === '' || n.length > 50)
        return validationFailed(
          [{ value: n, resource: 'Label', field: 'name', code: 'invalid' }],
          docs
        )
    }
    const out: GitHubLabel[] = []
    for (const n of names) {
      const l = ensureLabel(n.trim())
      if (!out.includes(l)) out.push(l)
    }
    if (out.length > 100)
      return validationFailed(
        [
          {
            resource: 'Issue',
            field: 'labels',
            code: 'custom',
            message: 'Issues can have at most 100 labels'
          }
        ],
        docs
      )
    return out
  }
  const isResult = (x: unknown): x is RouteResult => isRecord(x) && typeof x.status === 'number'

  const checkAssignees = (raw: unknown, docs: string): string[] | RouteResult => {
    if (raw === undefined || raw === null) return []
    if (!Array.isArray(raw) || raw.some(x => typeof x !== 'string'))
      return invalidRequest("For 'properties/assignees', value is not an array of strings.", docs)
    const logins = raw as string[]
    if (opts.collaborators) {
      const bad = logins.filter(
        l => !opts.collaborators?.some(c => c.toLowerCase() === l.toLowerCase())
      )
      if (bad.length > 0)
        return validationFailed(
          bad.map(value => ({ value, resource: 'Issue', field: 'assignees', code: 'invalid' })),
          docs
        )
    }
    if (logins.length > 10)
      return validationFailed(
        [{ resource: 'Issue', field: 'assignees', code: 'custom', message: 'Too many assignees' }],
        docs
      )
    return logins
  }

  const checkTitle = (
    raw: unknown,
    required: boolean,
    docs: string
  ): string | RouteResult | undefined => {
    if (raw === undefined)
      return required ? invalidRequest('"title" wasn\'t supplied.', docs) : undefined
    if (typeof raw !== 'string' && typeof raw !== 'number')
      return invalidRequest(
        `For 'properties/title', ${JSON.stringify(raw)} is not a string or integer.`,
        docs
      )
    const title = String(raw)
    if (title.trim() === '')
      return validationFailed([{ resource: 'Issue', code: 'missing_field', field: 'title' }], docs)
    if (title.length > 256)
      return validationFailed(
        [
          {
            resource: 'Issue',
            code: 'custom',
            field: 'title',
            message: 'title is too long (maximum is 256 characters)'
          }
        ],
        docs
      )
    return title
  }

  const checkBody = (
    raw: unknown,
    docs: string,
    resource = 'Issue'
  ): string | null | RouteResult | undefined => {
    if (raw === undefined) return undefined
    if (raw === null) return null
    if (typeof raw !== 'string')
      return invalidRequest(
        `For 'properties/body', ${JSON.stringify(raw)} is not a string or null.`,
        docs
      )
    if (raw.length > 65536)
      return validationFailed(
        [
          {
            resource,
            code: 'custom',
            field: 'body',
            message: 'body is too long (maximum is 65536 characters)'
          }
        ],
        docs
      )
    return raw
  }

  const addComment = (
    issue: GitHubIssue,
    body: string,
    author: GitHubUser,
    at: string
  ): GitHubComment => {
    const id = nextId()
    const url = `${repoApi()}/issues/comments/${id}`
    const c: GitHubComment = {
      url,
      html_url: `${issue.html_url}#issuecomment-${id}`,
      issue_url: issue.url,
      id,
      node_id: `IC_kwDO${b64(String(id))}`,
      user: author,
      created_at: at,
      updated_at: at,
      author_association: author.type === 'Bot' ? 'NONE' : 'MEMBER',
      body,
      reactions: reactions(url),
      performed_via_github_app: author.login === 'github-actions[bot]' ? actionsApp() : null,
      issue_number: issue.number
    }
    comments.push(c)
    issue.comments += 1
    issue.updated_at = at
    return c
  }

  // ---- handlers

  const listIssues = (ctx: RouteContext): RouteResult => {
    const denied = guard(ctx, false, true, DOC_LIST_ISSUES)
    if (denied) return denied
    const q = ctx.query
    const state = q.get('state') ?? 'open'
    if (!['open', 'closed', 'all'].includes(state))
      return validationFailed(
        [{ value: state, resource: 'Issue', field: 'state', code: 'invalid' }],
        DOC_LIST_ISSUES
      )
    const sort = q.get('sort') ?? 'created'
    if (!['created', 'updated', 'comments'].includes(sort))
      return validationFailed(
        [{ value: sort, resource: 'Issue', field: 'sort', code: 'invalid' }],
        DOC_LIST_ISSUES
      )
    const direction = q.get('direction') ?? 'desc'
    if (!['asc', 'desc'].includes(direction))
      return validationFailed(
        [{ value: direction, resource: 'Issue', field: 'direction', code: 'invalid' }],
        DOC_LIST_ISSUES
      )
    const sinceRaw = q.get('since')
    let since: number | null = null
    if (sinceRaw !== null && sinceRaw !== '') {
      since = Date.parse(sinceRaw)
      if (Number.isNaN(since))
        return validationFailed(
          [{ value: sinceRaw, resource: 'Issue', field: 'since', code: 'invalid' }],
          DOC_LIST_ISSUES
        )
    }
    const wantLabels = (q.get('labels') ?? '')
      .split(',')
      .map(s => s.trim().toLowerCase())
      .filter(Boolean)
    const creator = q.get('creator')
    const assignee = q.get('assignee')
    let list = allItems().filter(i => {
      if (state !== 'all' && i.state !== state) return false
      if (since !== null && Date.parse(i.updated_at) < since) return false
      if (
        wantLabels.length &&
        !wantLabels.every(w => i.labels.some(l => l.name.toLowerCase() === w))
      )
        return false
      if (creator && i.user.login.toLowerCase() !== creator.toLowerCase()) return false
      if (assignee === 'none' && i.assignees.length > 0) return false
      if (assignee === '*' && i.assignees.length === 0) return false
      if (
        assignee &&
        assignee !== 'none' &&
        assignee !== '*' &&
        !i.assignees.some(a => a.login.toLowerCase() === assignee.toLowerCase())
      )
        return false
      return true
    })
    const key = (i: GitHubIssue): number =>
      sort === 'comments'
        ? i.comments
        : Date.parse(sort === 'updated' ? i.updated_at : i.created_at)
    list = list.sort(
      (a, b) => (key(a) - key(b) || a.number - b.number) * (direction === 'asc' ? 1 : -1)
    )
    const { items, headers } = paged(ctx, list, 'issues')
    // `closed_by` is only on the single-issue GET (API-NOTES F5)
    return json(
      200,
      items.map(({ closed_by: _c, ...rest }) => rest),
      headers
    )
  }

  const getIssue = (ctx: RouteContext): RouteResult => {
    const denied = guard(ctx, false, true, `${DOCS}/issues/issues#get-an-issue`)
    if (denied) return denied
    const i = findItem(Number(ctx.params.n))
    if (!i)
      return json(404, {
        message: 'Not Found',
        documentation_url: `${DOCS}/issues/issues#get-an-issue`,
        status: '404'
      })
    return json(200, i)
  }

  const createIssue = (ctx: RouteContext): RouteResult => {
    const denied = guard(ctx, true, true, DOC_CREATE_ISSUE)
    if (denied) return denied
    const b = ctx.body
    if (!isRecord(b))
      return json(400, {
        message: 'Problems parsing JSON',
        documentation_url: DOC_CREATE_ISSUE,
        status: '400'
      })
    const title = checkTitle(b.title, true, DOC_CREATE_ISSUE)
    if (isResult(title)) return title
    const body = checkBody(b.body, DOC_CREATE_ISSUE)
    if (isResult(body)) return body
    let lbls: GitHubLabel[] = []
    if (b.labels !== undefined && b.labels !== null) {
      const names = labelNames(b.labels)
      if (names === null)
        return invalidRequest("For 'properties/labels', value is not an array.", DOC_CREATE_ISSUE)
      const r = resolveLabels(names, DOC_CREATE_ISSUE)
      if (isResult(r)) return r
      lbls = r
    }
    const logins = checkAssignees(
      b.assignees ?? (typeof b.assignee === 'string' ? [b.assignee] : undefined),
      DOC_CREATE_ISSUE
    )
    if (isResult(logins)) return logins
    const issue = buildIssue(nextNumber(), title ?? '', body ?? null, bot(), ghIso(now()))
    history.setLabels(issue, lbls, bot(), issue.created_at)
    setAssignees(issue, logins)
    issues.push(issue)
    return json(201, issue, { location: issue.url })
  }

  const updateIssue = (ctx: RouteContext): RouteResult => {
    const denied = guard(ctx, true, true, DOC_UPDATE_ISSUE)
    if (denied) return denied
    const issue = findItem(Number(ctx.params.n))
    if (!issue)
      return json(404, { message: 'Not Found', documentation_url: DOC_UPDATE_ISSUE, status: '404' })
    const b = ctx.body
    if (!isRecord(b))
      return json(400, {
        message: 'Problems parsing JSON',
        documentation_url: DOC_UPDATE_ISSUE,
        status: '400'
      })
    const title = checkTitle(b.title, false, DOC_UPDATE_ISSUE)
    if (isResult(title)) return title
    const body = checkBody(b.body, DOC_UPDATE_ISSUE)
    if (isResult(body)) return body
    const state = b.state
    if (state !== undefined && state !== 'open' && state !== 'closed')
      return validationFailed(
        [{ value: state, resource: 'Issue', field: 'state', code: 'invalid' }],
        DOC_UPDATE_ISSUE
      )
    const reason = b.state_reason
    if (
      reason !== undefined &&
      reason !== null &&
      !['completed', 'not_planned', 'reopened', 'duplicate'].includes(String(reason))
    )
      return validationFailed(
        [{ value: reason, resource: 'Issue', field: 'state_reason', code: 'invalid' }],
        DOC_UPDATE_ISSUE
      )
    let lbls: GitHubLabel[] | undefined
    if (b.labels !== undefined) {
      const names = labelNames(b.labels ?? [])
      if (names === null)
        return invalidRequest("For 'properties/labels', value is not an array.", DOC_UPDATE_ISSUE)
      const r = resolveLabels(names, DOC_UPDATE_ISSUE)
      if (isResult(r)) return r
      lbls = r
    }
    let logins: string[] | undefined
    if (b.assignees !== undefined) {
      const r = checkAssignees(b.assignees, DOC_UPDATE_ISSUE)
      if (isResult(r)) return r
      logins = r
    }
    // GUESS: closing "as reopened" is refused like any invalid reason
    if (
      reason === 'reopened' &&
      (state === 'closed' || (state === undefined && issue.state === 'closed'))
    )
      return validationFailed(
        [{ value: reason, resource: 'Issue', field: 'state_reason', code: 'invalid' }],
        DOC_UPDATE_ISSUE
      )
    const at = ghIso(now())
    const actor = bot()
    let changed = false
    if (title !== undefined) changed = history.rename(issue, title, actor, at) || changed
    if (body !== undefined && body !== issue.body) {
      issue.body = body
      changed = true
    }
    if (lbls) changed = history.setLabels(issue, lbls, actor, at) || changed
    if (logins && logins.join('\n') !== issue.assignees.map(a => a.login).join('\n')) {
      setAssignees(issue, logins)
      changed = true
    }
    const closeReason = (reason ?? undefined) as StateReason | undefined
    if (state === 'closed' && (issue.state === 'open' || closeReason !== undefined))
      changed = history.close(issue, closeReason ?? 'completed', actor, at) || changed
    else if (state === 'open') changed = history.reopen(issue, actor, at) || changed
    else if (state === undefined && closeReason !== undefined && issue.state === 'closed')
      changed = history.close(issue, closeReason, actor, at) || changed
    if (changed) issue.updated_at = at
    return json(200, issue)
  }

  const labelsBody = (raw: unknown): string[] | null => {
    if (isRecord(raw)) return labelNames(raw.labels)
    return labelNames(raw)
  }

  const addLabels = (ctx: RouteContext): RouteResult => {
    const denied = guard(ctx, true, true, DOC_ADD_LABELS)
    if (denied) return denied
    const issue = findItem(Number(ctx.params.n))
    if (!issue)
      return json(404, { message: 'Not Found', documentation_url: DOC_ADD_LABELS, status: '404' })
    const names = labelsBody(ctx.body)
    if (names === null)
      return invalidRequest("For 'properties/labels', value is not an array.", DOC_ADD_LABELS)
    if (names.length === 0)
      return invalidRequest(
        "For 'properties/labels', [] should have at least 1 item(s).",
        DOC_ADD_LABELS
      )
    const r = resolveLabels(names, DOC_ADD_LABELS)
    if (isResult(r)) return r
    const at = ghIso(now())
    const next = [...issue.labels, ...r.filter(l => !issue.labels.includes(l))]
    if (history.setLabels(issue, next, bot(), at)) issue.updated_at = at
    return json(200, issue.labels)
  }

  // POST /issues/{n}/assignees: GitHub silently ignores logins it cannot assign here (unlike create).
  const addAssignees = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/assignees#add-assignees-to-an-issue`
    const denied = guard(ctx, true, true, docs)
    if (denied) return denied
    const issue = findItem(Number(ctx.params.n))
    if (!issue) return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    const raw = isRecord(ctx.body) ? ctx.body.assignees : undefined
    if (!Array.isArray(raw) || !raw.every(a => typeof a === 'string'))
      return invalidRequest("For 'properties/assignees', value is not an array.", docs)
    const assignable = (raw as string[]).filter(
      login =>
        !opts.collaborators || opts.collaborators.some(c => c.toLowerCase() === login.toLowerCase())
    )
    const current = issue.assignees.map(a => a.login)
    setAssignees(issue, [...current, ...assignable.filter(l => !current.includes(l))])
    touch(issue)
    return json(201, issue)
  }

  const setLabels = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/labels#set-labels-for-an-issue`
    const denied = guard(ctx, true, true, docs)
    if (denied) return denied
    const issue = findItem(Number(ctx.params.n))
    if (!issue) return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    const names = ctx.body === undefined ? [] : labelsBody(ctx.body)
    if (names === null)
      return invalidRequest("For 'properties/labels', value is not an array.", docs)
    const r = resolveLabels(names, docs)
    if (isResult(r)) return r
    const at = ghIso(now())
    if (history.setLabels(issue, r, bot(), at)) issue.updated_at = at
    return json(200, issue.labels)
  }

  const removeLabel = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/labels#remove-a-label-from-an-issue`
    const denied = guard(ctx, true, true, docs)
    if (denied) return denied
    const issue = findItem(Number(ctx.params.n))
    if (!issue) return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    const name = (ctx.params.name ?? '').toLowerCase()
    const idx = issue.labels.findIndex(l => l.name.toLowerCase() === name)
    if (idx < 0)
      return json(404, { message: 'Label does not exist', documentation_url: docs, status: '404' })
    const at = ghIso(now())
    history.setLabels(
      issue,
      issue.labels.filter((_, k) => k !== idx),
      bot(),
      at
    )
    issue.updated_at = at
    return json(200, issue.labels)
  }

  const clearLabels = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/labels#remove-all-labels-from-an-issue`
    const denied = guard(ctx, true, true, docs)
    if (denied) return denied
    const issue = findItem(Number(ctx.params.n))
    if (!issue) return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    const at = ghIso(now())
    if (history.setLabels(issue, [], bot(), at)) issue.updated_at = at
    return { status: 204 }
  }

  const listComments = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/comments#list-issue-comments`
    const denied = guard(ctx, false, true, docs)
    if (denied) return denied
    const n = Number(ctx.params.n)
    if (!findItem(n))
      return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    const { items, headers } = paged(
      ctx,
      comments.filter(c => c.issue_number === n),
      `issues/${n}/comments`
    )
    return json(200, items, headers)
  }

  const createComment = (ctx: RouteContext): RouteResult => {
    const denied = guard(ctx, true, true, DOC_CREATE_COMMENT)
    if (denied) return denied
    const issue = findItem(Number(ctx.params.n))
    if (!issue)
      return json(404, {
        message: 'Not Found',
        documentation_url: DOC_CREATE_COMMENT,
        status: '404'
      })
    const b = ctx.body
    if (!isRecord(b))
      return json(400, {
        message: 'Problems parsing JSON',
        documentation_url: DOC_CREATE_COMMENT,
        status: '400'
      })
    if (b.body === undefined) return invalidRequest('"body" wasn\'t supplied.', DOC_CREATE_COMMENT)
    const body = checkBody(b.body, DOC_CREATE_COMMENT, 'IssueComment')
    if (isResult(body)) return body
    if (!body || body.trim() === '')
      return validationFailed(
        [{ resource: 'IssueComment', code: 'missing_field', field: 'body' }],
        DOC_CREATE_COMMENT
      )
    const c = addComment(issue, body, bot(), ghIso(now()))
    const { issue_number: _n, ...out } = c
    void _n
    return json(201, out, { location: c.url })
  }

  const listEvents = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/events#list-issue-events`
    const denied = guard(ctx, false, true, docs)
    if (denied) return denied
    const n = Number(ctx.params.n)
    if (!findItem(n))
      return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    const { items, headers } = paged(
      ctx,
      history.events.filter(e => e.issue_number === n),
      `issues/${n}/events`
    )
    return json(200, items.map(publicEvent), headers)
  }

  const search = searchHandler({
    owner: opts.owner,
    repo: opts.repo,
    api: () => api,
    items: allItems,
    now,
    lagMs: opts.searchLagMs ?? 0,
    perMinute: opts.searchPerMinute ?? null
  })

  const editAsPerson = (n: number, e: PersonEdit): GitHubIssue => {
    const issue = findItem(n)
    if (!issue) throw new Error(`fake GitHub: no issue #${n}`)
    const actor = userFor(e.login ?? 'octocat')
    const at = ghIso(e.at ?? now())
    let changed = false
    if (e.title !== undefined) changed = history.rename(issue, e.title, actor, at) || changed
    if (e.body !== undefined && e.body !== issue.body) {
      issue.body = e.body
      changed = true
    }
    let next = e.setLabels ? e.setLabels.map(ensureLabel) : [...issue.labels]
    const drop = (e.removeLabels ?? []).map(x => x.toLowerCase())
    next = next.filter(l => !drop.includes(l.name.toLowerCase()))
    for (const name of e.addLabels ?? []) {
      const l = ensureLabel(name)
      if (!next.includes(l)) next.push(l)
    }
    changed = history.setLabels(issue, next, actor, at) || changed
    if (e.reopen) changed = history.reopen(issue, actor, at) || changed
    if (e.closedByCommit !== undefined)
      changed = history.close(issue, 'completed', actor, at, e.closedByCommit) || changed
    else if (e.close !== undefined) changed = history.close(issue, e.close, actor, at) || changed
    if (e.comment !== undefined) {
      addComment(issue, e.comment, actor, at)
      changed = true
    }
    if (changed) issue.updated_at = at
    return issue
  }

  const listLabels = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/labels#list-labels-for-a-repository`
    const denied = guard(ctx, false, false, docs)
    if (denied) return denied
    const { items, headers } = paged(ctx, labels, 'labels')
    return json(200, items, headers)
  }

  const getLabel = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/labels#get-a-label`
    const denied = guard(ctx, false, false, docs)
    if (denied) return denied
    const l = findLabel(ctx.params.name ?? '')
    if (!l) return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    return json(200, l)
  }

  const validateLabelFields = (
    b: Record<string, unknown>,
    docs: string,
    nameKey: 'name' | 'new_name'
  ):
    | RouteResult
    | {
        name?: string | undefined
        color?: string | undefined
        description?: string | null | undefined
      } => {
    const out: {
      name?: string | undefined
      color?: string | undefined
      description?: string | null | undefined
    } = {}
    const name = b[nameKey]
    if (name !== undefined) {
      if (typeof name !== 'string')
        return invalidRequest(
          `For 'properties/${nameKey}', ${JSON.stringify(name)} is not a string.`,
          docs
        )
      if (name.trim() === '' || name.length > 50)
        return validationFailed([{ resource: 'Label', code: 'invalid', field: 'name' }], docs)
      out.name = name
    }
    if (b.color !== undefined && b.color !== null) {
      if (typeof b.color !== 'string' || !/^[0-9a-fA-F]{6}$/.test(b.color))
        return validationFailed([{ resource: 'Label', code: 'invalid', field: 'color' }], docs)
      out.color = b.color.toLowerCase()
    }
    if (b.description !== undefined) {
      if (b.description !== null && typeof b.description !== 'string')
        return invalidRequest(
          `For 'properties/description', ${JSON.stringify(b.description)} is not a string.`,
          docs
        )
      if (typeof b.description === 'string' && b.description.length > 100)
        return validationFailed(
          [
            {
              resource: 'Label',
              code: 'custom',
              field: 'description',
              message: 'description is too long (maximum is 100 characters)'
            }
          ],
          docs
        )
      out.description = b.description as string | null
    }
    return out
  }

  const postLabel = (ctx: RouteContext): RouteResult => {
    const denied = guard(ctx, true, false, DOC_CREATE_LABEL)
    if (denied) return denied
    const b = ctx.body
    if (!isRecord(b))
      return json(400, {
        message: 'Problems parsing JSON',
        documentation_url: DOC_CREATE_LABEL,
        status: '400'
      })
    if (b.name === undefined) return invalidRequest('"name" wasn\'t supplied.', DOC_CREATE_LABEL)
    const v = validateLabelFields(b, DOC_CREATE_LABEL, 'name')
    if (isResult(v)) return v
    const name = v.name ?? ''
    if (findLabel(name))
      return validationFailed(
        [{ resource: 'Label', code: 'already_exists', field: 'name' }],
        DOC_CREATE_LABEL
      )
    const l = createLabel(name, v.color ?? 'ededed', v.description ?? null)
    return json(201, l, { location: l.url })
  }

  const patchLabel = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/labels#update-a-label`
    const denied = guard(ctx, true, false, docs)
    if (denied) return denied
    const l = findLabel(ctx.params.name ?? '')
    if (!l) return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    const b = ctx.body
    if (!isRecord(b))
      return json(400, { message: 'Problems parsing JSON', documentation_url: docs, status: '400' })
    const v = validateLabelFields(b, docs, 'new_name')
    if (isResult(v)) return v
    if (v.name !== undefined) {
      const other = findLabel(v.name)
      if (other && other !== l)
        return validationFailed(
          [{ resource: 'Label', code: 'already_exists', field: 'name' }],
          docs
        )
      l.name = v.name
      l.url = labelUrl(v.name)
    }
    if (v.color !== undefined) l.color = v.color
    if (v.description !== undefined) l.description = v.description
    return json(200, l)
  }

  const deleteLabel = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/issues/labels#delete-a-label`
    const denied = guard(ctx, true, false, docs)
    if (denied) return denied
    const l = findLabel(ctx.params.name ?? '')
    if (!l) return json(404, { message: 'Not Found', documentation_url: docs, status: '404' })
    labels.splice(labels.indexOf(l), 1)
    for (const i of allItems()) i.labels = i.labels.filter(x => x !== l)
    return { status: 204 }
  }

  // ---- repository_dispatch: event_type ≤ 100 chars, client_payload ≤ 10 keys and < 64 KB; 204

  const createDispatch = (ctx: RouteContext): RouteResult => {
    const docs = `${DOCS}/repos/repos#create-a-repository-dispatch-event`
    const denied = guard(ctx, true, false, docs)
    if (denied) return denied
    const body = (ctx.body ?? {}) as Record<string, unknown>
    const eventType = body.event_type
    if (typeof eventType !== 'string' || eventType.length < 1 || eventType.length > 100)
      return invalidRequest(
        "For 'properties/event_type', is not a string of 1 to 100 characters.",
        docs
      )
    const payload = body.client_payload ?? {}
    if (typeof payload !== 'object' || payload === null || Array.isArray(payload))
      return invalidRequest("For 'properties/client_payload', is not an object.", docs)
    if (Object.keys(payload).length > 10)
      return invalidRequest('No more than 10 properties are allowed; too many were supplied.', docs)
    if (Buffer.byteLength(JSON.stringify(payload)) >= 65_536)
      return invalidRequest('client_payload is too large.', docs)
    dispatches.push({
      event_type: eventType,
      client_payload: payload as Record<string, unknown>,
      at: Date.now()
    })
    return { status: 204 }
  }

  // ---- server

  const rlHeaders = (): Record<string, string> => {
    const nowSec = Math.floor(Date.now() / 1000)
    if (nowSec >= rl.reset) {
      rl.reset = nowSec + 3600
      rl.used = 0
    }
    rl.used += 1
    return {
      'x-ratelimit-limit': String(rlLimit),
      'x-ratelimit-remaining': String(Math.max(0, rlLimit - rl.used)),
      'x-ratelimit-used': String(Math.min(rlLimit, rl.used)),
      'x-ratelimit-reset': String(rl.reset),
      'x-ratelimit-resource': 'core',
      'x-github-api-version-selected': '2022-11-28',
      'x-github-media-type': 'github.v3; format=json',
      'x-github-request-id': `C0DE:${(++reqSeq).toString(16).toUpperCase().padStart(4, '0')}:1A2B3C:4D5E6F:67000000`,
      'x-content-type-options': 'nosniff'
    }
  }

  const r = `${prefix}/repos/:owner/:repo`
  const rid = `${prefix}/repositories/:rid`
  const sub = subIssueRoutes(prefix, {
    available: opts.subIssues ?? true,
    otherOwnerIds: new Set(opts.otherOwnerIssueIds ?? []),
    findItem: n => issues.find(i => i.number === n),
    allIssues: () => issues,
    guard: (ctx, write) => guard(ctx, write, true, `${DOCS}/issues/sub-issues`)
  })
  const server = await startServer({
    latencyMs: opts.latencyMs,
    baseHeaders: rlHeaders,
    notFound: () => json(404, { message: 'Not Found', documentation_url: DOCS, status: '404' }),
    methodNotAllowed: () =>
      json(404, { message: 'Not Found', documentation_url: DOCS, status: '404' }),
    routes: [
      { method: 'GET', pattern: `${r}/issues`, handler: listIssues },
      { method: 'GET', pattern: `${rid}/issues`, handler: listIssues },
      { method: 'POST', pattern: `${r}/issues`, handler: createIssue },
      { method: 'GET', pattern: `${r}/issues/:n`, handler: getIssue },
      { method: 'PATCH', pattern: `${r}/issues/:n`, handler: updateIssue },
      {
        method: 'GET',
        pattern: `${r}/issues/:n/labels`,
        handler: ctx => {
          const denied = guard(ctx, false, true, DOC_ADD_LABELS)
          if (denied) return denied
          const i = findItem(Number(ctx.params.n))
          return i
            ? json(200, i.labels)
            : json(404, { message: 'Not Found', documentation_url: DOCS, status: '404' })
        }
      },
      { method: 'POST', pattern: `${r}/issues/:n/labels`, handler: addLabels },
      { method: 'POST', pattern: `${r}/issues/:n/assignees`, handler: addAssignees },
      { method: 'PUT', pattern: `${r}/issues/:n/labels`, handler: setLabels },
      { method: 'DELETE', pattern: `${r}/issues/:n/labels`, handler: clearLabels },
      { method: 'DELETE', pattern: `${r}/issues/:n/labels/:name`, handler: removeLabel },
      { method: 'GET', pattern: `${r}/issues/:n/comments`, handler: listComments },
      { method: 'GET', pattern: `${rid}/issues/:n/comments`, handler: listComments },
      { method: 'POST', pattern: `${r}/issues/:n/comments`, handler: createComment },
      { method: 'GET', pattern: `${r}/issues/:n/events`, handler: listEvents },
      { method: 'GET', pattern: `${rid}/issues/:n/events`, handler: listEvents },
      {
        method: 'GET',
        pattern: `${prefix}/search/issues`,
        handler: ctx => {
          const tok = bearer(ctx)
          if (tok !== undefined && tok !== opts.token)
            return json(401, { message: 'Bad credentials', documentation_url: DOCS, status: '401' })
          return search(ctx)
        }
      },
      { method: 'GET', pattern: `${r}/labels`, handler: listLabels },
      { method: 'GET', pattern: `${rid}/labels`, handler: listLabels },
      { method: 'POST', pattern: `${r}/labels`, handler: postLabel },
      { method: 'GET', pattern: `${r}/labels/:name`, handler: getLabel },
      { method: 'PATCH', pattern: `${r}/labels/:name`, handler: patchLabel },
      { method: 'DELETE', pattern: `${r}/labels/:name`, handler: deleteLabel },
      { method: 'POST', pattern: `${r}/dispatches`, handler: createDispatch },
      ...sub.routes,
      ...(opts.code
        ? codeRoutes(opts.code, { ...opts, prefix, serverUrl, api: () => api, viewer: botLogin })
        : [
            {
              // Without a code repository, GraphQL answers only who the token is.
              method: 'POST',
              pattern: prefix.endsWith('/api/v3')
                ? prefix.replace(/\/v3$/, '/graphql')
                : `${prefix}/graphql`,
              handler: (ctx: RouteContext) =>
                isViewerQuery(ctx.body)
                  ? json(200, { data: { viewer: { login: botLogin } } })
                  : json(200, { errors: [{ message: 'only viewer is served without code' }] })
            }
          ])
    ]
  })
  api = `${opts.apiOrigin ?? server.url}${prefix}`
  seedAll()

  return {
    url: api,
    serverUrl,
    issues,
    pulls,
    labels,
    comments,
    events: history.events,
    eventsFor: n => history.events.filter(e => e.issue_number === n),
    editAsPerson,
    dispatches,
    requests: server.requests,
    fault: (m, f) => server.fault(m, f),
    setLatency: ms => server.setLatency(ms),
    close: () => server.close(),
    secondaryRateLimit(times = 1, retryAfterSec: number | null = 1) {
      server.fault({ method: WRITES }, secondaryLimitFault(times, retryAfterSec))
    },
    primaryRateLimit(times = 1) {
      server.fault({}, primaryLimitFault(times, rlLimit))
    },
    issue: n => findItem(n),
    subIssues: sub.children,
    server
  }
}

/** The methods GitHub counts as writes (secondary limits, read-only tokens). */
export const WRITES = ['POST', 'PATCH', 'PUT', 'DELETE']

/** GitHub's secondary rate limit answer (403, `retry-after` unless null), for `times` requests. */
export function secondaryLimitFault(times: number, retryAfterSec: number | null): FaultSpec {
  return {
    status: 403,
    times,
    headers: retryAfterSec === null ? {} : { 'retry-after': String(retryAfterSec) },
    body: {
      message:
        'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID C0DE:1A2B:3C4D5E:6F7A8B:67000000.',
      documentation_url:
        'https://docs.github.com/free-pro-team@latest/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
      status: '403'
    }
  }
}

/** GitHub's primary rate limit answer (403, remaining 0, reset in a second), for `times` requests. */
export function primaryLimitFault(times: number, limit: number): FaultSpec {
  return {
    status: 403,
    times,
    headers: () => ({
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': '0',
      'x-ratelimit-used': String(limit),
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 1),
      'x-ratelimit-resource': 'core'
    }),
    body: {
      message: 'API rate limit exceeded for installation ID 1.',
      documentation_url:
        'https://docs.github.com/rest/overview/resources-in-the-rest-api#rate-limiting',
      status: '403'
    }
  }
}
