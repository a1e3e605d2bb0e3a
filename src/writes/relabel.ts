/**
 * Changes to the action's own labels on a tracked issue: escalation (impact tier climbed) and
 * upgrade (heuristic labels replaced by the LLM's). A label a person set, swapped or removed is
 * never touched; the marker records what the action applied, in the same run.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { WriteContext } from '../pipeline/deps.js'
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
import { noteClassification } from './sentry-side.js'

/** Replaces one label by another; returns the label added, if any. */
async function swapLabel(
  ctx: WriteContext,
  gh: GitHubIssue,
  from: string | undefined,
  to: string
): Promise<string | null> {
  if (from?.toLowerCase() === to.toLowerCase()) return null
  await ctx.github.ensureLabels([labelSpec(to)])
  if (from) await ctx.github.removeLabel(gh.number, from)
  await ctx.github.addLabels(gh.number, [to])
  gh.labels = [...gh.labels.filter(l => l.toLowerCase() !== from?.toLowerCase()), to]
  return to
}

async function recordMarker(ctx: WriteContext, gh: GitHubIssue, next: Marker): Promise<void> {
  // An open issue is recorded open (a person's reopen after the action's close is settled too).
  const marker =
    gh.state === 'open' && next.state === 'closed' ? { ...next, state: 'open' as const } : next
  gh.body = rewriteSection(gh.body, marker)
  gh.marker = marker
  await ctx.github.updateBody(gh.number, gh.body)
}

/**
 * The Sentry issue's impact climbed above the tier its marker records: the severity is raised
 * (never lowered, never where a person set it), Critical brings `critical-assignees`, and the
 * marker records the new tier so that the next run leaves it alone.
 */
export async function escalate(
  ctx: WriteContext,
  issue: SentryIssue,
  gh: GitHubIssue,
  c: Classification,
  tier: { from: Tier; to: Tier }
): Promise<IssueResult> {
  const marker = gh.marker ?? { ids: [issue.id], sig: null }
  const current = labelledTriage(gh.labels).severity
  const personSet = changedByPerson(gh.labels, marker.applied).severity
  const target: Severity | undefined = personSet
    ? current
    : current && SEVERITIES.indexOf(current) <= SEVERITIES.indexOf(c.severity)
      ? current
      : c.severity
  const raised = target !== undefined && target !== current
  const reason = `escalated from the ${tier.from} to the ${tier.to} tier${raised ? `; severity ${current ?? 'none'} → ${target}` : personSet ? '; severity left as a person set it' : ''}`
  const result = classifiedRow(issue, ctx.redact, c, {
    action: ctx.dry ? 'would-escalate' : 'escalated',
    githubIssue: gh.url,
    severity: target ?? null,
    tier: tier.to,
    reason,
    ...(personSet ? { kept: true } : {})
  })
  ctx.log.info(
    `${ctx.dry ? '[dry-run] Would re-label' : 'Re-labelled'} ${gh.url} (${issue.shortId}): ${reason}`
  )
  if (ctx.dry) return result
  const added = raised
    ? await swapLabel(ctx, gh, current && severityLabel(current), severityLabel(target))
    : null
  if (added) result.labelsAdded = [added]
  await recordMarker(ctx, gh, {
    ...marker,
    tier: tier.to,
    ...(marker.applied && raised ? { applied: { ...marker.applied, severity: target } } : {})
  })
  if (target === 'Critical' && ctx.config.criticalAssignees.length > 0)
    await ctx.github.addAssignees(gh.number, ctx.config.criticalAssignees)
  await noteClassification(ctx, issue, { ...c, severity: target ?? c.severity }, gh.url)
  return result
}

/**
 * Classified by the heuristic earlier, by the LLM now: the action's labels become the LLM's,
 * except where a person changed them, and the marker records the LLM as the classifier.
 */
export async function upgrade(
  ctx: WriteContext,
  issue: SentryIssue,
  gh: GitHubIssue,
  c: Classification
): Promise<IssueResult> {
  const marker = gh.marker ?? { ids: [issue.id], sig: null }
  const applied = marker.applied
  const person = changedByPerson(gh.labels, applied)
  const current = labelledTriage(gh.labels)
  const category = person.category ? (applied?.category ?? c.category) : c.category
  const severity = person.severity ? (applied?.severity ?? c.severity) : c.severity
  const kept = person.category || person.severity
  const result = classifiedRow(issue, ctx.redact, c, {
    action: ctx.dry ? 'would-upgrade' : 'upgraded',
    githubIssue: gh.url,
    category: person.category ? (current.category ?? null) : c.category,
    severity: person.severity ? (current.severity ?? null) : c.severity,
    reason: `heuristic labels replaced by the LLM's${kept ? ' (labels a person changed were left alone)' : ''}`,
    ...(kept ? { kept: true } : {})
  })
  ctx.log.info(
    `${ctx.dry ? '[dry-run] Would upgrade' : 'Upgraded'} ${gh.url} (${issue.shortId}) to ${c.severity} ${c.category} (LLM)`
  )
  if (ctx.dry) return result
  const added = [
    person.category
      ? null
      : await swapLabel(
          ctx,
          gh,
          current.category && categoryLabel(current.category),
          categoryLabel(c.category)
        ),
    person.severity
      ? null
      : await swapLabel(
          ctx,
          gh,
          current.severity && severityLabel(current.severity),
          severityLabel(c.severity)
        )
  ].filter((l): l is string => l !== null)
  if (added.length > 0) result.labelsAdded = added
  await recordMarker(ctx, gh, { ...marker, applied: { category, severity, classifier: 'llm' } })
  await noteClassification(ctx, issue, c, gh.url)
  return result
}
