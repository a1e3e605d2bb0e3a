/**
 * The action's own part of an issue body: one delimited section that starts with a hidden marker.
 * The marker links the GitHub issue to its Sentry issues and records what the action applied, so
 * that a later run can tell its own labels from a person's. This module owns the format, the parse,
 * the rewrite that keeps every byte outside the section, and the rule of whose markers are believed.
 */
import type { Tier } from '../classify/routing.js'
import { CATEGORIES, SEVERITIES, type Category, type Severity } from '../classify/taxonomy.js'
import { readRelease, storeRelease, type ReleaseRecord } from './release-record.js'

export type { ReleaseRecord, ReleaseRow } from './release-record.js'

/** What the action itself applied, as opposed to what a person set since. */
export interface Applied {
  category: Category
  severity: Severity
  classifier: 'llm' | 'heuristic'
}

/** The hidden marker a re-run finds. */
export interface Marker {
  /** Sentry issue ids (digits) this GitHub issue covers. */
  ids: string[]
  /** Their shared signature, when grouped. */
  sig: string | null
  /** The impact tier when last triaged: a Sentry issue that climbs above it is triaged again. */
  tier?: Tier | null
  /** The triage labels the action applied last; absent on issues opened before it was recorded. */
  applied?: Applied
  /** The GitHub `closed_at` after which the action resolved the Sentry issue: resolved once per close. */
  resolvedFor?: string
  /** The state the action itself last set: a person's reopen after the action's close is left alone. */
  state?: 'open' | 'closed'
  /** When an upgrade last found the LLM unable to answer for this issue: retried a day later, not every run. */
  upgradeTriedAt?: string
  /** The action put `fix-candidate` on the issue: a person who removed it wins, it is never re-added. */
  fixCandidate?: true
  /** The impact the section shows (the living issue): a refresh is decided from it without a read. */
  shown?: Shown
  /** A release issue's record: its release and the new Sentry issues it tracks (ids: those without an issue of their own). */
  release?: ReleaseRecord
}

/** The impact the action's section last showed, and when. */
export interface Shown {
  events: number
  users: number
  tier: Tier
  /** When the section was written or last refreshed. */
  at: string
}

/** Where the action's section sits in a body, and what its marker says. */
export interface Section {
  marker: Marker
  /** Offsets of the section in the body: `body.slice(start, end)` is the action's own text. */
  start: number
  end: number
  /** Opened before the section existed: a bare marker line, the section then ends at the footer. */
  legacy: boolean
}

const TIERS: readonly Tier[] = ['critical', 'high', 'medium', 'routine']
const MARKER_PREFIX = '<!-- sentry-triage:v1 '
export const SECTION_BEGIN = '<!-- sentry-triage:begin -->'
export const SECTION_END = '<!-- sentry-triage:end -->'
/** The last line of a body the action wrote before the section existed. */
const LEGACY_FOOTER = '<sub>Opened by sentry-triage.'
const SENTRY_ID = /^\d{1,20}$/
const ISO_TIME = /^[\dT:.Z-]{10,30}$/

/** The marker line. A Sentry id that is not all digits is refused loudly: dropping it would let the next run open a duplicate. */
export function renderMarker(marker: Marker): string {
  const bad = marker.ids.filter(id => !SENTRY_ID.test(id))
  // A release issue may track no Sentry issue without an issue of its own: its version finds it.
  if (bad.length > 0 || (marker.ids.length === 0 && !marker.release)) {
    throw new Error(
      `Sentry issue id ${bad.map(id => `'${id.slice(0, 40)}'`).join(', ') || '(none)'} is not a numeric Sentry id: refusing to write a marker a later run could not match`
    )
  }
  const sig = marker.sig && /^[a-f0-9]{6,64}$/.test(marker.sig) ? marker.sig : null
  const tier = marker.tier && TIERS.includes(marker.tier) ? marker.tier : undefined
  const applied = marker.applied && isApplied(marker.applied) ? marker.applied : undefined
  const resolvedFor =
    marker.resolvedFor && ISO_TIME.test(marker.resolvedFor) ? marker.resolvedFor : undefined
  const value = {
    ids: [...new Set(marker.ids)],
    sig,
    ...(tier ? { tier } : {}),
    ...(applied
      ? {
          applied: {
            category: applied.category,
            severity: applied.severity,
            classifier: applied.classifier
          }
        }
      : {}),
    ...(resolvedFor ? { resolvedFor } : {}),
    ...(marker.state === 'open' || marker.state === 'closed' ? { state: marker.state } : {}),
    ...(marker.upgradeTriedAt && ISO_TIME.test(marker.upgradeTriedAt)
      ? { upgradeTriedAt: marker.upgradeTriedAt }
      : {}),
    ...(marker.fixCandidate === true ? { fixCandidate: true } : {}),
    ...(marker.shown && readShown(marker.shown) ? { shown: readShown(marker.shown) } : {}),
    ...(marker.release ? { release: storeRelease(marker.release) } : {})
  }
  return `${MARKER_PREFIX}${JSON.stringify(value)} -->`
}

/** The shown record when it is of the exact shape, else undefined. */
function readShown(value: unknown): Shown | undefined {
  if (!value || typeof value !== 'object') return undefined
  const { events, users, tier, at } = value as Record<string, unknown>
  const count = (n: unknown): n is number => typeof n === 'number' && Number.isInteger(n) && n >= 0
  const known = TIERS.find(t => t === tier)
  if (!count(events) || !count(users) || !known || typeof at !== 'string' || !ISO_TIME.test(at))
    return undefined
  return { events, users, tier: known, at }
}

function isApplied(value: unknown): value is Applied {
  if (!value || typeof value !== 'object') return false
  const v = value as Record<string, unknown>
  return (
    CATEGORIES.includes(v.category as Category) &&
    SEVERITIES.includes(v.severity as Severity) &&
    (v.classifier === 'llm' || v.classifier === 'heuristic')
  )
}

/** Reads one marker line; anything not of the exact shape is no marker. */
export function parseMarkerLine(line: string): Marker | null {
  if (!line.startsWith(MARKER_PREFIX) || !line.endsWith(' -->')) return null
  try {
    const value = JSON.parse(line.slice(MARKER_PREFIX.length, -' -->'.length)) as unknown
    if (!value || typeof value !== 'object') return null
    const {
      ids,
      sig,
      tier,
      applied,
      resolvedFor,
      state,
      upgradeTriedAt,
      fixCandidate,
      shown,
      release
    } = value as Record<string, unknown>
    const record = release === undefined ? undefined : readRelease(release)
    // A release record of another shape is no marker: rows a run could misread must not count.
    if (release !== undefined && !record) return null
    if (!Array.isArray(ids) || (ids.length === 0 && !record)) return null
    if (!ids.every(id => typeof id === 'string' && SENTRY_ID.test(id))) return null
    const known = TIERS.find(t => t === tier)
    return {
      ids: ids as string[],
      sig: typeof sig === 'string' && /^[a-f0-9]{6,64}$/.test(sig) ? sig : null,
      ...(known ? { tier: known } : {}),
      ...(isApplied(applied)
        ? {
            applied: {
              category: applied.category,
              severity: applied.severity,
              classifier: applied.classifier
            }
          }
        : {}),
      ...(typeof resolvedFor === 'string' ? { resolvedFor } : {}),
      ...(state === 'open' || state === 'closed' ? { state } : {}),
      ...(typeof upgradeTriedAt === 'string' && ISO_TIME.test(upgradeTriedAt)
        ? { upgradeTriedAt }
        : {}),
      ...(fixCandidate === true ? { fixCandidate: true as const } : {}),
      ...(readShown(shown) ? { shown: readShown(shown) } : {}),
      ...(record ? { release: record } : {})
    }
  } catch {
    return null
  }
}

interface Line {
  text: string
  start: number
  /** Offset just past the line's end, its line break included. */
  next: number
  fenced: boolean
}

/** The body's lines with their offsets, and whether each sits inside a fenced code block. */
function linesOf(body: string): Line[] {
  const lines: Line[] = []
  let fence: string | null = null
  let start = 0
  while (start < body.length) {
    const newline = body.indexOf('\n', start)
    const next = newline < 0 ? body.length : newline + 1
    const text = body.slice(start, newline < 0 ? body.length : newline).replace(/\r$/, '')
    const opener = /^ {0,3}(`{3,}|~{3,})/.exec(text)?.[1]
    const inside = fence !== null
    if (fence && opener && opener[0] === fence[0] && opener.length >= fence.length) fence = null
    else if (!fence && opener) fence = opener
    lines.push({ text, start, next, fenced: inside || fence !== null })
    start = next
  }
  return lines
}

/**
 * Finds the action's section: the first begin line outside a code block, with the marker on the
 * next line, up to its end line. A body without one (opened before sections existed) counts by
 * its first marker line outside a code block, wherever a person has since moved it.
 */
export function findSection(body: string | null | undefined): Section | null {
  if (!body) return null
  const lines = linesOf(body)
  const begin = lines.findIndex(l => !l.fenced && l.text === SECTION_BEGIN)
  if (begin >= 0) {
    const marker = parseMarkerLine(lines[begin + 1]?.text ?? '')
    const end = lines.findIndex((l, i) => i > begin + 1 && !l.fenced && l.text === SECTION_END)
    if (!marker || end < 0) return null
    const last = lines[end] as Line
    return { marker, start: lines[begin]!.start, end: last.start + last.text.length, legacy: false }
  }
  const at = lines.findIndex(l => !l.fenced && parseMarkerLine(l.text) !== null)
  if (at < 0) return null
  const footer = lines.findIndex((l, i) => i > at && l.text.startsWith(LEGACY_FOOTER))
  const last = lines[footer >= 0 ? footer : lines.length - 1] as Line
  return {
    marker: parseMarkerLine(lines[at]!.text) as Marker,
    start: lines[at]!.start,
    end: last.start + last.text.length,
    legacy: true
  }
}

export function parseMarker(body: string | null | undefined): Marker | null {
  return findSection(body)?.marker ?? null
}

/** A whole section: begin line, marker, the action's text, end line. */
export function renderSection(marker: Marker, content: string): string {
  return `${SECTION_BEGIN}\n${renderMarker(marker)}\n${content}\n${SECTION_END}`
}

/** The action's text inside a section (what follows the marker line), for a rewrite that keeps it. */
function sectionContent(body: string, section: Section): string {
  const own = body.slice(section.start, section.end)
  const lines = own.split('\n')
  if (section.legacy) return lines.slice(1).join('\n')
  return lines.slice(2, -1).join('\n')
}

/**
 * Rewrites only the action's section: a new marker and, when given, new content (else the old
 * content kept). Every byte outside the section stays as it was. A legacy body gets its section.
 */
export function rewriteSection(
  body: string,
  marker: Marker,
  content?: (old: string) => string
): string {
  const section = findSection(body)
  if (!section) throw new Error('the issue body has no sentry-triage marker to rewrite')
  const old = sectionContent(body, section).replace(/\r$/, '')
  const next = renderSection(marker, content ? content(old) : old)
  return `${body.slice(0, section.start)}${next}${body.slice(section.end)}`
}
