/**
 * Follow-up, the second pass: the GitHub issues the action tracks (open, and closed ones updated
 * within `since`, plus those whose Sentry issue regressed) matched to their Sentry issues' current
 * state, read 100 a request. Each gets at most one step (close, reopen, escalate, upgrade,
 * resolve in Sentry); unchanged state writes nothing.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { WriteContext } from './deps.js'
import { decideFollowUp, type FollowUpStep } from '../plan/followup.js'
import { ClassificationStage, WriteQueue } from '../classify/stage.js'
import { eachLimited } from './concurrency.js'
import { row, type IssueResult, failAll } from '../report/results.js'
import {
  closeIssue,
  pointToRegression,
  reopenIssue,
  resolveAfterClose,
  settleReopen
} from '../writes/state.js'
import { escalate, upgrade } from '../writes/relabel.js'
import { createIssue } from '../writes/create.js'
import { errorMessage } from '../http/client.js'

/** Regressions whose GitHub issue is outside every listing are searched for, this many a run. */
const MAX_SEARCHES = 20

export interface FollowUpOptions {
  /** Only the GitHub issue of this Sentry id (`sentry-issue`, or a webhook for one issue). */
  only?: string
  projectIds: string[]
  /** Sentry ids intake wrote for this run (opened, joined, labelled): already current. */
  handled?: Set<string>
}

/** Each tracked issue with the Sentry ids it is the linked issue of (the open, newest one wins). */
async function trackedWork(
  ctx: WriteContext,
  options: FollowUpOptions
): Promise<Map<GitHubIssue, SentryIssue[]>> {
  const { sentry, config, tracked, log } = ctx
  const known = new Map<string, SentryIssue>()
  if (!options.only) {
    // Regressions come weeks after the close, long outside the listing: found from Sentry's side.
    const regressed = await sentry.listRegressed({
      since: config.since.text,
      projectIds: options.projectIds,
      environment: config.environment
    })
    let searches = 0
    for (const issue of regressed) {
      known.set(issue.id, issue)
      if (tracked.byMarker(issue.id)) continue
      // Reached by its link (read outside the listing): followed like a listed one.
      const linked = await tracked.linkOf(issue)
      if (linked?.marker) {
        tracked.remember(linked)
        continue
      }
      if (searches++ >= MAX_SEARCHES) {
        log.debug(`More than ${MAX_SEARCHES} regressions to search for; the rest next run`)
        break
      }
      const found = await ctx.github.findByMarker(issue.id)
      if (found) tracked.remember(found)
    }
  }
  const ids = new Map<GitHubIssue, string[]>()
  for (const gh of tracked.marked()) {
    // Opened by this run: its state is this minute's, and a heuristic fallback is not retried at once.
    if (ctx.createdNumbers.has(gh.number)) continue
    const own = gh.marker!.ids.filter(
      id => tracked.byMarker(id) === gh && !options.handled?.has(id)
    )
    const wanted = options.only ? own.filter(id => id === options.only) : own
    if (wanted.length > 0) ids.set(gh, wanted)
  }
  const missing = [...new Set([...ids.values()].flat())].filter(id => !known.has(id))
  for (const issue of await sentry.getIssuesByIds(missing)) known.set(issue.id, issue)
  const work = new Map<GitHubIssue, SentryIssue[]>()
  for (const [gh, list] of ids) {
    const issues = list.map(id => known.get(id)).filter((s): s is SentryIssue => s !== undefined)
    if (issues.length > 0) work.set(gh, issues)
  }
  return work
}

export async function runFollowUp(
  ctx: WriteContext,
  stage: ClassificationStage,
  options: FollowUpOptions
): Promise<IssueResult[]> {
  const { config, classifier } = ctx
  const work = await trackedWork(ctx, options)
  const steps: Array<{ gh: GitHubIssue; step: FollowUpStep }> = []
  const decide = {
    closeResolved: config.closeResolved,
    onRegression: config.onRegression,
    resolveInSentry: config.resolveInSentry,
    llmAvailable: config.classifier === 'llm' && classifier.breakerReason === null
  }
  for (const [gh, issues] of work) {
    const step = decideFollowUp(gh, issues, decide)
    if (!step) continue
    steps.push({ gh, step })
  }
  const rows: IssueResult[] = []
  const queue = new WriteQueue()
  const classifies = (s: FollowUpStep) =>
    s.kind === 'escalate' ||
    s.kind === 'upgrade' ||
    s.kind === 'regression-issue' ||
    (s.kind === 'reopen' && s.escalate !== undefined)
  // Re-classification shares max-issues with nothing else this pass; the rest wait a run.
  let budget = config.maxIssues
  await eachLimited(steps, config.maxConcurrency, async ({ gh, step }) => {
    // A reopen happens whether or not its escalation can be classified now (then it waits a run).
    const plain = step.kind === 'reopen' ? { kind: 'reopen' as const, issue: step.issue } : null
    try {
      if (!classifies(step)) {
        // A reopen says which release the regression came back in (the latest event knows).
        const release =
          step.kind === 'reopen' ? ((await stage.event(step.issue))?.release ?? null) : null
        queue.push(async () => void rows.push(...(await writeStep(ctx, gh, step, null, release))))
        return
      }
      if (budget-- <= 0 || ctx.budget?.exhausted) {
        if (plain)
          queue.push(async () => void rows.push(...(await writeStep(ctx, gh, plain, null))))
        return
      }
      const classified = await stage.classify((step as { issue: SentryIssue }).issue)
      // An upgrade is only worth a write when the LLM itself answered.
      if (step.kind === 'upgrade' && classified.classification.classifier !== 'llm') return
      queue.push(async () => void rows.push(...(await writeStep(ctx, gh, step, classified))))
    } catch (error) {
      if (plain) queue.push(async () => void rows.push(...(await writeStep(ctx, gh, plain, null))))
      else rows.push(...failAll(ctx, issuesOf(step), `follow-up failed: ${errorMessage(error)}`))
    }
  })
  await queue.drain()
  return rows
}

function issuesOf(step: FollowUpStep): SentryIssue[] {
  return 'issues' in step ? step.issues : [step.issue]
}

async function writeStep(
  ctx: WriteContext,
  gh: GitHubIssue,
  step: FollowUpStep,
  classified: Awaited<ReturnType<ClassificationStage['classify']>> | null,
  release: string | null = classified?.event?.release ?? null
): Promise<IssueResult[]> {
  try {
    switch (step.kind) {
      case 'close':
        return await closeIssue(ctx, gh, step.issues, step.reason)
      case 'reopen': {
        const reopened = await reopenIssue(ctx, gh, step.issue, release)
        if (!step.escalate || !classified) return [reopened]
        const raised = await escalate(ctx, step.issue, gh, classified.classification, step.escalate)
        return [
          { ...raised, action: reopened.action, reason: `${reopened.reason}; ${raised.reason}` }
        ]
      }
      case 'resolve':
        return await resolveAfterClose(ctx, gh, step.issues)
      case 'kept':
        return step.issues.map(issue =>
          row(issue, ctx.redact, {
            action: 'skipped',
            githubIssue: gh.url,
            reason: step.reason,
            kept: true
          })
        )
      case 'settle':
        await settleReopen(ctx, gh)
        return []
      case 'escalate':
        return [await escalate(ctx, step.issue, gh, classified!.classification, step)]
      case 'upgrade':
        return [await upgrade(ctx, step.issue, gh, classified!.classification)]
      case 'regression-issue': {
        const rows = await createIssue(ctx, {
          issues: [step.issue],
          ...classified!,
          signature: gh.marker?.sig ?? null,
          regressionOf: gh.number
        })
        const url = rows[0]?.githubIssue
        if (url) await pointToRegression(ctx, gh, url)
        return rows
      }
    }
  } catch (error) {
    return failAll(ctx, issuesOf(step), `follow-up of ${gh.url} failed: ${errorMessage(error)}`)
  }
}
