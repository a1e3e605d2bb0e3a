/**
 * The few reads beyond the listing that name what Sentry knows (API-NOTES G4): the suspect commit
 * of an event (`…/events/{id}/committers/`), Seer's root cause (`GET …/autofix/`, never the billed
 * POST), and the organization's teams and members that name Sentry's owners. Several are
 * undocumented or experimental: every answer is read leniently and none of them throws; a refusal
 * is an outcome the caller reports once per kind.
 */
import { z } from 'zod'
import type { HttpClient } from '../http/client.js'
import { errorMessage } from '../report/error-message.js'
import { nextCursor } from './pagination.js'

/** Sentry's suspect commit for an event, as its committers endpoint names it. */
export interface SentrySuspect {
  sha: string
  /** The commit message's first line. */
  message: string | null
  /** The author's name as Sentry knows it; never an e-mail address (issues may be public). */
  author: string | null
  /** The pull request Sentry linked to the commit, when it knows its URL. */
  pr: { title: string | null; url: string } | null
  /** The repository Sentry names for the commit (`owner/repo`), when it says. */
  repository: string | null
}

export type CommittersOutcome =
  | { ok: true; suspect: SentrySuspect }
  | { ok: false; kind: 'no-commits' | 'refused' | 'failed'; reason: string }

/** Seer's root cause of an issue, as its issue fix state carries it. */
export interface SeerRootCause {
  text: string
  /** Seer's run status (`COMPLETED`, `PROCESSING` …). */
  status: string | null
}

export type AutofixOutcome =
  | { ok: true; rootCause: SeerRootCause | null }
  | { ok: false; kind: 'refused' | 'failed'; reason: string }

export type NamesOutcome =
  | { ok: true; names: Map<string, string> }
  | { ok: false; kind: 'refused' | 'failed'; reason: string }

/** A listing of teams or members stops here: a runaway cursor must not page forever. */
const MAX_PAGES = 10
const SHA = /^[0-9a-f]{7,40}$/i
const EMAIL = /@/

const line = (v: unknown, max: number): string | null =>
  typeof v === 'string' && v.trim() !== '' ? v.trim().split(/\r?\n/)[0]!.slice(0, max) : null

/** A person's name that is not an e-mail address: Sentry often fills name and username with one. */
export function personName(...candidates: unknown[]): string | null {
  for (const c of candidates) {
    const name = line(c, 100)
    if (name && !EMAIL.test(name)) return name
  }
  return null
}

function readSuspect(data: unknown): SentrySuspect | null {
  const committers = (data as { committers?: unknown } | null)?.committers
  if (!Array.isArray(committers)) return null
  for (const committer of committers) {
    if (!committer || typeof committer !== 'object') continue
    const { author, commits } = committer as { author?: unknown; commits?: unknown }
    if (!Array.isArray(commits)) continue
    for (const commit of commits) {
      if (!commit || typeof commit !== 'object') continue
      const c = commit as Record<string, unknown>
      if (typeof c.id !== 'string' || !SHA.test(c.id)) continue
      const a = (author && typeof author === 'object' ? author : {}) as Record<string, unknown>
      const pr = (
        c.pullRequest && typeof c.pullRequest === 'object' ? c.pullRequest : {}
      ) as Record<string, unknown>
      const prUrl = typeof pr.externalUrl === 'string' && /^https:\/\//.test(pr.externalUrl)
      const repo = (c.repository && typeof c.repository === 'object' ? c.repository : {}) as {
        name?: unknown
      }
      return {
        sha: c.id.toLowerCase(),
        message: line(c.message, 200),
        author: personName(a.name, a.username),
        pr: prUrl ? { title: line(pr.title, 200), url: pr.externalUrl as string } : null,
        repository: line(repo.name, 200)
      }
    }
  }
  return null
}

/** The root cause step of Seer's state: the selected cause, else the first. */
function readRootCause(data: unknown): SeerRootCause | null {
  const autofix = (data as { autofix?: unknown } | null)?.autofix
  if (!autofix || typeof autofix !== 'object') return null
  const { steps, status } = autofix as { steps?: unknown; status?: unknown }
  if (!Array.isArray(steps)) return null
  for (const step of steps) {
    const s = (step && typeof step === 'object' ? step : {}) as Record<string, unknown>
    if (!Array.isArray(s.causes) || s.causes.length === 0) continue
    const selected = (s.selection as { cause_id?: unknown } | null)?.cause_id
    const cause = (s.causes.find(
      c => c && typeof c === 'object' && (c as { id?: unknown }).id === selected
    ) ?? s.causes[0]) as { description?: unknown; title?: unknown } | null
    const text = line(cause?.description, 1000) ?? line(cause?.title, 1000)
    if (text) return { text, status: typeof status === 'string' ? status : null }
  }
  return null
}

const detail = (data: unknown) => {
  const d = (data as { detail?: unknown } | null)?.detail
  return typeof d === 'string' ? d.slice(0, 200) : ''
}

/** Sentry's signal reads for one organization, over the Sentry client's HTTP client. */
export class SentrySignalsClient {
  constructor(
    private readonly http: HttpClient,
    private readonly org: string
  ) {}

  /**
   * Sentry's suspect commit for an event. 404 `Release not found` / `No Commits found for Release`:
   * Sentry lacks the release's commits (`no-commits`); 403: the token may not read it.
   */
  async committers(project: string, eventId: string): Promise<CommittersOutcome> {
    const url = `/projects/${encodeURIComponent(this.org)}/${encodeURIComponent(project)}/events/${encodeURIComponent(eventId)}/committers/`
    try {
      const response = await this.http.request({
        method: 'GET',
        url,
        schema: z.unknown(),
        acceptStatus: [403, 404]
      })
      if (response.status === 403)
        return { ok: false, kind: 'refused', reason: `403 ${detail(response.data)}`.trim() }
      if (response.status === 404)
        return { ok: false, kind: 'no-commits', reason: detail(response.data) || '404' }
      const suspect = readSuspect(response.data)
      return suspect
        ? { ok: true, suspect }
        : { ok: false, kind: 'no-commits', reason: 'no committers in the answer' }
    } catch (error) {
      return { ok: false, kind: 'failed', reason: errorMessage(error) }
    }
  }

  /** Seer's root cause, when Seer ran. A GET only: starting a run is a billed POST, never made. */
  async autofix(issueId: string): Promise<AutofixOutcome> {
    try {
      const response = await this.http.request({
        method: 'GET',
        url: `/organizations/${encodeURIComponent(this.org)}/issues/${encodeURIComponent(issueId)}/autofix/`,
        schema: z.unknown(),
        acceptStatus: [402, 403, 404]
      })
      if (response.status === 402 || response.status === 403)
        return {
          ok: false,
          kind: 'refused',
          reason: `${response.status} ${detail(response.data)}`.trim()
        }
      if (response.status === 404) return { ok: true, rootCause: null }
      return { ok: true, rootCause: readRootCause(response.data) }
    } catch (error) {
      return { ok: false, kind: 'failed', reason: errorMessage(error) }
    }
  }

  /** Team slugs by Sentry team id: one listing (paged), for the whole run. */
  teams(): Promise<NamesOutcome> {
    return this.names('teams/', item => {
      const slug = line(item.slug, 100)
      return slug && /^[\w.-]+$/.test(slug) ? slug : null
    })
  }

  /** People's names by Sentry user id (never their e-mail): one listing (paged), for the whole run. */
  members(): Promise<NamesOutcome> {
    return this.names(
      'members/',
      item => {
        const user = (item.user && typeof item.user === 'object' ? item.user : {}) as Record<
          string,
          unknown
        >
        return personName(user.name, item.name, user.username)
      },
      item => {
        const user = item.user as { id?: unknown } | null | undefined
        return typeof user?.id === 'string' || typeof user?.id === 'number' ? String(user.id) : null
      }
    )
  }

  private async names(
    rest: string,
    nameOf: (item: Record<string, unknown>) => string | null,
    idOf: (item: Record<string, unknown>) => string | null = item =>
      typeof item.id === 'string' || typeof item.id === 'number' ? String(item.id) : null
  ): Promise<NamesOutcome> {
    const names = new Map<string, string>()
    let cursor: string | null = null
    try {
      for (let page = 0; page < MAX_PAGES; page++) {
        const query = new URLSearchParams({ per_page: '100' })
        if (cursor) query.set('cursor', cursor)
        const response: { status: number; data: unknown; headers: Record<string, string> } =
          await this.http.request({
            method: 'GET',
            url: `/organizations/${encodeURIComponent(this.org)}/${rest}?${query}`,
            schema: z.unknown(),
            acceptStatus: [403]
          })
        if (response.status === 403)
          return { ok: false, kind: 'refused', reason: `403 ${detail(response.data)}`.trim() }
        for (const item of Array.isArray(response.data) ? response.data : []) {
          if (!item || typeof item !== 'object') continue
          const id = idOf(item as Record<string, unknown>)
          const name = nameOf(item as Record<string, unknown>)
          if (id && name) names.set(id, name)
        }
        cursor = nextCursor(response.headers.link)
        if (!cursor) break
      }
      return { ok: true, names }
    } catch (error) {
      return { ok: false, kind: 'failed', reason: errorMessage(error) }
    }
  }
}
