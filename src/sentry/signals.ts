/**
 * What Sentry already knows about an issue, as its org issues listing carries it (API-NOTES G1):
 * Sentry's priority, Seer's fixability score and last run, Sentry's owners (`expand=owners`) and
 * the issue's external links (`expand=sentryAppIssues`, `expand=integrationIssues`). Several of
 * these are undocumented or missing on older servers: each field is read on its own and a
 * malformed one is dropped, never the issue.
 */
import { z } from 'zod'

/** The `expand` values the action asks on every issue listing: one query parameter each. */
export const SIGNAL_EXPANDS = ['owners', 'sentryAppIssues', 'integrationIssues'] as const

/** Adds `expand=owners&expand=sentryAppIssues&expand=integrationIssues` (Sentry repeats the key). */
export function expandSignals(params: URLSearchParams): URLSearchParams {
  for (const value of SIGNAL_EXPANDS) params.append('expand', value)
  return params
}

/** Why Sentry names an owner: its GroupOwner types. */
export type OwnerKind = 'suspectCommit' | 'ownershipRule' | 'codeowners'

/** One of Sentry's owners of an issue: a team or a user by Sentry id (named later, in one listing). */
export interface SentryOwner {
  kind: OwnerKind | null
  actor: 'team' | 'user'
  id: string
}

/** A link Sentry's integrations made for the issue (Jira, Linear, a GitHub issue, a Sentry App's). */
export interface ExternalLink {
  title: string
  url: string
}

/** Sentry's signals of one issue; every field absent or null on a server that does not send it. */
export interface SentrySignals {
  priority: 'low' | 'medium' | 'high' | null
  /** Seer's fixability score, 0..1. */
  seerFixabilityScore: number | null
  /** When Seer's issue fix last ran: its root cause may be read (GET …/autofix/). */
  seerAutofixLastTriggered: string | null
  owners: SentryOwner[]
  links: ExternalLink[]
}

const OWNER_KINDS: readonly OwnerKind[] = ['suspectCommit', 'ownershipRule', 'codeowners']

/**
 * `{ type, owner: "team:12" | "user:3", date_added }`. Sentry's serializer sends a list (or null);
 * its published OpenAPI types it as one object, whose example has `type: "user"` and `owner: "1"`
 * (API-NOTES G6): both are read.
 */
function readOwner(raw: unknown): SentryOwner | null {
  if (!raw || typeof raw !== 'object') return null
  const { type, owner } = raw as { type?: unknown; owner?: unknown }
  const text = typeof owner === 'number' ? String(owner) : owner
  if (typeof text !== 'string') return null
  const kind = OWNER_KINDS.find(k => k === type) ?? null
  const prefixed = /^(team|user):(\d{1,20})$/.exec(text)
  if (prefixed) return { kind, actor: prefixed[1] as 'team' | 'user', id: prefixed[2] as string }
  if (/^\d{1,20}$/.test(text) && (type === 'team' || type === 'user'))
    return { kind: null, actor: type, id: text }
  return null
}

const ownersSchema = z
  .unknown()
  .optional()
  .transform((value): SentryOwner[] => {
    const items = Array.isArray(value) ? value : value ? [value] : []
    const owners = items.map(readOwner).filter((o): o is SentryOwner => o !== null)
    const seen = new Set<string>()
    return owners.filter(o => {
      const key = `${o.kind}:${o.actor}:${o.id}`
      return !seen.has(key) && Boolean(seen.add(key))
    })
  })

/** Only web links are kept: anything else is not a link a reader can follow. */
function webUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.toString() : null
  } catch {
    return null
  }
}

const text = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : null)

/** `sentryAppIssues` items `{displayName, webUrl}`; `integrationIssues` items `{key, url, displayName}`. */
const linksSchema = z
  .unknown()
  .optional()
  .transform((value): ExternalLink[] => {
    if (!Array.isArray(value)) return []
    return value.flatMap(item => {
      if (!item || typeof item !== 'object') return []
      const i = item as Record<string, unknown>
      const url = webUrl(i.webUrl) ?? webUrl(i.url)
      if (!url) return []
      return [{ title: text(i.displayName) ?? text(i.key) ?? text(i.title) ?? url, url }]
    })
  })

const priority = z
  .enum(['low', 'medium', 'high'])
  .nullish()
  .catch(null)
  .transform(v => v ?? null)
const score = z
  .number()
  .min(0)
  .max(1)
  .nullish()
  .catch(null)
  .transform(v => v ?? null)
const time = z
  .string()
  .refine(s => !Number.isNaN(Date.parse(s)))
  .nullish()
  .catch(null)
  .transform(v => v ?? null)

/** The listing fields this module reads, each lenient: spread into the issue schema. */
export const signalFields = {
  priority,
  seerFixabilityScore: score,
  seerAutofixLastTriggered: time,
  owners: ownersSchema,
  sentryAppIssues: linksSchema,
  integrationIssues: linksSchema
}

/** The signals of one validated listing item. */
export function signalsOf(raw: {
  priority: SentrySignals['priority']
  seerFixabilityScore: number | null
  seerAutofixLastTriggered: string | null
  owners: SentryOwner[]
  sentryAppIssues: ExternalLink[]
  integrationIssues: ExternalLink[]
}): SentrySignals {
  const links = [...raw.sentryAppIssues, ...raw.integrationIssues]
  return {
    priority: raw.priority,
    seerFixabilityScore: raw.seerFixabilityScore,
    seerAutofixLastTriggered: raw.seerAutofixLastTriggered,
    owners: raw.owners,
    links: [...new Map(links.map(l => [l.url, l])).values()]
  }
}
