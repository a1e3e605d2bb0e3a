/**
 * The living part of the action's section: events, users, first and last seen, first and latest
 * release and a 14-day sparkline of daily events. It sits between two hidden lines inside the
 * section, so that a refresh rewrites this block and nothing else — not the triage above it, and
 * never a byte outside the section (track/marker.ts keeps those).
 */
import type { SentryIssue } from '../sentry/client.js'
import { impactTier, TIER_RANK, type Tier } from '../classify/routing.js'
import { inline } from './markdown.js'

export const IMPACT_BEGIN = '<!-- sentry-triage:impact -->'
export const IMPACT_END = '<!-- sentry-triage:impact-end -->'

/** Eight levels, lowest first: plain text that every GitHub view renders (no HTML, no image). */
const BARS = '▁▂▃▄▅▆▇█'
/** Days the sparkline shows: one character a day. */
export const SPARK_DAYS = 14

/** What the block shows for one GitHub issue (its Sentry issues together). */
export interface Impact {
  events: number
  users: number
  firstSeen: string | null
  lastSeen: string | null
  firstRelease: string | null
  latestRelease: string | null
  /** Daily events, oldest first (the listing's `stats['14d']`), when Sentry sent them. */
  daily: number[] | null
  /** The most urgent tier among them. */
  tier: Tier
}

/**
 * One character a day, scaled to the busiest day: `▁` for a quiet day (or none), `█` for the
 * busiest. At most 14 characters, whatever Sentry sent.
 */
export function sparkline(daily: readonly number[]): string {
  const days = daily.slice(-SPARK_DAYS).map(n => (Number.isFinite(n) && n > 0 ? n : 0))
  const max = Math.max(0, ...days)
  return days
    .map(n => BARS[max === 0 ? 0 : Math.round((n / max) * (BARS.length - 1))] as string)
    .join('')
}

/** The impact of a GitHub issue's Sentry issues: counts added up, the widest seen window, the top tier. */
export function impactOf(
  issues: readonly SentryIssue[],
  releases: { first: string | null; latest: string | null }
): Impact {
  const times = (pick: (i: SentryIssue) => string | null) =>
    issues
      .map(pick)
      .filter((t): t is string => t !== null && !Number.isNaN(Date.parse(t)))
      .sort((a, b) => Date.parse(a) - Date.parse(b))
  const seenFirst = times(i => i.firstSeen)
  const seenLast = times(i => i.lastSeen)
  const timelines = issues.map(i => i.daily14d).filter((d): d is number[] => d !== undefined)
  const width = Math.max(0, ...timelines.map(d => d.length))
  const daily =
    timelines.length === 0
      ? null
      : Array.from({ length: width }, (_, day) =>
          timelines.reduce((sum, d) => sum + (d[day - (width - d.length)] ?? 0), 0)
        )
  const tier = issues
    .map(i => impactTier(i).tier)
    .reduce<Tier>((a, b) => (TIER_RANK[b] < TIER_RANK[a] ? b : a), 'routine')
  return {
    events: issues.reduce((sum, i) => sum + i.count, 0),
    users: issues.reduce((sum, i) => sum + i.userCount, 0),
    firstSeen: seenFirst[0] ?? null,
    lastSeen: seenLast.at(-1) ?? null,
    firstRelease: releases.first,
    latestRelease: releases.latest,
    daily,
    tier
  }
}

const number = (n: number) => n.toLocaleString('en-US')

/** The block, between its hidden lines. Release names come from Sentry: redacted and inlined. */
export function renderImpact(impact: Impact, redact: (s: string) => string, at: string): string {
  const release = (v: string | null) => (v === null ? '—' : inline(redact(v), 100))
  const spark = impact.daily
    ? `${sparkline(impact.daily)} (daily events, busiest day ${number(Math.max(0, ...impact.daily))})`
    : '—'
  return [
    IMPACT_BEGIN,
    '',
    '| Impact | |',
    '|---|---|',
    `| Events | ${number(impact.events)} |`,
    `| Users affected | ${number(impact.users)} |`,
    `| First seen | ${inline(impact.firstSeen, 40)} |`,
    `| Last seen | ${inline(impact.lastSeen, 40)} |`,
    `| First release | ${release(impact.firstRelease)} |`,
    `| Latest release | ${release(impact.latestRelease)} |`,
    `| Last ${SPARK_DAYS} days | ${spark} |`,
    '',
    `<sub>Impact as of ${inline(at, 40)}; sentry-triage keeps it current.</sub>`,
    '',
    IMPACT_END
  ].join('\n')
}

/**
 * The section's content with its impact block replaced, or null when it has none (an issue opened
 * before the block existed is left as it is: its numbers sit in its own table).
 */
export function replaceImpact(content: string, block: string): string | null {
  const start = content.indexOf(`${IMPACT_BEGIN}\n`)
  const end = content.indexOf(IMPACT_END, start)
  if (start < 0 || end < 0) return null
  return `${content.slice(0, start)}${block}${content.slice(end + IMPACT_END.length)}`
}
