/**
 * Intake's decisions, pure: which new Sentry issues are left alone (linked and triaged, a person's
 * labels, create-issues false, over max-issues), how the rest group by signature, and the step each
 * group gets — label its linked issues, join the open issue of its signature, or open one.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { Config } from '../config/config.js'
import { compareImpact } from '../classify/routing.js'
import { issueSignature } from '../classify/signature.js'
import { changedByPerson, hasTriageLabels } from '../track/labels.js'
import { idsPart, stepKey, type Step } from './steps.js'
import { decideFloods, type FloodRead } from './floods.js'

/** What intake read: the candidates, the GitHub issue each is linked to, the open issues by signature. */
export interface IntakeRead {
  candidates: SentryIssue[]
  /** The linked GitHub issue of a candidate (marker or Sentry's annotation), by Sentry id. */
  links: ReadonlyMap<string, GitHubIssue>
  /** The open issue a new Sentry issue of this signature joins. */
  forSignature: (signature: string | null) => GitHubIssue | undefined
  /** Issues without a marker that the action labelled before (their label events say so). */
  labelledByAction: ReadonlySet<number>
  /**
   * Sentry issues whose link (Sentry's annotation) points at an issue of another repository: a
   * project moved, or the map changed. They keep that issue, never get a second one.
   */
  elsewhere?: ReadonlyMap<string, string>
  /** What floods need (the candidates' releases, the release issues); absent: no flood possible. */
  floods?: FloodRead
}

/** A Sentry issue intake leaves alone, and why. */
export interface Skip {
  issue: SentryIssue
  reason: string
  githubIssue?: string | null
  kept?: boolean
}

export interface IntakePlan {
  steps: Step[]
  skips: Skip[]
  /** Over max-issues, left for the next run. */
  deferred: number
}

type IntakeConfig = Pick<Config, 'maxIssues' | 'createIssues' | 'groupSimilar'> &
  Partial<Pick<Config, 'floodThreshold' | 'floodMaxIssues'>>

export function decideIntake(read: IntakeRead, config: IntakeConfig, repo: string): IntakePlan {
  const skips: Skip[] = []
  const pending: SentryIssue[] = []
  for (const issue of read.candidates) {
    const linked = read.links.get(issue.id)
    const skip = leaveAlone(issue, linked, read, config)
    if (skip) skips.push(skip)
    else pending.push(issue)
  }
  // A flood's issues are decided before max-issues cuts: they are tracked by one release issue
  // however many they are, and their classifications come out of the same budget.
  const floods = read.floods
    ? decideFloods(
        pending,
        new Set(read.links.keys()),
        read.floods,
        { floodThreshold: 0, floodMaxIssues: 0, ...config },
        repo,
        config.maxIssues
      )
    : { steps: [], rest: pending, classifications: 0 }
  const rest = floods.rest.sort(compareImpact)
  const room = Math.max(0, config.maxIssues - floods.classifications)
  const over = rest.slice(room)
  for (const issue of over)
    skips.push({
      issue,
      githubIssue: read.links.get(issue.id)?.url ?? null,
      reason: `over max-issues (${config.maxIssues}); next run`
    })
  const steps: Step[] = [...floods.steps]
  // One step per GitHub issue: a second group linked to an issue already being labelled joins that
  // step (its labels are set once, by the first group's classification).
  const labelling = new Map<number, Step>()
  for (const group of groupBySignature(rest.slice(0, room), config)) {
    steps.push(...stepsOfGroup(group, read, repo, labelling))
  }
  return { steps, skips, deferred: over.length }
}

/** Why a candidate needs no step, or null when it does. */
function leaveAlone(
  issue: SentryIssue,
  linked: GitHubIssue | undefined,
  read: IntakeRead,
  config: IntakeConfig
): Skip | null {
  const other = read.elsewhere?.get(issue.id)
  if (!linked && other)
    return { issue, githubIssue: other, reason: `linked to ${other} (another repository)` }
  // A flood's issue tracked by its release issue: followed up there, never opened by a later run.
  if (linked?.marker?.release)
    return {
      issue,
      githubIssue: linked.url,
      reason: `tracked by the release issue #${linked.number}`
    }
  if (linked && (hasTriageLabels(linked) || linked.marker?.applied)) {
    const person = changedByPerson(linked.labels, linked.marker?.applied)
    const kept = person.category || person.severity
    return {
      issue,
      githubIssue: linked.url,
      reason: kept
        ? 'already triaged; its labels were changed by a person and are left alone'
        : 'already linked and triaged',
      ...(kept ? { kept: true } : {})
    }
  }
  // Linked by Sentry's own integration only (no marker): once the action labelled it, a label a
  // person removed is theirs, and the issue is not classified again.
  if (linked && !linked.marker && read.labelledByAction.has(linked.number))
    return {
      issue,
      githubIssue: linked.url,
      reason: 'already triaged; its labels were changed by a person and are left alone',
      kept: true
    }
  if (!linked && !config.createIssues) {
    const shared = read.forSignature(config.groupSimilar ? issueSignature(issue) : null)
    return {
      issue,
      reason: `not linked to a GitHub issue; create-issues is false${shared ? ` (same signature as ${shared.url})` : ''}`
    }
  }
  return null
}

interface Group {
  signature: string | null
  members: SentryIssue[]
}

function groupBySignature(issues: SentryIssue[], config: IntakeConfig): Group[] {
  const groups: Group[] = []
  const bySignature = new Map<string, Group>()
  for (const issue of issues) {
    const signature = config.groupSimilar ? issueSignature(issue) : null
    const existing = signature ? bySignature.get(signature) : undefined
    if (existing) existing.members.push(issue)
    else {
      const group = { signature, members: [issue] }
      groups.push(group)
      if (signature) bySignature.set(signature, group)
    }
  }
  return groups
}

/**
 * One group's steps: a label step per linked GitHub issue, then a join of the open issue of its
 * signature (when that issue is triaged) or a new issue for the unlinked members. One
 * classification serves the whole group (its most urgent member).
 */
function stepsOfGroup(
  group: Group,
  read: IntakeRead,
  repo: string,
  labelling: Map<number, Step>
): Step[] {
  const lead = group.members[0]!
  const steps: Step[] = []
  const byTarget = new Map<number, { target: GitHubIssue; issues: SentryIssue[] }>()
  for (const issue of group.members) {
    const target = read.links.get(issue.id)
    if (!target) continue
    const entry = byTarget.get(target.number) ?? { target, issues: [] }
    entry.issues.push(issue)
    byTarget.set(target.number, entry)
  }
  for (const { target, issues } of byTarget.values()) {
    const earlier = labelling.get(target.number)
    if (earlier) {
      earlier.sentry.push(...issues)
      continue
    }
    const step: Step = {
      kind: 'label',
      repo,
      target,
      sentry: issues,
      classify: lead,
      signature: group.signature,
      rule: 'linked to a GitHub issue that lacks triage labels',
      key: stepKey('label', target.number, idsPart(issues))
    }
    labelling.set(target.number, step)
    steps.push(step)
  }
  const unlinked = group.members.filter(m => !read.links.has(m.id))
  if (unlinked.length === 0) return steps
  const shared = read.forSignature(group.signature)
  if (shared && hasTriageLabels(shared))
    steps.push({
      kind: 'join',
      repo,
      target: shared,
      sentry: unlinked,
      signature: group.signature,
      rule: `same signature as #${shared.number} (group-similar)`,
      key: stepKey('join', shared.number, idsPart(unlinked))
    })
  else
    steps.push({
      kind: 'create',
      repo,
      target: null,
      sentry: unlinked,
      classify: lead,
      signature: group.signature,
      rule: 'first seen within since and linked to no GitHub issue',
      key: stepKey('create', idsPart(unlinked))
    })
  return steps
}
