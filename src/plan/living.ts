/**
 * The living issue, decided: whether a tracked issue's impact block is rewritten this run. Pure: the
 * marker records what the section shows (events, users, tier, when), the listing has the Sentry
 * issues' current numbers, so nothing more is read to decide. A refresh is a body edit inside the
 * section, which notifies nobody; a re-run over unchanged numbers decides none.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { Config } from '../config/config.js'
import { impactOf } from '../render/impact.js'
import { idsPart, stepKey, type Step } from './steps.js'
import type { FollowUpDecision } from './followup.js'

/** A live issue's section is refreshed at least this often (when its numbers moved at all). */
export const REFRESH_AFTER_MS = 24 * 60 * 60 * 1000
/** A tier change outranks any growth in the "most moved first" order. */
const TIER_CHANGE = 1_000

export interface Refresh {
  /** How far the numbers moved (the larger growth factor of events and users; a tier change tops all). */
  moved: number
  why: string
}

const isLive = (s: SentryIssue) => s.status !== 'resolved' && s.status !== 'ignored'

/**
 * Why the impact block of an open tracked issue should be rewritten now, or null: events or users
 * at least doubled, the tier changed, or the last refresh is a day old while Sentry still sees new
 * events. Issues opened before the block existed (no `shown` record) are left as they are.
 */
export function decideRefresh(
  gh: GitHubIssue,
  issues: SentryIssue[],
  options: { refresh: boolean; now: number }
): Refresh | null {
  const shown = gh.marker?.shown
  if (!options.refresh || gh.state !== 'open' || !shown || gh.marker?.release) return null
  if (issues.length === 0) return null
  const now = impactOf(issues, { first: null, latest: null })
  const growth = (current: number, before: number) => current / Math.max(1, before)
  const doubled = (current: number, before: number) => current > before && current >= 2 * before
  const moved = Math.max(growth(now.events, shown.events), growth(now.users, shown.users))
  const reasons: string[] = []
  if (doubled(now.events, shown.events))
    reasons.push(
      `events ${shown.events.toLocaleString('en-US')} → ${now.events.toLocaleString('en-US')}`
    )
  if (doubled(now.users, shown.users))
    reasons.push(
      `users ${shown.users.toLocaleString('en-US')} → ${now.users.toLocaleString('en-US')}`
    )
  if (now.tier !== shown.tier) reasons.push(`tier ${shown.tier} → ${now.tier}`)
  const changed = now.events !== shown.events || now.users !== shown.users
  if (
    reasons.length === 0 &&
    changed &&
    issues.some(isLive) &&
    options.now - Date.parse(shown.at) >= REFRESH_AFTER_MS
  )
    reasons.push('last refreshed a day ago and still seen')
  if (reasons.length === 0) return null
  return { moved: moved + (now.tier !== shown.tier ? TIER_CHANGE : 0), why: reasons.join(', ') }
}

/**
 * At most `max-refresh-writes` impact refreshes a run, the most moved first; the others wait for
 * the next run (their numbers keep moving, so they are decided again). Steps that do more than a
 * refresh (the marker's settle record) are never dropped: only their impact part is.
 */
export function capRefreshes(
  steps: Step[],
  config: Pick<Config, 'maxRefreshWrites'>
): { steps: Step[]; waiting: number } {
  const moved = (s: Step) => (s.kind === 'refresh' && s.impact ? s.impact.moved : -1)
  const ranked = steps
    .filter(s => moved(s) >= 0)
    .sort((a, b) => moved(b) - moved(a) || a.key.localeCompare(b.key))
  const kept = new Set(ranked.slice(0, config.maxRefreshWrites))
  const out: Step[] = []
  for (const step of steps) {
    if (moved(step) < 0 || kept.has(step)) out.push(step)
    else if (step.kind === 'refresh' && step.state) {
      const plain = { ...step }
      delete plain.impact
      out.push(plain)
    }
  }
  return { steps: out, waiting: ranked.length - kept.size }
}

/**
 * The follow-up's decision for a tracked issue with the living issue folded in, one step an issue:
 * escalation and every other write take precedence; escalate and reopen rewrite the section anyway,
 * so they carry the impact block along; the marker-only refresh carries it too; with nothing else to
 * do, an impact refresh of its own when the numbers moved.
 */
export function withLiving(
  decision: FollowUpDecision,
  gh: GitHubIssue,
  issues: SentryIssue[],
  options: { repo: string; refresh: boolean; now: number }
): FollowUpDecision {
  const living = decideRefresh(gh, issues, options)
  if (!decision)
    return living
      ? {
          kind: 'refresh',
          repo: options.repo,
          target: gh,
          sentry: issues,
          impact: living,
          rule: `the impact moved: ${living.why}`,
          key: stepKey('refresh', gh.number, idsPart(issues), 'impact', gh.marker?.shown?.at)
        }
      : null
  if (decision.kind === 'refresh')
    return living ? { ...decision, impact: living, sentry: issues } : decision
  if (
    options.refresh &&
    gh.marker?.shown &&
    (decision.kind === 'escalate' || decision.kind === 'reopen')
  )
    return { ...decision, living: issues }
  return decision
}
