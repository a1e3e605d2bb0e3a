/**
 * Sentry's suspect commit, from its committers endpoint (API-NOTES G4), in place of GitHub's blame:
 * asked once per new issue whose release Sentry has commits for. Where Sentry names one, blame is
 * not asked for that issue (one GraphQL alias fewer), unless `assign: suspect-commit` needs the
 * author's GitHub login, which only blame knows; then both are shown and compared.
 */
import type { CommittersOutcome, SentrySuspect } from '../sentry/signals-client.js'
import { eachLimited } from '../pipeline/concurrency.js'
import { commitLink } from './permalinks.js'
import type { CodeContext, CodeContextDeps } from './context.js'

export type { SentrySuspect } from '../sentry/signals-client.js'

/** The part of the Sentry client this needs (`SentryClient.signals()`). */
export interface CommittersSource {
  committers(project: string, eventId: string): Promise<CommittersOutcome>
}

/** One new issue whose release Sentry has commits for. */
export interface CommittersRequest {
  sentryId: string
  project: string
  eventId: string
}

/** A few at a time: one request per issue, never a flood of them. */
const CONCURRENCY = 4

/**
 * Sentry's suspect commit of each issue asked. `no-commits` (404 `Release not found` / `No Commits
 * found for Release`) falls back to blame with one debug line; a refusal is named once for the run.
 */
export async function sentrySuspects(
  source: CommittersSource,
  requests: CommittersRequest[],
  debug: (message: string) => void
): Promise<{ suspects: Map<string, SentrySuspect>; refused: string | null }> {
  const suspects = new Map<string, SentrySuspect>()
  let refused: string | null = null
  await eachLimited(requests, CONCURRENCY, async request => {
    const outcome = await source.committers(request.project, request.eventId)
    if (outcome.ok) suspects.set(request.sentryId, outcome.suspect)
    else if (outcome.kind === 'no-commits')
      debug(
        `Sentry names no suspect commit for ${request.sentryId} (${outcome.reason}): blame instead`
      )
    else refused ??= outcome.reason
  })
  return { suspects, refused }
}

/** Whether GitHub's blame is still asked for an issue: when Sentry named no suspect, or a login is needed. */
export function blameNeeded(
  sentryId: string,
  fromSentry: ReadonlyMap<string, SentrySuspect>,
  assign: readonly string[]
): boolean {
  return !fromSentry.has(sentryId) || assign.includes('suspect-commit')
}

/** Whether two commit ids name different commits (a short sha names the commit it prefixes). */
export function suspectsDisagree(a: string, b: string): boolean {
  const x = a.toLowerCase()
  const y = b.toLowerCase()
  return !(x.startsWith(y) || y.startsWith(x))
}

/** Sentry's suspect commits put into their contexts; a refusal is one warning for the run. */
export async function withSentrySuspects(
  deps: CodeContextDeps,
  contexts: Map<string, CodeContext>,
  requests: CommittersRequest[]
): Promise<Map<string, SentrySuspect>> {
  if (!deps.committers || requests.length === 0) return new Map()
  const { suspects, refused } = await sentrySuspects(deps.committers, requests, m =>
    deps.debug?.(m)
  )
  const { githubServerUrl, code } = deps.config
  for (const [sentryId, suspect] of suspects) {
    const context = contexts.get(sentryId)
    if (context)
      context.sentrySuspect = {
        ...suspect,
        url: commitLink(githubServerUrl, code.owner, code.repo, suspect.sha)
      }
  }
  if (refused)
    deps.warn?.(
      `Sentry would not name suspect commits (${refused}): GitHub's blame names them instead. The token needs event:read on the project.`
    )
  return suspects
}
