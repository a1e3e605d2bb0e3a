/**
 * The write side of the pipeline: labels, new issues, shared issues, Sentry notes and the race check.
 * Every GitHub and Sentry mutation of a run happens here, behind `dry-run`.
 */
import type { SentryIssue, EventContext } from './sentry.js'
import type { GitHubIssue } from './github.js'
import type { Redactor } from './redact.js'
import { impactTier, type Route, type Tier } from './classify/routing.js'
import type { Group, IssueResult, ResultAction, TriageDeps, TriageReport } from './triage.js'
import {
  inline,
  link,
  renderIssueBody,
  renderMarker,
  renderSentryComment,
  renderSentryJoinNote,
  renderTitle,
  parseMarker
} from './render.js'
import { categoryLabel, severityLabel, SEVERITIES, type Classification } from './taxonomy.js'
import { hasTriageLabels, labelledTriage, labelSpec } from './labels.js'
import { errorMessage } from './http.js'

/** Room left for "Also:" lines when a later Sentry issue joins a shared GitHub issue (limit 65,536). */
const MAX_SHARED_BODY = 60_000

/** One row of the results, before the run fills in what it did. */
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
/** The write side of the pipeline: every GitHub and Sentry mutation sits behind `dryRun` here. */
export class Sync {
  /** GitHub issues this run labelled: `labeled` counts GitHub issues, not Sentry issues. */
  private readonly labelledNumbers = new Set<number>()

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
    for (const { issue, linked: gh, escalatedFrom } of linked) {
      const result = base(issue, classified?.route.tier)
      try {
        if (!c) throw new Error('no classification')
        if (escalatedFrom) {
          await this.escalate(issue, gh!, c, escalatedFrom, result)
          continue
        }
        const labelled = labelledTriage(gh!.labels)
        const missing = [
          ...(labelled.category ? [] : [categoryLabel(c.category)]),
          ...(labelled.severity ? [] : [severityLabel(c.severity)])
        ]
        if (!dry && missing.length > 0) {
          await github.ensureLabels(missing.map(labelSpec))
          await github.addLabels(gh!.number, missing)
          // Another Sentry issue linked to the same GitHub issue sees these and adds nothing more.
          gh!.labels.push(...missing)
          if (!this.labelledNumbers.has(gh!.number)) this.report.labeled++
          this.labelledNumbers.add(gh!.number)
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
      if (!config.createIssues) {
        for (const issue of unlinked) {
          const result = base(issue)
          result.reason = `not linked to a GitHub issue; create-issues is false (same signature as ${attached.url})`
          this.report.results.push(result)
        }
        return
      }
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
            const updated = `${renderMarker({ ...marker, ids })}\n${rest}${extra}`
            await github.updateBody(attached.number, updated)
            attached.body = updated
          }
          this.report.labeled++
        }
        for (const issue of unlinked) {
          const result = base(issue)
          const labelled = labelledTriage(attached.labels)
          result.category = labelled.category ?? result.category
          result.severity = labelled.severity ?? result.severity
          result.action = dry ? 'would-label' : 'labeled'
          result.githubIssue = attached.url
          result.reason = `same signature as ${attached.url}`
          this.report.results.push(result)
          if (!dry)
            await this.note(
              issue,
              renderSentryJoinNote(attached.url, result.category, result.severity)
            )
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
      this.report.wouldCreate++
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

  /**
   * A linked Sentry issue whose impact tier climbed since it was triaged: its severity label is raised
   * (never lowered: a human may have set it), Critical brings `critical-assignees`, and the marker
   * records the new tier so that the next run leaves it alone.
   */
  private async escalate(
    issue: SentryIssue,
    gh: GitHubIssue,
    c: Classification,
    from: Tier,
    result: IssueResult
  ): Promise<void> {
    const { config, github, log } = this.deps
    const dry = config.dryRun
    const tier = impactTier(issue).tier
    const current = labelledTriage(gh.labels).severity
    const target =
      current && SEVERITIES.indexOf(current) <= SEVERITIES.indexOf(c.severity)
        ? current
        : c.severity
    const marker = gh.marker ?? { ids: [issue.id], sig: null }
    if (!dry) {
      if (target !== current) {
        await github.ensureLabels([labelSpec(severityLabel(target))])
        if (current) await github.removeLabel(gh.number, severityLabel(current))
        await github.addLabels(gh.number, [severityLabel(target)])
        gh.labels = [...gh.labels.filter(l => !/^severity:/i.test(l)), severityLabel(target)]
      }
      const updated = `${renderMarker({ ...marker, tier })}\n${gh.body.slice(gh.body.indexOf('\n') + 1)}`
      await github.updateBody(gh.number, updated)
      gh.body = updated
      gh.marker = { ...marker, tier }
      if (target === 'Critical' && config.criticalAssignees.length > 0) {
        await github.addAssignees(gh.number, config.criticalAssignees)
      }
      if (!this.labelledNumbers.has(gh.number)) this.report.labeled++
      this.labelledNumbers.add(gh.number)
    }
    result.action = dry ? 'would-label' : 'labeled'
    result.githubIssue = gh.url
    result.severity = target
    result.reason = `escalated from the ${from} to the ${tier} tier${target !== current ? `; severity ${current ?? 'none'} → ${target}` : ''}`
    this.report.results.push(result)
    log.info(
      `${dry ? '[dry-run] Would re-label' : 'Re-labelled'} ${gh.url} (${issue.shortId}): ${result.reason}`
    )
    await this.comment(issue, { ...c, severity: target }, gh.url)
  }

  /** `sentry-comment`: the classification and the GitHub link as a note on the Sentry issue. */
  private async comment(issue: SentryIssue, c: Classification, url: string): Promise<void> {
    await this.note(issue, renderSentryComment(c, url, this.deps.redact))
  }

  /** A note on the Sentry issue, with `sentry-comment`. Never fatal: the GitHub issue is what counts. */
  private async note(issue: SentryIssue, text: string): Promise<void> {
    const { config, sentry, log } = this.deps
    if (!config.sentryComment || config.dryRun) return
    try {
      await sentry.postComment(issue.id, text)
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
        // Ours may cover Sentry issues the original does not: the original learns them first, so
        // closing ours leaves none of them without an open issue.
        const lacking = gh.marker!.ids.filter(other => !first.marker!.ids.includes(other))
        if (lacking.length > 0) {
          const ids = [...first.marker!.ids, ...lacking]
          const updated = `${renderMarker({ ...first.marker!, ids })}\n${first.body.slice(first.body.indexOf('\n') + 1)}`
          await github.updateBody(first.number, updated)
          first.body = updated
          first.marker = { ...first.marker!, ids }
          for (const other of lacking) firstById.set(other, first)
        }
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
