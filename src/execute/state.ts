/**
 * Keeps a tracked issue's state in step with Sentry: close, reopen, resolve in Sentry, and the
 * marker-only refresh. The state, the labels and the marker change in one request; the comment
 * that says why carries the step's key, so that it is never posted twice.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import { inline, link } from '../render/markdown.js'
import { rewriteSection, type Marker } from '../track/marker.js'
import { row, type IssueResult } from '../report/results.js'
import { commentOnce, type SentrySide, type WriteIO } from './io.js'
import type { Living } from './living.js'

function sentryLink(issue: SentryIssue): string {
  return link(inline(issue.shortId, 80), issue.permalink)
}

/** Resolved (completed) or archived/ignored (not planned) in Sentry: the GitHub issue closes. */
export async function closeIssue(
  io: WriteIO,
  gh: GitHubIssue,
  issues: SentryIssue[],
  reason: 'completed' | 'not_planned',
  key: string
): Promise<IssueResult[]> {
  const how = reason === 'completed' ? 'resolved' : 'archived'
  const marker: Marker = { ...gh.marker!, state: 'closed' }
  await io.github.updateIssue(gh.number, {
    state: 'closed',
    reason,
    body: rewriteSection(gh.body, marker)
  })
  await commentOnce(
    io,
    gh.number,
    key,
    `${issues.map(sentryLink).join(', ')} ${issues.length > 1 ? 'were' : 'was'} ${how} in Sentry: closing this issue as ${reason === 'completed' ? 'completed' : 'not planned'}.`
  )
  io.log.info(`Closed ${gh.url}: ${how} in Sentry`)
  return issues.map(issue =>
    row(issue, io.redact, {
      action: 'closed',
      githubIssue: gh.url,
      reason: `${how} in Sentry; closed as ${reason.replace('_', ' ')}`
    })
  )
}

/** A return after a resolution: the issue reopens, with what Sentry has seen. */
export async function reopenIssue(
  io: WriteIO,
  gh: GitHubIssue,
  issue: SentryIssue,
  release: string | null,
  key: string,
  change: { labels?: string[]; marker?: Marker; living?: Living } = {}
): Promise<IssueResult> {
  const marker: Marker = {
    ...(change.marker ?? gh.marker!),
    state: 'open',
    ...(change.living ? { shown: change.living.shown } : {})
  }
  await io.github.updateIssue(gh.number, {
    state: 'open',
    body: rewriteSection(gh.body, marker, change.living?.content),
    ...(change.labels ? { labels: change.labels } : {})
  })
  const how = issue.substatus === 'escalating' ? 'escalated out of its archive' : 'regressed'
  await commentOnce(
    io,
    gh.number,
    key,
    `${sentryLink(issue)} ${how} in Sentry: ${issue.count.toLocaleString('en-US')} events in all, last seen ${inline(issue.lastSeen, 40)}${release ? `, latest release ${inline(io.redact(release), 100)}` : ''}. Reopening.`
  )
  io.log.info(`Reopened ${gh.url}: ${issue.shortId} ${how}`)
  return row(issue, io.redact, {
    action: 'reopened',
    githubIssue: gh.url,
    reason: `${how} in Sentry after #${gh.number} was closed`
  })
}

/** `on-regression: new`: the old issue gets one line pointing at the regression issue. */
export async function pointToRegression(
  io: WriteIO,
  old: GitHubIssue,
  regression: string,
  key: string
): Promise<void> {
  await commentOnce(io, old.number, key, `Regressed: now tracked in ${regression}.`)
}

/**
 * Closed as completed by a person or a pull request while Sentry still has it open:
 * `resolve-in-sentry` resolves it. The marker records the close it was resolved for only when
 * every Sentry issue was resolved: one that failed is tried again by the next run.
 */
export async function resolveAfterClose(
  io: WriteIO,
  side: SentrySide,
  gh: GitHubIssue,
  issues: SentryIssue[],
  inNextRelease: boolean,
  key: string
): Promise<IssueResult[]> {
  const rows = issues.map(issue =>
    row(issue, io.redact, {
      action: 'skipped',
      githubIssue: gh.url,
      reason: 'closed as completed on GitHub; resolved in Sentry'
    })
  )
  const resolved: SentryIssue[] = []
  for (const [i, issue] of issues.entries()) {
    if (await side.resolve(issue, inNextRelease)) {
      resolved.push(issue)
      rows[i]!.sentry = 'resolved'
    } else
      rows[i]!.reason =
        'closed as completed on GitHub; resolving in Sentry failed (next run tries again)'
  }
  if (resolved.length === 0) return rows
  if (resolved.length === issues.length) {
    const marker: Marker = { ...gh.marker!, resolvedFor: gh.closedAt ?? undefined }
    await io.github.updateIssue(gh.number, { body: rewriteSection(gh.body, marker) })
  }
  await commentOnce(
    io,
    gh.number,
    `${key}:${resolved.map(i => i.id).join(',')}`,
    `Resolved ${resolved.map(sentryLink).join(', ')} in Sentry${inNextRelease ? ' (in its next release, where the project has releases)' : ''}, since this issue was closed as completed.`
  )
  io.log.info(
    `Resolved ${resolved.map(i => i.shortId).join(', ')} in Sentry (${gh.url} was closed as completed)`
  )
  return rows
}

/** Only the marker changes (a body edit, which notifies nobody). */
export async function refreshMarker(
  io: WriteIO,
  gh: GitHubIssue,
  change: Partial<Marker>
): Promise<void> {
  const marker: Marker = { ...gh.marker!, ...change }
  if (change.state === 'open') delete marker.resolvedFor
  await io.github.updateIssue(gh.number, { body: rewriteSection(gh.body, marker) })
}

/** A duplicate a racing run opened: the original learns its ids, then it closes, with a comment. */
export async function closeDuplicate(
  io: WriteIO,
  duplicate: GitHubIssue,
  original: GitHubIssue,
  key: string
): Promise<void> {
  const lacking = duplicate.marker!.ids.filter(id => !original.marker!.ids.includes(id))
  if (lacking.length > 0) {
    const marker = { ...original.marker!, ids: [...original.marker!.ids, ...lacking] }
    await io.github.updateIssue(original.number, { body: rewriteSection(original.body, marker) })
    original.marker = marker
  }
  await commentOnce(
    io,
    duplicate.number,
    key,
    `Duplicate of #${original.number}: another sentry-triage run opened that issue for the same Sentry issue first.`
  )
  await io.github.updateIssue(duplicate.number, { state: 'closed', reason: 'not_planned' })
}
