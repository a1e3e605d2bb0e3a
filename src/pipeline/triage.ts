/**
 * One run: the Sentry candidates, the GitHub issues the action tracks, then the two passes —
 * intake (new Sentry issues → classified → opened, joined or labelled) and follow-up (tracked
 * issues kept in step with Sentry) — then the race check, then the counts.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { TriageDeps, WriteContext } from './deps.js'
import { compareImpact } from '../classify/routing.js'
import { TrackedIndex } from '../track/tracked-index.js'
import { ClassificationStage } from '../classify/stage.js'
import { listCandidates, runIntake, type Candidates } from './intake.js'
import { runFollowUp } from './followup.js'
import { closeRaceDuplicates } from '../writes/race.js'
import { tally, type IssueResult, type Tally } from '../report/results.js'
import { errorMessage } from '../http/client.js'
import { findCorrections, type Correction } from '../classify/corrections.js'

export type { Logger, TriageDeps } from './deps.js'
export type { IssueResult, ResultAction } from '../report/results.js'

export interface TriageReport extends Tally {
  results: IssueResult[]
  /** Over max-issues, left for the next run. */
  deferred: number
  listingTruncated: boolean
  duplicatesClosed: number
  breakerReason: string | null
  /** Why the spend cap stopped LLM requests, if it did. */
  capReason: string | null
  dryRun: boolean
  /** People's corrections seen among the listed issues, and those used in prompts or rules. */
  corrections: { seen: number; used: number }
}

/** Which passes run: both on a schedule; one issue's follow-up alone for a webhook that says so. */
export interface Passes {
  intake: boolean
  followUp: boolean
}

/** Slack for clocks: an issue created a little before `firstSeen` by a skewed clock still counts. */
const LISTING_SKEW_MS = 60 * 60 * 1000
/** Issues created this long before the run may be this run's own (lost answers, racing runs). */
const CREATED_AFTER_SLACK_MS = 5 * 60_000

export async function runTriage(
  deps: TriageDeps,
  passes: Passes = { intake: true, followUp: true }
): Promise<TriageReport> {
  const { config, sentry, github, log } = deps
  const now = (deps.now ?? (() => new Date()))()
  const candidates: Candidates = passes.intake
    ? await listCandidates(deps)
    : { issues: [], truncated: false, projectIds: [] }
  if (passes.intake)
    log.info(
      `Sentry: ${candidates.issues.length} issue(s) first seen within ${config.since.text}${config.sentryIssue ? ` (${config.sentryIssue} only)` : ''}`
    )
  // A follow-up alone (a webhook) names its issue: it needs no project ids.
  const projectIds =
    passes.intake || config.sentryIssue
      ? candidates.projectIds
      : await sentry.resolveProjectIds(config.sentryProjects)

  // Fails closed: without this listing nothing may be created, or a re-run would duplicate.
  const issues = await github.listTracked(closedSince(now, config.since.ms, candidates.issues))
  const ctx: WriteContext = {
    ...deps,
    dry: config.dryRun,
    tracked: new TrackedIndex(
      issues,
      github,
      `${config.githubServerUrl}/${config.owner}/${config.repo}`
    ),
    createdAfter: new Date(now.getTime() - CREATED_AFTER_SLACK_MS).toISOString(),
    createdNumbers: new Set()
  }
  const corrections = config.learnFromCorrections ? correctionsAmong(ctx.tracked) : []
  const stage = new ClassificationStage(deps, corrections)
  const intake = passes.intake
    ? await runIntake(ctx, stage, candidates.issues)
    : { rows: [], deferred: 0 }
  const followUp = passes.followUp
    ? await runFollowUp(ctx, stage, {
        projectIds,
        handled: new Set(intake.rows.filter(r => r.action !== 'skipped').map(r => r.sentryId)),
        ...(config.sentryIssue ? { only: config.sentryIssue } : {})
      })
    : []
  const results = mergeRows(intake.rows, followUp, candidates.issues)

  let duplicatesClosed = 0
  if (!ctx.dry && ctx.createdNumbers.size > 0) {
    try {
      duplicatesClosed = await closeRaceDuplicates(ctx, results)
    } catch (error) {
      log.warning(
        `Could not check for duplicates from a concurrent run: ${errorMessage(error)}`,
        'Duplicate check'
      )
    }
  }
  return {
    results,
    ...tally(results),
    deferred: intake.deferred,
    listingTruncated: candidates.truncated,
    duplicatesClosed,
    breakerReason: deps.classifier.breakerReason,
    capReason: deps.classifier.capReason,
    dryRun: config.dryRun,
    corrections: { seen: corrections.length, used: stage.usedCorrections.size }
  }
}

/** People's corrections among the issues the run listed anyway: no request of their own. */
function correctionsAmong(tracked: TrackedIndex): Correction[] {
  return findCorrections(
    tracked.marked().map(gh => ({
      number: gh.number,
      title: gh.title,
      labels: gh.labels,
      signature: gh.marker?.sig ?? null,
      applied: gh.marker?.applied ?? null
    }))
  )
}

/**
 * Closed issues matter when updated within `since` (the follow-up) or created after the earliest
 * candidate was first seen (intake's links), whichever reaches further back.
 */
function closedSince(now: Date, sinceMs: number, candidates: SentryIssue[]): string {
  const firstSeen = candidates.map(c => (c.firstSeen ? Date.parse(c.firstSeen) : Number.NaN))
  const earliest = Math.min(now.getTime() - sinceMs, ...firstSeen.filter(t => !Number.isNaN(t)))
  return new Date(earliest - LISTING_SKEW_MS).toISOString()
}

/** One row per Sentry issue: what the follow-up did replaces intake's "already triaged". */
function mergeRows(
  intake: IssueResult[],
  followUp: IssueResult[],
  order: SentryIssue[]
): IssueResult[] {
  const followed = new Set(followUp.map(r => r.sentryId))
  const rows = [
    ...intake.filter(r => !(r.action === 'skipped' && followed.has(r.sentryId))),
    ...followUp
  ]
  // Most urgent first, as the candidates were ordered; follow-up rows for older issues after them.
  const rank = new Map(order.map(c => [c.id, c]))
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      const x = rank.get(a.r.sentryId)
      const y = rank.get(b.r.sentryId)
      if (x && y) return compareImpact(x, y)
      return Number(!x) - Number(!y) || a.i - b.i
    })
    .map(({ r }) => r)
}
