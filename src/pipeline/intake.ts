/**
 * Intake's reads: the Sentry issues this run may triage, and what intake must know of GitHub to
 * decide about them (each one's linked issue, and whether the action labelled an unmarked one
 * before). The decisions are in plan/intake.ts.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { TriageDeps } from './deps.js'
import type { TrackedIndex } from '../track/tracked-index.js'
import type { IntakeRead } from '../plan/intake.js'
import { hasTriageLabels } from '../track/labels.js'
import { CATEGORIES, SEVERITIES, categoryLabel, severityLabel } from '../classify/taxonomy.js'
import { ACTIONS_BOT } from '../track/trust.js'
import { errorMessage } from '../report/error-message.js'
import type { ClassificationStage } from '../classify/stage.js'
import { readFloods } from './floods.js'

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

const TRIAGE_LABELS = new Set(
  [...CATEGORIES.map(categoryLabel), ...SEVERITIES.map(severityLabel)].map(l => l.toLowerCase())
)

/** What intake decides on: each candidate's linked issue, and the action's earlier labels. */
export async function readIntake(
  deps: TriageDeps,
  tracked: TrackedIndex,
  candidates: SentryIssue[],
  identity: () => Promise<string | null>,
  stage?: ClassificationStage
): Promise<IntakeRead> {
  const links = new Map<string, GitHubIssue>()
  for (const issue of candidates) {
    const linked = await tracked.linkOf(issue)
    if (linked) links.set(issue.id, linked)
  }
  // An issue linked only by Sentry's own integration carries no marker: its label events tell
  // whether the action labelled it before (then a missing label is a person's removal).
  const labelledByAction = new Set<number>()
  const unmarked = new Map<number, GitHubIssue>()
  for (const gh of links.values())
    if (!gh.marker && !hasTriageLabels(gh)) unmarked.set(gh.number, gh)
  const self = unmarked.size > 0 ? await identity() : null
  for (const gh of unmarked.values()) {
    try {
      const events = await deps.github.listLabelEvents(gh.number)
      const ours = (actor: string) =>
        actor.toLowerCase() === ACTIONS_BOT ||
        (self !== null && actor.toLowerCase() === self.toLowerCase())
      if (
        events.some(
          e => e.event === 'labeled' && TRIAGE_LABELS.has(e.label.toLowerCase()) && ours(e.actor)
        )
      )
        labelledByAction.add(gh.number)
    } catch (error) {
      deps.log.debug(`Label history of #${gh.number} not read: ${errorMessage(error)}`)
    }
  }
  // A link into another repository of the same server (a project moved, a map changed).
  const server = `${deps.config.githubServerUrl}/`.toLowerCase()
  const own = `${server}${deps.config.owner}/${deps.config.repo}/`.toLowerCase()
  const elsewhere = new Map<string, string>()
  for (const issue of candidates) {
    if (links.has(issue.id)) continue
    const other = issue.annotations
      .map(a => a.url)
      .find(url => {
        const u = url.toLowerCase()
        return u.startsWith(server) && !u.startsWith(own) && /\/issues\/\d+\/?$/.test(u)
      })
    if (other) elsewhere.set(issue.id, other)
  }
  const floods = stage
    ? await readFloods(
        deps,
        stage,
        tracked,
        candidates.filter(c => !links.has(c.id))
      )
    : undefined
  return {
    candidates,
    links,
    elsewhere,
    forSignature: signature => tracked.forSignature(signature),
    labelledByAction,
    ...(floods ? { floods } : {})
  }
}
