/** The result rows of what a run decided not to write: skipped, left alone, dropped by a check. */
import type { SentryIssue } from '../sentry/client.js'
import type { TriageDeps } from './deps.js'
import type { Skip } from '../plan/intake.js'
import type { Kept } from '../plan/followup.js'
import type { Dropped } from '../check/rules.js'
import { compareImpact } from '../classify/routing.js'
import { row, type IssueResult } from '../report/results.js'

export function skipRows(deps: TriageDeps, skips: Skip[]): IssueResult[] {
  return skips.map(s =>
    row(s.issue, deps.redact, {
      action: 'skipped',
      githubIssue: s.githubIssue ?? null,
      reason: s.reason,
      ...(s.kept ? { kept: true } : {})
    })
  )
}

export function keptRows(deps: TriageDeps, kept: Kept[]): IssueResult[] {
  return kept.flatMap(k =>
    k.sentry.map(issue =>
      row(issue, deps.redact, {
        action: 'skipped',
        githubIssue: k.githubIssue,
        reason: k.reason,
        kept: true
      })
    )
  )
}

export function droppedRows(deps: TriageDeps, dropped: Dropped[]): IssueResult[] {
  return dropped.flatMap(d =>
    d.step.sentry.map(issue =>
      row(issue, deps.redact, {
        action: 'skipped',
        githubIssue: d.step.target?.url ?? null,
        reason: `not written (${d.rule})`
      })
    )
  )
}

/** One row per Sentry issue: what the follow-up did replaces intake's "already triaged". */
export function mergeRows(rows: IssueResult[], order: SentryIssue[]): IssueResult[] {
  const acted = new Set(rows.filter(r => r.action !== 'skipped').map(r => r.sentryId))
  const unique = rows.filter(r => !(r.action === 'skipped' && acted.has(r.sentryId)))
  // Most urgent first, as the candidates were ordered; follow-up rows for older issues after them.
  const rank = new Map(order.map(c => [c.id, c]))
  return unique
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = rank.get(a.r.sentryId)
      const y = rank.get(b.r.sentryId)
      if (x && y) return compareImpact(x, y)
      return Number(!x) - Number(!y) || a.i - b.i
    })
    .map(({ r }) => r)
}
