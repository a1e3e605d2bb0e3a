/**
 * What every Sentry request of the action shares: the HTTP client (timeouts, retries, sentences for
 * refusals), the organization's paths, Link-cursor paging, and lenient reading of issue listings.
 */
import { z } from 'zod'
import { HttpClient } from '../http/client.js'
import type { Budget, Clock } from '../http/retry.js'
import { issueSchema, nameOf, type SentryIssue } from './issue.js'
import { describeSentryError } from './errors.js'
import { nextCursor } from './pagination.js'

/** Sentry's page size for listings. */
export const PAGE_SIZE = 100
/** At most this many pages a listing: the rest is picked up by the next run. */
const MAX_PAGES = 20

export interface SentryClientOptions {
  baseUrl: string
  token: string
  org: string
  timeoutMs: number
  budget: Budget
  /** Where retry waits happen; the real clock unless a test gives one. */
  clock?: Clock | undefined
  /** Where a skipped, malformed issue of a listing is reported. */
  warn?: (message: string) => void
  /** Detail for the log, e.g. the fields of an event that could not be read. */
  debug?: (message: string) => void
}

export class SentryApi {
  protected readonly http: HttpClient
  protected readonly org: string
  protected readonly warn: (message: string) => void
  protected readonly debug: (message: string) => void

  constructor(options: SentryClientOptions) {
    this.org = options.org
    this.warn = options.warn ?? (() => {})
    this.debug = options.debug ?? (() => {})
    this.http = new HttpClient({
      service: 'Sentry',
      baseUrl: `${options.baseUrl}/api/0`,
      headers: { authorization: `Bearer ${options.token}` },
      timeoutMs: options.timeoutMs,
      budget: options.budget,
      clock: options.clock,
      describeError: (status, _body, endpoint) =>
        describeSentryError(this.org, status, endpoint, options.baseUrl)
    })
  }

  protected orgPath(rest: string): string {
    return `/organizations/${encodeURIComponent(this.org)}/${rest}`
  }
  /**
   * The issues of a listing answer, each validated on its own: a malformed one costs itself, not
   * the listing. A cursor may repeat an issue whose position moved between pages: kept once.
   */
  protected readIssues(items: unknown[]): SentryIssue[] {
    const seen = new Set<string>()
    const issues: SentryIssue[] = []
    items.forEach((item, index) => {
      const parsed = issueSchema.safeParse(item)
      const key = parsed.success ? parsed.data.id : `unparsed:${nameOf(item, index)}`
      if (seen.has(key)) return
      seen.add(key)
      if (parsed.success) issues.push(parsed.data)
      else this.warnSkipped(item, index, parsed.error)
    })
    return issues
  }
  /** One malformed issue costs itself, not the listing: one warning names it, the rest go on. */
  protected warnSkipped(item: unknown, index: number, error: z.ZodError): void {
    const problem = z.prettifyError(error).split('\n').slice(0, 4).join(' ').slice(0, 300)
    this.warn(
      `Skipped Sentry ${nameOf(item, index)}: it is not shaped like a Sentry issue (${problem}). It is not triaged until Sentry sends it whole.`
    )
  }
  /**
   * Every page of an organization listing: the same path and parameters on the configured host,
   * with `cursor` from the Link header while Sentry says `results="true"` (never judged by page
   * length: Sentry's pages can be short even when more exist), up to the page cap.
   */
  protected async allPages<T>(
    rest: string,
    params: URLSearchParams,
    schema: z.ZodType<T[]>
  ): Promise<{ items: T[]; truncated: boolean }> {
    const items: T[] = []
    let cursor: string | null = null
    for (let page = 0; page < MAX_PAGES; page++) {
      const query = new URLSearchParams(params)
      if (cursor) query.set('cursor', cursor)
      const response: { data: T[]; headers: Record<string, string> } = await this.http.request({
        method: 'GET',
        url: this.orgPath(`${rest}?${query}`),
        schema
      })
      items.push(...response.data)
      cursor = nextCursor(response.headers.link)
      if (!cursor) return { items, truncated: false }
    }
    return { items, truncated: true }
  }
}
