/**
 * One run, in the order data flows: read (Sentry candidates, the GitHub issues the action tracks,
 * what the follow-up needs) → decide (intake and follow-up plans, pure) → check (the rules a plan
 * must pass) → execute (one executor; dry-run its only branch) → the race check → the report.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { TriageDeps } from './deps.js'
import { TrackedIndex } from '../track/tracked-index.js'
import { needsIdentity } from '../track/trust.js'
import { ClassificationStage } from '../classify/stage.js'
import { listCandidates, readIntake, type Candidates } from './intake.js'
import { planFollowUp } from './followup.js'
import { closeRaceDuplicates } from './race.js'
import { droppedRows, keptRows, mergeRows, skipRows } from './rows.js'
import { decideIntake, type Skip } from '../plan/intake.js'
import { mergeReleaseSteps } from '../plan/floods.js'
import type { Kept } from '../plan/followup.js'
import { checkPlan, outOfScope, type CheckedPlan } from '../check/rules.js'
import { Executor } from '../execute/executor.js'
import type { WriteIO } from '../execute/io.js'
import { row, tally, type IssueResult, type Tally } from '../report/results.js'
import { findCorrections, type Correction } from '../classify/corrections.js'
import { codeContexts } from './code.js'
import { eachLimited } from './concurrency.js'
import { sentrySignals } from './signals.js'
import { realClock } from '../http/retry.js'
import { floodsAndRefreshes, type FloodReport, type RefreshReport } from '../report/floods.js'

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
  /** Release issues written this run (floods), and the impact refreshes with why. */
  floods?: FloodReport[]
  refreshed?: RefreshReport[]
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
  const { config, sentry, log } = deps
  const clock = deps.clock ?? realClock
  const now = new Date(clock.now())
  const single = config.sentryIssue ? await sentry.getIssue(config.sentryIssue) : null
  const candidates: Candidates = single
    ? { issues: passes.intake ? [single] : [], truncated: false, projectIds: [] }
    : passes.intake
      ? await listCandidates(deps)
      : { issues: [], truncated: false, projectIds: [] }
  const stage = new ClassificationStage(deps)
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
  const { tracked, identity } = await readTracked(deps, single, candidates.issues, now)
  const corrections = config.learnFromCorrections ? correctionsAmong(tracked) : []
  stage.learnFrom(corrections)

  const plan = await decidePlan(deps, tracked, identity, stage, {
    passes,
    single,
    candidates: candidates.issues,
    projectIds,
    now: clock.now()
  })
  const io: WriteIO = {
    config,
    github: deps.github,
    sentry,
    redact: deps.redact,
    log,
    createdAfter: new Date(now.getTime() - CREATED_AFTER_SLACK_MS).toISOString(),
    sleep: clock.sleep,
    now: clock.now,
    retryBaseMs: deps.retryBaseMs ?? 1000,
    ...(deps.budget ? { budget: deps.budget } : {}),
    self: await identity.known()
  }
  const executor = new Executor({
    io,
    dry: config.dryRun,
    stage,
    code: codeContexts(
      deps,
      stage,
      plan.checked.steps.filter(s => s.kind === 'create'),
      config.dryRun
    ),
    signals: sentrySignals(
      deps,
      plan.checked.steps.filter(s => s.kind === 'create'),
      config.dryRun
    ).catch(() => new Map()),
    ...(deps.budget ? { budget: deps.budget } : {}),
    maxConcurrency: config.maxConcurrency,
    ...(deps.oneOfMany ? { oneOfMany: true } : {}),
    ...(log.onProgress ? { onProgress: log.onProgress } : {})
  })
  // The new issues' first and latest releases (their issue detail, read once a run) are fetched
  // while the classifications run, not one by one in the write chain.
  if (!config.dryRun)
    void eachLimited(
      plan.checked.steps.filter(s => s.kind === 'create').map(s => s.sentry[0]!),
      config.maxConcurrency,
      async issue => void (await sentry.getIssueReleases(issue.id).catch(() => null))
    )
  const done = await executor.execute(plan.checked.steps)
  const duplicatesClosed = config.dryRun ? 0 : await closeRaceDuplicates(io, executor, done)

  const rows = [
    ...keptRows(deps, plan.kept),
    ...droppedRows(deps, plan.checked.dropped),
    ...done.rows
  ]
  // What the follow-up did (or left alone, on purpose) replaces intake's "already triaged".
  const said = new Set(rows.map(r => r.sentryId))
  const skips = skipRows(deps, plan.skips).filter(r => !said.has(r.sentryId))
  const results = mergeRows([...skips, ...rows], candidates.issues)
  for (const r of results) r.repository = `${config.owner}/${config.repo}`
  const told = floodsAndRefreshes(done.made, done.opened)
  const counts = tally(results)
  return {
    results,
    ...counts,
    // A release issue is a GitHub issue opened too, though no Sentry issue's row names it as created.
    created: counts.created + told.floods.filter(f => f.openedNow).length,
    deferred: plan.deferred,
    listingTruncated: candidates.truncated,
    duplicatesClosed,
    breakerReason: deps.classifier.breakerReason,
    capReason: deps.classifier.capReason,
    dryRun: config.dryRun,
    corrections: { seen: corrections.length, used: stage.usedCorrections.size },
    dropped: plan.checked.dropped.map(d => ({
      kind: d.step.kind,
      target: d.step.target?.url ?? null,
      rule: d.rule
    })),
    ...told
  }
}

/** Who the token is, asked once and only when a decision needs it. */
interface Identity {
  (): Promise<string | null>
  /** The answer if it was asked, else null (nothing more is believed than without it). */
  known(): Promise<string | null>
}

/**
 * The GitHub issues the run may find linked. Fails closed: without this listing nothing may be
 * created, or a re-run would duplicate. A run for one issue lists the open issues only: its closed
 * one is found by its link or one search.
 */
async function readTracked(
  deps: TriageDeps,
  single: SentryIssue | null,
  candidates: SentryIssue[],
  now: Date
): Promise<{ tracked: TrackedIndex; identity: Identity }> {
  const { config, github } = deps
  const listed = await github.listTracked(
    single ? null : closedSince(now, config.since.ms, candidates)
  )
  let self: Promise<string | null> | null = null
  // GraphQL is a POST, and a dry run sends nothing but plain GETs: it believes github-actions[bot]
  // and maintainers only.
  const identity = Object.assign(
    () => (self ??= config.dryRun ? Promise.resolve(null) : github.whoAmI()),
    { known: () => self ?? Promise.resolve(null) }
  )
  const tracked = new TrackedIndex(
    listed,
    github,
    `${config.githubServerUrl}/${config.owner}/${config.repo}`,
    listed.some(needsIdentity) ? await identity() : null
  )
  // One issue: its GitHub issue is in the open listing, or found by its link or one marker search,
  // however long ago it was closed — before intake decides, or a regression alert would open a
  // second issue for it.
  if (single && !tracked.byMarker(single.id)) {
    const linked = await tracked.linkOf(single)
    if (linked?.marker) tracked.remember(linked)
    else if (!linked) await tracked.findByMarker(single.id)
  }
  return { tracked, identity }
}

interface Plan {
  checked: CheckedPlan
  skips: Skip[]
  kept: Kept[]
  deferred: number
}

/** Intake's and the follow-up's decisions, then the check: the whole plan, before any write. */
async function decidePlan(
  deps: TriageDeps,
  tracked: TrackedIndex,
  identity: Identity,
  stage: ClassificationStage,
  read: {
    passes: Passes
    single: SentryIssue | null
    candidates: SentryIssue[]
    projectIds: string[]
    now: number
  }
): Promise<Plan> {
  const { config, log } = deps
  const repo = `${config.owner}/${config.repo}`
  const intake = read.passes.intake
    ? decideIntake(await readIntake(deps, tracked, read.candidates, identity, stage), config, repo)
    : { steps: [], skips: [], deferred: 0 }
  if (intake.deferred > 0)
    log.warning(
      `${intake.deferred} Sentry issue(s) over max-issues (${config.maxIssues}) wait for the next run${config.sentryLink ? '' : `; a run picks them up only while they are first seen within since (${config.since.text}), unless sentry-link keeps the backlog in Sentry`}.`,
      'max-issues reached'
    )
  const follow = read.passes.followUp
    ? await planFollowUp(
        deps,
        tracked,
        {
          ...(read.single ? { only: read.single } : {}),
          projectIds: read.projectIds,
          handled: new Set(intake.steps.flatMap(s => s.sentry.map(i => i.id)))
        },
        repo,
        read.now
      )
    : { steps: [], kept: [] }
  // One step per release issue: intake's new arrivals and the follow-up's rows in one write.
  const checked = checkPlan(mergeReleaseSteps([...intake.steps, ...follow.steps]), { config })
  for (const d of checked.dropped)
    log.warning(
      `Not written: ${d.step.kind}${d.step.target ? ` ${d.step.target.url}` : ''} — ${d.rule}`,
      'Plan check'
    )
  return { checked, skips: intake.skips, kept: follow.kept, deferred: intake.deferred }
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
  const repository = `${deps.config.owner}/${deps.config.repo}`
  const results = [row(issue, deps.redact, { action: 'skipped', reason, repository })]
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
