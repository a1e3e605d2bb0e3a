/** A Sentry issue as the org issues endpoint sends it, validated and reduced to what the action uses. */
import { z } from 'zod'
import { signalFields, signalsOf, type SentrySignals } from './signals.js'

/** The facts of one Sentry issue that the action uses, from the org issues endpoint. */
export interface SentryIssue {
  id: string
  shortId: string
  title: string
  culprit: string | null
  permalink: string | null
  level: string
  status: string | null
  substatus: string | null
  platform: string | null
  count: number
  userCount: number
  firstSeen: string | null
  lastSeen: string | null
  project: { id: string; slug: string; name: string | null }
  exceptionType: string | null
  exceptionValue: string | null
  filename: string | null
  function: string | null
  isUnhandled: boolean | null
  /** Links Sentry's own integrations made, e.g. to a GitHub issue. */
  annotations: Array<{ displayName: string; url: string }>
  /** What Sentry already knows (priority, Seer, owners, links): absent where nothing read it. */
  signals?: SentrySignals
  /** Daily event counts of the last 14 days, oldest first, when the listing carried `stats['14d']`. */
  daily14d?: number[]
}

/** A text field the API may leave out, send as null, empty, or as a number: always string | null. */
const optionalText = z
  .union([z.string(), z.number(), z.null()])
  .optional()
  .transform(v => (v === null || v === undefined || v === '' ? null : String(v)))

const annotationSchema = z
  .union([
    z.looseObject({ displayName: z.string().nullish(), url: z.string() }),
    // Older Sentry versions sent HTML strings: `<a href="https://github.com/o/r/issues/1">o/r#1</a>`.
    z.string(),
    z.unknown()
  ])
  .transform(value => {
    if (typeof value === 'string') {
      const href = /href="([^"]+)"/.exec(value)?.[1]
      return href ? { displayName: value.replace(/<[^>]*>/g, ''), url: href } : null
    }
    if (value && typeof value === 'object' && 'url' in value && typeof value.url === 'string') {
      const displayName = (value as { displayName?: unknown }).displayName
      return {
        displayName: typeof displayName === 'string' ? displayName : value.url,
        url: value.url
      }
    }
    return null
  })

/** One issue of Sentry's issue listing, validated and reduced to the facts the action uses. */
export const issueSchema = z
  .looseObject({
    id: z.union([z.string(), z.number()]).transform(String),
    shortId: z.string(),
    title: z.string(),
    culprit: optionalText,
    permalink: optionalText,
    level: optionalText,
    status: optionalText,
    substatus: optionalText,
    platform: optionalText,
    // Sentry sends count as a string ("150") and userCount as a number; accept either.
    count: z.union([z.string(), z.number()]).nullish(),
    userCount: z.union([z.string(), z.number()]).nullish(),
    firstSeen: optionalText,
    lastSeen: optionalText,
    isUnhandled: z.boolean().nullish(),
    project: z.looseObject({
      id: z.union([z.string(), z.number()]).transform(String),
      slug: z.string(),
      name: optionalText
    }),
    metadata: z.record(z.string(), z.unknown()).nullish(),
    annotations: z.array(annotationSchema).nullish(),
    ...signalFields,
    stats: z.unknown().optional()
  })
  .transform((raw): SentryIssue => {
    const meta = raw.metadata ?? {}
    const text = (key: string): string | null => {
      const value = meta[key]
      return typeof value === 'string' && value !== '' ? value : null
    }
    return {
      id: raw.id,
      shortId: raw.shortId,
      title: raw.title,
      culprit: raw.culprit,
      permalink: raw.permalink,
      level: raw.level ?? 'error',
      status: raw.status,
      substatus: raw.substatus,
      platform: raw.platform,
      count: toCount(raw.count),
      userCount: toCount(raw.userCount),
      firstSeen: raw.firstSeen,
      lastSeen: raw.lastSeen,
      project: { id: raw.project.id, slug: raw.project.slug, name: raw.project.name },
      exceptionType: text('type'),
      exceptionValue: text('value'),
      filename: text('filename'),
      function: text('function'),
      isUnhandled: raw.isUnhandled ?? null,
      annotations: (raw.annotations ?? []).filter(
        (a): a is { displayName: string; url: string } => a !== null
      ),
      signals: signalsOf(raw),
      ...dailyOf(raw.stats)
    }
  })

/** Days a sparkline shows. */
const DAYS = 14

/**
 * The daily counts of `stats` (API-NOTES G1: `{"14d": [[unixSeconds, count], …]}` with
 * `groupStatsPeriod=14d`; the issue detail's `30d` timeline serves too, its last 14 days). Lenient:
 * a timeline of another shape is no timeline, never a skipped issue.
 */
function dailyOf(stats: unknown): { daily14d?: number[] } {
  if (!stats || typeof stats !== 'object') return {}
  const timeline =
    (stats as Record<string, unknown>)['14d'] ?? (stats as Record<string, unknown>)['30d']
  if (!Array.isArray(timeline) || timeline.length === 0) return {}
  const counts: number[] = []
  for (const bucket of timeline) {
    const n = Array.isArray(bucket) ? Number(bucket[1]) : Number.NaN
    if (!Number.isFinite(n) || n < 0) return {}
    counts.push(n)
  }
  return { daily14d: counts.slice(-DAYS) }
}

/** How a malformed listing item is named: its id and shortId when readable, else its position. */
export function nameOf(item: unknown, index: number): string {
  const raw = (item && typeof item === 'object' ? item : {}) as { id?: unknown; shortId?: unknown }
  const readable = (v: unknown) =>
    (typeof v === 'string' || typeof v === 'number') && /^[\w.-]{1,64}$/.test(String(v))
      ? String(v)
      : null
  const id = readable(raw.id)
  const shortId = readable(raw.shortId)
  if (id || shortId) return `issue ${[shortId, id && `(id ${id})`].filter(Boolean).join(' ')}`
  return `unreadable issue #${index + 1} of the listing`
}

function toCount(value: string | number | null | undefined): number {
  const n = Number(value ?? 0)
  return Number.isFinite(n) && n >= 0 ? n : 0
}
