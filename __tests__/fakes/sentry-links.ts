/**
 * Fake Sentry, integration platform: installations of Sentry Apps (an internal integration is a Sentry
 * App with one installation in its own organization) and the external issues they register on Sentry
 * issues (what `sentry-link` uses, API-NOTES F2). Shapes from Sentry's OpenAPI description:
 * - `GET /organizations/{org}/sentry-app-installations/` → `[{app: {uuid, slug, sentryAppId},
 *   organization: {slug}, uuid, status}]` (scopes org:read / org:integrations; Sentry-style Link cursors).
 * - `POST /sentry-app-installations/{uuid}/external-issues/` body `{issueId, webUrl, project,
 *   identifier}`, all required → 200 `{id, issueId, serviceType, displayName, webUrl}`;
 *   `displayName` = `"<project>#<identifier>"`, `serviceType` = the app's slug. Create or update: one
 *   link per (Sentry issue, app), a second POST updates it and keeps its id. Scope event:write.
 *   Validation in Sentry's order: the serializer's fields first, a 400 DRF-style
 *   `{"webUrl": ["Enter a valid URL."], "project": ["This field is required."], …}`; then `issueId`,
 *   400 `{"detail": "issueId is required, and must be an integer"}`. Unknown uuid → 404; an issue
 *   outside the installation's organization → 404 `{"detail": …}` (GUESS on the text).
 *   `displayName` is HTML-escaped like Sentry's (`html.escape` of project and identifier).
 * - `DELETE /sentry-app-installations/{uuid}/external-issues/{id}/` → 204 (scope event:admin).
 * - `GET /organizations/{org}/issues/{id}/external-issues/` → the issue's links, same shape.
 * `is:linked` / `is:unlinked` count these links and the issue's `annotations` (Sentry's own
 * integrations' GroupLinks), like Sentry's `linked_filter`.
 */
import { bearer, isRecord, json, type RouteContext, type RouteResult } from './server.js'
import type { SentryIssue } from './sentry.js'

export interface SentryAppInstallation {
  app: { uuid: string; slug: string; sentryAppId: number }
  organization: { slug: string }
  uuid: string
  status: string
}

export interface SentryExternalIssue {
  id: string
  issueId: string
  serviceType: string
  displayName: string
  webUrl: string
  /** TEST-ONLY (stripped from responses): which installation registered it, and the POSTed fields */
  installationUuid: string
  project: string
  identifier: string
}

export interface SentryInstallationSeed {
  slug: string
  uuid?: string | undefined
  status?: string | undefined
}

/** deterministic RFC-4122-looking uuid from a seed */
export function fakeUuid(seed: string): string {
  let hex = ''
  for (let round = 0; hex.length < 32; round++) {
    let h = 0x811c9dc5 ^ (round * 0x9e3779b1)
    for (let i = 0; i < seed.length; i++) {
      h ^= seed.charCodeAt(i)
      h = Math.imul(h, 0x01000193) >>> 0
    }
    hex += h.toString(16).padStart(8, '0')
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`
}

/** `n` installations (`sentry-triage`, `sentry-triage-2`, …) or the given seeds */
export function buildInstallations(
  org: string,
  seeds: number | SentryInstallationSeed[]
): SentryAppInstallation[] {
  const list: SentryInstallationSeed[] =
    typeof seeds === 'number'
      ? Array.from({ length: seeds }, (_, i) => ({
          slug: i === 0 ? 'sentry-triage' : `sentry-triage-${i + 1}`
        }))
      : seeds
  return list.map((s, i) => ({
    app: { uuid: fakeUuid(`app:${s.slug}`), slug: s.slug, sentryAppId: 100 + i },
    organization: { slug: org },
    uuid: s.uuid ?? fakeUuid(`installation:${org}:${s.slug}`),
    status: s.status ?? 'installed'
  }))
}

export function publicExternalIssue(e: SentryExternalIssue): Record<string, unknown> {
  return {
    id: e.id,
    issueId: e.issueId,
    serviceType: e.serviceType,
    displayName: e.displayName,
    webUrl: e.webUrl
  }
}

export interface LinkInput {
  webUrl: string
  project: string
  identifier: string
  /** default: the first installation */
  installationUuid?: string | undefined
}

export interface SentryLinkKit {
  org: string
  token: string
  installations: SentryAppInstallation[]
  externalIssues: SentryExternalIssue[]
  hasScope(...any: string[]): boolean
  findIssue(idOrShort: string): SentryIssue | undefined
  /** option: POST external-issues answers 403 (a token without event:write) */
  writeForbidden(): boolean
  paginate(ctx: RouteContext, all: unknown[]): { page: unknown[]; headers: Record<string, string> }
}

const DETAIL_403 = { detail: 'You do not have permission to perform this action.' }
const DETAIL_404 = { detail: 'The requested resource does not exist' }
const REQUIRED = ['webUrl', 'project', 'identifier'] as const

const escapeHtml = (s: string): string =>
  s
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#x27;')

/** create or update the link of (issue, installation's app); returns the stored link */
export function upsertExternalIssue(
  kit: SentryLinkKit,
  inst: SentryAppInstallation,
  issue: SentryIssue,
  input: LinkInput
): SentryExternalIssue {
  const displayName = `${escapeHtml(input.project)}#${escapeHtml(input.identifier)}`
  const found = kit.externalIssues.find(
    e => e.issueId === issue.id && e.serviceType === inst.app.slug
  )
  if (found) {
    Object.assign(found, {
      webUrl: input.webUrl,
      project: input.project,
      identifier: input.identifier,
      displayName,
      installationUuid: inst.uuid
    })
    return found
  }
  const link: SentryExternalIssue = {
    id: String(5000 + kit.externalIssues.length + 1),
    issueId: issue.id,
    serviceType: inst.app.slug,
    displayName,
    webUrl: input.webUrl,
    installationUuid: inst.uuid,
    project: input.project,
    identifier: input.identifier
  }
  kit.externalIssues.push(link)
  return link
}

export function linkHandlers(kit: SentryLinkKit): {
  listInstallations: (ctx: RouteContext) => RouteResult
  postExternalIssue: (ctx: RouteContext) => RouteResult
  deleteExternalIssue: (ctx: RouteContext) => RouteResult
  listIssueExternalIssues: (ctx: RouteContext) => RouteResult
} {
  const installationFor = (
    ctx: RouteContext,
    scopes: string[]
  ): SentryAppInstallation | RouteResult => {
    if (bearer(ctx) !== kit.token) return json(401, { detail: 'Invalid token' })
    const inst = kit.installations.find(i => i.uuid === ctx.params.uuid)
    if (!inst) return json(404, DETAIL_404)
    if (!kit.hasScope(...scopes)) return json(403, DETAIL_403)
    return inst
  }
  const isInst = (x: SentryAppInstallation | RouteResult): x is SentryAppInstallation => 'uuid' in x

  return {
    listInstallations(ctx) {
      if (bearer(ctx) !== kit.token) return json(401, { detail: 'Invalid token' })
      if (ctx.params.org !== kit.org) return json(404, DETAIL_404)
      if (!kit.hasScope('org:read', 'org:integrations', 'org:write', 'org:admin'))
        return json(403, DETAIL_403)
      const { page, headers } = kit.paginate(ctx, kit.installations)
      return json(200, page, headers)
    },

    postExternalIssue(ctx) {
      const inst = installationFor(ctx, ['event:write', 'event:admin'])
      if (!isInst(inst)) return inst
      if (kit.writeForbidden()) return json(403, DETAIL_403)
      const b = isRecord(ctx.body) ? ctx.body : {}
      const errors: Record<string, string[]> = {}
      for (const f of REQUIRED) {
        const v = b[f]
        if (v === undefined || v === null) errors[f] = ['This field is required.']
        else if (typeof v !== 'string') errors[f] = ['Not a valid string.']
        else if (v.trim() === '') errors[f] = ['This field may not be blank.']
        else if (f === 'webUrl' && !/^https?:\/\/[^\s/]+\.[^\s/]+/i.test(v))
          errors[f] = ['Enter a valid URL.']
      }
      if (Object.keys(errors).length > 0) return json(400, errors)
      const id = b.issueId
      if (!(Number.isInteger(id) || (typeof id === 'string' && /^\s*\d+\s*$/.test(id))))
        return json(400, { detail: 'issueId is required, and must be an integer' })
      const issue = kit.findIssue(String(id).trim())
      if (!issue)
        return json(404, { detail: 'Could not find the corresponding issue for the given issueId' })
      const link = upsertExternalIssue(kit, inst, issue, {
        webUrl: String(b.webUrl),
        project: String(b.project),
        identifier: String(b.identifier)
      })
      return json(200, publicExternalIssue(link))
    },

    deleteExternalIssue(ctx) {
      const inst = installationFor(ctx, ['event:admin'])
      if (!isInst(inst)) return inst
      const idx = kit.externalIssues.findIndex(
        e => e.id === ctx.params.eid && e.serviceType === inst.app.slug
      )
      if (idx < 0) return json(404, { detail: 'External issue not found' })
      kit.externalIssues.splice(idx, 1)
      return { status: 204 }
    },

    listIssueExternalIssues(ctx) {
      if (bearer(ctx) !== kit.token) return json(401, { detail: 'Invalid token' })
      if (ctx.params.org !== kit.org) return json(404, DETAIL_404)
      if (!kit.hasScope('event:read', 'event:write', 'event:admin')) return json(403, DETAIL_403)
      const issue = kit.findIssue(ctx.params.id ?? '')
      if (!issue) return json(404, DETAIL_404)
      return json(
        200,
        kit.externalIssues.filter(e => e.issueId === issue.id).map(publicExternalIssue)
      )
    }
  }
}
