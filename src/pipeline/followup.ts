/**
 * Follow-up's reads: the GitHub issues the action tracks (open, and closed ones updated within
 * `since`, plus those whose Sentry issue regressed) matched to their Sentry issues' current state,
 * read 100 a request, and when each came back, for the few that need it. The decisions are in
 * plan/followup.ts.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { TriageDeps } from './deps.js'
import type { TrackedIndex } from '../track/tracked-index.js'
import type { Step } from '../plan/steps.js'
import { decideFollowUp, type Kept } from '../plan/followup.js'
import { decideReleaseFollowUp } from '../plan/floods.js'
import { capRefreshes, withLiving } from '../plan/living.js'
import { errorMessage } from '../report/error-message.js'

/** Regressions whose GitHub issue is outside every listing are searched for, this many a run. */
const MAX_SEARCHES = 20

export interface FollowUpScope {
  /** Only the GitHub issue of this Sentry issue (`sentry-issue`, or a webhook for one issue). */
  only?: SentryIssue
  projectIds: string[]
  /** Sentry ids intake plans to write for this run (open, join, label): already current. */
  handled: ReadonlySet<string>
}

export interface FollowUpRead {
  /** Each tracked issue with the Sentry issues it is the linked issue of (the open, newest one wins). */
  work: Map<GitHubIssue, SentryIssue[]>
  /** When each live Sentry issue of a closed GitHub issue last came back (its activity). */
  returnedAt: Map<string, string>
}

export async function readFollowUp(
  deps: TriageDeps,
  tracked: TrackedIndex,
  scope: FollowUpScope
): Promise<FollowUpRead> {
  const known = new Map<string, SentryIssue>()
  if (scope.only) {
    // Its GitHub issue was looked for when the tracked issues were read; nothing else is read.
    known.set(scope.only.id, scope.only)
  } else await readRegressed(deps, tracked, scope, known)
  const ids = new Map<GitHubIssue, string[]>()
  for (const gh of tracked.marked()) {
    // A release issue follows every row, its promoted ones too (they close it when resolved); the
    // same batched reads carry them.
    const release = gh.marker!.release
    const own = release
      ? release.rows.map(r => r.id)
      : gh.marker!.ids.filter(id => tracked.byMarker(id) === gh && !scope.handled.has(id))
    const wanted = scope.only ? own.filter(id => id === scope.only!.id) : own
    if (wanted.length > 0) ids.set(gh, wanted)
  }
  const missing = [...new Set([...ids.values()].flat())].filter(id => !known.has(id))
  for (const issue of await deps.sentry.getIssuesByIds(missing)) known.set(issue.id, issue)
  const work = new Map<GitHubIssue, SentryIssue[]>()
  for (const [gh, list] of ids) {
    const issues = list.map(id => known.get(id)).filter((s): s is SentryIssue => s !== undefined)
    if (issues.length > 0) work.set(gh, issues)
  }
  return { work, returnedAt: await readReturns(deps, work) }
}

/** Regressions come weeks after the close, long outside the listing: found from Sentry's side. */
async function readRegressed(
  deps: TriageDeps,
  tracked: TrackedIndex,
  scope: FollowUpScope,
  known: Map<string, SentryIssue>
): Promise<void> {
  const { sentry, config, log } = deps
  const regressed = await sentry.listRegressed({
    since: config.since.text,
    projectIds: scope.projectIds,
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
    await tracked.findByMarker(issue.id)
  }
}

/**
 * A closed GitHub issue whose Sentry issue is live again reopens only if it came back after the
 * close: the listing has no such date, the issue's activity has (one read each, only for these).
 */
async function readReturns(
  deps: TriageDeps,
  work: Map<GitHubIssue, SentryIssue[]>
): Promise<Map<string, string>> {
  const returnedAt = new Map<string, string>()
  for (const [gh, issues] of work) {
    if (gh.state !== 'closed') continue
    for (const s of issues) {
      if (
        s.status !== 'unresolved' ||
        (s.substatus !== 'regressed' && s.substatus !== 'escalating')
      )
        continue
      try {
        const at = await deps.sentry.getReturnedAt(s.id)
        if (at) returnedAt.set(s.id, at)
      } catch (error) {
        deps.log.debug(`When ${s.shortId} came back was not read: ${errorMessage(error)}`)
      }
    }
  }
  return returnedAt
}

/** The follow-up's decisions, with its own classification budget (max-issues). */
export async function planFollowUp(
  deps: TriageDeps,
  tracked: TrackedIndex,
  scope: FollowUpScope,
  repo: string,
  now: number
): Promise<{ steps: Step[]; kept: Kept[] }> {
  const { config, classifier } = deps
  const read = await readFollowUp(deps, tracked, scope)
  const steps: Step[] = []
  const kept: Kept[] = []
  let budget = config.maxIssues
  for (const [gh, issues] of read.work) {
    if (gh.marker?.release) {
      // Promotions are classified: they share max-issues like every re-classification here.
      const release = decideReleaseFollowUp(gh, issues, { repo, createIssues: config.createIssues })
      const promotions = release.filter(s => s.kind === 'create').length
      const fits = promotions <= budget
      if (fits) budget -= promotions
      steps.push(...(fits ? release : withoutPromotions(release)))
      continue
    }
    const decision = withLiving(
      decideFollowUp(gh, issues, {
        ...config,
        repo,
        llmAvailable: config.classifier === 'llm' && classifier.breakerReason === null,
        returnedAt: read.returnedAt,
        now
      }),
      gh,
      issues,
      { repo, refresh: config.refresh, now }
    )
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
  const capped = capRefreshes(steps, config)
  if (capped.waiting > 0)
    deps.log.info(
      `${capped.waiting} impact refresh(es) over max-refresh-writes (${config.maxRefreshWrites}) wait for the next run`
    )
  return { steps: capped.steps, kept }
}

/** A release issue's update without its promotions (over max-issues: they wait a run). */
function withoutPromotions(steps: Step[]): Step[] {
  return steps.flatMap((s): Step[] => {
    if (s.kind === 'create' || s.kind === 'sub-issue') return []
    if (s.kind !== 'release') return [s]
    const promoted = new Set(s.own.map(o => o.issue.id))
    const sentry = s.sentry.filter(i => !promoted.has(i.id) || s.current.some(c => c.id === i.id))
    return s.current.length > 0 || s.close ? [{ ...s, own: [], sentry }] : []
  })
}
