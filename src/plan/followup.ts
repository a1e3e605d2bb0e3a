/**
 * What the follow-up pass should do for one tracked GitHub issue, given the current state of the
 * Sentry issues it is linked to: a pure decision, in SPEC's order, so it can be read and tested
 * without a server. At most one step per issue a run; unchanged state gives none.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { Config } from '../config/config.js'
import { impactTier, TIER_RANK, type Tier } from '../classify/routing.js'
import { changedByPerson } from '../track/labels.js'

export type FollowUpStep =
  | { kind: 'close'; reason: 'completed' | 'not_planned'; issues: SentryIssue[] }
  | { kind: 'reopen'; issue: SentryIssue; escalate?: { from: Tier; to: Tier } }
  | { kind: 'regression-issue'; issue: SentryIssue }
  | { kind: 'escalate'; issue: SentryIssue; from: Tier; to: Tier }
  | { kind: 'upgrade'; issue: SentryIssue }
  | { kind: 'resolve'; issues: SentryIssue[] }
  | { kind: 'kept'; issues: SentryIssue[]; reason: string }
  /** A person's reopen after the action's close was borne out (Sentry has it live again): recorded. */
  | { kind: 'settle'; issues: SentryIssue[] }

type Options = Pick<Config, 'closeResolved' | 'onRegression' | 'resolveInSentry'> & {
  /** The LLM can classify now (configured, and not abandoned this run). */
  llmAvailable: boolean
}

const isClosedInSentry = (s: SentryIssue) => s.status === 'resolved' || s.status === 'ignored'

/** Regressed after the GitHub issue was closed: events came back since. */
function regressedSince(s: SentryIssue, closedAt: string | null): boolean {
  if (s.status !== 'unresolved' || s.substatus !== 'regressed') return false
  if (!closedAt || !s.lastSeen) return true
  return Date.parse(s.lastSeen) > Date.parse(closedAt)
}

export function decideFollowUp(
  gh: GitHubIssue,
  issues: SentryIssue[],
  options: Options
): FollowUpStep | null {
  const marker = gh.marker
  if (!marker || issues.length === 0) return null
  if (gh.state === 'open') return decideOpen(gh, issues, options)

  // A person's `not_planned` (or a duplicate) stays closed; completed, or no reason, may reopen.
  const regressed = issues.find(s => regressedSince(s, gh.closedAt))
  if (regressed && gh.stateReason !== 'not_planned' && gh.stateReason !== 'duplicate') {
    if (options.onRegression === 'ignore') return null
    if (options.onRegression === 'new') return { kind: 'regression-issue', issue: regressed }
    // A burst that climbed a tier is escalated in the same run, not one run later.
    const climb = climbed(marker.tier, [regressed])
    return { kind: 'reopen', issue: regressed, ...(climb ? { escalate: climb } : {}) }
  }
  const stillOpen = issues.filter(s => s.status === 'unresolved')
  if (
    options.resolveInSentry &&
    gh.stateReason === 'completed' &&
    marker.state !== 'closed' &&
    stillOpen.length > 0 &&
    marker.resolvedFor !== gh.closedAt
  )
    return { kind: 'resolve', issues: stillOpen }
  return null
}

function decideOpen(gh: GitHubIssue, issues: SentryIssue[], options: Options): FollowUpStep | null {
  const marker = gh.marker!
  if (issues.every(isClosedInSentry)) {
    if (!options.closeResolved) return null
    if (marker.state === 'closed')
      return {
        kind: 'kept',
        issues,
        reason:
          'resolved in Sentry, but a person reopened it after sentry-triage closed it: left open'
      }
    const reason = issues.some(s => s.status === 'resolved') ? 'completed' : 'not_planned'
    return { kind: 'close', reason, issues }
  }
  const live = issues.filter(s => !isClosedInSentry(s))
  const climb = climbed(marker.tier, live)
  if (climb) return { kind: 'escalate', ...climb }
  const person = changedByPerson(gh.labels, marker.applied)
  // Both labels a person's: an LLM answer could change nothing, so none is asked for.
  if (
    marker.applied?.classifier === 'heuristic' &&
    options.llmAvailable &&
    !(person.category && person.severity)
  )
    return { kind: 'upgrade', issue: live[0]! }
  // Without this record, the next resolution would find the person's old reopen and never close.
  if (marker.state === 'closed') return { kind: 'settle', issues: live }
  return null
}

/** The most urgent of `live` when its impact tier is above the one the marker records. */
function climbed(
  recorded: Tier | null | undefined,
  live: SentryIssue[]
): { issue: SentryIssue; from: Tier; to: Tier } | null {
  if (!recorded || live.length === 0) return null
  const top = live.reduce((a, b) =>
    TIER_RANK[impactTier(b).tier] < TIER_RANK[impactTier(a).tier] ? b : a
  )
  const to = impactTier(top).tier
  return TIER_RANK[to] < TIER_RANK[recorded] ? { issue: top, from: recorded, to } : null
}
