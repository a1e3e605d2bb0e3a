/**
 * What a release issue's marker records (track/marker.ts owns the marker; this is its `release`
 * part): the release's version and one row per new Sentry issue of the release — its impact as last
 * shown, whether it is resolved, its classification, and the GitHub issue of its own when it has one
 * (promoted). The rows are stored compactly, since a flood may bring hundreds; anything not of the
 * exact shape is dropped, so a hand-edited marker can never name a strange label or issue.
 */
import type { Tier } from '../classify/routing.js'
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../classify/taxonomy.js'

/** One new Sentry issue of the release, as the release issue last showed it. */
export interface ReleaseRow {
  id: string
  tier: Tier
  events: number
  users: number
  resolved: boolean
  category: Category | null
  severity: Severity | null
  /** Its own GitHub issue (a sub-issue of the release issue), when it has one. */
  issue?: number
}

export interface ReleaseRecord {
  version: string
  rows: ReleaseRow[]
  /** GitHub's sub-issues API answered 404 (GitHub Enterprise Server): a task list stands in. */
  tasklist?: boolean
}

const TIERS: readonly Tier[] = ['critical', 'high', 'medium', 'routine']
const SENTRY_ID = /^\d{1,20}$/
/** A release version as Sentry allows it (no line breaks, no `-->`), cut to a sane length. */
const VERSION = /^[^\s<>]{1,200}$/

type Stored = [string, Tier, number, number, 0 | 1, Category | null, Severity | null, number]

/** The record as marker JSON: rows as short arrays. */
export function storeRelease(record: ReleaseRecord): unknown {
  if (!VERSION.test(record.version)) throw new Error('release version unfit for a marker')
  const rows = record.rows
    .filter(r => SENTRY_ID.test(r.id))
    .map((r): Stored => [
      r.id,
      r.tier,
      Math.max(0, Math.round(r.events)),
      Math.max(0, Math.round(r.users)),
      r.resolved ? 1 : 0,
      r.category,
      r.severity,
      r.issue ?? 0
    ])
  return { v: record.version, rows, ...(record.tasklist ? { tasklist: true } : {}) }
}

/** The record from marker JSON, or undefined when it is not of the exact shape. */
export function readRelease(value: unknown): ReleaseRecord | undefined {
  if (!value || typeof value !== 'object') return undefined
  const { v, rows, tasklist } = value as Record<string, unknown>
  if (typeof v !== 'string' || !VERSION.test(v) || !Array.isArray(rows)) return undefined
  const read: ReleaseRow[] = []
  for (const row of rows) {
    const parsed = readRow(row)
    if (!parsed) return undefined
    read.push(parsed)
  }
  return { version: v, rows: read, ...(tasklist === true ? { tasklist: true } : {}) }
}

function readRow(row: unknown): ReleaseRow | null {
  if (!Array.isArray(row) || row.length !== 8) return null
  const [id, tier, events, users, resolved, category, severity, issue] = row as unknown[]
  const count = (n: unknown) => typeof n === 'number' && Number.isInteger(n) && n >= 0
  if (typeof id !== 'string' || !SENTRY_ID.test(id)) return null
  if (!TIERS.includes(tier as Tier) || !count(events) || !count(users) || !count(issue)) return null
  if (resolved !== 0 && resolved !== 1) return null
  if (category !== null && !CATEGORIES.includes(category as Category)) return null
  if (severity !== null && !SEVERITIES.includes(severity as Severity)) return null
  return {
    id,
    tier: tier as Tier,
    events: events as number,
    users: users as number,
    resolved: resolved === 1,
    category: category as Category | null,
    severity: severity as Severity | null,
    ...((issue as number) > 0 ? { issue: issue as number } : {})
  }
}
