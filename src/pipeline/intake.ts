/**
 * Intake, the first pass: Sentry issues first seen within `since` (or the one named) that are not
 * yet triaged → classify, max-concurrency at a time → open, join or label, serially, as each
 * classification finishes. A failure on one Sentry issue is recorded and the others go on.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { TriageDeps, WriteContext } from './deps.js'
import { compareImpact } from '../classify/routing.js'
import { issueSignature } from '../classify/signature.js'
import { changedByPerson, hasTriageLabels } from '../track/labels.js'
import { row, type IssueResult, failAll } from '../report/results.js'
import { ClassificationStage, WriteQueue, type Classified } from '../classify/stage.js'
import { eachLimited } from './concurrency.js'
import { labelLinked } from '../writes/label.js'
import { joinShared } from '../writes/join.js'
import { createIssue } from '../writes/create.js'
import { labelSpec } from '../track/labels.js'
import { errorMessage } from '../http/client.js'
import { resolveCodeContexts, type CodeContext } from '../code/context.js'

export interface Candidates {
  issues: SentryIssue[]
  truncated: boolean
  /** The `sentry-projects` ids, resolved once: the follow-up's regressed listing uses them too. */
  projectIds: string[]
}

/** The Sentry issues this run may triage: the one named, or those first seen within `since`. */
export async function listCandidates(deps: TriageDeps): Promise<Candidates> {
  const { config, sentry, log } = deps
  if (config.sentryIssue)
    return { issues: [await sentry.getIssue(config.sentryIssue)], truncated: false, projectIds: [] }
  const projectIds = await sentry.resolveProjectIds(config.sentryProjects)
  // With sentry-link, what is filed is linked in Sentry: the backlog is whatever is still unlinked.
  const query =
    config.sentryLink && !/\bis:(un)?linked\b/.test(config.sentryQuery)
      ? `${config.sentryQuery} is:unlinked`.trim()
      : config.sentryQuery
  const listing = await sentry.listNewIssues({
    query,
    since: config.since.text,
    projectIds,
    environment: config.environment
  })
  if (listing.truncated)
    log.warning(
      'Sentry returned more pages than the page cap; the rest are picked up by the next run.',
      'Sentry listing truncated'
    )
  return { issues: listing.issues, truncated: listing.truncated, projectIds }
}

interface Member {
  issue: SentryIssue
  linked: GitHubIssue | null
}

/** Sentry issues of one signature (or one alone), classified once. */
interface Group {
  signature: string | null
  members: Member[]
}

interface Plan {
  groups: Group[]
  rows: IssueResult[]
  deferred: number
}

/**
 * Skips what is linked and triaged (a person's labels included) and, with `create-issues: false`,
 * what has no GitHub issue, before any classification; then the highest impact first, up to
 * max-issues, grouped by signature.
 */
async function planIntake(ctx: WriteContext, candidates: SentryIssue[]): Promise<Plan> {
  const { config, redact } = ctx
  const rows: IssueResult[] = []
  const pending: Member[] = []
  for (const issue of candidates) {
    const linked = await ctx.tracked.linkOf(issue)
    if (linked && (hasTriageLabels(linked) || linked.marker?.applied)) {
      const person = changedByPerson(linked.labels, linked.marker?.applied)
      const kept = person.category || person.severity
      rows.push(
        row(issue, redact, {
          action: 'skipped',
          githubIssue: linked.url,
          reason: kept
            ? 'already triaged; its labels were changed by a person and are left alone'
            : 'already linked and triaged',
          ...(kept ? { kept: true } : {})
        })
      )
    } else if (!linked && !config.createIssues) {
      const shared = ctx.tracked.forSignature(config.groupSimilar ? issueSignature(issue) : null)
      rows.push(
        row(issue, redact, {
          action: 'skipped',
          reason: `not linked to a GitHub issue; create-issues is false${shared ? ` (same signature as ${shared.url})` : ''}`
        })
      )
    } else pending.push({ issue, linked })
  }
  pending.sort((a, b) => compareImpact(a.issue, b.issue))
  const over = pending.slice(config.maxIssues)
  for (const { issue, linked } of over)
    rows.push(
      row(issue, redact, {
        action: 'skipped',
        githubIssue: linked?.url ?? null,
        reason: `over max-issues (${config.maxIssues}); next run`
      })
    )
  const groups: Group[] = []
  const bySignature = new Map<string, Group>()
  for (const member of pending.slice(0, config.maxIssues)) {
    const signature = config.groupSimilar ? issueSignature(member.issue) : null
    const existing = signature ? bySignature.get(signature) : undefined
    if (existing) existing.members.push(member)
    else {
      const group = { signature, members: [member] }
      groups.push(group)
      if (signature) bySignature.set(signature, group)
    }
  }
  return { groups, rows, deferred: over.length }
}

export interface IntakeResult {
  rows: IssueResult[]
  deferred: number
}

export async function runIntake(
  ctx: WriteContext,
  stage: ClassificationStage,
  candidates: SentryIssue[]
): Promise<IntakeResult> {
  const { config, log } = ctx
  const plan = await planIntake(ctx, candidates)
  const rows = [...plan.rows]
  if (plan.deferred > 0)
    log.warning(
      `${plan.deferred} Sentry issue(s) over max-issues (${config.maxIssues}) wait for the next run${config.sentryLink ? '' : `; a run picks them up only while they are first seen within since (${config.since.text}), unless sentry-link keeps the backlog in Sentry`}.`,
      'max-issues reached'
    )
  const joinsUnclassified = (group: Group): boolean => {
    const shared = ctx.tracked.forSignature(group.signature)
    return !!shared && hasTriageLabels(shared) && group.members.every(m => !m.linked)
  }
  const toClassify = plan.groups.filter(g => !joinsUnclassified(g))
  // Stack context is fetched ahead of the LLM slots (memoised, so never twice): no slot waits on Sentry.
  const prefetch = eachLimited(toClassify, config.maxConcurrency, async group => {
    if (!ctx.budget?.exhausted) await stage.event(group.members[0]!.issue)
  })
  const code = codeContexts(ctx, stage, toClassify, prefetch).catch((error: unknown) => {
    log.warning(`Code context was not looked up: ${errorMessage(error)}`, 'Code context')
    return new Map<string, CodeContext>()
  })
  // The labels every new issue carries are created while the first classifications run.
  const queue = new WriteQueue()
  if (!ctx.dry && config.createIssues && plan.groups.some(g => g.members.some(m => !m.linked)))
    queue.push(() =>
      ctx.github
        .ensureLabels(config.labels.map(labelSpec))
        .catch((error: unknown) => log.debug(`Labels not created ahead: ${errorMessage(error)}`))
    )
  let progressed = 0
  await eachLimited(plan.groups, config.maxConcurrency, async group => {
    const issues = group.members.map(m => m.issue)
    if (ctx.budget?.exhausted) {
      rows.push(
        ...failAll(
          ctx,
          issues,
          `the time budget (time-budget: ${config.timeBudgetMs / 1000}s) was spent before it was classified`
        )
      )
      return
    }
    let classified: Classified | null = null
    try {
      if (!joinsUnclassified(group)) {
        classified = await stage.classify(issues[0]!)
        log.onProgress?.(++progressed, toClassify.length)
      }
    } catch (error) {
      rows.push(...failAll(ctx, issues, `classification failed: ${errorMessage(error)}`))
      return
    }
    queue.push(async () => void rows.push(...(await writeGroup(ctx, group, classified, code))))
  })
  await prefetch
  await queue.drain()
  return { rows, deferred: plan.deferred }
}

/** One group's writes: label its linked members, then join the shared issue or open a new one. */
async function writeGroup(
  ctx: WriteContext,
  group: Group,
  classified: Classified | null,
  code: Promise<Map<string, CodeContext>>
): Promise<IssueResult[]> {
  const rows: IssueResult[] = []
  for (const { issue, linked } of group.members.filter(m => m.linked)) {
    try {
      if (!classified) throw new Error('no classification')
      rows.push(
        await labelLinked(ctx, issue, linked!, classified.classification, classified.route.tier)
      )
    } catch (error) {
      rows.push(...failAll(ctx, [issue], errorMessage(error)))
    }
  }
  const unlinked = group.members.filter(m => !m.linked).map(m => m.issue)
  if (unlinked.length === 0) return rows
  const shared = ctx.tracked.forSignature(group.signature)
  try {
    if (shared && (!classified || hasTriageLabels(shared)))
      rows.push(...(await joinShared(ctx, unlinked, shared)))
    else if (!classified) throw new Error('no classification')
    else
      rows.push(
        ...(await createIssue(ctx, {
          issues: unlinked,
          ...classified,
          signature: group.signature,
          code: (await code).get(unlinked[0]!.id) ?? null
        }))
      )
  } catch (error) {
    rows.push(...failAll(ctx, unlinked, errorMessage(error)))
  }
  return rows
}

/**
 * Permalinks, owners and suspect commits for the issues this run may open, looked up together once
 * their latest events are in (blame is batched across them), while the classifications run. Missing
 * pieces never block an issue: each kind is one warning.
 */
async function codeContexts(
  ctx: WriteContext,
  stage: ClassificationStage,
  groups: Group[],
  eventsFetched: Promise<void>
): Promise<Map<string, CodeContext>> {
  const { config, github, sentry, log } = ctx
  const leads = groups
    .filter(g => g.members.some(m => !m.linked) && !ctx.tracked.forSignature(g.signature))
    .map(g => g.members.find(m => !m.linked)!.issue)
  // Dry-run shows what would be opened, not its code context: blame is a GraphQL POST, and a dry
  // run sends nothing but plain reads.
  if (ctx.dry || leads.length === 0 || (!config.codeLinks && config.assign.length === 0))
    return new Map()
  await eventsFetched
  const items = await Promise.all(
    leads.map(async issue => ({ sentryId: issue.id, event: await stage.event(issue) }))
  )
  const { contexts, warnings } = await resolveCodeContexts(
    { config, octokit: github.octokit, sentry, debug: m => log.debug(m) },
    items
  )
  for (const warning of warnings) log.warning(warning.message, 'Code context')
  return contexts
}
