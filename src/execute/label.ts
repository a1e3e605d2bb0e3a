/**
 * Writes on issues that already exist for new Sentry issues: the triage labels a linked issue lacks,
 * and Sentry issues of a known signature joining the open issue that tracks it.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { Classification } from '../classify/taxonomy.js'
import { categoryLabel, severityLabel } from '../classify/taxonomy.js'
import { labelledTriage, labelSpec } from '../track/labels.js'
import { rewriteSection } from '../track/marker.js'
import { inline, link } from '../render/markdown.js'
import { renderSentryJoinNote } from '../render/issue-body.js'
import { classifiedRow, row, type IssueResult } from '../report/results.js'
import type { SentrySide, WriteIO } from './io.js'

/** Room left for "Also:" lines when a later Sentry issue joins a shared GitHub issue (limit 65,536). */
const MAX_SHARED_BODY = 60_000

/** The category and severity labels a linked issue lacks (GitHub keeps the ones it has). */
export function missingLabels(gh: GitHubIssue, c: Classification): string[] {
  const labelled = labelledTriage(gh.labels)
  return [
    ...(labelled.category ? [] : [categoryLabel(c.category)]),
    ...(labelled.severity ? [] : [severityLabel(c.severity)])
  ]
}

/**
 * Adds the missing labels. On an issue with the action's marker, the labels and the marker that
 * records them change in one request, so no run killed in between leaves labels that the next run
 * would take for a person's.
 */
export async function labelLinked(
  io: WriteIO,
  side: SentrySide,
  issues: SentryIssue[],
  gh: GitHubIssue,
  c: Classification,
  tier: string
): Promise<IssueResult[]> {
  const missing = missingLabels(gh, c)
  io.log.info(
    `Labelled ${gh.url} (${issues.map(i => i.shortId).join(', ')}): ${missing.join(', ') || 'nothing missing'}`
  )
  const rows = issues.map(issue =>
    classifiedRow(issue, io.redact, c, { action: 'labeled', githubIssue: gh.url, tier })
  )
  if (missing.length === 0) return rows
  await io.github.ensureLabels(missing.map(labelSpec))
  const labels = [...gh.labels, ...missing]
  if (gh.marker) {
    const now = labelledTriage(labels)
    const marker = {
      ...gh.marker,
      applied: {
        category: now.category ?? c.category,
        severity: now.severity ?? c.severity,
        classifier: c.classifier
      }
    }
    await io.github.updateIssue(gh.number, { body: rewriteSection(gh.body, marker), labels })
  } else await io.github.addLabels(gh.number, missing)
  rows[0]!.labelsAdded = missing
  for (const issue of issues) await side.noteClassification(issue, c, gh.url)
  return rows
}

/**
 * The shared issue's marker learns the new ids and its section lists them (while the body has
 * room); no label changes, so nothing here counts as labelled.
 */
export async function joinShared(
  io: WriteIO,
  side: SentrySide,
  issues: SentryIssue[],
  shared: GitHubIssue
): Promise<IssueResult[]> {
  if (shared.marker) {
    const marker = { ...shared.marker, ids: [...shared.marker.ids, ...issues.map(i => i.id)] }
    const also = issues
      .map(
        u =>
          `- Also: ${link(inline(u.shortId, 80), u.permalink)} · ${inline(u.project.slug, 100)} · first seen ${inline(u.firstSeen, 40)}`
      )
      .join('\n')
    // The body keeps under GitHub's limit: past it, only the marker learns the new ids.
    const body = rewriteSection(shared.body, marker, old =>
      shared.body.length > MAX_SHARED_BODY ? old : `${old}\n${also}`
    )
    await io.github.updateIssue(shared.number, { body })
  }
  const labelled = labelledTriage(shared.labels)
  const linked = await side.link(issues, shared)
  const results: IssueResult[] = []
  for (const issue of issues) {
    results.push(
      row(issue, io.redact, {
        action: 'labeled',
        category: labelled.category ?? null,
        severity: labelled.severity ?? null,
        githubIssue: shared.url,
        reason: `same signature as ${shared.url}`,
        ...(linked.has(issue.id) ? { sentry: 'linked' as const } : {})
      })
    )
    await side.note(
      issue,
      renderSentryJoinNote(shared.url, labelled.category ?? null, labelled.severity ?? null)
    )
  }
  io.log.info(`Added ${issues.map(u => u.shortId).join(', ')} to ${shared.url} (same signature)`)
  return results
}
