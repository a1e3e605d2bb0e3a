/**
 * Fake Sentry: what Sentry already knows about an issue (API-NOTES G1, G4, G6), shaped after
 * Sentry's OpenAPI description (shared/reference) and its serializers:
 * - Listing fields `priority`, `priorityLockedAt`, `seerFixabilityScore`, `seerAutofixLastTriggered`
 *   are always sent (SENTRY-OAS marks them required); `expand=owners` adds `owners`: Sentry's
 *   serializer sends a list of `{type: "suspectCommit"|"ownershipRule"|"codeowners", owner:
 *   "user:<id>"|"team:<id>", date_added}` or null, the published OpenAPI one object (`ownersAsObject`);
 *   `expand=integrationIssues` adds `[{id, key, url, title, displayName}]`.
 * - `olderServer`: a self-hosted Sentry from before these existed: no priority or Seer fields, and
 *   `expand=owners` / `integrationIssues` are ignored; no committers or autofix endpoints (404).
 * - `GET /api/0/projects/{org}/{project}/events/{event_id}/committers/`: 404 `Event not found`,
 *   `Release not found` (the event has none, or Sentry does not know it), `No Commits found for
 *   Release` (no commits associated); else `{committers: [{author, commits: [{id, message,
 *   dateCreated, pullRequest, suspectCommitType, repository}]}]}` (GUESS: shape from Sentry's
 *   serializer, undocumented endpoint). Scope event:read.
 * - `GET /api/0/organizations/{org}/issues/{id}/autofix/` → `{autofix: null}` when Seer never ran,
 *   else Seer's state with a `root_cause_analysis` step carrying `causes` (SENTRY-OAS example);
 *   `seer: 'off'` → 403 (Seer not enabled). `POST` (a billed run) is recorded and answers 402.
 * - `GET /api/0/organizations/{org}/teams/` (org:read) and `…/members/` (member:read: the action's
 *   documented scopes lack it, so by default it answers 403), Link-paginated like every listing.
 */
import { bearer, json, type RouteContext, type RouteResult, type Route } from './server.js'
import type { SentryEvent, SentryIssue } from './sentry.js'
import type { SentryReleaseInput } from './sentry-releases.js'

export interface SentryOwnerRow {
  type: 'suspectCommit' | 'ownershipRule' | 'codeowners'
  /** `team:<id>` or `user:<id>` */
  owner: string
}

export interface SentryCommitterSeed {
  sha: string
  message?: string
  author: { name: string; email: string; username?: string } | null
  /** the pull request's URL on GitHub, when Sentry knows it */
  prUrl?: string
}

export interface SentryTeamSeed {
  id: string
  slug: string
  name: string
}

export interface SentryMemberSeed {
  /** the member id (not the user id) */
  id: string
  email: string
  name: string
  /** null for an invited member who has not joined yet */
  user: { id: string; name: string; username: string; email: string } | null
}

export interface SentrySignalsSeed {
  /** Sentry's owners by issue id */
  owners?: Record<string, SentryOwnerRow[]>
  /** send `owners` as one object (the published OpenAPI's shape) instead of a list */
  ownersAsObject?: boolean
  /** `integrationIssues` by issue id (e.g. a Jira ticket) */
  integrationIssues?: Record<string, Array<{ key: string; url: string; displayName?: string }>>
  /** Seer's fixability score by issue id */
  fixability?: Record<string, number>
  /** Seer ran on these issues: their root cause (and `seerAutofixLastTriggered` is set) */
  autofix?: Record<string, { rootCause: string; status?: string }>
  /** 'off': the autofix endpoint answers 403 (Seer not enabled for the organization) */
  seer?: 'on' | 'off'
  teams?: SentryTeamSeed[]
  members?: SentryMemberSeed[]
  /** Sentry's suspect commit by issue id (asked by the issue's latest event id) */
  committers?: Record<string, SentryCommitterSeed>
  /** a Sentry from before these fields and endpoints existed */
  olderServer?: boolean
}

export interface SentrySignalsKit {
  org: string
  token: string
  seed: SentrySignalsSeed
  issues: SentryIssue[]
  events: Record<string, SentryEvent>
  releases: SentryReleaseInput[]
  hasScope: (...any: string[]) => boolean
  paginate: <T>(ctx: RouteContext, all: T[]) => { page: T[]; headers: Record<string, string> }
}

const NOT_FOUND = { detail: 'The requested resource does not exist' }
const FORBIDDEN = { detail: 'You do not have permission to perform this action.' }

/** The listing item with the signal fields as this server sends them (mutates `out`). */
export function applySignals(
  out: Record<string, unknown>,
  issue: SentryIssue,
  expand: string[],
  seed: SentrySignalsSeed
): void {
  if (seed.olderServer) {
    for (const key of [
      'priority',
      'priorityLockedAt',
      'seerFixabilityScore',
      'seerAutofixLastTriggered',
      'seerExplorerAutofixLastTriggered',
      'integrationIssues'
    ])
      delete out[key]
    return
  }
  const score = seed.fixability?.[issue.id]
  if (score !== undefined) out.seerFixabilityScore = score
  if (seed.autofix?.[issue.id]) out.seerAutofixLastTriggered = '2026-12-06T21:02:18.160885Z'
  if (expand.includes('owners')) {
    const rows = (seed.owners?.[issue.id] ?? []).map(o => ({
      ...o,
      date_added: '2026-12-01T10:00:00Z'
    }))
    out.owners = rows.length === 0 ? null : seed.ownersAsObject ? rows[0] : rows
  }
  if (expand.includes('integrationIssues'))
    out.integrationIssues = (seed.integrationIssues?.[issue.id] ?? []).map((l, n) => ({
      id: String(700 + n),
      key: l.key,
      url: l.url,
      title: `${l.key} ticket`,
      description: null,
      displayName: l.displayName ?? l.key
    }))
}

function committersAnswer(c: SentryCommitterSeed): Record<string, unknown> {
  return {
    committers: [
      {
        author: c.author
          ? {
              id: '31',
              name: c.author.name,
              username: c.author.username ?? c.author.email,
              email: c.author.email,
              avatarUrl: null,
              isActive: true
            }
          : { email: 'unknown@example.com', name: 'unknown@example.com' },
        commits: [
          {
            id: c.sha,
            message: c.message ?? 'Change',
            dateCreated: '2026-11-30T10:00:00Z',
            pullRequest: c.prUrl
              ? { id: '5', title: c.message ?? 'Change', externalUrl: c.prUrl }
              : null,
            suspectCommitType: 'via commit in release',
            repository: { id: '77', name: 'acme/shop', provider: { id: 'integrations:github' } }
          }
        ]
      }
    ]
  }
}

function autofixAnswer(rootCause: string, status: string): Record<string, unknown> {
  return {
    autofix: {
      run_id: 12345,
      status,
      updated_at: '2026-12-06T21:02:18.160885',
      steps: [
        { key: 'root_cause_analysis_processing', status: 'COMPLETED', progress: [] },
        {
          key: 'root_cause_analysis',
          status: 'COMPLETED',
          title: 'Root Cause Analysis',
          causes: [{ id: 0, description: rootCause, relevant_repos: ['acme/shop'] }],
          selection: { cause_id: 0 }
        }
      ]
    }
  }
}

/** The routes: committers, autofix (GET and the never-wanted POST), teams, members. */
export function signalRoutes(kit: SentrySignalsKit): Route[] {
  const { seed } = kit
  const guard = (ctx: RouteContext, scopes: string[]): RouteResult | null => {
    if (bearer(ctx) !== kit.token) return json(401, { detail: 'Invalid token' })
    if (ctx.params.org !== kit.org) return json(404, NOT_FOUND)
    if (!kit.hasScope(...scopes)) return json(403, FORBIDDEN)
    return null
  }
  const EVENT = ['event:read', 'event:write', 'event:admin']
  const committers = (ctx: RouteContext): RouteResult => {
    const denied = guard(ctx, EVENT)
    if (denied) return denied
    if (seed.olderServer) return json(404, NOT_FOUND)
    const event = Object.values(kit.events).find(
      e => e.eventID.toLowerCase() === (ctx.params.event ?? '').toLowerCase()
    )
    const issue = event && kit.issues.find(i => i.id === event.groupID)
    if (!event || !issue || issue.project.slug !== ctx.params.project)
      return json(404, { detail: 'Event not found' })
    const version = (event.release as { version?: unknown } | null)?.version
    const release = kit.releases.find(r => r.version === version)
    if (!release) return json(404, { detail: 'Release not found' })
    if (!release.lastCommit) return json(404, { detail: 'No Commits found for Release' })
    const seeded = seed.committers?.[issue.id]
    return json(200, seeded ? committersAnswer(seeded) : { committers: [] })
  }
  const autofix = (ctx: RouteContext): RouteResult => {
    const denied = guard(ctx, EVENT)
    if (denied) return denied
    if (seed.olderServer) return json(404, NOT_FOUND)
    if (!kit.issues.some(i => i.id === ctx.params.id)) return json(404, NOT_FOUND)
    if (seed.seer === 'off')
      return json(403, { detail: 'Seer is not enabled for this organization.' })
    if (ctx.method === 'POST') return json(402, { detail: 'No budget for Seer Autofix.' })
    const run = seed.autofix?.[ctx.params.id ?? '']
    return json(
      200,
      run ? autofixAnswer(run.rootCause, run.status ?? 'COMPLETED') : { autofix: null }
    )
  }
  const listing =
    <T>(scopes: string[], all: () => T[], shape: (t: T) => unknown) =>
    (ctx: RouteContext): RouteResult => {
      const denied = guard(ctx, scopes)
      if (denied) return denied
      const { page, headers } = kit.paginate(ctx, all())
      return json(200, page.map(shape), headers)
    }
  const org = '/api/0/organizations/:org'
  return [
    {
      method: 'GET',
      pattern: '/api/0/projects/:org/:project/events/:event/committers/',
      handler: committers
    },
    { method: 'GET', pattern: `${org}/issues/:id/autofix/`, handler: autofix },
    { method: 'POST', pattern: `${org}/issues/:id/autofix/`, handler: autofix },
    {
      method: 'GET',
      pattern: `${org}/teams/`,
      handler: listing(
        ['org:read', 'org:write', 'org:admin'],
        () => seed.teams ?? [],
        t => ({ ...t, dateCreated: '2024-01-01T00:00:00Z', isMember: false, memberCount: 3 })
      )
    },
    {
      method: 'GET',
      pattern: `${org}/members/`,
      handler: listing(
        ['member:read', 'member:write', 'member:admin'],
        () => seed.members ?? [],
        m => ({ ...m, orgRole: 'member', pending: m.user === null, expired: false })
      )
    }
  ]
}
