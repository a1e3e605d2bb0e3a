/** Adds Sentry issues of a known signature to the open GitHub issue that already tracks it. */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { WriteContext } from '../pipeline/deps.js'
import { inline, link } from '../render/markdown.js'
import { labelledTriage } from '../track/labels.js'
import { rewriteSection } from '../track/marker.js'
import { renderSentryJoinNote } from '../render/issue-body.js'
import { row, type IssueResult } from '../report/results.js'
import { linkInSentry, note } from './sentry-side.js'

/** Room left for "Also:" lines when a later Sentry issue joins a shared GitHub issue (limit 65,536). */
const MAX_SHARED_BODY = 60_000

/**
 * The shared issue's marker learns the new ids and its section lists them (while the body has
 * room); no label changes, so nothing here counts as labelled.
 */
export async function joinShared(
  ctx: WriteContext,
  issues: SentryIssue[],
  shared: GitHubIssue
): Promise<IssueResult[]> {
  if (!ctx.dry && shared.marker) {
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
    await ctx.github.updateBody(shared.number, body)
    shared.body = body
    shared.marker = marker
  }
  const labelled = labelledTriage(shared.labels)
  const linked = await linkInSentry(ctx, issues, shared)
  const results: IssueResult[] = []
  for (const issue of issues) {
    results.push(
      row(issue, ctx.redact, {
        action: ctx.dry ? 'would-label' : 'labeled',
        category: labelled.category ?? null,
        severity: labelled.severity ?? null,
        githubIssue: shared.url,
        reason: `same signature as ${shared.url}`,
        ...(linked.has(issue.id) ? { sentry: 'linked' as const } : {})
      })
    )
    if (!ctx.dry)
      await note(
        ctx,
        issue,
        renderSentryJoinNote(shared.url, labelled.category ?? null, labelled.severity ?? null)
      )
  }
  ctx.log.info(
    `${ctx.dry ? '[dry-run] Would add' : 'Added'} ${issues.map(u => u.shortId).join(', ')} to ${shared.url} (same signature)`
  )
  return results
}
