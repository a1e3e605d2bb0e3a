import type { Config } from './config.js'
import type { SentryClient, SentryIssue, EventContext } from './sentry.js'
import type { GitHubClient, GitHubIssue } from './github.js'
import type { Classifier } from './classify/classifier.js'
import type { Redactor } from './redact.js'
import {
  compareImpact,
  impactTier,
  routeIssue,
  TIER_RANK,
  type Route,
  type Tier
} from './classify/routing.js'
import { issueSignature } from './signature.js'
import type { Classification } from './taxonomy.js'
import { hasTriageLabels, labelSpec } from './labels.js'
import { Sync, row } from './sync.js'
import { errorMessage } from './http.js'

export interface Logger {
  info(message: string): void
  warning(message: string, title?: string): void
  debug(message: string): void
  /** After each classification: how many of this run's classifications are done (the CLI's progress line). */
  onProgress?(classified: number, total: number): void
}

export type ResultAction =
  'created' | 'labeled' | 'skipped' | 'failed' | 'would-create' | 'would-label'

/** One row of the `results` output: one Sentry issue and what the run did with it. */
export interface IssueResult {
  sentryId: string
  shortId: string
  title: string
  category: string | null
  severity: string | null
  classifier: 'llm' | 'heuristic' | null
  model: string | null
  action: ResultAction
  githubIssue: string | null
  /** Why it was skipped or failed, or what else happened (grouping, fallback). */
  reason?: string
  permalink?: string | null
  tier?: string
}

export interface TriageReport {
  results: IssueResult[]
  triaged: number
  created: number
  labeled: number
  skipped: number
  failed: number
  /** Over max-issues, left for the next run. */
  deferred: number
  /** Dry-run: the GitHub issues a real run would open (one per group, not per Sentry issue). */
  wouldCreate: number
  listingTruncated: boolean
  duplicatesClosed: number
  breakerReason: string | null
  dryRun: boolean
}

export interface TriageDeps {
  config: Config
  sentry: SentryClient
  github: GitHubClient
  classifier: Classifier
  redact: Redactor
  log: Logger
  /** The run's time budget: once spent, no new issue is started (the rest fail and retry next run). */
  budget?: { readonly exhausted: boolean }
  now?: () => Date
}

/** Slack for clocks: an issue created a little before `firstSeen` by a skewed clock still counts. */
const LISTING_SKEW_MS = 60 * 60 * 1000
/** One Sentry issue to triage, and the GitHub issue it is already linked to, if any. */
export interface Member {
  issue: SentryIssue
  linked: GitHubIssue | null
  /** The tier recorded when it was triaged, when its impact has climbed since. */
  escalatedFrom?: Tier
}

/** A group: Sentry issues of one signature (or one issue alone), classified once. */
export interface Group {
  signature: string | null
  members: Member[]
}

/** Runs `task` over `items`, at most `limit` at a time, in order of start. */
async function eachLimited<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>
): Promise<void> {
  let next = 0
  const worker = async () => {
    while (next < items.length) await task(items[next++] as T)
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
}

/**
 * The pipeline: list → find linked → pick the highest-impact issues → classify (max-concurrency at a
 * time) → write (serially, as each classification finishes) → check for a racing run's duplicates.
 * A failure on one Sentry issue is recorded and the others go on.
 */
export async function runTriage(deps: TriageDeps): Promise<TriageReport> {
  const { config, sentry, github, classifier, redact, log } = deps
  const now = deps.now ?? (() => new Date())
  const runStart = now()
  const results: IssueResult[] = []
  const report: TriageReport = {
    results,
    triaged: 0,
    created: 0,
    labeled: 0,
    skipped: 0,
    failed: 0,
    deferred: 0,
    wouldCreate: 0,
    listingTruncated: false,
    duplicatesClosed: 0,
    breakerReason: null,
    dryRun: config.dryRun
  }

  // 1. Candidates.
  let candidates: SentryIssue[]
  if (config.sentryIssue) {
    candidates = [await sentry.getIssue(config.sentryIssue)]
  } else {
    const projectIds = await sentry.resolveProjectIds(config.sentryProjects)
    const listing = await sentry.listNewIssues({
      query: config.sentryQuery,
      since: config.since.text,
      projectIds,
      environment: config.environment
    })
    candidates = listing.issues
    report.listingTruncated = listing.truncated
    if (listing.truncated)
      log.warning(
        'Sentry returned more pages than the page cap; the rest are picked up by the next run.',
        'Sentry listing truncated'
      )
  }
  log.info(
    `Sentry: ${candidates.length} issue(s) first seen within ${config.since.text}${config.sentryIssue ? ` (${config.sentryIssue} only)` : ''}`
  )
  if (candidates.length === 0) return report

  // 2. What is linked already. Fails closed: without this listing nothing may be created.
  const firstSeen = candidates.map(c => (c.firstSeen ? Date.parse(c.firstSeen) : Number.NaN))
  const earliest = firstSeen.some(Number.isNaN)
    ? null
    : new Date(Math.min(...firstSeen) - LISTING_SKEW_MS).toISOString()
  const recent = await github.listRecentIssues(earliest)
  const byId = new Map<string, GitHubIssue>()
  const bySignature = new Map<string, GitHubIssue>()
  // Oldest first, so the original wins over a duplicate; open issues win over closed ones.
  for (const gh of [...recent].sort(
    (a, b) => Number(a.state === 'closed') - Number(b.state === 'closed') || a.number - b.number
  )) {
    for (const id of gh.marker?.ids ?? []) if (!byId.has(id)) byId.set(id, gh)
    if (gh.marker?.sig && gh.state === 'open' && !bySignature.has(gh.marker.sig))
      bySignature.set(gh.marker.sig, gh)
  }
  const byNumber = new Map(recent.map(gh => [gh.number, gh]))
  const annotationPattern = new RegExp(
    `^${escapeRegExp(config.githubServerUrl)}/${escapeRegExp(config.owner)}/${escapeRegExp(config.repo)}/issues/(\\d+)/?$`,
    'i'
  )
  const linkOf = async (issue: SentryIssue): Promise<GitHubIssue | null> => {
    const marked = byId.get(issue.id)
    if (marked) return marked
    for (const annotation of issue.annotations) {
      const number = Number(annotationPattern.exec(annotation.url)?.[1])
      if (!number) continue
      const gh = byNumber.get(number) ?? (await github.getIssue(number))
      // Several Sentry issues may point at one GitHub issue: they share one object, read once.
      if (gh) byNumber.set(number, gh)
      if (gh) return gh
    }
    return null
  }

  // 3. Plan: skip what is linked and triaged; the highest impact first, up to max-issues.
  const pending: Member[] = []
  for (const issue of candidates) {
    const linked = await linkOf(issue)
    // Changed since it was triaged: its impact tier climbed above the one its marker records.
    const recorded = linked?.marker?.tier
    const current = impactTier(issue).tier
    if (linked && hasTriageLabels(linked) && recorded && TIER_RANK[current] < TIER_RANK[recorded]) {
      pending.push({ issue, linked, escalatedFrom: recorded })
    } else if (linked && hasTriageLabels(linked)) {
      results.push(
        row(issue, redact, {
          action: 'skipped',
          githubIssue: linked.url,
          reason: 'already linked and triaged'
        })
      )
    } else {
      pending.push({ issue, linked })
    }
  }
  pending.sort((a, b) => compareImpact(a.issue, b.issue))
  const selected = pending.slice(0, config.maxIssues)
  for (const { issue, linked } of pending.slice(config.maxIssues)) {
    report.deferred++
    results.push(
      row(issue, redact, {
        action: 'skipped',
        githubIssue: linked?.url ?? null,
        reason: `over max-issues (${config.maxIssues}); next run`
      })
    )
  }
  if (report.deferred > 0)
    log.warning(
      `${report.deferred} Sentry issue(s) over max-issues (${config.maxIssues}) wait for the next run; a run picks them up only while they are first seen within since (${config.since.text}).`,
      'max-issues reached'
    )

  const groups: Group[] = []
  const groupOf = new Map<string, Group>()
  for (const member of selected) {
    const signature = config.groupSimilar ? issueSignature(member.issue) : null
    const existing = signature ? groupOf.get(signature) : undefined
    if (existing) existing.members.push(member)
    else {
      const group = { signature, members: [member] }
      groups.push(group)
      if (signature) groupOf.set(signature, group)
    }
  }

  // 4. Classify max-concurrency at a time; each result goes straight on to the serial write queue.
  const createdNumbers = new Set<number>()
  let writeChain: Promise<void> = Promise.resolve()
  const writes: Array<Promise<void>> = []
  const sync = new Sync(deps, report, createdNumbers, runStart.toISOString(), bySignature)

  const needsClassification = (group: Group): boolean => {
    const attached = group.signature ? bySignature.get(group.signature) : undefined
    return !(attached && hasTriageLabels(attached) && group.members.every(m => !m.linked))
  }
  // Stack context is fetched ahead of the LLM slots (memoised, so never twice): no slot waits on Sentry.
  const events = new Map<Group, Promise<EventContext | null>>()
  const eventFor = (group: Group): Promise<EventContext | null> => {
    let event = events.get(group)
    if (!event) {
      const lead = group.members[0]!.issue
      event = sentry.getLatestEvent(lead.id, config.environment).catch((error: unknown) => {
        log.debug(`No latest event for ${lead.shortId}: ${errorMessage(error)}`)
        return null
      })
      events.set(group, event)
    }
    return event
  }
  const toClassify = groups.filter(needsClassification)
  const prefetch = eachLimited(toClassify, config.maxConcurrency, async group => {
    if (!deps.budget?.exhausted) await eventFor(group)
  })

  // The labels every new issue carries are created while the first classifications run.
  if (!config.dryRun && config.createIssues && groups.some(g => g.members.some(m => !m.linked))) {
    writeChain = writeChain
      .then(() => github.ensureLabels(config.labels.map(labelSpec)))
      .catch((error: unknown) => log.debug(`Labels not created ahead: ${errorMessage(error)}`))
  }

  let progressed = 0
  await eachLimited(groups, config.maxConcurrency, async group => {
    const lead = group.members[0]!.issue
    if (deps.budget?.exhausted) {
      for (const m of group.members)
        sync.fail(
          m.issue,
          `the time budget (time-budget: ${config.timeBudgetMs / 1000}s) was spent before it was classified`
        )
      return
    }
    let classified: {
      classification: Classification
      route: Route
      event: EventContext | null
    } | null = null
    try {
      if (needsClassification(group)) {
        const event = await eventFor(group)
        const route = routeIssue(lead, config.models, config.routing)
        const classification = await classifier.classify(lead, event, route)
        classified = { classification, route, event }
        log.onProgress?.(++progressed, toClassify.length)
      }
    } catch (error) {
      for (const m of group.members)
        sync.fail(m.issue, `classification failed: ${errorMessage(error)}`)
      return
    }
    const done = classified
    const write = writeChain.then(() => sync.write(group, done))
    writeChain = write.catch(() => {})
    writes.push(write)
  })
  await prefetch
  await Promise.all(writes)
  report.breakerReason = classifier.breakerReason

  // 5. Two runs at once may both have opened an issue: the later one is closed as a duplicate.
  if (!config.dryRun && createdNumbers.size > 0) {
    try {
      await sync.closeRaceDuplicates()
    } catch (error) {
      log.warning(
        `Could not check for duplicates from a concurrent run: ${errorMessage(error)}`,
        'Duplicate check'
      )
    }
  }

  // Most urgent first, as the candidates were ordered.
  const order = new Map(candidates.map(c => [c.id, c]))
  results.sort((a, b) => compareImpact(order.get(a.sentryId)!, order.get(b.sentryId)!))
  for (const r of results) {
    if (r.action === 'skipped') report.skipped++
    else if (r.action === 'failed') report.failed++
    if (r.classifier !== null && r.action !== 'failed') report.triaged++
  }
  return report
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
