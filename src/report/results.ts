/**
 * The rows of the `results` output and every count the run reports. Write functions return rows;
 * the counts are derived from those rows here, in one place, so that no write keeps a tally.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { Redactor } from '../render/redact.js'
import type { Classification } from '../classify/taxonomy.js'
import type { TriageDeps } from '../pipeline/deps.js'

type Done = 'created' | 'labeled' | 'closed' | 'reopened' | 'upgraded' | 'escalated'
type Planned = 'create' | 'label' | 'close' | 'reopen' | 'upgrade' | 'escalate'

/** What the run did with one Sentry issue; `would-…` in dry-run. */
export type ResultAction = Done | `would-${Planned}` | 'skipped' | 'failed'

/** One row of the `results` output: one Sentry issue and what the run did with it. */
export interface IssueResult {
  /** `owner/repo` whose issue this row is about (set for every row once the run ends). */
  repository?: string
  sentryId: string
  shortId: string
  title: string
  category: string | null
  severity: string | null
  classifier: 'llm' | 'heuristic' | null
  model: string | null
  action: ResultAction
  githubIssue: string | null
  /** Why it was skipped or failed, or what else happened (grouping, fallback, people's changes). */
  reason?: string
  permalink?: string | null
  tier?: string
  /** CODEOWNERS of the crash frame, as named in the issue (new issues only). */
  owners?: string[]
  /** The suspect commit's sha (new issues only): Sentry's when it names one, else GitHub's blame. */
  suspectCommit?: string | null
  /** `high`/`medium`/`low`: Seer's score when Sentry has one, else the classifier's. */
  fixability?: string | null
  /** The issue opened was labelled `fix-candidate`. */
  fixCandidate?: boolean
  /** Triage labels this run put on an existing GitHub issue: what `labeled` counts. */
  labelsAdded?: string[]
  /** What this run did on the Sentry side for it. */
  sentry?: 'resolved' | 'linked'
  /** A person's change the run left alone (labels, or a reopen after the action's close). */
  kept?: boolean
  /** Dry-run: the issue a real run would open for this row's group, so that groups count once. */
  plannedIssue?: string
}

/** A row for a Sentry issue before the run fills in what it did. */
export function row(
  issue: SentryIssue,
  redact: Redactor,
  extra: Partial<IssueResult> & { action: ResultAction }
): IssueResult {
  return {
    sentryId: issue.id,
    shortId: issue.shortId,
    title: redact(issue.title),
    category: null,
    severity: null,
    classifier: null,
    model: null,
    githubIssue: null,
    permalink: issue.permalink,
    ...extra
  }
}

/** A row carrying a classification (and its fallback reason, if the heuristic stood in). */
export function classifiedRow(
  issue: SentryIssue,
  redact: Redactor,
  c: Classification | null,
  extra: Partial<IssueResult> & { action: ResultAction }
): IssueResult {
  return row(issue, redact, {
    category: c?.category ?? null,
    severity: c?.severity ?? null,
    classifier: c?.classifier ?? null,
    model: c?.model ?? null,
    ...(c ? { fixability: c.fixability ?? null } : {}),
    ...(c?.fallbackReason ? { reason: `heuristic fallback: ${redact(c.fallbackReason)}` } : {}),
    ...extra
  })
}

export interface Tally {
  triaged: number
  created: number
  labeled: number
  skipped: number
  failed: number
  closed: number
  reopened: number
  escalated: number
  upgraded: number
  /** People's changes left alone. */
  kept: number
  /** Dry-run: GitHub issues a real run would open (one per group). */
  wouldCreate: number
  sentryResolved: number
  sentryLinked: number
}

/** Every count of the run, from its rows: GitHub issues count once however many Sentry issues they cover. */
export function tally(results: IssueResult[]): Tally {
  const distinct = (pick: (r: IssueResult) => string | null | undefined | false) =>
    new Set(results.map(pick).filter((v): v is string => typeof v === 'string')).size
  const issuesWith = (...actions: ResultAction[]) =>
    distinct(r => actions.includes(r.action) && r.githubIssue)
  return {
    triaged: results.filter(r => r.classifier !== null && r.action !== 'failed').length,
    created: issuesWith('created'),
    labeled: distinct(
      r => r.action !== 'created' && (r.labelsAdded?.length ?? 0) > 0 && r.githubIssue
    ),
    skipped: results.filter(r => r.action === 'skipped').length,
    failed: results.filter(r => r.action === 'failed').length,
    closed: issuesWith('closed'),
    reopened: issuesWith('reopened'),
    escalated: issuesWith('escalated'),
    upgraded: issuesWith('upgraded'),
    kept: distinct(r => r.kept === true && r.githubIssue),
    wouldCreate: distinct(r => r.action === 'would-create' && r.plannedIssue),
    sentryResolved: results.filter(r => r.sentry === 'resolved').length,
    sentryLinked: results.filter(r => r.sentry === 'linked').length
  }
}

/** Failed rows, each with one warning: they are retried by the next run. */
export function failAll(
  ctx: Pick<TriageDeps, 'log' | 'redact'>,
  issues: SentryIssue[],
  raw: string
): IssueResult[] {
  const reason = ctx.redact(raw)
  return issues.map(issue => {
    ctx.log.warning(`${issue.shortId}: ${reason}`, `Sentry issue ${issue.shortId} failed`)
    return row(issue, ctx.redact, { action: 'failed', reason })
  })
}
