/**
 * Keeps a tracked issue's state in step with Sentry: close when resolved or archived, reopen on a
 * regression, resolve in Sentry when a person closed it. One comment per change, linking the other
 * side; the marker records the state the action set, in the same request.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { WriteContext } from '../pipeline/deps.js'
import { inline, link } from '../render/markdown.js'
import { rewriteSection } from '../track/marker.js'
import { row, type IssueResult } from '../report/results.js'
import { resolveInSentry } from './sentry-side.js'

function sentryLink(issue: SentryIssue): string {
  return link(inline(issue.shortId, 80), issue.permalink)
}

/** Resolved (completed) or archived/ignored (not planned) in Sentry: the GitHub issue closes. */
export async function closeIssue(
  ctx: WriteContext,
  gh: GitHubIssue,
  issues: SentryIssue[],
  reason: 'completed' | 'not_planned'
): Promise<IssueResult[]> {
  const how = reason === 'completed' ? 'resolved' : 'archived'
  const rows = issues.map(issue =>
    row(issue, ctx.redact, {
      action: ctx.dry ? 'would-close' : 'closed',
      githubIssue: gh.url,
      reason: `${how} in Sentry; closed as ${reason.replace('_', ' ')}`
    })
  )
  ctx.log.info(`${ctx.dry ? '[dry-run] Would close' : 'Closed'} ${gh.url}: ${how} in Sentry`)
  if (ctx.dry || !gh.marker) return rows
  const marker = { ...gh.marker, state: 'closed' as const }
  const body = rewriteSection(gh.body, marker)
  await ctx.github.closeIssue(gh.number, reason, body)
  Object.assign(gh, { body, marker, state: 'closed', stateReason: reason })
  await ctx.github.comment(
    gh.number,
    `${issues.map(sentryLink).join(', ')} ${issues.length > 1 ? 'were' : 'was'} ${how} in Sentry: closing this issue as ${reason === 'completed' ? 'completed' : 'not planned'}.`
  )
  return rows
}

/** A regression after the close: the issue reopens, with what Sentry has seen since. */
export async function reopenIssue(
  ctx: WriteContext,
  gh: GitHubIssue,
  issue: SentryIssue,
  release: string | null = null
): Promise<IssueResult> {
  const result = row(issue, ctx.redact, {
    action: ctx.dry ? 'would-reopen' : 'reopened',
    githubIssue: gh.url,
    reason: `regressed in Sentry after #${gh.number} was closed`
  })
  ctx.log.info(
    `${ctx.dry ? '[dry-run] Would reopen' : 'Reopened'} ${gh.url}: ${issue.shortId} regressed`
  )
  if (ctx.dry || !gh.marker) return result
  const marker = { ...gh.marker, state: 'open' as const }
  const body = rewriteSection(gh.body, marker)
  await ctx.github.reopenIssue(gh.number, body)
  Object.assign(gh, { body, marker, state: 'open', stateReason: 'reopened' })
  await ctx.github.comment(
    gh.number,
    `${sentryLink(issue)} regressed in Sentry: ${issue.count.toLocaleString('en-US')} events in all, last seen ${inline(issue.lastSeen, 40)}${release ? `, latest release ${inline(ctx.redact(release), 100)}` : ''}. Reopening.`
  )
  return result
}

/** `on-regression: new`: the old issue gets one line pointing at the regression issue. */
export async function pointToRegression(
  ctx: WriteContext,
  old: GitHubIssue,
  regression: string
): Promise<void> {
  if (ctx.dry) return
  await ctx.github.comment(old.number, `Regressed: now tracked in ${regression}.`)
}

/**
 * Closed as completed by a person or a pull request while Sentry still has it open:
 * `resolve-in-sentry` resolves it, once for that close (the marker records which close).
 */
export async function resolveAfterClose(
  ctx: WriteContext,
  gh: GitHubIssue,
  issues: SentryIssue[]
): Promise<IssueResult[]> {
  const rows = issues.map(issue =>
    row(issue, ctx.redact, {
      action: 'skipped',
      githubIssue: gh.url,
      reason: `closed as completed on GitHub; ${ctx.dry ? 'would resolve' : 'resolved'} in Sentry`
    })
  )
  if (ctx.dry || !gh.marker || !gh.closedAt) return rows
  const resolved: SentryIssue[] = []
  for (const [i, issue] of issues.entries()) {
    if (await resolveInSentry(ctx, issue)) {
      resolved.push(issue)
      rows[i]!.sentry = 'resolved'
    } else
      rows[i]!.reason =
        'closed as completed on GitHub; resolving in Sentry failed (next run tries again)'
  }
  if (resolved.length === 0) return rows
  const marker = { ...gh.marker, resolvedFor: gh.closedAt }
  gh.body = rewriteSection(gh.body, marker)
  gh.marker = marker
  await ctx.github.updateBody(gh.number, gh.body)
  await ctx.github.comment(
    gh.number,
    `Resolved ${resolved.map(sentryLink).join(', ')} in Sentry, since this issue was closed as completed.`
  )
  ctx.log.info(
    `Resolved ${resolved.map(i => i.shortId).join(', ')} in Sentry (${gh.url} was closed as completed)`
  )
  return rows
}

/**
 * A person reopened the issue after the action closed it, and Sentry has since seen it come back:
 * the marker records the issue as open, silently, so that the next resolution closes it again.
 */
export async function settleReopen(ctx: WriteContext, gh: GitHubIssue): Promise<void> {
  if (ctx.dry || !gh.marker) return
  const marker = { ...gh.marker, state: 'open' as const }
  gh.body = rewriteSection(gh.body, marker)
  gh.marker = marker
  await ctx.github.updateBody(gh.number, gh.body)
}
