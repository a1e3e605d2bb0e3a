/**
 * Fake Sentry, issue state: the test-control changes a person (or Sentry itself) makes to an issue's
 * `status` / `substatus` / `statusDetails`, and `PUT /organizations/{org}/issues/{id}/`
 * (`updateOrganizationIssue`).
 *
 * Shapes and guesses (documented here, see also the notes at the top of sentry.ts):
 * - `resolved` → `substatus: null`; `statusDetails` `{}` (plain), `{inNextRelease: true, actor}` or
 *   `{inRelease: "<version>", actor}`, like GroupSerializer.
 * - `ignored` (the UI's "archived") → substatus `archived_until_escalating` (what the UI's Archive does
 *   today), `archived_forever`, or `archived_until_condition_met` when ignore conditions are given
 *   (`statusDetails.ignoreCount`/`ignoreUntil`/...). GUESS: a PUT `{"status":"ignored"}` without
 *   substatus or conditions becomes `archived_forever`.
 * - `unresolved` by hand → substatus `ongoing`; a regression → `regressed`, `lastSeen` = now and the
 *   count grows (the issue's `count`, `lifetime.count` and the last `stats` bucket).
 * - The PUT answers the whole updated issue (the single-issue endpoint re-serialises the group; only
 *   the bulk `PUT /issues/?id=` answers a delta). `resolvedInNextRelease` → resolved +
 *   `{inNextRelease: true}`; `muted` → ignored. A bad status is a DRF 400 naming the field.
 */
import { isRecord, json, type RouteResult } from './server.js'
import type { SentryEvent, SentryIssue } from './sentry.js'

export type ArchiveSubstatus =
  'archived_until_escalating' | 'archived_forever' | 'archived_until_condition_met'

export interface ResolveOptions {
  /** resolved in this release (`statusDetails.inRelease`) */
  inRelease?: string | undefined
  /** resolved in the next release (`statusDetails.inNextRelease`) */
  inNextRelease?: boolean | undefined
  /** Sentry's auto-resolve (`statusDetails.autoResolved`), no actor */
  auto?: boolean | undefined
}

/** A Sentry user as the API serializes one (comment authors, `statusDetails.actor`). */
export function sentryUser(
  id: string,
  name: string,
  username: string,
  email: string,
  hasPasswordAuth: boolean
) {
  return {
    id,
    name,
    username,
    email,
    avatarUrl: 'https://gravatar.com/avatar/0?s=32&d=mm',
    isActive: true,
    hasPasswordAuth,
    isManaged: false,
    dateJoined: '2024-01-01T00:00:00.000000Z',
    lastLogin: null,
    has2fa: false,
    lastActive: null,
    isSuperuser: false,
    isStaff: false,
    experiments: {},
    emails: [],
    avatar: { avatarType: 'letter_avatar', avatarUuid: null }
  }
}

/** What a Sentry user looks like in `statusDetails.actor` */
export const SENTRY_ACTOR = sentryUser('2', 'Jane Doe', 'jane', 'jane@acme.example', true)

const iso = (d: Date): string => d.toISOString().replace(/\.\d{3}Z$/, 'Z')

export function setIssueStatus(
  issue: SentryIssue,
  status: string,
  substatus: string | null,
  statusDetails: Record<string, unknown> = {}
): void {
  issue.status = status
  issue.substatus = substatus
  issue.statusDetails = { ...statusDetails }
}

export function resolveIssue(issue: SentryIssue, o: ResolveOptions = {}): void {
  const details: Record<string, unknown> = o.auto
    ? { autoResolved: true }
    : o.inRelease !== undefined
      ? { inRelease: o.inRelease, actor: SENTRY_ACTOR }
      : o.inNextRelease
        ? { inNextRelease: true, actor: SENTRY_ACTOR }
        : {}
  setIssueStatus(issue, 'resolved', null, details)
}

export function archiveIssue(
  issue: SentryIssue,
  substatus: ArchiveSubstatus = 'archived_until_escalating',
  details: Record<string, unknown> = {}
): void {
  const d =
    substatus === 'archived_until_condition_met' && Object.keys(details).length === 0
      ? { ignoreCount: 100, ignoreWindow: 60, actor: SENTRY_ACTOR }
      : { ...details, ...(Object.keys(details).length > 0 ? { actor: SENTRY_ACTOR } : {}) }
  setIssueStatus(issue, 'ignored', substatus, d)
}

export interface EventsOptions {
  /** new events (default 1) */
  events?: number | undefined
  /** new affected users (default 0) */
  users?: number | undefined
  /** release of the new events: the latest event's release (and the detail's `lastRelease`) */
  release?: string | null | undefined
  /** when they came (default the fake's now) */
  at?: Date | undefined
}

/** the options of `regress` (same as `addEvents`) */
export type RegressOptions = EventsOptions

/** New events on an issue, status unchanged: count, userCount, lastSeen, stats, latest event. */
export function addIssueEvents(
  issue: SentryIssue,
  event: SentryEvent | undefined,
  at: Date,
  o: EventsOptions = {}
): void {
  const n = Math.max(1, Math.floor(o.events ?? 1))
  const users = Math.max(0, Math.floor(o.users ?? 0))
  const when = iso(o.at ?? at)
  issue.lastSeen = when
  issue.lifetime.lastSeen = when
  issue.count = String(Number(issue.count) + n)
  issue.lifetime.count = String(Number(issue.lifetime.count) + n)
  issue.userCount += users
  issue.lifetime.userCount += users
  const buckets = issue.stats['24h']
  const last = buckets?.[buckets.length - 1]
  if (last) last[1] += n
  // The daily timeline: the day the events came in, when it is one of the 14.
  const day = Math.floor(Date.parse(when) / 86_400_000) * 86_400
  const daily = issue.stats['14d']
  const bucket = daily?.find(([t]) => t === day) ?? daily?.[daily.length - 1]
  if (bucket) bucket[1] += n
  if (!event) return
  event.dateCreated = when
  event.dateReceived = when
  if (o.release === undefined) return
  event.release =
    o.release === null
      ? null
      : { ...(event.release ?? {}), version: o.release, shortVersion: o.release }
  event.tags = event.tags.filter(t => t.key !== 'release')
  if (o.release !== null) event.tags.push({ key: 'release', value: o.release })
}

/** Unresolved again with new events: what Sentry does when a resolved issue gets an event. */
export function regressIssue(
  issue: SentryIssue,
  event: SentryEvent | undefined,
  at: Date,
  o: EventsOptions = {}
): void {
  setIssueStatus(issue, 'unresolved', 'regressed', {})
  addIssueEvents(issue, event, at, o)
}

const PUT_STATUSES = ['resolved', 'unresolved', 'ignored', 'resolvedInNextRelease', 'muted']
const SUBSTATUSES = [
  'archived_until_escalating',
  'archived_until_condition_met',
  'archived_forever',
  'escalating',
  'ongoing',
  'regressed',
  'new'
]
const IGNORE_KEYS = [
  'ignoreDuration',
  'ignoreCount',
  'ignoreWindow',
  'ignoreUserCount',
  'ignoreUserWindow'
]

/**
 * Apply a `PUT /issues/{id}/` body to the issue; returns an error result (DRF-style 400) or null.
 * Only the attributes submitted are modified.
 */
export function applyIssuePut(issue: SentryIssue, body: unknown, at: Date): RouteResult | null {
  if (!isRecord(body)) return json(400, { detail: 'Invalid request body' })
  const { status, substatus } = body
  const details = body.statusDetails
  if (status !== undefined && (typeof status !== 'string' || !PUT_STATUSES.includes(status)))
    return json(400, { status: [`"${String(status)}" is not a valid choice.`] })
  if (
    substatus !== undefined &&
    substatus !== null &&
    (typeof substatus !== 'string' || !SUBSTATUSES.includes(substatus))
  )
    return json(400, { substatus: [`"${String(substatus)}" is not a valid choice.`] })
  if (details !== undefined && !isRecord(details))
    return json(400, {
      statusDetails: { non_field_errors: ['Invalid data. Expected a dictionary'] }
    })
  if (
    body.priority !== undefined &&
    (typeof body.priority !== 'string' || !['low', 'medium', 'high'].includes(body.priority))
  )
    return json(400, { priority: [`"${String(body.priority)}" is not a valid choice.`] })
  const d = details ?? {}
  if (status === 'resolved' || status === 'resolvedInNextRelease') {
    if (status === 'resolvedInNextRelease' || d.inNextRelease === true)
      resolveIssue(issue, { inNextRelease: true })
    else if (typeof d.inRelease === 'string') resolveIssue(issue, { inRelease: d.inRelease })
    else resolveIssue(issue)
  } else if (status === 'ignored' || status === 'muted') {
    const conditions = Object.fromEntries(IGNORE_KEYS.filter(k => k in d).map(k => [k, d[k]]))
    if (typeof d.ignoreDuration === 'number')
      conditions.ignoreUntil = new Date(at.getTime() + d.ignoreDuration * 60_000).toISOString()
    const sub =
      typeof substatus === 'string' && substatus.startsWith('archived_')
        ? (substatus as ArchiveSubstatus)
        : Object.keys(conditions).length > 0
          ? 'archived_until_condition_met'
          : 'archived_forever'
    archiveIssue(issue, sub, conditions)
  } else if (status === 'unresolved') {
    setIssueStatus(issue, 'unresolved', typeof substatus === 'string' ? substatus : 'ongoing')
  } else if (substatus !== undefined) {
    issue.substatus = substatus as string | null
  }
  for (const k of ['hasSeen', 'isBookmarked', 'isSubscribed', 'isPublic'] as const)
    if (typeof body[k] === 'boolean') issue[k] = body[k]
  if (typeof body.priority === 'string') {
    issue.priority = body.priority
    issue.priorityLockedAt = iso(at)
  }
  return null
}
