/**
 * Fake GitHub, `GET /search/issues?q=…` (GH-OAS `search/issues-and-pull-requests`), minimal but
 * faithful where sentry-triage looks:
 * - `repo:o/r` (another repository → 422 "cannot be searched"), `is:issue`/`is:pr`/`type:`,
 *   `is:open`/`is:closed`/`state:`, `in:title`/`in:body` (default both), `label:`, `author:`;
 *   other qualifiers are ignored (GUESS: GitHub would search them as text).
 * - Text: GitHub ignores punctuation (`. , : ; / \ ' " = * ! ? # $ & + ^ | ~ < > ( ) { } [ ] @`),
 *   so text and query are both cut into lower-case alphanumeric words: a bare word must occur, a
 *   quoted phrase must occur as consecutive words (`"sentry-issue-id: 123"` matches
 *   `<!-- sentry-issue-id:123 -->`).
 * - Answer `{total_count, incomplete_results, items}`; items are issue objects plus `score`, without
 *   `closed_by`; `per_page` (≤ 100) / `page` with a Link header on `/search/issues`; sort
 *   `created|updated|comments` + `order`, default newest first (stands in for "best match").
 * - `lagMs`: an issue created less than that ago is not found yet (the index lags, API-NOTES B4/B5;
 *   GUESS: later edits are searchable at once). `perMinute`: the search rate limit (30/min authenticated); above it → 403
 *   "API rate limit exceeded" with `x-ratelimit-resource: search` (off unless set).
 */
import { json, type RouteContext, type RouteResult } from './server.js'
import type { GitHubIssue } from './github.js'

export interface SearchKit {
  owner: string
  repo: string
  api(): string
  items(): GitHubIssue[]
  now(): Date
  lagMs: number
  perMinute: number | null
}

const DOC = 'https://docs.github.com/rest/search/search#search-issues-and-pull-requests'

const words = (s: string): string[] => s.toLowerCase().match(/[\p{L}\p{N}_]+/gu) ?? []

function containsSeq(hay: string[], needle: string[]): boolean {
  if (needle.length === 0) return true
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer
    return true
  }
  return false
}

interface Parsed {
  repos: string[]
  kind: 'issue' | 'pr' | null
  state: 'open' | 'closed' | null
  fields: Array<'title' | 'body'>
  labels: string[]
  author: string | null
  /** each entry: a phrase's words (a bare word is a one-word phrase) */
  phrases: string[][]
}

function parse(q: string): Parsed {
  const p: Parsed = {
    repos: [],
    kind: null,
    state: null,
    fields: [],
    labels: [],
    author: null,
    phrases: []
  }
  const re = /(?:([A-Za-z-]+):("[^"]*"|\S+))|"([^"]*)"|(\S+)/g
  for (const m of q.matchAll(re)) {
    const key = m[1]?.toLowerCase()
    const value = (m[2] ?? '').replace(/^"|"$/g, '')
    if (key === 'repo') p.repos.push(value.toLowerCase())
    else if (key === 'is' || key === 'type' || key === 'state') {
      const v = value.toLowerCase()
      if (v === 'issue') p.kind = 'issue'
      else if (v === 'pr' || v === 'pull-request') p.kind = 'pr'
      else if (v === 'open' || v === 'closed') p.state = v
    } else if (key === 'in') {
      for (const f of value.toLowerCase().split(','))
        if (f === 'title' || f === 'body') p.fields.push(f)
    } else if (key === 'label') p.labels.push(value.toLowerCase())
    else if (key === 'author') p.author = value.toLowerCase()
    else if (key !== undefined) continue
    else if (m[3] !== undefined) p.phrases.push(words(m[3]))
    else if (m[4] !== undefined) for (const w of words(m[4])) p.phrases.push([w])
  }
  return p
}

export function searchHandler(kit: SearchKit): (ctx: RouteContext) => RouteResult {
  const window = { start: 0, used: 0 }
  return ctx => {
    const nowMs = kit.now().getTime()
    const wallSec = Math.floor(Date.now() / 1000)
    if (wallSec - window.start >= 60) Object.assign(window, { start: wallSec, used: 0 })
    window.used += 1
    const limit = kit.perMinute ?? 30
    const rate = {
      'x-ratelimit-limit': String(limit),
      'x-ratelimit-remaining': String(Math.max(0, limit - window.used)),
      'x-ratelimit-used': String(Math.min(limit, window.used)),
      'x-ratelimit-reset': String(window.start + 60),
      'x-ratelimit-resource': 'search'
    }
    if (kit.perMinute !== null && window.used > kit.perMinute)
      return json(
        403,
        {
          message: 'API rate limit exceeded for installation ID 1.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
          status: '403'
        },
        rate
      )
    const q = ctx.query.get('q')
    if (q === null || q.trim() === '')
      return json(
        422,
        {
          message: 'Validation Failed',
          errors: [{ resource: 'Search', field: 'q', code: 'missing' }],
          documentation_url: DOC,
          status: '422'
        },
        rate
      )
    const p = parse(q)
    const self = `${kit.owner}/${kit.repo}`.toLowerCase()
    if (p.repos.some(r => r !== self)) return unsearchable(rate)
    const fields = p.fields.length > 0 ? p.fields : ['title', 'body']
    const found = kit.items().filter(i => {
      if (nowMs - Date.parse(i.created_at) < kit.lagMs) return false
      if (p.kind === 'issue' && i.pull_request) return false
      if (p.kind === 'pr' && !i.pull_request) return false
      if (p.state && i.state !== p.state) return false
      if (p.author && i.user.login.toLowerCase() !== p.author) return false
      if (!p.labels.every(l => i.labels.some(x => x.name.toLowerCase() === l))) return false
      const texts = fields.map(f => words((f === 'title' ? i.title : i.body) ?? ''))
      return p.phrases.every(ph => texts.some(t => containsSeq(t, ph)))
    })
    const sort = ctx.query.get('sort')
    const asc = ctx.query.get('order') === 'asc'
    const key = (i: GitHubIssue): number =>
      sort === 'comments'
        ? i.comments
        : Date.parse(sort === 'updated' ? i.updated_at : i.created_at)
    found.sort((a, b) => (key(a) - key(b) || a.number - b.number) * (asc ? 1 : -1))
    const pp = Number(ctx.query.get('per_page') ?? '30')
    const per = Number.isFinite(pp) && pp >= 1 ? Math.min(100, Math.floor(pp)) : 30
    const pg = Number(ctx.query.get('page') ?? '1')
    const page = Number.isFinite(pg) && pg >= 1 ? Math.floor(pg) : 1
    const last = Math.max(1, Math.ceil(found.length / per))
    const items = found.slice((page - 1) * per, page * per).map(i => {
      const { closed_by: _c, ...rest } = i
      void _c
      return { ...rest, score: 1 }
    })
    const mk = (n: number): string => {
      const u = new URLSearchParams(ctx.query)
      u.set('page', String(n))
      return `<${kit.api()}/search/issues?${u.toString()}>`
    }
    const parts: string[] = []
    if (page > 1) parts.push(`${mk(page - 1)}; rel="prev"`)
    if (page < last) parts.push(`${mk(page + 1)}; rel="next"`, `${mk(last)}; rel="last"`)
    if (page > 1) parts.push(`${mk(1)}; rel="first"`)
    return json(
      200,
      { total_count: found.length, incomplete_results: false, items },
      { ...rate, ...(parts.length ? { link: parts.join(', ') } : {}) }
    )
  }
}

/** GitHub's 422 for a search naming a repository the token cannot see (or that does not exist). */
export function unsearchable(rate: Record<string, string>) {
  return json(
    422,
    {
      message: 'Validation Failed',
      errors: [
        {
          message:
            'The listed users and repositories cannot be searched either because the resources do not exist or you do not have permission to view them.',
          resource: 'Search',
          field: 'q',
          code: 'invalid'
        }
      ],
      documentation_url: DOC,
      status: '422'
    },
    rate
  )
}
