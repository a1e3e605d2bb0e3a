/**
 * `GET /search/issues` on the fake GitHub host: the token's search budget (per minute, one for all
 * repositories), then the repositories the query names with `repo:` — one is answered by its own
 * fake (github-search.ts); several, or none (every repository the token sees), are searched one by
 * one and merged into one answer, paged like GitHub's. A named repository the token cannot see
 * makes the whole query invalid (422), as on GitHub.
 */
import { bearer, json, type RouteContext, type RouteResult } from './server.js'
import type { GitHubIssue } from './github.js'
import { searchRepos, sortSearchItems, withoutRepos } from './github-host-parts.js'
import { unsearchable } from './github-search.js'

const DOC = 'https://docs.github.com/rest/search/search#search-issues-and-pull-requests'

interface Searchable {
  full: string
  access: string
}

export function hostSearch<E extends Searchable>(kit: {
  token: string
  api: string
  perMinute: number | null
  find(full: string): E | undefined
  visible(): E[]
  forward(e: E, ctx: RouteContext, pathAndQuery?: string): Promise<RouteResult>
}): (ctx: RouteContext) => Promise<RouteResult> {
  const window = { start: 0, used: 0 }
  const path = new URL(kit.api).pathname.replace(/\/$/, '') + '/search/issues'

  /** Every match in one repository: its fake's answer, page by page. */
  const searchOne = async (
    e: E,
    ctx: RouteContext,
    q: string
  ): Promise<GitHubIssue[] | RouteResult> => {
    const items: GitHubIssue[] = []
    for (let page = 1; ; page++) {
      const params = new URLSearchParams(ctx.query)
      params.set('q', `${q} repo:${e.full}`.trim())
      params.set('per_page', '100')
      params.set('page', String(page))
      const answer = await kit.forward(e, ctx, `${path}?${params.toString()}`)
      if (answer.status !== 200) return answer
      const body = JSON.parse(String(answer.body)) as { items: GitHubIssue[] }
      items.push(...body.items)
      if (body.items.length < 100) return items
    }
  }

  return async ctx => {
    const tok = bearer(ctx)
    if (tok !== undefined && tok !== kit.token)
      return json(401, { message: 'Bad credentials', documentation_url: DOC, status: '401' })
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
    const withRate = (r: RouteResult): RouteResult => ({
      ...r,
      headers: { ...r.headers, ...rate }
    })
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
    const q = ctx.query.get('q') ?? ''
    const named = searchRepos(q)
    const targets: E[] = []
    for (const full of named) {
      const e = kit.find(full)
      if (!e || e.access === 'none') return unsearchable(rate)
      if (!targets.includes(e)) targets.push(e)
    }
    const all = named.length > 0 ? targets : kit.visible()
    // One repository (or an empty query, which any fake refuses alike): its own fake answers.
    if ((all.length === 1 && named.length <= 1) || (q.trim() === '' && all[0]))
      return withRate(await kit.forward(all[0] as E, ctx))

    const found: GitHubIssue[] = []
    for (const e of all) {
      const one = await searchOne(e, ctx, withoutRepos(q))
      if (!Array.isArray(one)) return withRate(one)
      found.push(...one)
    }
    const sorted = sortSearchItems(found, ctx.query.get('sort'), ctx.query.get('order'))
    const pp = Number(ctx.query.get('per_page') ?? '30')
    const per = Number.isFinite(pp) && pp >= 1 ? Math.min(100, Math.floor(pp)) : 30
    const pg = Number(ctx.query.get('page') ?? '1')
    const page = Number.isFinite(pg) && pg >= 1 ? Math.floor(pg) : 1
    const last = Math.max(1, Math.ceil(sorted.length / per))
    const mk = (n: number): string => {
      const u = new URLSearchParams(ctx.query)
      u.set('page', String(n))
      return `<${kit.api}/search/issues?${u.toString()}>`
    }
    const parts: string[] = []
    if (page > 1) parts.push(`${mk(page - 1)}; rel="prev"`)
    if (page < last) parts.push(`${mk(page + 1)}; rel="next"`, `${mk(last)}; rel="last"`)
    if (page > 1) parts.push(`${mk(1)}; rel="first"`)
    return json(
      200,
      {
        total_count: sorted.length,
        incomplete_results: false,
        items: sorted.slice((page - 1) * per, page * per)
      },
      { ...rate, ...(parts.length ? { link: parts.join(', ') } : {}) }
    )
  }
}
