/**
 * One run, in the order data flows: read (Sentry candidates, the GitHub issues the action tracks,
 * what the follow-up needs) → decide (intake and follow-up plans, pure) → check (the rules a plan
 * must pass) → execute (one executor; dry-run its only branch) → the race check → the report.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { TriageDeps } from './deps.js'
import { compareImpact } from '../classify/routing.js'
import { TrackedIndex } from '../track/tracked-index.js'
import { needsIdentity, believe } from '../track/trust.js'
import { ClassificationStage } from '../classify/stage.js'
import { listCandidates, readIntake, type Candidates } from './intake.js'
import { readFollowUp } from './followup.js'
import { decideIntake, type Skip } from '../plan/intake.js'
import { decideFollowUp, type Kept } from '../plan/followup.js'
import { decideRace } from '../plan/race.js'
import type { Step } from '../plan/steps.js'
import { checkPlan, outOfScope, type Dropped } from '../check/rules.js'
import { Executor } from '../execute/executor.js'
import type { WriteIO } from '../execute/io.js'
import { row, tally, type IssueResult, type Tally } from '../report/results.js'
import { errorMessage } from '../http/client.js'
import { findCorrections, type Correction } from '../classify/corrections.js'
import { codeContexts } from './code.js'

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
  /** The plan's steps that broke a rule: dropped, never made. */
  dropped: Array<{ kind: string; target: string | null; rule: string }>
  /** A run for one Sentry issue outside the scope: why nothing was done. */
  outOfScope?: string
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
  const clock = deps.clock ?? { now: () => Date.now(), sleep: defaultSleep }
  const now = new Date(clock.now())
  const single = config.sentryIssue ? await sentry.getIssue(config.sentryIssue) : null
  const candidates: Candidates = single
    ? { issues: passes.intake ? [single] : [], truncated: false, projectIds: [] }
    : passes.intake
      ? await listCandidates(deps)
      : { issues: [], truncated: false, projectIds: [] }
  const stage = new ClassificationStage(deps, [])
  // A run for one Sentry issue (a webhook, sentry-issue) reads nothing more, asks nothing, writes
  // nothing when that issue is outside sentry-projects, environment or sentry-query.
  if (single) {
    const outside = await scopeOfOne(deps, stage, single)
    if (outside) return outOfScopeReport(deps, single, outside)
  }
  if (passes.intake)
    log.info(
      `Sentry: ${candidates.issues.length} issue(s) first seen within ${config.since.text}${config.sentryIssue ? ` (${config.sentryIssue} only)` : ''}`
    )
  const projectIds =
    passes.intake || single
      ? candidates.projectIds
      : await sentry.resolveProjectIds(config.sentryProjects)

  // Fails closed: without this listing nothing may be created, or a re-run would duplicate. A run
  // for one issue lists the open issues only: its closed one is found by its link or one search.
  const listed = await github.listTracked(
    single ? null : closedSince(now, config.since.ms, candidates.issues)
  )
  let self: Promise<string | null> | null = null
  // GraphQL is a POST, and a dry run sends nothing but plain GETs: it believes github-actions[bot]
  // and maintainers only.
  const identity = () => (self ??= config.dryRun ? Promise.resolve(null) : github.whoAmI())
  const tracked = new TrackedIndex(
    listed,
    github,
    `${config.githubServerUrl}/${config.owner}/${config.repo}`,
    listed.some(needsIdentity) ? await identity() : null
  )
  const corrections = config.learnFromCorrections ? correctionsAmong(tracked) : []
  const classify = new ClassificationStage(deps, corrections)
  const repo = `${config.owner}/${config.repo}`

  const intake = passes.intake
    ? decideIntake(await readIntake(deps, tracked, candidates.issues, identity), config, repo)
    : { steps: [], skips: [], deferred: 0 }
  if (intake.deferred > 0)
    log.warning(
      `${intake.deferred} Sentry issue(s) over max-issues (${config.maxIssues}) wait for the next run${config.sentryLink ? '' : `; a run picks them up only while they are first seen within since (${config.since.text}), unless sentry-link keeps the backlog in Sentry`}.`,
      'max-issues reached'
    )
  const follow = passes.followUp
    ? await planFollowUp(
        deps,
        tracked,
        {
          ...(single ? { only: single } : {}),
          projectIds,
          handled: new Set(intake.steps.flatMap(s => s.sentry.map(i => i.id)))
        },
        repo,
        clock.now()
      )
    : { steps: [], kept: [] }

  const checked = checkPlan([...intake.steps, ...follow.steps], { config })
  for (const d of checked.dropped)
    log.warning(
      `Not written: ${d.step.kind} ${d.step.target?.url ?? ''} — ${d.rule}`.replace('  ', ' '),
      'Plan check'
    )
  const io: WriteIO = {
    config,
    github,
    sentry,
    redact: deps.redact,
    log,
    createdAfter: new Date(now.getTime() - CREATED_AFTER_SLACK_MS).toISOString(),
    sleep: clock.sleep,
    now: clock.now,
    retryBaseMs: deps.retryBaseMs ?? 1000,
    ...(deps.budget && 'remainingMs' in deps.budget
      ? { budget: deps.budget as { remainingMs(): number } }
      : {}),
    self: await (self ?? Promise.resolve(null))
  }
  const creates = checked.steps.filter(s => s.kind === 'create')
  const executor = new Executor({
    io,
    dry: config.dryRun,
    stage: classify,
    code: codeContexts(deps, classify, creates, config.dryRun),
    ...(deps.budget ? { budget: deps.budget } : {}),
    maxConcurrency: config.maxConcurrency,
    ...(log.onProgress ? { onProgress: log.onProgress } : {})
  })
  const done = await executor.execute(checked.steps)

  let duplicatesClosed = 0
  if (!config.dryRun && done.created.length > 0) {
    try {
      const recent = (await github.listRecentIssues(io.createdAfter)).map(gh =>
        believe(gh, io.self)
      )
      const race = decideRace(recent, new Set(done.created.map(c => c.number)), repo)
      await executor.execute(race)
      duplicatesClosed = race.length
      for (const step of race)
        if (step.kind === 'close' && step.original) {
          for (const r of done.rows)
            if (r.githubIssue === step.target.url) {
              r.githubIssue = step.original.url
              r.reason = `a concurrent run opened ${step.original.url} first; ${step.target.url} was closed as its duplicate`
            }
          log.warning(
            `Closed ${step.target.url} as a duplicate of ${step.original.url} (a concurrent run opened it first)`,
            'Duplicate closed'
          )
        }
    } catch (error) {
      log.warning(
        `Could not check for duplicates from a concurrent run: ${errorMessage(error)}`,
        'Duplicate check'
      )
    }
  }
  const rows = [...keptRows(deps, follow.kept), ...droppedRows(deps, checked.dropped), ...done.rows]
  // What the follow-up did (or left alone, on purpose) replaces intake's "already triaged".
  const said = new Set(rows.map(r => r.sentryId))
  const skips = skipRows(deps, intake.skips).filter(r => !said.has(r.sentryId))
  const results = mergeRows([...skips, ...rows], candidates.issues)
  return {
    results,
    ...tally(results),
    deferred: intake.deferred,
    listingTruncated: candidates.truncated,
    duplicatesClosed,
    breakerReason: deps.classifier.breakerReason,
    capReason: deps.classifier.capReason,
    dryRun: config.dryRun,
    corrections: { seen: corrections.length, used: classify.usedCorrections.size },
    dropped: checked.dropped.map(d => ({
      kind: d.step.kind,
      target: d.step.target?.url ?? null,
      rule: d.rule
    }))
  }
}

const defaultSleep = (ms: number) => new Promise<void>(resolve => setTimeout(resolve, ms))

/** The follow-up's decisions, with its own classification budget (max-issues). */
async function planFollowUp(
  deps: TriageDeps,
  tracked: TrackedIndex,
  scope: Parameters<typeof readFollowUp>[2],
  repo: string,
  now: number
): Promise<{ steps: Step[]; kept: Kept[] }> {
  const { config, classifier } = deps
  const read = await readFollowUp(deps, tracked, scope)
  const steps: Step[] = []
  const kept: Kept[] = []
  let budget = config.maxIssues
  for (const [gh, issues] of read.work) {
    const decision = decideFollowUp(gh, issues, {
      ...config,
      repo,
      llmAvailable: config.classifier === 'llm' && classifier.breakerReason === null,
      returnedAt: read.returnedAt,
      now
    })
    if (!decision) continue
    if (decision.kind === 'kept') {
      kept.push(decision)
      continue
    }
    // Re-classification shares max-issues with nothing else this pass; the rest wait a run (a
    // reopen happens all the same, its escalation waits).
    if (decision.classify && budget-- <= 0) {
      if (decision.kind === 'reopen') {
        const plain = { ...decision }
        delete plain.escalate
        delete plain.classify
        steps.push(plain)
      }
      continue
    }
    steps.push(decision)
  }
  return { steps, kept }
}

/** Why one Sentry issue is outside the scope, or null: its project and level, and its environment. */
async function scopeOfOne(
  deps: TriageDeps,
  stage: ClassificationStage,
  issue: SentryIssue
): Promise<string | null> {
  const { config } = deps
  const outside = outOfScope(issue, { config })
  if (outside) return outside
  // Sentry has no latest event of the issue in that environment: it is not one of its issues.
  if (config.environment && (await stage.event(issue)) === null)
    return `has no event in environment '${config.environment}'`
  return null
}

function outOfScopeReport(deps: TriageDeps, issue: SentryIssue, why: string): TriageReport {
  const reason = `outside the scope: ${issue.shortId} ${why}; nothing was written and the LLM was not asked`
  deps.log.info(reason)
  const results = [row(issue, deps.redact, { action: 'skipped', reason })]
  return {
    results,
    ...tally(results),
    deferred: 0,
    listingTruncated: false,
    duplicatesClosed: 0,
    breakerReason: null,
    capReason: null,
    dryRun: deps.config.dryRun,
    corrections: { seen: 0, used: 0 },
    dropped: [],
    outOfScope: reason
  }
}

function skipRows(deps: TriageDeps, skips: Skip[]): IssueResult[] {
  return skips.map(s =>
    row(s.issue, deps.redact, {
      action: 'skipped',
      githubIssue: s.githubIssue ?? null,
      reason: s.reason,
      ...(s.kept ? { kept: true } : {})
    })
  )
}

function keptRows(deps: TriageDeps, kept: Kept[]): IssueResult[] {
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

function droppedRows(deps: TriageDeps, dropped: Dropped[]): IssueResult[] {
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
function mergeRows(rows: IssueResult[], order: SentryIssue[]): IssueResult[] {
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
