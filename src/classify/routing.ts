import type { Models } from '../config/config.js'
import type { SentryIssue } from '../sentry/client.js'

export type Tier = 'critical' | 'high' | 'medium' | 'routine'

/** Tiers from most to least urgent: the order in which candidates are classified. */
export const TIER_RANK: Record<Tier, number> = { critical: 0, high: 1, medium: 2, routine: 3 }

export interface Route {
  tier: Tier
  model: string
  /** Why this tier, for the issue body and the summary: `level fatal`, `1,204 users`. */
  reason: string
}

/** The impact tier of a Sentry issue (SPEC: first match wins). */
export function impactTier(issue: SentryIssue): { tier: Tier; reason: string } {
  if (issue.level === 'fatal') return { tier: 'critical', reason: 'level fatal' }
  if (issue.userCount > 1000)
    return { tier: 'critical', reason: `${issue.userCount} users affected` }
  if ((issue.level === 'error' || issue.level === 'warning') && issue.count > 50) {
    return { tier: 'high', reason: `level ${issue.level} with ${issue.count} events` }
  }
  if (issue.level === 'warning') return { tier: 'medium', reason: 'level warning' }
  if (issue.count > 10) return { tier: 'medium', reason: `${issue.count} events` }
  return { tier: 'routine', reason: 'low impact' }
}

/** The model for an issue: by impact tier, or always `model` when routing is off. */
export function routeIssue(issue: SentryIssue, models: Models, routing: boolean): Route {
  const { tier, reason } = impactTier(issue)
  if (!routing) return { tier, model: models.routine, reason: `${reason}; routing off` }
  return { tier, model: models[tier], reason }
}

/** Highest impact first: tier, then users, then events (SPEC: `max-issues` keeps the first). */
export function compareImpact(a: SentryIssue, b: SentryIssue): number {
  return (
    TIER_RANK[impactTier(a).tier] - TIER_RANK[impactTier(b).tier] ||
    b.userCount - a.userCount ||
    b.count - a.count ||
    a.id.localeCompare(b.id)
  )
}
