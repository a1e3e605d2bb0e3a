import { z } from 'zod'
import { HttpClient, HttpError } from '../http/client.js'
import type { Budget, Clock } from '../http/retry.js'
import { parseLatestEvent, type EventContext } from './event.js'
import { issueSchema, nameOf, type SentryIssue } from './issue.js'
import { describeSentryError } from './errors.js'
import {
  issueReleasesSchema,
  releaseCommitSchema,
  releaseSchema,
  type IssueReleases,
  type ReleaseCommit,
  type SentryRelease
} from './release.js'
import {
  codeMappingSchema,
  installationSchema,
  projectSchema,
  type CodeMapping
} from './organization.js'
import { nextCursor } from './pagination.js'
import { expandSignals } from './signals.js'
import { SentrySignalsClient } from './signals-client.js'

export type { EventContext, EventFrame, StackFrame } from './event.js'
export { issueSchema, type SentryIssue } from './issue.js'
export type { CodeMapping } from './organization.js'
export type { IssueReleases, ReleaseCommit } from './release.js'

/** Sentry pages hold at most 100 issues. */
const PAGE_SIZE = 100
/** A runaway cursor must not page forever: 20 pages of 100 is far beyond any max-issues. */
const MAX_PAGES = 20
/** Sentry takes many `group=` ids in one request; 100 keeps the URL short (API-NOTES F1). */
const GROUP_BATCH = 100
/** The `stats` timeline every listing asks for: daily buckets, what the sparkline shows. */
const STATS_PERIOD = '14d'

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

export interface ListOptions {
  query: string
  since: string
  projectIds: string[]
  environment: string | null
}

export interface IssueListing {
  issues: SentryIssue[]
  /** True when the page cap stopped the listing before Sentry ran out of results. */
  truncated: boolean
}

/** Sentry's REST API: issue listing with Link cursors, latest events and comments. */
export class SentryClient {
  private readonly http: HttpClient
  private readonly org: string
  private readonly warn: (message: string) => void
  private readonly debug: (message: string) => void

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

  private signalsClient: SentrySignalsClient | null = null

  /** The reads that name what Sentry knows (committers, Seer, teams, members), on this client's HTTP. */
  signals(): SentrySignalsClient {
    return (this.signalsClient ??= new SentrySignalsClient(this.http, this.org))
  }

  private orgPath(rest: string): string {
    return `/organizations/${encodeURIComponent(this.org)}/${rest}`
  }

  /** Maps project slugs to ids (the issues endpoint wants ids); an unknown slug is an error naming it. */
  async resolveProjectIds(slugs: string[]): Promise<string[]> {
    if (slugs.length === 0) return []
    const known = new Map<string, string>()
    for (const project of await this.listProjects())
      known.set(project.slug.toLowerCase(), project.id)
    const missing = slugs.filter(slug => !known.has(slug.toLowerCase()))
    if (missing.length > 0) {
      throw new Error(
        `Input 'sentry-projects': organization '${this.org}' has no project ${missing.map(s => `'${s}'`).join(', ')} that this token can see (known: ${[...known.keys()].slice(0, 20).join(', ') || 'none'})`
      )
    }
    return slugs.map(slug => known.get(slug.toLowerCase()) as string)
  }

  /** Every project of the organization the token sees (id and slug), every page. */
  async listProjects(): Promise<Array<{ id: string; slug: string }>> {
    const { items } = await this.allPages(
      'projects/',
      new URLSearchParams({ per_page: '100' }),
      z.array(projectSchema)
    )
    return items
  }

  /**
   * The organization's code mappings (project → repository, stack root → source root; API-NOTES G3),
   * or null when Sentry will not say (a private endpoint: 403/404 when the token or plan cannot).
   */
  async listCodeMappings(): Promise<CodeMapping[] | null> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`code-mappings/?${new URLSearchParams({ per_page: '100' })}`),
      schema: z.unknown(),
      acceptStatus: [403, 404]
    })
    if (response.status === 403 || response.status === 404) return null
    const items = Array.isArray(response.data) ? response.data : []
    return items.flatMap(item => {
      const parsed = codeMappingSchema.safeParse(item)
      return parsed.success ? [parsed.data] : []
    })
  }

  /**
   * Lists the issues matching the query and first seen within `since`, newest first, following
   * Link cursors while Sentry says `results="true"` (pages can be short even when more exist).
   */
  async listNewIssues(options: ListOptions): Promise<IssueListing> {
    const params = new URLSearchParams()
    // Sentry's `query` replaces its own default, so the whole query is always sent.
    params.set('query', `${options.query} firstSeen:-${options.since}`.trim())
    params.set('sort', 'new')
    params.set('limit', String(PAGE_SIZE))
    // statsPeriod bounds the events searched; an issue first seen in the window has events in it.
    params.set('statsPeriod', options.since)
    // The daily timeline of the last 14 days rides on the listing: the sparkline costs no request.
    params.set('groupStatsPeriod', STATS_PERIOD)
    for (const id of options.projectIds) params.append('project', id)
    if (options.environment) params.set('environment', options.environment)
    expandSignals(params)

    const { items, truncated } = await this.allPages('issues/', params, z.array(z.unknown()))
    return { issues: this.readIssues(items), truncated }
  }

  /**
   * The issues of a listing answer, each validated on its own: a malformed one costs itself, not
   * the listing. A cursor may repeat an issue whose position moved between pages: kept once.
   */
  private readIssues(items: unknown[]): SentryIssue[] {
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
  private warnSkipped(item: unknown, index: number, error: z.ZodError): void {
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
  private async allPages<T>(
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

  /** One issue by numeric id or shortId, whatever its age. */
  async getIssue(idOrShortId: string): Promise<SentryIssue> {
    if (/^\d+$/.test(idOrShortId)) {
      const response = await this.http.request({
        method: 'GET',
        url: this.orgPath(`issues/${idOrShortId}/?${expandSignals(new URLSearchParams())}`),
        schema: issueSchema
      })
      return response.data
    }
    const params = new URLSearchParams({
      query: idOrShortId,
      shortIdLookup: '1',
      limit: '1',
      groupStatsPeriod: STATS_PERIOD
    })
    expandSignals(params)
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`issues/?${params}`),
      schema: z.array(issueSchema)
    })
    const issue = response.data.find(i => i.shortId.toLowerCase() === idOrShortId.toLowerCase())
    if (!issue) {
      throw new Error(
        `Input 'sentry-issue': organization '${this.org}' has no issue '${idOrShortId}' that this token can see`
      )
    }
    return issue
  }

  /** The exception chain and crashing frames of the issue's latest event, or null if it has none. */
  async getLatestEvent(issueId: string, environment: string | null): Promise<EventContext | null> {
    const params = environment ? `?${new URLSearchParams({ environment })}` : ''
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`issues/${encodeURIComponent(issueId)}/events/latest/${params}`),
      schema: z.unknown(),
      acceptStatus: [404]
    })
    if (response.status === 404) return null
    const { event, skipped } = parseLatestEvent(response.data)
    if (skipped.length > 0) {
      this.debug(
        `The latest event of Sentry issue ${issueId} had fields of an unexpected shape, left out: ${skipped.join(', ')}`
      )
    }
    return event
  }

  /**
   * A release's commits as Sentry knows them (API-NOTES F3), or null when Sentry has no such
   * release or will not say (a token without project:read): the commit is then found elsewhere.
   */
  async getRelease(version: string): Promise<SentryRelease | null> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`releases/${encodeURIComponent(version)}/`),
      schema: z.union([releaseSchema, z.unknown().transform(() => null)]),
      acceptStatus: [403, 404]
    })
    if (response.status !== 200 || response.data === null) {
      this.debug(`Sentry has no readable release '${version}' (${response.status})`)
      return null
    }
    return response.data
  }

  /**
   * The release's commits, newest first as Sentry lists them (first page: enough for a release
   * issue), or null when Sentry has none or will not say (403/404).
   */
  async getReleaseCommits(version: string): Promise<ReleaseCommit[] | null> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`releases/${encodeURIComponent(version)}/commits/`),
      schema: z.union([z.array(releaseCommitSchema), z.unknown().transform(() => null)]),
      acceptStatus: [403, 404]
    })
    return response.status === 200 ? response.data : null
  }

  /**
   * The issue's first and latest release (the issue detail's `firstRelease`/`lastRelease`; the
   * listing has neither), or null when it cannot be read: the section then shows what it knew.
   */
  async getIssueReleases(issueId: string): Promise<IssueReleases | null> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`issues/${encodeURIComponent(issueId)}/`),
      schema: issueReleasesSchema,
      acceptStatus: [403, 404]
    })
    return response.status === 200 ? response.data : null
  }

  /**
   * Posts a note on the Sentry issue. Sentry refuses the same text twice within an hour with a
   * 400: that means the note is already there, so it counts as done.
   */
  async postComment(issueId: string, text: string): Promise<'posted' | 'already-posted'> {
    const response = await this.http.request({
      method: 'POST',
      url: this.orgPath(`issues/${encodeURIComponent(issueId)}/comments/`),
      body: { text },
      schema: z.unknown(),
      acceptStatus: [400]
    })
    if (response.status === 400) {
      const detail = JSON.stringify(response.data)
      if (/already posted/i.test(detail)) return 'already-posted'
      throw new HttpError(
        `Sentry answered 400 for the comment on issue ${issueId}: ${detail.slice(0, 200)}`,
        'Sentry',
        400,
        'POST comments',
        response.data
      )
    }
    return 'posted'
  }

  /**
   * The current state of these issues, 100 ids a request (`group=`; Sentry then ignores `query`).
   * Ids the token cannot see, or deleted issues, are simply absent from the answer.
   */
  async getIssuesByIds(ids: string[]): Promise<SentryIssue[]> {
    const issues: SentryIssue[] = []
    const unique = [...new Set(ids)]
    for (let i = 0; i < unique.length; i += GROUP_BATCH) {
      const params = new URLSearchParams({
        groupStatsPeriod: STATS_PERIOD,
        limit: String(GROUP_BATCH)
      })
      for (const id of unique.slice(i, i + GROUP_BATCH)) params.append('group', id)
      expandSignals(params)
      const response = await this.http.request({
        method: 'GET',
        url: this.orgPath(`issues/?${params}`),
        schema: z.array(z.unknown())
      })
      issues.push(...this.readIssues(response.data))
    }
    return issues
  }

  /** Unresolved issues that regressed and were seen within `since`: the follow-up's regressions. */
  async listRegressed(options: Omit<ListOptions, 'query'>): Promise<SentryIssue[]> {
    const params = new URLSearchParams({
      query: `is:unresolved is:regressed lastSeen:-${options.since}`,
      sort: 'date',
      limit: String(PAGE_SIZE),
      statsPeriod: options.since,
      groupStatsPeriod: STATS_PERIOD
    })
    for (const id of options.projectIds) params.append('project', id)
    if (options.environment) params.set('environment', options.environment)
    expandSignals(params)
    return this.readIssues((await this.allPages('issues/', params, z.array(z.unknown()))).items)
  }

  /**
   * When the issue last came back: the newest `set_regression` or `set_escalating` entry of its
   * activity (API-NOTES G7; the listing has no such date). Null when there is none or it cannot be read.
   */
  async getReturnedAt(issueId: string): Promise<string | null> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`issues/${encodeURIComponent(issueId)}/`),
      schema: z.looseObject({
        activity: z
          .array(z.looseObject({ type: z.string().nullish(), dateCreated: z.string().nullish() }))
          .nullish()
      }),
      acceptStatus: [404]
    })
    if (response.status === 404) return null
    const times = (response.data.activity ?? [])
      .filter(a => a.type === 'set_regression' || a.type === 'set_escalating')
      .map(a => a.dateCreated ?? '')
      .filter(t => !Number.isNaN(Date.parse(t)))
      .sort((a, b) => Date.parse(b) - Date.parse(a))
    return times[0] ?? null
  }

  /** Resolves an issue (`resolve-in-sentry`; needs event:write). */
  async resolveIssue(
    issueId: string,
    status: 'resolved' | 'resolvedInNextRelease' = 'resolved'
  ): Promise<void> {
    await this.http.request({
      method: 'PUT',
      url: this.orgPath(`issues/${encodeURIComponent(issueId)}/`),
      body: { status },
      schema: z.unknown()
    })
  }

  /** The uuids of the integration installations this token sees (for `sentry-link`). */
  async listInstallations(): Promise<Array<{ uuid: string; app: string }>> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath('sentry-app-installations/'),
      schema: z.array(installationSchema)
    })
    return response.data
  }

  /** Registers a GitHub issue on a Sentry issue as an external issue (create or update). */
  async linkExternalIssue(
    installation: string,
    link: { issueId: string; webUrl: string; project: string; identifier: string }
  ): Promise<void> {
    await this.http.request({
      method: 'POST',
      url: `/sentry-app-installations/${encodeURIComponent(installation)}/external-issues/`,
      body: { ...link, issueId: Number(link.issueId) },
      schema: z.unknown()
    })
  }
}
