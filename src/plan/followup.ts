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
import { idsPart, stepKey, type Step } from './steps.js'

/** What a decision leaves alone, said in the results (not a write). */
export interface Kept {
  kind: 'kept'
  sentry: SentryIssue[]
  reason: string
  githubIssue: string
}

export type FollowUpDecision = Step | Kept | null

export type FollowUpOptions = Pick<
  Config,
  'closeResolved' | 'onRegression' | 'resolveInSentry' | 'createIssues'
> & {
  /** `owner/repo` of the tracked issue. */
  repo: string
  /** The LLM can classify now (configured, and not abandoned this run). */
  llmAvailable: boolean
  /** When each Sentry issue last came back (Sentry's activity: `set_regression`, `set_escalating`). */
  returnedAt: ReadonlyMap<string, string>
  /** Now, for the upgrade's retry spacing. */
  now: number
}

/** A failed upgrade (the LLM could not answer for this issue) is tried again after this long. */
export const UPGRADE_RETRY_MS = 24 * 60 * 60 * 1000

const isClosedInSentry = (s: SentryIssue) => s.status === 'resolved' || s.status === 'ignored'

/**
 * A return after a resolution: Sentry has the issue live again because it regressed (or escalated
 * out of an archive), and that happened after the GitHub issue was closed. A person who closed the
 * issue while Sentry still had it live is not overruled by its next event.
 */
function returnedSince(
  s: SentryIssue,
  closedAt: string | null,
  returnedAt: ReadonlyMap<string, string>,
  how: 'regressed' | 'escalating'
): boolean {
  if (s.status !== 'unresolved' || s.substatus !== how) return false
  const at = returnedAt.get(s.id)
  if (!at) return false
  return !closedAt || Date.parse(at) > Date.parse(closedAt)
}

export function decideFollowUp(
  gh: GitHubIssue,
  issues: SentryIssue[],
  options: FollowUpOptions
): FollowUpDecision {
  const marker = gh.marker
  if (!marker || issues.length === 0) return null
  return gh.state === 'open' ? decideOpen(gh, issues, options) : decideClosed(gh, issues, options)
}

function decideClosed(
  gh: GitHubIssue,
  issues: SentryIssue[],
  o: FollowUpOptions
): FollowUpDecision {
  const marker = gh.marker!
  const base = { repo: o.repo, target: gh }
  // Closed as completed (by anyone): a regression after the close brings it back. Closed as not
  // planned by the action itself (archived in Sentry): an escalation out of the archive does.
  const regressed = issues.find(s => returnedSince(s, gh.closedAt, o.returnedAt, 'regressed'))
  const completed = gh.stateReason !== 'not_planned' && gh.stateReason !== 'duplicate'
  const archivedByUs = gh.stateReason === 'not_planned' && marker.state === 'closed'
  const escalated = archivedByUs
    ? issues.find(s => returnedSince(s, gh.closedAt, o.returnedAt, 'escalating'))
    : undefined
  const back = (completed ? regressed : undefined) ?? escalated
  if (back) {
    const at = o.returnedAt.get(back.id)
    if (o.onRegression === 'ignore') return null
    // Without create-issues there is nothing to open: `new` acts as `reopen`.
    if (o.onRegression === 'new' && o.createIssues)
      return {
        ...base,
        kind: 'regression-issue',
        sentry: [back],
        classify: back,
        signature: marker.sig,
        rule: `${back.substatus} in Sentry after #${gh.number} was closed (on-regression: new)`,
        key: stepKey('regression-issue', gh.number, back.id, at)
      }
    const climb = climbed(marker.tier, [back])
    return {
      ...base,
      kind: 'reopen',
      sentry: [back],
      ...(climb ? { escalate: { from: climb.from, to: climb.to }, classify: back } : {}),
      rule: `${back.substatus} in Sentry after #${gh.number} was closed`,
      key: stepKey('reopen', gh.number, back.id, at)
    }
  }
  const stillOpen = issues.filter(s => s.status === 'unresolved')
  if (
    o.resolveInSentry &&
    gh.stateReason === 'completed' &&
    marker.state !== 'closed' &&
    stillOpen.length > 0 &&
    marker.resolvedFor !== gh.closedAt
  )
    return {
      ...base,
      kind: 'resolve',
      sentry: stillOpen,
      // Events from the release already deployed must not regress it: Sentry resolves it in the
      // next release when the project has releases (the executor falls back to a plain resolve).
      inNextRelease: true,
      rule: 'closed as completed on GitHub (resolve-in-sentry)',
      key: stepKey('resolve', gh.number, idsPart(stillOpen), gh.closedAt)
    }
  return null
}

function decideOpen(gh: GitHubIssue, issues: SentryIssue[], o: FollowUpOptions): FollowUpDecision {
  const marker = gh.marker!
  const base = { repo: o.repo, target: gh }
  if (issues.every(isClosedInSentry)) {
    if (!o.closeResolved) return null
    if (marker.state === 'closed')
      return {
        kind: 'kept',
        sentry: issues,
        githubIssue: gh.url,
        reason:
          'resolved in Sentry, but a person reopened it after sentry-triage closed it: left open'
      }
    if (marker.resolvedFor)
      return {
        kind: 'kept',
        sentry: issues,
        githubIssue: gh.url,
        reason:
          'resolved in Sentry because a person closed it (resolve-in-sentry), then a person reopened it: left open'
      }
    const reason = issues.some(s => s.status === 'resolved') ? 'completed' : 'not_planned'
    return {
      ...base,
      kind: 'close',
      reason,
      sentry: issues,
      rule: `${reason === 'completed' ? 'resolved' : 'archived'} in Sentry (close-resolved)`,
      key: stepKey('close', gh.number, idsPart(issues), reason)
    }
  }
  const live = issues.filter(s => !isClosedInSentry(s))
  const climb = climbed(marker.tier, live)
  if (climb)
    return {
      ...base,
      kind: 'escalate',
      sentry: [climb.issue],
      classify: climb.issue,
      from: climb.from,
      to: climb.to,
      rule: `impact climbed from the ${climb.from} to the ${climb.to} tier`,
      key: stepKey('escalate', gh.number, climb.issue.id, climb.to)
    }
  const person = changedByPerson(gh.labels, marker.applied)
  const triedRecently =
    marker.upgradeTriedAt !== undefined &&
    o.now - Date.parse(marker.upgradeTriedAt) < UPGRADE_RETRY_MS
  // Both labels a person's: an LLM answer could change nothing, so none is asked for.
  if (
    marker.applied?.classifier === 'heuristic' &&
    o.llmAvailable &&
    !triedRecently &&
    !(person.category && person.severity)
  )
    return {
      ...base,
      kind: 'upgrade',
      sentry: [live[0]!],
      classify: live[0]!,
      rule: 'classified by the heuristic earlier; the LLM is available',
      key: stepKey('upgrade', gh.number, live[0]!.id)
    }
  // Without these records, the next resolution would find the person's old reopen (or the
  // resolve a person's close asked for) and never close: Sentry has it live, so they are settled.
  if (marker.state === 'closed' || marker.resolvedFor)
    return {
      ...base,
      kind: 'refresh',
      state: 'open',
      sentry: live,
      rule: 'Sentry has it live again: the marker records the issue open',
      key: stepKey('refresh', gh.number, idsPart(live), 'settle')
    }
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
