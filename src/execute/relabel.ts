/**
 * Changes to the action's own labels on a tracked issue: escalation (impact tier climbed) and
 * upgrade (heuristic labels replaced by the LLM's). A label a person set, swapped or removed is
 * never touched; the labels and the marker that records them change in one request.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { Tier } from '../classify/routing.js'
import {
  SEVERITIES,
  categoryLabel,
  severityLabel,
  type Classification,
  type Severity
} from '../classify/taxonomy.js'
import { changedByPerson, labelledTriage, labelSpec } from '../track/labels.js'
import { rewriteSection, type Marker } from '../track/marker.js'
import { classifiedRow, type IssueResult } from '../report/results.js'
import type { SentrySide, WriteIO } from './io.js'
import type { Living } from './living.js'

/** The label set with one label replaced by another. */
function swapped(labels: string[], from: string | undefined, to: string): string[] {
  if (from?.toLowerCase() === to.toLowerCase()) return labels
  return [...labels.filter(l => l.toLowerCase() !== from?.toLowerCase()), to]
}

/** What an escalation changes: the severity (raised, never lowered, never a person's), the tier. */
export function escalation(
  gh: GitHubIssue,
  c: Classification,
  tier: { from: Tier; to: Tier }
): {
  labels: string[]
  marker: Marker
  target: Severity | undefined
  raised: boolean
  personSet: boolean
  reason: string
  added: string | null
} {
  const marker = gh.marker!
  const current = labelledTriage(gh.labels).severity
  const personSet = changedByPerson(gh.labels, marker.applied).severity
  const target: Severity | undefined = personSet
    ? current
    : current && SEVERITIES.indexOf(current) <= SEVERITIES.indexOf(c.severity)
      ? current
      : c.severity
  const raised = target !== undefined && target !== current
  const labels = raised
    ? swapped(gh.labels, current && severityLabel(current), severityLabel(target))
    : gh.labels
  const reason = `escalated from the ${tier.from} to the ${tier.to} tier${raised ? `; severity ${current ?? 'none'} → ${target}` : personSet ? '; severity left as a person set it' : ''}`
  return {
    labels,
    marker: {
      ...marker,
      tier: tier.to,
      ...(marker.applied && raised ? { applied: { ...marker.applied, severity: target } } : {})
    },
    target,
    raised,
    personSet,
    reason,
    added: raised ? severityLabel(target) : null
  }
}

/**
 * The Sentry issue's impact climbed above the tier its marker records: the severity is raised,
 * and only a severity raised to Critical now brings `critical-assignees` (never again after a
 * person removed them, never when the severity did not change).
 */
export async function escalate(
  io: WriteIO,
  side: SentrySide,
  issue: SentryIssue,
  gh: GitHubIssue,
  c: Classification,
  tier: { from: Tier; to: Tier },
  living?: Living
): Promise<IssueResult> {
  const e = escalation(gh, c, tier)
  if (e.added) await io.github.ensureLabels([labelSpec(e.added)])
  await io.github.updateIssue(gh.number, {
    body: rewriteSection(
      gh.body,
      living ? { ...e.marker, shown: living.shown } : e.marker,
      living?.content
    ),
    ...(e.raised ? { labels: e.labels } : {})
  })
  await assignIfRaisedToCritical(io, gh, e)
  await side.noteClassification(issue, { ...c, severity: e.target ?? c.severity }, gh.url)
  io.log.info(`Re-labelled ${gh.url} (${issue.shortId}): ${e.reason}`)
  return escalationRow(io, issue, gh, c, tier, e)
}

export async function assignIfRaisedToCritical(
  io: WriteIO,
  gh: GitHubIssue,
  e: { raised: boolean; target: Severity | undefined }
): Promise<void> {
  if (e.raised && e.target === 'Critical' && io.config.criticalAssignees.length > 0)
    await io.github.addAssignees(gh.number, io.config.criticalAssignees)
}

export function escalationRow(
  io: Pick<WriteIO, 'redact'>,
  issue: SentryIssue,
  gh: GitHubIssue,
  c: Classification,
  tier: { to: Tier },
  e: ReturnType<typeof escalation>,
  action: 'escalated' | 'would-escalate' = 'escalated'
): IssueResult {
  return classifiedRow(issue, io.redact, c, {
    action,
    githubIssue: gh.url,
    severity: e.target ?? null,
    tier: tier.to,
    reason: e.reason,
    ...(e.added && action === 'escalated' ? { labelsAdded: [e.added] } : {}),
    ...(e.personSet ? { kept: true } : {})
  })
}

/** What an upgrade changes: the action's labels become the LLM's, except where a person changed them. */
export function upgrading(
  gh: GitHubIssue,
  c: Classification
): {
  labels: string[]
  marker: Marker
  added: string[]
  person: { category: boolean; severity: boolean }
} {
  const marker = gh.marker!
  const applied = marker.applied
  const person = changedByPerson(gh.labels, applied)
  const current = labelledTriage(gh.labels)
  let labels = gh.labels
  const added: string[] = []
  // A label a person changed stays theirs; the action's own becomes the LLM's.
  const swaps: Array<[boolean, string | undefined, string]> = [
    [
      person.category,
      current.category && categoryLabel(current.category),
      categoryLabel(c.category)
    ],
    [
      person.severity,
      current.severity && severityLabel(current.severity),
      severityLabel(c.severity)
    ]
  ]
  for (const [personSet, from, to] of swaps) {
    if (personSet || from === to) continue
    labels = swapped(labels, from, to)
    added.push(to)
  }
  const category = person.category ? (applied?.category ?? c.category) : c.category
  const severity = person.severity ? (applied?.severity ?? c.severity) : c.severity
  const rest: Marker = { ...marker }
  delete rest.upgradeTriedAt
  return {
    labels,
    marker: { ...rest, applied: { category, severity, classifier: 'llm' } },
    added,
    person
  }
}

/** Classified by the heuristic earlier, by the LLM now. */
export async function upgrade(
  io: WriteIO,
  side: SentrySide,
  issue: SentryIssue,
  gh: GitHubIssue,
  c: Classification
): Promise<IssueResult> {
  const u = upgrading(gh, c)
  if (u.added.length > 0) await io.github.ensureLabels(u.added.map(labelSpec))
  await io.github.updateIssue(gh.number, {
    body: rewriteSection(gh.body, u.marker),
    ...(u.added.length > 0 ? { labels: u.labels } : {})
  })
  await side.noteClassification(issue, c, gh.url)
  io.log.info(`Upgraded ${gh.url} (${issue.shortId}) to ${c.severity} ${c.category} (LLM)`)
  return upgradeRow(io, issue, gh, c, u)
}

export function upgradeRow(
  io: Pick<WriteIO, 'redact'>,
  issue: SentryIssue,
  gh: GitHubIssue,
  c: Classification,
  u: ReturnType<typeof upgrading>,
  action: 'upgraded' | 'would-upgrade' = 'upgraded'
): IssueResult {
  const current = labelledTriage(gh.labels)
  const kept = u.person.category || u.person.severity
  return classifiedRow(issue, io.redact, c, {
    action,
    githubIssue: gh.url,
    category: u.person.category ? (current.category ?? null) : c.category,
    severity: u.person.severity ? (current.severity ?? null) : c.severity,
    reason: `heuristic labels replaced by the LLM's${kept ? ' (labels a person changed were left alone)' : ''}`,
    ...(u.added.length > 0 && action === 'upgraded' ? { labelsAdded: u.added } : {}),
    ...(kept ? { kept: true } : {})
  })
}
