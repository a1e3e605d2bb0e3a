import type { Config } from './config.js'
import type { SentryClient, SentryIssue, EventContext } from './sentry.js'
import type { GitHubClient, GitHubIssue } from './github.js'
import type { Classifier } from './classify/classifier.js'
import type { Redactor } from './redact.js'
import { compareImpact, routeIssue, type Route } from './classify/routing.js'
import { issueSignature } from './signature.js'
import {
  inline,
  link,
  renderIssueBody,
  renderMarker,
  renderSentryComment,
  renderTitle,
  parseMarker
} from './render.js'
import {
  categoryLabel,
  severityLabel,
  CATEGORIES,
  SEVERITIES,
  type Classification
} from './taxonomy.js'
import { errorMessage } from './http.js'

export interface Logger {
  info(message: string): void
  warning(message: string, title?: string): void
  debug(message: string): void
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

/** Room left for "Also:" lines when a later Sentry issue joins a shared GitHub issue (limit 65,536). */
const MAX_SHARED_BODY = 60_000

/** Slack for clocks: an issue created a little before `firstSeen` by a skewed clock still counts. */
const LISTING_SKEW_MS = 60 * 60 * 1000

const CATEGORY_COLOURS: Record<string, string> = {
  Authentication: 'd93f0b',
  Database: '5319e7',
  Network: '0e8a16',
  Logic: '1d76db',
  'External Service': 'fbca04',
  Infrastructure: 'b60205',
  Unknown: 'cccccc'
}
const SEVERITY_COLOURS: Record<string, string> = {
  Critical: 'b60205',
  High: 'd93f0b',
  Medium: 'fbca04',
  Low: '0e8a16'
}

const TRIAGE_LABELS = new Set([...CATEGORIES.map(categoryLabel), ...SEVERITIES.map(severityLabel)])

function hasTriageLabels(issue: GitHubIssue): boolean {
  const names = issue.labels.map(l => l.toLowerCase())
  return (
    names.some(n => n.startsWith('category:') && TRIAGE_LABELS.has(n)) &&
    names.some(n => n.startsWith('severity:') && TRIAGE_LABELS.has(n))
  )
}

function labelSpec(name: string) {
  const category = CATEGORIES.find(c => categoryLabel(c) === name)
  if (category)
    return {
      name,
      color: CATEGORY_COLOURS[category] as string,
      description: `Sentry triage: ${category} error`
    }
  const severity = SEVERITIES.find(s => severityLabel(s) === name)
  if (severity)
    return {
      name,
      color: SEVERITY_COLOURS[severity] as string,
      description: `Sentry triage: ${severity} severity`
    }
  return { name, color: '362d59', description: 'Opened from a Sentry issue by sentry-triage' }
}

/** A group: Sentry issues of one signature (or one issue alone), classified once. */
interface Group {
  signature: string | null
  members: Array<{ issue: SentryIssue; linked: GitHubIssue | null }>
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
      if (gh) return gh
    }
    return null
  }

  // 3. Plan: skip what is linked and triaged; the highest impact first, up to max-issues.
  const pending: Array<{ issue: SentryIssue; linked: GitHubIssue | null }> = []
  for (const issue of candidates) {
    const linked = await linkOf(issue)
    if (linked && hasTriageLabels(linked)) {
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
      `${report.deferred} Sentry issue(s) over max-issues (${config.maxIssues}) wait for the next run.`,
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

function row(
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

/** The write side of the pipeline: every GitHub and Sentry mutation sits behind `dryRun` here. */
class Sync {
  constructor(
    private readonly deps: TriageDeps,
    private readonly report: TriageReport,
    private readonly createdNumbers: Set<number>,
    private readonly runStartIso: string,
    private readonly bySignature: Map<string, GitHubIssue>
  ) {}

  fail(issue: SentryIssue, raw: string): void {
    const reason = this.deps.redact(raw)
    this.deps.log.warning(`${issue.shortId}: ${reason}`, `Sentry issue ${issue.shortId} failed`)
    this.report.results.push(row(issue, this.deps.redact, { action: 'failed', reason }))
  }

  async write(
    group: Group,
    classified: { classification: Classification; route: Route; event: EventContext | null } | null
  ): Promise<void> {
    const { config, github, redact, log } = this.deps
    const dry = config.dryRun
    const attached = group.signature ? this.bySignature.get(group.signature) : undefined
    const c = classified?.classification
    const base = (issue: SentryIssue, tier?: string) =>
      row(issue, redact, {
        action: 'skipped',
        category: c?.category ?? null,
        severity: c?.severity ?? null,
        classifier: c?.classifier ?? null,
        model: c?.model ?? null,
        ...(tier ? { tier } : {}),
        ...(c?.fallbackReason ? { reason: `heuristic fallback: ${redact(c.fallbackReason)}` } : {})
      })

    // Already-linked members: add the triage labels they lack.
    const linked = group.members.filter(m => m.linked)
    const unlinked = group.members.filter(m => !m.linked).map(m => m.issue)
    const labelledNumbers = new Set<number>()
    for (const { issue, linked: gh } of linked) {
      const result = base(issue, classified?.route.tier)
      try {
        if (!c) throw new Error('no classification')
        const have = gh!.labels.map(l => l.toLowerCase())
        const missing = [
          ...(have.some(l => l.startsWith('category:') && TRIAGE_LABELS.has(l))
            ? []
            : [categoryLabel(c.category)]),
          ...(have.some(l => l.startsWith('severity:') && TRIAGE_LABELS.has(l))
            ? []
            : [severityLabel(c.severity)])
        ]
        if (!dry && !labelledNumbers.has(gh!.number)) {
          await github.ensureLabels(missing.map(labelSpec))
          await github.addLabels(gh!.number, missing)
          labelledNumbers.add(gh!.number)
          this.report.labeled++
        }
        result.action = dry ? 'would-label' : 'labeled'
        result.githubIssue = gh!.url
        log.info(
          `${dry ? '[dry-run] Would label' : 'Labelled'} ${gh!.url} (${issue.shortId}): ${missing.join(', ') || 'nothing missing'}`
        )
        this.report.results.push(result)
        await this.comment(issue, c, gh!.url)
      } catch (error) {
        this.fail(issue, errorMessage(error))
      }
    }
    if (unlinked.length === 0) return

    const lead = unlinked[0]!
    // Same signature as an issue a previous run opened: join it instead of opening another.
    if (attached && (!c || hasTriageLabels(attached))) {
      try {
        if (!dry) {
          const body = attached.body
          const marker = parseMarker(body)
          if (marker) {
            const ids = [...new Set([...marker.ids, ...unlinked.map(u => u.id)])]
            const rest = body.slice(body.indexOf('\n') + 1)
            // The body keeps under GitHub's limit: past it, only the marker learns the new ids.
            const extra =
              rest.length > MAX_SHARED_BODY
                ? ''
                : `\n${unlinked
                    .map(
                      u =>
                        `- Also: ${link(inline(u.shortId, 80), u.permalink)} · ${inline(u.project.slug, 100)} · first seen ${inline(u.firstSeen, 40)}`
                    )
                    .join('\n')}`
            const updated = `${renderMarker({ ids, sig: marker.sig })}\n${rest}${extra}`
            await github.updateBody(attached.number, updated)
            attached.body = updated
          }
          this.report.labeled++
        }
        for (const issue of unlinked) {
          const result = base(issue)
          const labels = attached.labels.map(l => l.toLowerCase())
          result.category =
            CATEGORIES.find(x => labels.includes(categoryLabel(x))) ?? result.category
          result.severity =
            SEVERITIES.find(x => labels.includes(severityLabel(x))) ?? result.severity
          result.action = dry ? 'would-label' : 'labeled'
          result.githubIssue = attached.url
          result.reason = `same signature as ${attached.url}`
          this.report.results.push(result)
        }
        log.info(
          `${dry ? '[dry-run] Would add' : 'Added'} ${unlinked.map(u => u.shortId).join(', ')} to ${attached.url} (same signature)`
        )
      } catch (error) {
        for (const issue of unlinked) this.fail(issue, errorMessage(error))
      }
      return
    }
    if (!c || !classified) {
      for (const issue of unlinked) this.fail(issue, 'no classification')
      return
    }
    if (!config.createIssues) {
      for (const issue of unlinked) {
        const result = base(issue, classified.route.tier)
        result.reason = 'not linked to a GitHub issue; create-issues is false'
        this.report.results.push(result)
      }
      return
    }

    const labels = [categoryLabel(c.category), severityLabel(c.severity), ...config.labels]
    const title = renderTitle(lead, redact)
    if (dry) {
      for (const issue of unlinked)
        this.report.results.push({ ...base(issue, classified.route.tier), action: 'would-create' })
      log.info(`[dry-run] Would create "${title}" with labels ${labels.join(', ')}`)
      return
    }
    try {
      await github.ensureLabels(labels.map(labelSpec))
      const created = await github.createIssue(
        {
          title,
          body: renderIssueBody({
            issue: lead,
            others: unlinked.slice(1),
            classification: c,
            route: classified.route,
            event: classified.event,
            signature: group.signature,
            redact
          }),
          labels,
          assignees: c.severity === 'Critical' ? config.criticalAssignees : [],
          sentryId: lead.id
        },
        new Date(Date.parse(this.runStartIso) - 5 * 60_000).toISOString()
      )
      this.createdNumbers.add(created.number)
      this.report.created++
      if (group.signature) this.bySignature.set(group.signature, { ...created, labels })
      log.info(
        `Created ${created.url} for ${unlinked.map(u => u.shortId).join(', ')}: ${c.severity} ${c.category}`
      )
      for (const issue of unlinked) {
        this.report.results.push({
          ...base(issue, classified.route.tier),
          action: 'created',
          githubIssue: created.url
        })
        await this.comment(issue, c, created.url)
      }
    } catch (error) {
      for (const issue of unlinked) this.fail(issue, errorMessage(error))
    }
  }

  /** `sentry-comment`: a note on the Sentry issue. Never fatal: the GitHub issue is what counts. */
  private async comment(issue: SentryIssue, c: Classification, url: string): Promise<void> {
    const { config, sentry, redact, log } = this.deps
    if (!config.sentryComment || config.dryRun) return
    try {
      await sentry.postComment(issue.id, renderSentryComment(c, url, redact))
    } catch (error) {
      log.warning(
        `Could not comment on Sentry issue ${issue.shortId}: ${errorMessage(error)}`,
        'Sentry comment'
      )
    }
  }

  /** Lists what was created since the run began; where two open issues carry one Sentry id, ours closes if it is the later. */
  async closeRaceDuplicates(): Promise<void> {
    const { github, log } = this.deps
    const recent = await github.listRecentIssues(
      new Date(Date.parse(this.runStartIso) - 5 * 60_000).toISOString()
    )
    const open = recent
      .filter(i => i.state === 'open' && i.marker)
      .sort((a, b) => a.number - b.number)
    const firstById = new Map<string, GitHubIssue>()
    for (const gh of open) {
      for (const id of gh.marker!.ids) {
        const first = firstById.get(id)
        if (!first) {
          firstById.set(id, gh)
          continue
        }
        if (first.number === gh.number || !this.createdNumbers.has(gh.number)) continue
        await github.closeAsDuplicate(gh.number, first)
        this.createdNumbers.delete(gh.number)
        this.report.duplicatesClosed++
        for (const r of this.report.results) {
          if (r.githubIssue === gh.url) {
            r.githubIssue = first.url
            r.reason = `a concurrent run opened ${first.url} first; ${gh.url} was closed as its duplicate`
          }
        }
        log.warning(
          `Closed ${gh.url} as a duplicate of ${first.url} (a concurrent run opened it first)`,
          'Duplicate closed'
        )
        break
      }
    }
  }
}
