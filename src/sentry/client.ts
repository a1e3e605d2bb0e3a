import { z } from 'zod'
import { HttpError } from '../http/client.js'
import { PAGE_SIZE } from './api.js'
import { SentryOrganizationReads } from './organization-reads.js'
import { parseLatestEvent, type EventContext } from './event.js'
import { issueSchema, type SentryIssue } from './issue.js'
import { issueReleasesSchema, type IssueReleases } from './release.js'
import { expandSignals } from './signals.js'
import { SentrySignalsClient } from './signals-client.js'

export type { SentryClientOptions } from './api.js'
export type { EventContext, EventFrame, StackFrame } from './event.js'
export { issueSchema, type SentryIssue } from './issue.js'
export type { CodeMapping } from './organization.js'
export type { IssueReleases, ReleaseCommit } from './release.js'

/** Sentry takes many `group=` ids in one request; 100 keeps the URL short (API-NOTES F1). */
const GROUP_BATCH = 100
/** The `stats` timeline every listing asks for: daily buckets, what the sparkline shows. */
const STATS_PERIOD = '14d'

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

const activitySchema = z.looseObject({
  activity: z
    .array(z.looseObject({ type: z.string().nullish(), dateCreated: z.string().nullish() }))
    .nullish()
})

/**
 * Sentry's REST API as the action uses it: issue listings with Link cursors, single issues, latest
 * events, notes, resolving and external links (the organization's own reads in the base class).
 */
export class SentryClient extends SentryOrganizationReads {
  private signalsClient: SentrySignalsClient | null = null

  /** The reads that name what Sentry knows (committers, Seer, teams, members), on this client's HTTP. */
  signals(): SentrySignalsClient {
    return (this.signalsClient ??= new SentrySignalsClient(this.http, this.org))
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
   * The issue's first and latest release (the issue detail's `firstRelease`/`lastRelease`; the
   * listing has neither), or null when it cannot be read: the section then shows what it knew.
   */
  async getIssueReleases(issueId: string): Promise<IssueReleases | null> {
    const detail = await this.detail(issueId)
    const parsed = detail === null ? null : issueReleasesSchema.safeParse(detail)
    return parsed?.success ? parsed.data : null
  }

  private readonly details = new Map<string, Promise<unknown>>()

  /**
   * The issue detail, read once a run for whoever needs it (the releases of the impact block, the
   * activity that tells when it came back); null when Sentry will not say (403/404).
   */
  private detail(issueId: string): Promise<unknown> {
    let pending = this.details.get(issueId)
    if (!pending) {
      pending = this.http
        .request({
          method: 'GET',
          url: this.orgPath(
            `issues/${encodeURIComponent(issueId)}/?${expandSignals(new URLSearchParams())}`
          ),
          schema: z.unknown(),
          acceptStatus: [403, 404]
        })
        .then(response => (response.status === 200 ? response.data : null))
      this.details.set(issueId, pending)
    }
    return pending
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
    const parsed = activitySchema.safeParse(await this.detail(issueId))
    if (!parsed.success) return null
    const times = (parsed.data.activity ?? [])
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
