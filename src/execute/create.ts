/** Opens the GitHub issue for a group of unlinked Sentry issues (or a regression's new issue). */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { Classified } from '../classify/stage.js'
import type { CodeContext } from '../code/context.js'
import { categoryLabel, severityLabel } from '../classify/taxonomy.js'
import { labelSpec } from '../track/labels.js'
import { parseMarker } from '../track/marker.js'
import { believe } from '../track/trust.js'
import { renderIssueBody, renderTitle } from '../render/issue-body.js'
import { assigneesFor, renderCodeSection } from '../render/code-section.js'
import { classifiedRow, type IssueResult } from '../report/results.js'
import { answerMayBeLost } from '../github/errors.js'
import { errorMessage } from '../report/error-message.js'
import type { SentrySide, WriteIO } from './io.js'
import type { EventContext } from '../sentry/client.js'
import type { IssueSignals } from '../pipeline/signals.js'
import { FIX_CANDIDATE } from '../track/labels.js'
import { decideFixCandidate } from '../plan/fix-candidate.js'
import { renderSentrySignals } from '../render/sentry-signals.js'

/** Attempts of one issue creation (the first included) when the answer is lost. */
const CREATE_ATTEMPTS = 3

export interface NewIssue {
  /** The lead Sentry issue first; the others share its signature. */
  issues: SentryIssue[]
  classified: Classified
  signature: string | null
  /** `on-regression: new`: the closed issue this one follows. */
  regressionOf?: number
  /** Permalinks, owners and suspect commit of the lead's crash, when found. */
  code?: CodeContext | null
  /** What Sentry knows of the lead beyond its listing: Seer's root cause, its owners' names. */
  signals?: IssueSignals | null
}

/** The crash frame's repository path, else the file name the event gives it (for fix-candidate-exclude). */
export function crashPathOf(
  code: CodeContext | null | undefined,
  event: EventContext | null
): string | null {
  if (code?.crash?.path) return code.crash.path
  const frame = event?.stack.filter(f => f.inApp).at(-1) ?? event?.stack.at(-1)
  return frame?.filename ?? frame?.absPath ?? frame?.module ?? null
}

/**
 * One create request with title, body, labels and assignees together, then code owners assigned,
 * the link and the note in Sentry. Returns the rows and the issue opened.
 */
export async function createIssue(
  io: WriteIO,
  side: SentrySide,
  plan: NewIssue
): Promise<{ rows: IssueResult[]; created: GitHubIssue }> {
  const { config, github, redact, log } = io
  const c = plan.classified.classification
  const [lead, ...others] = plan.issues as [SentryIssue, ...SentryIssue[]]
  const fix = decideFixCandidate(c, crashPathOf(plan.code, plan.classified.event), config)
  const labels = [
    categoryLabel(c.category),
    severityLabel(c.severity),
    ...config.labels,
    ...(fix.label ? [FIX_CANDIDATE] : [])
  ]
  await github.ensureLabels(labels.map(labelSpec))
  // The listing has no releases; the issue detail has the first and latest (one read, new issues only).
  const releases = await io.sentry.getIssueReleases(lead.id).catch((error: unknown) => {
    log.debug(`Releases of ${lead.shortId} not read: ${errorMessage(error)}`)
    return null
  })
  const body = renderIssueBody({
    issue: lead,
    others,
    classification: c,
    route: plan.classified.route,
    event: plan.classified.event,
    signature: plan.signature,
    redact,
    now: new Date(io.now()).toISOString(),
    ...(releases
      ? {
          releases: {
            first: releases.first,
            latest: releases.latest ?? plan.classified.event?.release ?? null
          }
        }
      : {}),
    ...(plan.regressionOf ? { regressionOf: plan.regressionOf } : {}),
    codeSection: renderCodeSection(plan.code, { mentionOwners: config.mentionOwners, redact }),
    signalsSection: renderSentrySignals({
      issue: lead,
      classification: c,
      signals: plan.signals,
      code: plan.code,
      fixCandidate: fix,
      redact
    }),
    fixCandidate: fix.label
  })
  const created = await createOnce(io, {
    title: renderTitle(lead, redact),
    body,
    labels,
    assignees: c.severity === 'Critical' ? config.criticalAssignees : [],
    sentryId: lead.id
  })
  log.info(
    `Created ${created.url} for ${plan.issues.map(u => u.shortId).join(', ')}: ${c.severity} ${c.category}${fix.label ? ', fix-candidate' : ''}`
  )
  await assignFromCode(io, created.number, plan.code)
  const linked = await side.link(plan.issues, created)
  for (const issue of plan.issues) await side.noteClassification(issue, c, created.url)
  const rows = plan.issues.map(issue =>
    classifiedRow(issue, redact, c, {
      action: plan.regressionOf ? 'reopened' : 'created',
      githubIssue: created.url,
      tier: plan.classified.route.tier,
      ...(plan.regressionOf ? { reason: `regression of #${plan.regressionOf}` } : {}),
      ...codeFields(plan.code),
      ...(fix.label ? { fixCandidate: true } : {}),
      ...(linked.has(issue.id) ? { sentry: 'linked' as const } : {})
    })
  )
  return { rows, created: { ...created, labels, marker: parseMarker(body) } }
}

/**
 * Creation is not idempotent: when its answer is lost, the issues created since the run began are
 * listed first, and one whose (believed) marker lists this Sentry id is the one created.
 */
export async function createOnce(
  io: WriteIO,
  issue: Parameters<WriteIO['github']['createIssue']>[0]
): Promise<GitHubIssue> {
  for (let attempt = 1; ; attempt++) {
    try {
      // The action's own issue: its marker is the one it just wrote.
      const created = await io.github.createIssue(issue)
      return { ...created, marker: parseMarker(issue.body) }
    } catch (error) {
      if (!answerMayBeLost(error) || attempt >= CREATE_ATTEMPTS) throw error
      // The same schedule as plugin-retry's (1 s, 4 s, …), never past the run's budget.
      const waitMs = attempt ** 2 * io.retryBaseMs
      if (io.budget && waitMs >= io.budget.remainingMs())
        throw new Error(`${errorMessage(error)} (no time-budget left to retry)`, { cause: error })
      await io.sleep(waitMs)
      const recent = await io.github.listRecentIssues(io.createdAfter)
      const landed = recent
        .map(gh => believe(gh, io.self))
        .find(gh => gh.marker?.ids.includes(issue.sentryId))
      if (landed) return landed
    }
  }
}

/** The `owners` and `suspectCommit` of a result row, when code context was looked for. */
export function codeFields(code: CodeContext | null | undefined): Partial<IssueResult> {
  if (code === undefined) return {}
  const owners = code?.owners
  return {
    owners: owners
      ? [...owners.users.map(u => `@${u}`), ...owners.teams.map(t => `@${t}`), ...owners.emails]
      : [],
    suspectCommit: code?.sentrySuspect?.sha ?? code?.suspect?.sha ?? null
  }
}

/**
 * `assign: codeowners, suspect-commit`: added after the create, since GitHub skips a login it
 * cannot assign here instead of refusing the whole issue; the ones it skipped get one warning.
 */
async function assignFromCode(
  io: WriteIO,
  number: number,
  code: CodeContext | null | undefined
): Promise<void> {
  const wanted = assigneesFor(code, io.config.assign)
  if (wanted.length === 0) return
  const assigned = new Set((await io.github.addAssignees(number, wanted)).map(l => l.toLowerCase()))
  const skipped = wanted.filter(login => !assigned.has(login.toLowerCase()))
  if (skipped.length > 0)
    io.log.warning(
      `GitHub could not assign ${skipped.join(', ')} (from assign: ${io.config.assign.join(', ')}): they need access to the repository; the issue is left without them.`,
      'Unassignable owners'
    )
}
