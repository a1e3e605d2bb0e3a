/** Labels a GitHub issue already linked to a Sentry issue with the triage labels it lacks. */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { WriteContext } from '../pipeline/deps.js'
import type { Classification } from '../classify/taxonomy.js'
import { categoryLabel, severityLabel } from '../classify/taxonomy.js'
import { labelledTriage, labelSpec } from '../track/labels.js'
import { rewriteSection } from '../track/marker.js'
import { classifiedRow, type IssueResult } from '../report/results.js'
import { noteClassification } from './sentry-side.js'

/**
 * Adds the category and severity labels the issue lacks (GitHub keeps the ones it has). Only for
 * issues without a record of what the action applied: with one, a missing label is a person's
 * removal and stays removed. A marked issue records what it now carries.
 */
export async function labelLinked(
  ctx: WriteContext,
  issue: SentryIssue,
  gh: GitHubIssue,
  c: Classification,
  tier: string
): Promise<IssueResult> {
  const labelled = labelledTriage(gh.labels)
  const missing = [
    ...(labelled.category ? [] : [categoryLabel(c.category)]),
    ...(labelled.severity ? [] : [severityLabel(c.severity)])
  ]
  const result = classifiedRow(issue, ctx.redact, c, {
    action: ctx.dry ? 'would-label' : 'labeled',
    githubIssue: gh.url,
    tier
  })
  ctx.log.info(
    `${ctx.dry ? '[dry-run] Would label' : 'Labelled'} ${gh.url} (${issue.shortId}): ${missing.join(', ') || 'nothing missing'}`
  )
  if (ctx.dry || missing.length === 0) return result
  await ctx.github.ensureLabels(missing.map(labelSpec))
  await ctx.github.addLabels(gh.number, missing)
  // Another Sentry issue linked to the same GitHub issue sees these and adds nothing more.
  gh.labels.push(...missing)
  result.labelsAdded = missing
  if (gh.marker) {
    const now = labelledTriage(gh.labels)
    const marker = {
      ...gh.marker,
      applied: {
        category: now.category ?? c.category,
        severity: now.severity ?? c.severity,
        classifier: c.classifier
      }
    }
    gh.body = rewriteSection(gh.body, marker)
    await ctx.github.updateBody(gh.number, gh.body)
    gh.marker = marker
  }
  await noteClassification(ctx, issue, c, gh.url)
  return result
}
