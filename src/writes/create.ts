/** Opens the GitHub issue for a group of unlinked Sentry issues. */
import type { SentryIssue, EventContext } from '../sentry/client.js'
import type { WriteContext } from '../pipeline/deps.js'
import type { Route } from '../classify/routing.js'
import type { Classification } from '../classify/taxonomy.js'
import { categoryLabel, severityLabel } from '../classify/taxonomy.js'
import { labelSpec } from '../track/labels.js'
import { renderIssueBody, renderTitle } from '../render/issue-body.js'
import { classifiedRow, type IssueResult } from '../report/results.js'
import { linkInSentry, noteClassification } from './sentry-side.js'
import { assigneesFor, renderCodeSection } from '../render/code-section.js'
import type { CodeContext } from '../code/context.js'

export interface NewIssuePlan {
  /** The lead Sentry issue first; the others share its signature. */
  issues: SentryIssue[]
  classification: Classification
  route: Route
  event: EventContext | null
  signature: string | null
  /** `on-regression: new`: the closed issue this one follows. */
  regressionOf?: number
  /** Permalinks, owners and suspect commit of the lead's crash, when found. */
  code?: CodeContext | null
}

/**
 * One create request with title, body, labels and assignees together; the new issue is remembered
 * so that later Sentry issues of its signature join it, then linked and noted in Sentry.
 */
export async function createIssue(ctx: WriteContext, plan: NewIssuePlan): Promise<IssueResult[]> {
  const { config, github, redact, log } = ctx
  const c = plan.classification
  const [lead, ...others] = plan.issues as [SentryIssue, ...SentryIssue[]]
  const labels = [categoryLabel(c.category), severityLabel(c.severity), ...config.labels]
  const title = renderTitle(lead, redact)
  const reason = plan.regressionOf ? { reason: `regression of #${plan.regressionOf}` } : {}
  if (ctx.dry) {
    log.info(`[dry-run] Would create "${title}" with labels ${labels.join(', ')}`)
    return plan.issues.map(issue =>
      classifiedRow(issue, redact, c, {
        action: plan.regressionOf ? 'would-reopen' : 'would-create',
        tier: plan.route.tier,
        plannedIssue: lead.id,
        ...reason,
        ...codeFields(plan.code)
      })
    )
  }
  await github.ensureLabels(labels.map(labelSpec))
  const body = renderIssueBody({
    issue: lead,
    others,
    classification: c,
    route: plan.route,
    event: plan.event,
    signature: plan.signature,
    redact,
    ...(plan.regressionOf ? { regressionOf: plan.regressionOf } : {}),
    codeSection: renderCodeSection(plan.code, { mentionOwners: config.mentionOwners, redact })
  })
  const created = await github.createIssue(
    {
      title,
      body,
      labels,
      assignees: c.severity === 'Critical' ? config.criticalAssignees : [],
      sentryId: lead.id
    },
    ctx.createdAfter
  )
  ctx.createdNumbers.add(created.number)
  ctx.tracked.remember({ ...created, labels })
  log.info(
    `Created ${created.url} for ${plan.issues.map(u => u.shortId).join(', ')}: ${c.severity} ${c.category}`
  )
  await assignFromCode(ctx, created.number, plan.code)
  const linked = await linkInSentry(ctx, plan.issues, created)
  for (const issue of plan.issues) await noteClassification(ctx, issue, c, created.url)
  return plan.issues.map(issue =>
    classifiedRow(issue, redact, c, {
      action: plan.regressionOf ? 'reopened' : 'created',
      githubIssue: created.url,
      tier: plan.route.tier,
      ...reason,
      ...codeFields(plan.code),
      ...(linked.has(issue.id) ? { sentry: 'linked' as const } : {})
    })
  )
}

/** The `owners` and `suspectCommit` of a result row, when code context was looked for. */
function codeFields(code: CodeContext | null | undefined): Partial<IssueResult> {
  if (code === undefined) return {}
  const owners = code?.owners
  return {
    owners: owners
      ? [...owners.users.map(u => `@${u}`), ...owners.teams.map(t => `@${t}`), ...owners.emails]
      : [],
    suspectCommit: code?.suspect?.sha ?? null
  }
}

/**
 * `assign: codeowners, suspect-commit`: added after the create, since GitHub skips a login it
 * cannot assign here instead of refusing the whole issue; the ones it skipped get one warning.
 */
async function assignFromCode(
  ctx: WriteContext,
  number: number,
  code: CodeContext | null | undefined
): Promise<void> {
  const wanted = assigneesFor(code, ctx.config.assign)
  if (wanted.length === 0) return
  const assigned = new Set(
    (await ctx.github.addAssignees(number, wanted)).map(l => l.toLowerCase())
  )
  const skipped = wanted.filter(login => !assigned.has(login.toLowerCase()))
  if (skipped.length > 0)
    ctx.log.warning(
      `GitHub could not assign ${skipped.join(', ')} (from assign: ${ctx.config.assign.join(', ')}): they need access to the repository; the issue is left without them.`,
      'Unassignable owners'
    )
}
