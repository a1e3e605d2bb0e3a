/**
 * Fake Sentry REST API (the handful of endpoints sentry-triage uses), shaped after Sentry's
 * official OpenAPI description (`listOrganizationIssues`, `retrieveAnIssue`,
 * `getOrganizationIssueEvent`, `listAnOrganizationsProjects`) and Sentry's server behaviour
 * (Link cursors with `results` flags, `X-Hits`, rate-limit headers, DRF-style `{"detail"}` errors).
 *
 * Part 2 additions (notes and guesses):
 * - `group=<id>` (repeatable) on the org issues listing returns exactly those issues, ignoring
 *   `query`, the time window, `sort` and pagination (no Link, no X-Hits), like Sentry's
 *   organization_group_index ("If group ids specified, just ignore any query components"). Ids are
 *   sorted ascending (GUESS: Sentry returns database order). Unknown ids, and ids outside the
 *   `project=` filter or the token's projects, are simply absent; an id in a `noAccessProjectIds`
 *   project → 403. GUESS: more than 100 distinct ids → 400 (Sentry documents no cap).
 * - Query tokens: `is:unresolved|resolved|ignored|archived`, substatus tokens (`is:regressed`,
 *   `is:escalating`, `is:new`, `is:ongoing`), `is:linked|unlinked` (an annotation or an external issue
 *   from sentry-links.ts), `firstSeen:`/`age:`/`lastSeen:` with `-24h`, `+24h` or `>ISO`.
 * - A registered external issue also shows in the issue's `annotations` (Sentry's group serializer adds
 *   PlatformExternalIssues there), as `{displayName, url}` per SENTRY-OAS, or as the older
 *   `<a href="url">displayName</a>` string with `legacyAnnotations`; `expand=sentryAppIssues` adds
 *   `sentryAppIssues: [{id, issueId, serviceType, displayName, webUrl}]`.
 * - State changes (`resolve`, `archive`, `regress`, `setStatus`) and `PUT /issues/{id}/`: see
 *   sentry-status.ts. Installations and external issues: see sentry-links.ts.
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
  addIssueEvents,
  archiveIssue,
  applyIssuePut,
  regressIssue,
  resolveIssue,
  sentryUser,
  setIssueStatus,
  type ArchiveSubstatus,
  type EventsOptions,
  type RegressOptions,
  type ResolveOptions
} from './sentry-status.js'
import {
  buildInstallations,
  linkHandlers,
  publicExternalIssue,
  upsertExternalIssue,
  type LinkInput,
  type SentryAppInstallation,
  type SentryExternalIssue,
  type SentryInstallationSeed,
  type SentryLinkKit
} from './sentry-links.js'

export type {
  ArchiveSubstatus,
  EventsOptions,
  RegressOptions,
  ResolveOptions
} from './sentry-status.js'
export type {
  LinkInput,
  SentryAppInstallation,
  SentryExternalIssue,
  SentryInstallationSeed
} from './sentry-links.js'
import { releaseCommitsRoute, releaseRoute, type SentryReleaseInput } from './sentry-releases.js'
import { applySignals, signalRoutes, type SentrySignalsSeed } from './sentry-signals.js'
export type { SentrySignalsSeed } from './sentry-signals.js'

// ---------------------------------------------------------------------------------------------
// types

export interface SentryProjectRef {
  id: string
  name: string
  slug: string
  platform: string | null
}

export interface SentryAnnotation {
  displayName: string
  url: string
}

export interface SentryIssue {
  id: string
  shareId: string | null
  shortId: string
  title: string
  culprit: string | null
  permalink: string
  logger: string | null
  level: string
  status: string
  statusDetails: Record<string, unknown>
  substatus: string | null
  isPublic: boolean
  platform: string | null
  priority: string | null
  priorityLockedAt: string | null
  project: SentryProjectRef
  type: string
  issueType: string
  issueCategory: string
  metadata: Record<string, unknown>
  numComments: number
  assignedTo: { type: 'user' | 'team'; id: string; name: string; email?: string } | null
  isBookmarked: boolean
  isSubscribed: boolean
  subscriptionDetails: Record<string, unknown> | null
  hasSeen: boolean
  annotations: Array<SentryAnnotation | string>
  isUnhandled: boolean
  /** a STRING, like Sentry */
  count: string
  userCount: number
  firstSeen: string | null
  lastSeen: string | null
  stats: Record<string, Array<[number, number]>>
  lifetime: {
    count: string
    userCount: number
    firstSeen: string | null
    lastSeen: string | null
    stats?: unknown
  }
  filtered: unknown
  /** TEST-ONLY: environments the issue was seen in; used for filtering, stripped from responses */
  environments?: string[] | undefined
  [key: string]: unknown
}

export interface SentryFrame {
  filename: string | null
  absPath: string | null
  module: string | null
  package: string | null
  platform: string | null
  instructionAddr: string | null
  symbolAddr: string | null
  symbol: string | null
  trust: string | null
  errors: unknown
  function: string | null
  lineNo: number | null
  colNo: number | null
  inApp: boolean
  context: Array<[number, string]>
  vars: Record<string, unknown> | null
  [key: string]: unknown
}

export interface SentryEvent {
  id: string
  eventID: string
  groupID: string
  projectID: string
  title: string
  message: string
  culprit: string | null
  platform: string
  type: string
  dateCreated: string
  dateReceived: string
  tags: Array<{ key: string; value: string }>
  entries: Array<{ type: string; data: unknown }>
  contexts: Record<string, unknown>
  user: Record<string, unknown> | null
  sdk: { name: string; version: string } | null
  release: Record<string, unknown> | null
  metadata: Record<string, unknown>
  [key: string]: unknown
}

export interface SentryComment {
  issueId: string
  id: string
  user: Record<string, unknown>
  type: 'note'
  data: { text: string; mentions: string[] }
  dateCreated: string
}

export interface FakeSentryOptions {
  /** the only accepted bearer token */
  token: string
  /** organization slug */
  org: string
  projects?: SentryProjectRef[] | undefined
  issues?: SentryIssue[] | undefined
  /** latest event per issue id */
  events?: Record<string, SentryEvent> | undefined
  now?: (() => Date) | undefined
  /** items per page (default: the request's `limit`) */
  pageSize?: number | undefined
  /** return fewer items than the page size while still reporting results="true"; a number = items per page */
  shortPages?: boolean | number | undefined
  /** token scopes (default org:read project:read event:read event:write) */
  scopes?: string[] | undefined
  /** put another origin into Link URLs (to test that a client won't send its token there) */
  linkOrigin?: string | undefined
  /** known environment names (default: all `environments` of the seeded issues + "production") */
  environments?: string[] | undefined
  /** self-hosted: no X-Sentry-Rate-Limit-* headers */
  selfHosted?: boolean | undefined
  /** false: the token has no user behind it, so posting comments → 403 (default true) */
  userToken?: boolean | undefined
  latencyMs?: number | undefined
  /** release details (`releases/{version}/`, sentry-releases.ts) */
  releases?: SentryReleaseInput[] | undefined
  /** Sentry App installations listed by the org (a number = that many `sentry-triage…` apps; default 1) */
  installations?: number | SentryInstallationSeed[] | undefined
  /** POST …/external-issues/ answers 403 (an integration token without event:write) */
  externalIssueForbidden?: boolean | undefined
  /**
   * ids of projects that exist in the org but the token cannot access: their issues are left out of
   * listings, and a `group=` batch naming one of them answers 403 (like Sentry's PermissionDenied)
   */
  noAccessProjectIds?: string[] | undefined
  /**
   * external issues join `annotations` as `<a href="url">displayName</a>` strings (older Sentry's
   * PlatformExternalIssue.get_annotations_for_group_list) instead of `{displayName, url}` (SENTRY-OAS)
   */
  legacyAnnotations?: boolean | undefined
  /** Sentry's owners, links, Seer, committers, teams and members (sentry-signals.ts) */
  signals?: SentrySignalsSeed | undefined
}

export interface SentryIssueUpdate {
  issueId: string
  body: unknown
  at: string
}

export interface FakeSentry {
  /** origin, e.g. http://127.0.0.1:PORT (append /api/0/...) */
  url: string
  issues: SentryIssue[]
  events: Record<string, SentryEvent>
  projects: SentryProjectRef[]
  comments: SentryComment[]
  requests: RecordedRequest[]
  /** Sentry App installations (mutable) */
  installations: SentryAppInstallation[]
  /** external issues registered through the API or `link()` */
  externalIssues: SentryExternalIssue[]
  /** every accepted `PUT /issues/{id}/`, in order */
  issueUpdates: SentryIssueUpdate[]
  /** what Sentry knows (owners, Seer, committers …): mutable between runs */
  signals: SentrySignalsSeed
  /** test control: resolved (`substatus` null); statusDetails per options */
  resolve(id: string, o?: ResolveOptions): SentryIssue
  /** test control: archived = status `ignored` (default substatus archived_until_escalating) */
  archive(id: string, substatus?: ArchiveSubstatus, details?: Record<string, unknown>): SentryIssue
  /** test control: unresolved + `regressed`, lastSeen = now (or `at`), count grows by `events` (default 1) */
  regress(id: string, o?: RegressOptions): SentryIssue
  /** test control: new events (and users), status unchanged — e.g. an impact tier climbing */
  addEvents(id: string, o?: EventsOptions): SentryIssue
  /** test control: any status/substatus/statusDetails as given */
  setStatus(
    id: string,
    status: string,
    substatus: string | null,
    statusDetails?: Record<string, unknown>
  ): SentryIssue
  /** test control: register an external issue as the integration would (default first installation) */
  link(issueId: string, input: LinkInput): SentryExternalIssue
  /** switch the external-issue POST's 403 on or off at runtime */
  setExternalIssueForbidden(on: boolean): void
  fault(match: FaultMatch, f: FaultSpec): void
  /** next `times` requests (matching `match`, default: any) answer 429 like Sentry's rate limiter */
  rateLimit(times?: number, match?: FaultMatch, resetInSec?: number): void
  setLatency(ms: number): void
  close(): Promise<void>
  server: FakeServer
}

// ---------------------------------------------------------------------------------------------
// builders (used by seed.ts and tests)

const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

export interface SentryIssueInput {
  id: string
  shortId: string
  title: string
  project: SentryProjectRef
  org?: string | undefined
  culprit?: string | null | undefined
  level?: string | undefined
  status?: string | undefined
  substatus?: string | null | undefined
  count?: number | string | undefined
  userCount?: number | undefined
  firstSeen?: Date | string | null | undefined
  lastSeen?: Date | string | null | undefined
  metadata?: Record<string, unknown> | undefined
  annotations?: Array<SentryAnnotation | string> | undefined
  type?: string | undefined
  issueType?: string | undefined
  issueCategory?: string | undefined
  isUnhandled?: boolean | undefined
  platform?: string | null | undefined
  priority?: string | null | undefined
  environments?: string[] | undefined
  /** "now" for the stats sparkline (default lastSeen) */
  now?: Date | undefined
  /** the 14 daily event counts of `stats['14d']`, oldest first (default: count spread from firstSeen) */
  daily?: number[] | undefined
  extra?: Record<string, unknown> | undefined
}

function toIso(v: Date | string | null | undefined, fallback: string | null): string | null {
  if (v === undefined) return fallback
  if (v === null) return null
  return typeof v === 'string' ? v : iso(v)
}

/** Build a complete issue object as `GET /organizations/{org}/issues/` returns it. */
export function buildSentryIssue(i: SentryIssueInput): SentryIssue {
  const org = i.org ?? 'acme'
  const count = String(i.count ?? 1)
  const firstSeen = toIso(i.firstSeen, iso(new Date()))
  const lastSeen = toIso(i.lastSeen, firstSeen)
  const level = i.level ?? 'error'
  const endMs = i.now?.getTime() ?? (lastSeen ? Date.parse(lastSeen) : Date.now())
  const hourEnd = Math.floor(endMs / 3_600_000) * 3600
  const total = Number(count)
  const firstMs = firstSeen ? Date.parse(firstSeen) : 0
  const buckets: Array<[number, number]> = []
  for (let h = 23; h >= 0; h--) buckets.push([hourEnd - h * 3600, 0])
  const live = buckets.filter(([t]) => t * 1000 + 3_600_000 > firstMs)
  const spread = live.length > 0 ? live : buckets.slice(-1)
  spread.forEach((b, idx) => {
    b[1] = Math.floor(total / spread.length) + (idx < total % spread.length ? 1 : 0)
  })
  const daily = dailyBuckets(endMs, firstMs, total, i.daily)
  const issue: SentryIssue = {
    id: i.id,
    shareId: null,
    shortId: i.shortId,
    title: i.title,
    culprit: i.culprit ?? null,
    permalink: `https://sentry.io/organizations/${org}/issues/${i.id}/`,
    logger: null,
    level,
    status: i.status ?? 'unresolved',
    statusDetails: {},
    substatus:
      i.substatus === undefined
        ? (i.status ?? 'unresolved') === 'unresolved'
          ? 'new'
          : null
        : i.substatus,
    isPublic: false,
    platform: i.platform === undefined ? i.project.platform : i.platform,
    priority:
      i.priority === undefined
        ? level === 'fatal'
          ? 'high'
          : level === 'error'
            ? 'medium'
            : 'low'
        : i.priority,
    priorityLockedAt: null,
    seerFixabilityScore: null,
    seerAutofixLastTriggered: null,
    seerExplorerAutofixLastTriggered: null,
    project: { ...i.project },
    type: i.type ?? 'error',
    issueType: i.issueType ?? 'error',
    issueCategory: i.issueCategory ?? 'error',
    metadata: i.metadata ?? { title: i.title },
    numComments: 0,
    assignedTo: null,
    isBookmarked: false,
    isSubscribed: false,
    subscriptionDetails: null,
    hasSeen: false,
    annotations: i.annotations ?? [],
    isUnhandled: i.isUnhandled ?? false,
    count,
    userCount: i.userCount ?? 0,
    firstSeen,
    lastSeen,
    // Both timelines are kept; a listing answers the one its `groupStatsPeriod` asks for.
    stats: { '24h': buckets, '14d': daily },
    lifetime: { count, userCount: i.userCount ?? 0, firstSeen, lastSeen, stats: null },
    filtered: null,
    ...(i.extra ?? {})
  }
  if (i.environments) issue.environments = [...i.environments]
  return issue
}

/**
 * `stats['14d']`: 14 daily `[unixSeconds, count]` buckets ending with the day of `endMs` (API-NOTES
 * G1, [U] shape): the given counts, or `total` spread evenly over the days since `firstMs`.
 */
function dailyBuckets(
  endMs: number,
  firstMs: number,
  total: number,
  given: number[] | undefined
): Array<[number, number]> {
  const dayEnd = Math.floor(endMs / 86_400_000) * 86_400
  const days: Array<[number, number]> = []
  for (let d = 13; d >= 0; d--) days.push([dayEnd - d * 86_400, 0])
  if (given) {
    given.slice(-14).forEach((n, idx) => {
      days[14 - Math.min(14, given.length) + idx]![1] = n
    })
    return days
  }
  const live = days.filter(([t]) => t * 1000 + 86_400_000 > firstMs)
  const spread = live.length > 0 ? live : days.slice(-1)
  spread.forEach((b, idx) => {
    b[1] = Math.floor(total / spread.length) + (idx < total % spread.length ? 1 : 0)
  })
  return days
}

export interface SentryFrameInput {
  filename: string
  function: string
  lineNo: number | null
  colNo?: number | null | undefined
  inApp: boolean
  module?: string | null | undefined
  absPath?: string | undefined
  /** the source line at lineNo (context is built around it) */
  line?: string | undefined
  context?: Array<[number, string]> | undefined
  vars?: Record<string, unknown> | null | undefined
}

export function buildSentryFrame(f: SentryFrameInput, platform: string | null = null): SentryFrame {
  const context: Array<[number, string]> =
    f.context ??
    (f.line !== undefined && f.lineNo !== null
      ? [
          [f.lineNo - 1, ''],
          [f.lineNo, f.line],
          [f.lineNo + 1, '']
        ]
      : [])
  return {
    filename: f.filename,
    absPath: f.absPath ?? f.filename,
    module: f.module ?? null,
    package: null,
    platform,
    instructionAddr: null,
    symbolAddr: null,
    symbol: null,
    trust: null,
    errors: null,
    function: f.function,
    lineNo: f.lineNo,
    colNo: f.colNo ?? null,
    inApp: f.inApp,
    context,
    vars: f.vars ?? null
  }
}

export interface SentryExceptionInput {
  type: string
  value: string
  module?: string | null | undefined
  mechanism?: { type: string; handled: boolean } | undefined
  /** oldest call first, crashing frame LAST (Sentry's order) */
  frames: SentryFrameInput[]
}

export interface SentryEventInput {
  issue: SentryIssue
  eventID?: string | undefined
  dateCreated?: Date | string | undefined
  message?: string | undefined
  /** chained exceptions: the last one is the outermost */
  exceptions?: SentryExceptionInput[] | undefined
  breadcrumbs?:
    | Array<{
        category: string
        message: string | null
        level?: string
        type?: string
        data?: Record<string, unknown> | null
        timestamp?: string
      }>
    | undefined
  request?:
    | {
        url: string
        method: string
        query?: Array<[string, string]>
        headers?: Array<[string, string]>
        data?: unknown
      }
    | undefined
  tags?: Record<string, string> | undefined
  user?: Record<string, unknown> | null | undefined
  contexts?: Record<string, unknown> | undefined
  sdk?: { name: string; version: string } | null | undefined
  release?: string | null | undefined
  environment?: string | undefined
}

function hex32(seed: string): string {
  // deterministic 32-hex id from a seed string (FNV-1a, four rounds)
  let out = ''
  for (let round = 0; round < 4; round++) {
    let h = 0x811c9dc5 ^ round
    for (let i = 0; i < seed.length; i++) {
      h ^= seed.charCodeAt(i)
      h = Math.imul(h, 0x01000193) >>> 0
    }
    out += h.toString(16).padStart(8, '0')
  }
  return out
}

/** Build an event as `GET /organizations/{org}/issues/{id}/events/latest/` returns it. */
export function buildSentryEvent(e: SentryEventInput): SentryEvent {
  const issue = e.issue
  const eventID = e.eventID ?? hex32(`event:${issue.id}`)
  const created =
    e.dateCreated === undefined
      ? (issue.lastSeen ?? iso(new Date()))
      : typeof e.dateCreated === 'string'
        ? e.dateCreated
        : iso(e.dateCreated)
  const platform = issue.platform ?? 'other'
  const entries: Array<{ type: string; data: unknown }> = []
  if (e.exceptions && e.exceptions.length > 0) {
    const values = e.exceptions.map(x => ({
      type: x.type,
      value: x.value,
      module: x.module ?? null,
      mechanism: x.mechanism ?? { type: 'generic', handled: !issue.isUnhandled },
      threadId: null,
      stacktrace: {
        frames: x.frames.map(f => buildSentryFrame(f, null)),
        framesOmitted: null,
        registers: null,
        hasSystemFrames: x.frames.some(f => !f.inApp)
      },
      rawStacktrace: null
    }))
    entries.push({
      type: 'exception',
      data: {
        values,
        excOmitted: null,
        hasSystemFrames: values.some(v => v.stacktrace.hasSystemFrames)
      }
    })
  }
  if (e.message) {
    entries.push({ type: 'message', data: { formatted: e.message, message: null, params: null } })
  }
  if (e.breadcrumbs && e.breadcrumbs.length > 0) {
    const base = Date.parse(created)
    entries.push({
      type: 'breadcrumbs',
      data: {
        values: e.breadcrumbs.map((b, idx, all) => ({
          type: b.type ?? 'default',
          category: b.category,
          level: b.level ?? 'info',
          event_id: null,
          timestamp: b.timestamp ?? new Date(base - (all.length - idx) * 1500).toISOString(),
          data: b.data ?? null,
          message: b.message
        }))
      }
    })
  }
  if (e.request) {
    entries.push({
      type: 'request',
      data: {
        url: e.request.url,
        method: e.request.method,
        query: e.request.query ?? [],
        fragment: null,
        data: e.request.data ?? null,
        headers: e.request.headers ?? [],
        cookies: [],
        env: null,
        inferredContentType: null,
        apiTarget: null
      }
    })
  }
  const environment = e.environment ?? issue.environments?.[0] ?? 'production'
  const tags: Record<string, string> = {
    environment,
    level: issue.level,
    handled: issue.isUnhandled ? 'no' : 'yes',
    ...(e.release ? { release: e.release } : {}),
    ...(e.tags ?? {})
  }
  const release = e.release
    ? {
        id: Number.parseInt(hex32(e.release).slice(0, 6), 16),
        version: e.release,
        shortVersion: e.release,
        status: 'open',
        ref: null,
        url: null,
        dateCreated: new Date(Date.parse(created) - 86_400_000).toISOString(),
        dateReleased: null,
        data: {},
        commitCount: 0,
        deployCount: 0,
        lastCommit: null,
        lastDeploy: null,
        userAgent: null,
        versionInfo: null
      }
    : null
  return {
    id: eventID,
    eventID,
    groupID: issue.id,
    projectID: issue.project.id,
    title: issue.title,
    message: e.message ?? '',
    culprit: issue.culprit,
    location: null,
    platform,
    type: issue.type === 'default' ? 'default' : 'error',
    dateCreated: created,
    dateReceived: created,
    size: 4096,
    dist: null,
    errors: [],
    fingerprints: [hex32(`fp:${issue.id}`)],
    groupingConfig: { id: 'newstyle:2023-01-11', enhancements: 'eJybzDRxY3J-bm5-TmJmXr' },
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    entries,
    contexts: e.contexts ?? {},
    context: {},
    user: e.user === undefined ? null : e.user,
    sdk: e.sdk === undefined ? null : e.sdk,
    release,
    metadata: issue.metadata,
    packages: {},
    occurrence: null,
    resolvedWith: [],
    sdkUpdates: [],
    userReport: null,
    nextEventID: null,
    previousEventID: null,
    crashFile: null,
    _meta: {
      user: null,
      context: null,
      entries: {},
      contexts: null,
      message: null,
      packages: null,
      tags: {},
      sdk: null
    }
  }
}

/** Full project object as `GET /organizations/{org}/projects/` returns it. */
export function buildSentryProject(p: SentryProjectRef): Record<string, unknown> {
  return {
    id: p.id,
    slug: p.slug,
    name: p.name,
    platform: p.platform,
    dateCreated: '2024-03-01T10:00:00.000000Z',
    firstEvent: '2024-03-01T10:05:00.000000Z',
    access: ['event:read', 'project:read'],
    hasAccess: true,
    isBookmarked: false,
    isMember: true,
    platforms: p.platform ? [p.platform] : [],
    team: { id: '1', name: 'Backend', slug: 'backend' },
    teams: [{ id: '1', name: 'Backend', slug: 'backend' }],
    environments: ['production', 'staging'],
    features: ['releases'],
    firstTransactionEvent: false,
    hasSessions: false,
    hasProfiles: false,
    hasReplays: false,
    hasFlags: false,
    hasMinifiedStackTrace: false,
    hasMonitors: false,
    hasFeedbacks: false,
    hasNewFeedbacks: false,
    hasUserReports: false,
    hasInsightsHttp: false,
    hasInsightsDb: false,
    hasInsightsAssets: false,
    hasInsightsAppStart: false,
    hasInsightsScreenLoad: false,
    hasInsightsVitals: false,
    hasInsightsCaches: false,
    hasInsightsQueues: false,
    hasInsightsAgentMonitoring: false,
    hasInsightsMCP: false,
    hasLogs: false,
    hasTraceMetrics: false,
    latestRelease: null
  }
}

// ---------------------------------------------------------------------------------------------
// search query

class BadRequest extends Error {
  constructor(
    readonly detail: string,
    readonly status = 400
  ) {
    super(detail)
  }
}

interface QueryToken {
  negated: boolean
  key: string | null
  value: string
}

function tokenize(q: string): QueryToken[] {
  const out: QueryToken[] = []
  const re = /(!?)(?:([A-Za-z_][\w.]*):)?("(?:[^"\\]|\\.)*"|\[[^\]]*\]|\S+)/g
  let m: RegExpExecArray | null
  while ((m = re.exec(q)) !== null) {
    let value = m[3] ?? ''
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2)
      value = value.slice(1, -1).replace(/\\(.)/g, '$1')
    out.push({ negated: m[1] === '!', key: m[2] ?? null, value })
  }
  return out
}

const UNIT_MS: Record<string, number> = {
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

export function parsePeriod(v: string): number | null {
  const m = /^(\d+)([smhdw])$/.exec(v)
  if (!m) return null
  return Number(m[1]) * (UNIT_MS[m[2] ?? 'h'] ?? 0)
}

/** returns predicate on a date (ms) for `-24h`, `+24h`, `>ISO`, `<=ISO`, ... */
function dateFilter(key: string, raw: string, now: number): (t: number | null) => boolean {
  const rel = /^([+-]?)(\d+)([smhdw])$/.exec(raw)
  if (rel) {
    const ms = Number(rel[2]) * (UNIT_MS[rel[3] ?? 'h'] ?? 0)
    const bound = now - ms
    if (rel[1] === '+') return t => t !== null && t <= bound
    return t => t !== null && t >= bound
  }
  const abs = /^(>=|<=|>|<|=)?(.+)$/.exec(raw)
  const when = abs ? Date.parse(abs[2] ?? '') : NaN
  if (!abs || Number.isNaN(when))
    throw new BadRequest(
      `Error parsing search query: Invalid date: ${raw}. Expected +/-duration (e.g. +1h) or ISO 8601-like (e.g. ${iso(new Date(now))}).`
    )
  switch (abs[1]) {
    case '>':
      return t => t !== null && t > when
    case '>=':
      return t => t !== null && t >= when
    case '<':
      return t => t !== null && t < when
    case '<=':
      return t => t !== null && t <= when
    default:
      void key
      return t =>
        t !== null &&
        Math.abs(t - when) < 86_400_000 &&
        new Date(t).toISOString().slice(0, 10) === new Date(when).toISOString().slice(0, 10)
  }
}

function numFilter(raw: string): (n: number) => boolean {
  const m = /^(>=|<=|>|<|=)?(\d+(?:\.\d+)?)$/.exec(raw)
  if (!m) throw new BadRequest(`Error parsing search query: Invalid number: ${raw}`)
  const v = Number(m[2])
  switch (m[1]) {
    case '>':
      return n => n > v
    case '>=':
      return n => n >= v
    case '<':
      return n => n < v
    case '<=':
      return n => n <= v
    default:
      return n => n === v
  }
}

const IS_VALUES = [
  'resolved',
  'unresolved',
  'ignored',
  'archived',
  'assigned',
  'unassigned',
  'for_review',
  'linked',
  'unlinked',
  'new',
  'ongoing',
  'regressed',
  'escalating',
  'archived_until_escalating'
]

function listValues(v: string): string[] {
  if (v.startsWith('[') && v.endsWith(']'))
    return v
      .slice(1, -1)
      .split(',')
      .map(x => x.trim().replace(/^"|"$/g, ''))
      .filter(Boolean)
  return [v]
}

type IssuePredicate = (i: SentryIssue) => boolean

function compileQuery(
  q: string,
  now: number,
  isLinked: IssuePredicate = i => i.annotations.length > 0
): IssuePredicate[] {
  const preds: IssuePredicate[] = []
  const words: string[] = []
  for (const t of tokenize(q)) {
    let p: IssuePredicate | null = null
    const key = t.key
    if (key === null) {
      words.push(t.value)
      continue
    }
    const k = key.toLowerCase()
    if (k === 'is') {
      const v = t.value.toLowerCase()
      if (!IS_VALUES.includes(v))
        throw new BadRequest(
          `Error parsing search query: Invalid value for "is" search, valid values are ['${IS_VALUES.join("', '")}']`
        )
      p = i => {
        switch (v) {
          case 'resolved':
          case 'unresolved':
            return i.status === v
          case 'ignored':
          case 'archived':
            return i.status === 'ignored'
          case 'assigned':
            return i.assignedTo !== null
          case 'unassigned':
            return i.assignedTo === null
          case 'for_review':
            return (
              i.status === 'unresolved' && (i.substatus === 'new' || i.substatus === 'regressed')
            )
          case 'linked':
            return isLinked(i)
          case 'unlinked':
            return !isLinked(i)
          default:
            return i.substatus === v
        }
      }
    } else if (k === 'firstseen' || k === 'age') {
      const f = dateFilter(k, t.value, now)
      p = i => f(i.firstSeen ? Date.parse(i.firstSeen) : null)
    } else if (k === 'lastseen') {
      const f = dateFilter(k, t.value, now)
      p = i => f(i.lastSeen ? Date.parse(i.lastSeen) : null)
    } else if (k === 'level') {
      const vs = listValues(t.value.toLowerCase())
      p = i => vs.includes(i.level.toLowerCase())
    } else if (k === 'issue') {
      const vs = listValues(t.value.toUpperCase())
      p = i => vs.includes(i.shortId.toUpperCase())
    } else if (k === 'project') {
      const vs = listValues(t.value)
      p = i => vs.includes(i.project.slug)
    } else if (k === 'environment') {
      const vs = listValues(t.value)
      p = i => !i.environments || i.environments.some(e => vs.includes(e))
    } else if (k === 'error.unhandled') {
      const want = t.value === 'true' || t.value === '1'
      p = i => i.isUnhandled === want
    } else if (k === 'timesseen') {
      const f = numFilter(t.value)
      p = i => f(Number(i.count))
    } else if (k === 'issue.category') {
      const vs = listValues(t.value)
      p = i => vs.includes(i.issueCategory)
    } else if (k === 'issue.type') {
      const vs = listValues(t.value)
      p = i => vs.includes(i.issueType)
    } else if (k === 'issue.priority') {
      const vs = listValues(t.value)
      p = i => i.priority !== null && vs.includes(i.priority)
    } else {
      // tags / release / etc.: accepted, not filtered
      continue
    }
    const base = p
    preds.push(t.negated ? i => !base(i) : base)
  }
  const free = words.join(' ').trim().toLowerCase()
  if (free) preds.push(i => i.title.toLowerCase().includes(free))
  return preds
}

// ---------------------------------------------------------------------------------------------

const DETAIL_404 = { detail: 'The requested resource does not exist' }
const DETAIL_403 = { detail: 'You do not have permission to perform this action.' }

function basePublicIssue(
  i: SentryIssue,
  collapse: string[] = [],
  statsPeriod = '24h'
): Record<string, unknown> {
  const { environments: _env, ...rest } = i
  void _env
  const out: Record<string, unknown> = {
    ...rest,
    count: String(i.count),
    lifetime: { ...i.lifetime, count: String(i.lifetime.count) }
  }
  // `groupStatsPeriod`: '' leaves the timeline out, `auto` (for a short window) is the hourly one.
  const period = statsPeriod === 'auto' ? '24h' : statsPeriod
  out.stats = period === '' ? {} : { [period]: i.stats[period] ?? [] }
  if (collapse.includes('stats')) delete out.stats
  if (collapse.includes('lifetime')) delete out.lifetime
  if (collapse.includes('filtered')) delete out.filtered
  if (collapse.includes('unhandled')) delete out.isUnhandled
  return out
}

export async function startFakeSentry(opts: FakeSentryOptions): Promise<FakeSentry> {
  const now = (): Date => (opts.now ? opts.now() : new Date())
  const issues: SentryIssue[] = opts.issues ?? []
  const events: Record<string, SentryEvent> = opts.events ?? {}
  const projects: SentryProjectRef[] = opts.projects ?? []
  const comments: SentryComment[] = []
  const scopes = opts.scopes ?? ['org:read', 'project:read', 'event:read', 'event:write']
  const hasScope = (...any: string[]): boolean => any.some(s => scopes.includes(s))
  let commentSeq = 9000
  const installations = buildInstallations(opts.org, opts.installations ?? 1)
  const externalIssues: SentryExternalIssue[] = []
  const issueUpdates: SentryIssueUpdate[] = []
  let externalIssueForbidden = opts.externalIssueForbidden ?? false
  const noAccess = new Set(opts.noAccessProjectIds ?? [])
  const signals: SentrySignalsSeed = opts.signals ?? {}
  const isLinked = (i: SentryIssue): boolean =>
    i.annotations.length > 0 || externalIssues.some(e => e.issueId === i.id)
  /** the issue as the API shows it: external issues join `annotations`; `expand=sentryAppIssues` */
  const publicIssue = (
    i: SentryIssue,
    collapse: string[] = [],
    expand: string[] = [],
    statsPeriod = '24h'
  ): Record<string, unknown> => {
    const out = basePublicIssue(i, collapse, statsPeriod)
    const mine = externalIssues.filter(e => e.issueId === i.id)
    out.annotations = [
      ...i.annotations,
      ...mine.map(e =>
        opts.legacyAnnotations
          ? `<a href="${e.webUrl}">${e.displayName}</a>`
          : { displayName: e.displayName, url: e.webUrl }
      )
    ]
    if (expand.includes('sentryAppIssues')) out.sentryAppIssues = mine.map(publicExternalIssue)
    if (expand.includes('integrationIssues')) out.integrationIssues = []
    applySignals(out, i, expand, signals)
    return out
  }

  // fixed 1-second window like Sentry's rate limiter
  const window = { sec: 0, used: 0 }
  const rateHeaders = (): Record<string, string> => {
    if (opts.selfHosted) return {}
    const sec = Math.floor(Date.now() / 1000)
    if (sec !== window.sec) {
      window.sec = sec
      window.used = 0
    }
    window.used += 1
    return {
      'X-Sentry-Rate-Limit-Limit': '40',
      'X-Sentry-Rate-Limit-Remaining': String(Math.max(0, 40 - window.used)),
      'X-Sentry-Rate-Limit-Reset': String(sec + 1),
      'X-Sentry-Rate-Limit-ConcurrentLimit': '25',
      'X-Sentry-Rate-Limit-ConcurrentRemaining': '24'
    }
  }

  /** auth → org → scope, like Sentry (401, then 404, then 403) */
  const guard = (ctx: RouteContext, need: string[] | null): RouteResult | null => {
    const tok = bearer(ctx)
    if (tok !== opts.token) return json(401, { detail: 'Invalid token' })
    if (ctx.params.org !== opts.org) return json(404, DETAIL_404)
    if (need && !hasScope(...need)) return json(403, DETAIL_403)
    return null
  }

  const linkBase = (ctx: RouteContext): string => {
    const origin = (opts.linkOrigin ?? ctx.origin).replace(/\/+$/, '')
    const q = new URLSearchParams(ctx.query)
    q.delete('cursor')
    const qs = q.toString()
    return `${origin}${ctx.path}?${qs ? `${qs}&` : ''}cursor=`
  }

  const parseCursor = (raw: string | null): { offset: number; isPrev: boolean } => {
    if (raw === null) return { offset: 0, isPrev: false }
    const m = /^(-?\d+(?:\.\d+)?):(\d+):([01])$/.exec(raw)
    if (!m) throw new BadRequest('Invalid cursor parameter.')
    return { offset: Number(m[2]), isPrev: m[3] === '1' }
  }

  /** slice + Link header, Sentry style (both rels always present) */
  const paginate = <T>(
    ctx: RouteContext,
    all: T[],
    size: number,
    shortPages: boolean | number | undefined
  ): { page: T[]; headers: Record<string, string> } => {
    const { offset, isPrev } = parseCursor(ctx.query.get('cursor'))
    let take = size
    if (shortPages) {
      take =
        typeof shortPages === 'number'
          ? Math.max(1, Math.min(size, shortPages))
          : Math.max(1, Math.min(size - 1, Math.ceil(all.length / 3)))
    }
    let start = isPrev ? Math.max(0, offset - take) : offset
    start = Math.min(start, all.length)
    const page = all.slice(start, start + take)
    const end = start + page.length
    const base = linkBase(ctx)
    const prevCursor = `0:${start}:1`
    const nextCursor = `0:${end}:0`
    const link =
      `<${base}${prevCursor}>; rel="previous"; results="${start > 0 ? 'true' : 'false'}"; cursor="${prevCursor}", ` +
      `<${base}${nextCursor}>; rel="next"; results="${end < all.length ? 'true' : 'false'}"; cursor="${nextCursor}"`
    return { page, headers: { Link: link } }
  }

  const findIssue = (idOrShort: string): SentryIssue | undefined =>
    /^\d+$/.test(idOrShort)
      ? issues.find(i => i.id === idOrShort)
      : issues.find(i => i.shortId.toUpperCase() === idOrShort.toUpperCase())

  const knownEnvironments = (): Set<string> => {
    const s = new Set<string>(opts.environments ?? ['production'])
    if (!opts.environments) for (const i of issues) for (const e of i.environments ?? []) s.add(e)
    return s
  }

  const wrap =
    (fn: (ctx: RouteContext) => RouteResult): ((ctx: RouteContext) => RouteResult) =>
    ctx => {
      try {
        return fn(ctx)
      } catch (err) {
        if (err instanceof BadRequest) return json(err.status, { detail: err.detail })
        throw err
      }
    }

  const listIssues = wrap(ctx => {
    const denied = guard(ctx, ['event:read', 'event:write', 'event:admin'])
    if (denied) return denied
    const q = ctx.query
    const nowMs = now().getTime()

    // limit
    const limitRaw = q.get('limit')
    let limit = 100
    if (limitRaw !== null && limitRaw !== '') {
      if (!/^\d+$/.test(limitRaw)) throw new BadRequest('Invalid limit: must be an integer.')
      limit = Number(limitRaw)
      if (limit > 100) throw new BadRequest('Invalid limit: cannot exceed 100.')
      if (limit < 1) throw new BadRequest('Invalid limit: must be at least 1.')
    }

    // projects
    const projectVals = q.getAll('project')
    let projectIds: string[] | null = null
    for (const v of projectVals) {
      if (!/^-?\d+$/.test(v))
        throw new BadRequest('Invalid project parameter. Values must be numbers.')
    }
    if (projectVals.length > 0 && !projectVals.includes('-1')) {
      projectIds = projectVals
      const known = new Set(projects.map(p => p.id))
      if (projectIds.some(id => !known.has(id))) return json(403, DETAIL_403)
    }

    // environments
    const envs = q.getAll('environment').filter(e => e !== '')
    if (envs.length > 0) {
      const known = knownEnvironments()
      if (envs.some(e => !known.has(e))) return json(404, DETAIL_404)
    }

    // time window (event window, not first-seen)
    const sp = q.get('statsPeriod')
    const start = q.get('start')
    const end = q.get('end')
    let windowPred: IssuePredicate
    if (sp !== null && sp !== '') {
      const ms = parsePeriod(sp)
      if (ms === null) throw new BadRequest(`Invalid statsPeriod: '${sp}'`)
      windowPred = i => i.lastSeen !== null && Date.parse(i.lastSeen) >= nowMs - ms
    } else if (start || end) {
      if (!start || !end) throw new BadRequest('start and end are both required')
      const s = Date.parse(start)
      const e = Date.parse(end)
      if (Number.isNaN(s) || Number.isNaN(e))
        throw new BadRequest('start and end must be ISO 8601 dates')
      windowPred = i =>
        i.lastSeen !== null &&
        i.firstSeen !== null &&
        Date.parse(i.lastSeen) >= s &&
        Date.parse(i.firstSeen) <= e
    } else {
      windowPred = i => i.lastSeen !== null && Date.parse(i.lastSeen) >= nowMs - 90 * 86_400_000
    }
    const gsp = q.get('groupStatsPeriod')
    if (gsp !== null && !['', '14d', '24h', 'auto'].includes(gsp))
      throw new BadRequest("Invalid stats_period. Valid choices are '', '24h', '14d', and 'auto'")

    // sort
    const sort = q.get('sort') ?? 'date'
    if (
      !['date', 'new', 'freq', 'user', 'trends', 'inbox', 'recommended', 'priority'].includes(sort)
    )
      throw new BadRequest(`Invalid sort: ${sort}`)

    const query = q.has('query') ? (q.get('query') ?? '') : 'is:unresolved'
    const collapse = q.getAll('collapse')
    const expand = q.getAll('expand')

    // direct hits (shortIdLookup / event id)
    const trimmed = query.trim()
    if (/^[0-9a-f]{32}$/i.test(trimmed)) {
      const hit = Object.values(events).find(e => e.eventID.toLowerCase() === trimmed.toLowerCase())
      const issue = hit ? issues.find(i => i.id === hit.groupID) : undefined
      if (issue)
        return json(200, [publicIssue(issue, collapse, expand, gsp ?? '24h')], {
          'X-Sentry-Direct-Hit': '1'
        })
    }
    if (q.get('shortIdLookup') === '1' && trimmed) {
      const issue = issues.find(i => i.shortId.toUpperCase() === trimmed.toUpperCase())
      if (issue)
        return json(200, [publicIssue(issue, collapse, expand, gsp ?? '24h')], {
          'X-Sentry-Direct-Hit': '1'
        })
    }

    // group=<id>&group=<id>…: exactly those issues, query/window/sort ignored (Sentry: "If group ids
    // specified, just ignore any query components"); no Link, no X-Hits
    const groupIds = q.getAll('group')
    if (groupIds.length > 0) {
      if (groupIds.some(g => !/^\d+$/.test(g))) throw new BadRequest('Group ids must be integers')
      // GUESS: Sentry documents no cap; the fake refuses more than 100 (URL length keeps clients there)
      if (new Set(groupIds).size > 100)
        throw new BadRequest('Too many group ids: at most 100 group parameters are accepted.')
      const wanted = new Set(groupIds)
      const found = issues.filter(i => wanted.has(i.id))
      if (found.some(i => noAccess.has(i.project.id))) return json(403, DETAIL_403)
      const visible = found
        .filter(i => projects.length === 0 || projects.some(p => p.id === i.project.id))
        .filter(i => !projectIds || projectIds.includes(i.project.id))
        .sort((a, b) => Number(a.id) - Number(b.id))
      return json(
        200,
        visible.map(i => publicIssue(i, collapse, expand, gsp ?? '24h'))
      )
    }

    const preds = compileQuery(query, nowMs, isLinked)
    const matching = issues.filter(i => {
      if (projectIds && !projectIds.includes(i.project.id)) return false
      if (!projects.some(p => p.id === i.project.id) && projects.length > 0) return false
      if (noAccess.has(i.project.id)) return false
      if (envs.length > 0 && i.environments && !i.environments.some(e => envs.includes(e)))
        return false
      if (!windowPred(i)) return false
      return preds.every(p => p(i))
    })
    const t = (s: string | null): number => (s ? Date.parse(s) : 0)
    const cmp: Record<string, (a: SentryIssue, b: SentryIssue) => number> = {
      new: (a, b) => t(b.firstSeen) - t(a.firstSeen),
      date: (a, b) => t(b.lastSeen) - t(a.lastSeen),
      freq: (a, b) => Number(b.count) - Number(a.count),
      user: (a, b) => b.userCount - a.userCount
    }
    const c = cmp[sort] ?? cmp.date
    matching.sort((a, b) => (c ? c(a, b) : 0) || Number(b.id) - Number(a.id))

    const size = Math.max(1, Math.min(opts.pageSize ?? limit, limit))
    const { page, headers } = paginate(ctx, matching, size, opts.shortPages)
    return json(
      200,
      page.map(i => publicIssue(i, collapse, expand, gsp ?? '24h')),
      { ...headers, 'X-Hits': String(matching.length), 'X-Max-Hits': '1000' }
    )
  })

  /** The issue's activity as the detail serialises it (API-NOTES G7): what the test controls did. */
  const activityLog = new Map<string, Array<{ type: string; dateCreated: string }>>()
  function record(id: string, type: string, at: Date): void {
    activityLog.set(id, [{ type, dateCreated: at.toISOString() }, ...(activityLog.get(id) ?? [])])
  }

  const firstReleases = new Map<string, SentryEvent['release']>()
  const firstRelease = (id: string): SentryEvent['release'] => {
    if (!firstReleases.has(id)) firstReleases.set(id, events[id]?.release ?? null)
    return firstReleases.get(id) ?? null
  }
  for (const id of Object.keys(events)) firstRelease(id)

  const issueDetail = wrap(ctx => {
    const denied = guard(ctx, ['event:read', 'event:write', 'event:admin'])
    if (denied) return denied
    const issue = findIssue(ctx.params.id ?? '')
    if (!issue) return json(404, DETAIL_404)
    return json(200, {
      ...publicIssue(issue, [], ctx.query.getAll('expand')),
      activity: [
        ...(activityLog.get(issue.id) ?? []).map((a, n) => ({
          id: String(n + 1),
          type: a.type,
          user: null,
          data: {},
          dateCreated: a.dateCreated
        })),
        { id: '0', type: 'first_seen', user: null, data: {}, dateCreated: issue.firstSeen }
      ],
      seenBy: [],
      participants: [],
      userReportCount: 0,
      // The release of the issue's first event (the latest event's as first read, before a test
      // moved it on with addEvents/regress) and the latest event's.
      firstRelease: firstRelease(issue.id),
      lastRelease: events[issue.id]?.release ?? null,
      tags: [
        { key: 'environment', name: 'Environment', totalValues: Number(issue.count) },
        { key: 'level', name: 'Level', totalValues: Number(issue.count) }
      ],
      pluginActions: [],
      pluginIssues: [],
      pluginContexts: []
    })
  })

  const updateIssue = wrap(ctx => {
    const denied = guard(ctx, ['event:write', 'event:admin'])
    if (denied) return denied
    const issue = findIssue(ctx.params.id ?? '')
    if (!issue || noAccess.has(issue.project.id)) return json(404, DETAIL_404)
    const bad = applyIssuePut(issue, ctx.body, now())
    if (bad) return bad
    issueUpdates.push({ issueId: issue.id, body: ctx.body, at: now().toISOString() })
    return json(200, publicIssue(issue))
  })

  const linkKit: SentryLinkKit = {
    org: opts.org,
    token: opts.token,
    installations,
    externalIssues,
    hasScope,
    findIssue: id => findIssue(id),
    writeForbidden: () => externalIssueForbidden,
    paginate: (ctx, all) => {
      const per = Number(ctx.query.get('per_page') ?? '100')
      const size = Math.max(1, Math.min(opts.pageSize ?? 100, Number.isFinite(per) ? per : 100))
      return paginate(ctx, all, size, opts.shortPages)
    }
  }
  const links = linkHandlers(linkKit)

  const issueEvent = wrap(ctx => {
    const denied = guard(ctx, ['event:read', 'event:write', 'event:admin'])
    if (denied) return denied
    const issue = findIssue(ctx.params.id ?? '')
    if (!issue) return json(404, DETAIL_404)
    const which = ctx.params.event ?? ''
    const ev = events[issue.id]
    if (!ev) return json(404, { detail: 'Event not found' })
    if (
      !['latest', 'oldest', 'recommended'].includes(which) &&
      which.replace(/-/g, '').toLowerCase() !== ev.eventID.toLowerCase()
    )
      return json(404, { detail: 'Event not found' })
    return json(200, ev)
  })

  const listComments = wrap(ctx => {
    const denied = guard(ctx, ['event:read', 'event:write', 'event:admin'])
    if (denied) return denied
    const issue = findIssue(ctx.params.id ?? '')
    if (!issue) return json(404, DETAIL_404)
    const mine = comments
      .filter(c => c.issueId === issue.id)
      .map(({ issueId: _x, ...rest }) => rest)
    return json(200, mine.reverse())
  })

  const postComment = wrap(ctx => {
    const tok = bearer(ctx)
    if (tok !== opts.token) return json(401, { detail: 'Invalid token' })
    if (ctx.params.org !== opts.org) return json(404, DETAIL_404)
    if (!hasScope('event:write', 'event:admin')) return json(403, DETAIL_403)
    const issue = findIssue(ctx.params.id ?? '')
    if (!issue) return json(404, DETAIL_404)
    if (opts.userToken === false)
      return json(403, { detail: "Key doesn't have permission to create Note" })
    const body = ctx.body
    const text = isRecord(body) ? body.text : undefined
    if (text === undefined || text === null) return json(400, { text: ['This field is required.'] })
    if (typeof text !== 'string') return json(400, { text: ['Not a valid string.'] })
    if (text.trim() === '') return json(400, { text: ['This field may not be blank.'] })
    const nowMs = now().getTime()
    const dup = comments.find(
      c =>
        c.issueId === issue.id &&
        c.data.text === text &&
        nowMs - Date.parse(c.dateCreated) < 3_600_000
    )
    if (dup) return json(400, { detail: 'You have already posted that comment.' })
    const activity: SentryComment = {
      issueId: issue.id,
      id: String(++commentSeq),
      user: sentryUser(
        '1',
        'sentry-triage',
        'sentry-triage',
        'sentry-triage@proxy-user.sentry.io',
        false
      ),
      type: 'note',
      data: { text, mentions: [] },
      dateCreated: now().toISOString()
    }
    comments.push(activity)
    issue.numComments += 1
    const { issueId: _i, ...out } = activity
    void _i
    return json(201, out)
  })

  const listProjects = wrap(ctx => {
    const denied = guard(ctx, ['org:read', 'org:write', 'org:admin', 'project:read'])
    if (denied) return denied
    const perRaw = ctx.query.get('per_page')
    let per = 100
    if (perRaw !== null) {
      per = Number(perRaw)
      if (!Number.isInteger(per) || per < 1) throw new BadRequest('Invalid per_page parameter.')
      if (per > 100) throw new BadRequest('Invalid per_page parameter. Cannot exceed 100.')
    }
    const size = Math.max(1, Math.min(opts.pageSize ?? per, per))
    const qf = (ctx.query.get('query') ?? '').trim().toLowerCase()
    const all = [...projects]
      .filter(p => !qf || p.slug.toLowerCase().includes(qf) || p.name.toLowerCase().includes(qf))
      .sort((a, b) => a.slug.localeCompare(b.slug))
    const { page, headers } = paginate(ctx, all, size, opts.shortPages)
    return json(200, page.map(buildSentryProject), headers)
  })

  const orgDetail = wrap(ctx => {
    const denied = guard(ctx, ['org:read', 'org:write', 'org:admin'])
    if (denied) return denied
    return json(200, {
      id: '1',
      slug: opts.org,
      name: opts.org,
      status: { id: 'active', name: 'active' },
      features: [],
      links: { organizationUrl: `https://${opts.org}.sentry.io`, regionUrl: 'https://us.sentry.io' }
    })
  })

  const mustFind = (id: string): SentryIssue => {
    const i = findIssue(id)
    if (!i) throw new Error(`fake Sentry: no issue ${id}`)
    return i
  }

  const base = '/api/0/organizations/:org'
  const server = await startServer({
    latencyMs: opts.latencyMs,
    baseHeaders: () => ({
      ...rateHeaders(),
      'Access-Control-Expose-Headers':
        'X-Sentry-Error, X-Sentry-Direct-Hit, X-Hits, X-Max-Hits, Endpoint, Retry-After, Link',
      Vary: 'Accept, Cookie'
    }),
    notFound: () => json(404, DETAIL_404),
    methodNotAllowed: ctx => json(405, { detail: `Method "${ctx.method}" not allowed.` }),
    routes: [
      { method: 'GET', pattern: `${base}/`, handler: orgDetail },
      { method: 'GET', pattern: `${base}/projects/`, handler: listProjects },
      { method: 'GET', pattern: `${base}/issues/`, handler: listIssues },
      { method: 'GET', pattern: `${base}/issues/:id/`, handler: issueDetail },
      { method: 'PUT', pattern: `${base}/issues/:id/`, handler: updateIssue },
      {
        method: 'GET',
        pattern: `${base}/issues/:id/external-issues/`,
        handler: links.listIssueExternalIssues
      },
      {
        method: 'GET',
        pattern: `${base}/sentry-app-installations/`,
        handler: links.listInstallations
      },
      {
        method: 'POST',
        pattern: '/api/0/sentry-app-installations/:uuid/external-issues/',
        handler: links.postExternalIssue
      },
      {
        method: 'DELETE',
        pattern: '/api/0/sentry-app-installations/:uuid/external-issues/:eid/',
        handler: links.deleteExternalIssue
      },
      { method: 'GET', pattern: `${base}/issues/:id/events/:event/`, handler: issueEvent },
      { method: 'GET', pattern: `${base}/issues/:id/comments/`, handler: listComments },
      { method: 'GET', pattern: `${base}/issues/:id/notes/`, handler: listComments },
      { method: 'POST', pattern: `${base}/issues/:id/comments/`, handler: postComment },
      { method: 'POST', pattern: `${base}/issues/:id/notes/`, handler: postComment },
      releaseRoute(base, opts),
      ...signalRoutes({
        org: opts.org,
        token: opts.token,
        seed: signals,
        issues,
        events,
        releases: opts.releases ?? [],
        hasScope,
        paginate: (ctx, all) => {
          const per = Number(ctx.query.get('per_page') ?? '100')
          const size = Math.max(1, Math.min(opts.pageSize ?? 100, Number.isFinite(per) ? per : 100))
          return paginate(ctx, all, size, opts.shortPages)
        }
      }),
      releaseCommitsRoute(base, opts)
    ]
  })

  return {
    url: server.url,
    issues,
    events,
    projects,
    comments,
    requests: server.requests,
    installations,
    externalIssues,
    issueUpdates,
    signals,
    resolve(id, o) {
      const i = mustFind(id)
      resolveIssue(i, o)
      record(i.id, o?.inNextRelease ? 'set_resolved_in_release' : 'set_resolved', now())
      return i
    },
    archive(id, substatus, details) {
      const i = mustFind(id)
      archiveIssue(i, substatus, details)
      record(i.id, 'set_ignored', now())
      return i
    },
    regress(id, o) {
      const i = mustFind(id)
      firstRelease(i.id)
      regressIssue(i, events[i.id], now(), o)
      record(i.id, 'set_regression', o?.at ?? now())
      return i
    },
    addEvents(id, o) {
      const i = mustFind(id)
      firstRelease(i.id)
      addIssueEvents(i, events[i.id], now(), o)
      return i
    },
    setStatus(id, status, substatus, details) {
      const i = mustFind(id)
      setIssueStatus(i, status, substatus, details)
      if (substatus === 'regressed' || substatus === 'escalating')
        record(i.id, substatus === 'regressed' ? 'set_regression' : 'set_escalating', now())
      return i
    },
    link(issueId, input) {
      const i = mustFind(issueId)
      const inst =
        installations.find(x => x.uuid === input.installationUuid) ??
        (input.installationUuid === undefined ? installations[0] : undefined)
      if (!inst)
        throw new Error(`fake Sentry: no installation ${input.installationUuid ?? '(none)'}`)
      return upsertExternalIssue(linkKit, inst, i, input)
    },
    setExternalIssueForbidden(on) {
      externalIssueForbidden = on
    },
    fault: (m, f) => server.fault(m, f),
    rateLimit(times = 1, match: FaultMatch = {}, resetInSec = 1) {
      server.fault(match, {
        status: 429,
        times,
        headers: () => {
          const sec = Math.floor(Date.now() / 1000)
          return {
            'X-Sentry-Rate-Limit-Limit': '40',
            'X-Sentry-Rate-Limit-Remaining': '0',
            'X-Sentry-Rate-Limit-Reset': String(sec + resetInSec),
            'X-Sentry-Rate-Limit-ConcurrentLimit': '25',
            'X-Sentry-Rate-Limit-ConcurrentRemaining': '24'
          }
        },
        body: {
          detail:
            'You are attempting to use this endpoint too frequently. Limit is 40 requests in 1 seconds'
        }
      })
    },
    setLatency: ms => server.setLatency(ms),
    close: () => server.close(),
    server
  }
}
