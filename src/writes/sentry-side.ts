/** Writes on the Sentry side: notes, the external-issue link, resolving. None of them ever fails a run. */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { WriteContext } from '../pipeline/deps.js'
import type { Classification } from '../classify/taxonomy.js'
import { renderSentryComment } from '../render/issue-body.js'
import { errorMessage, HttpError } from '../http/client.js'

/** `sentry-comment`: the classification and the GitHub link as a note on the Sentry issue. */
export async function noteClassification(
  ctx: WriteContext,
  issue: SentryIssue,
  c: Classification,
  url: string
): Promise<void> {
  await note(ctx, issue, renderSentryComment(c, url, ctx.redact))
}

/** A note on the Sentry issue, with `sentry-comment`. Never fatal: the GitHub issue is what counts. */
export async function note(ctx: WriteContext, issue: SentryIssue, text: string): Promise<void> {
  if (!ctx.config.sentryComment || ctx.dry) return
  try {
    await ctx.sentry.postComment(issue.id, text)
  } catch (error) {
    ctx.log.warning(
      `Could not comment on Sentry issue ${issue.shortId}: ${errorMessage(error)}`,
      'Sentry comment'
    )
  }
}

/**
 * `sentry-link`: registers the GitHub issue on each Sentry issue as an external issue, so that
 * Sentry shows it and `is:unlinked` leaves it out. A refusal is one warning, never a failed run.
 * Returns the ids that were linked.
 */
export async function linkInSentry(
  ctx: WriteContext,
  issues: SentryIssue[],
  gh: Pick<GitHubIssue, 'number' | 'url'>
): Promise<Set<string>> {
  const linked = new Set<string>()
  if (!ctx.config.sentryLink || ctx.dry) return linked
  const installation = await installationOf(ctx)
  if (!installation) return linked
  for (const issue of issues) {
    try {
      await ctx.sentry.linkExternalIssue(installation, {
        issueId: issue.id,
        webUrl: gh.url,
        project: `${ctx.config.owner}/${ctx.config.repo}`,
        identifier: `#${gh.number}`
      })
      linked.add(issue.id)
    } catch (error) {
      // A token without the scope fails every link alike: one warning, and no more tries this run.
      const refused = error instanceof HttpError && (error.status === 403 || error.status === 401)
      if (refused) ctx.installation = Promise.resolve(null)
      ctx.log.warning(
        `Could not link ${gh.url} on Sentry issue ${issue.shortId} (sentry-link needs an internal integration token with event:write): ${errorMessage(error)}`,
        'Sentry link'
      )
      if (refused) break
    }
  }
  return linked
}

/** The installation uuid: the input, or the only one the token sees; looked up once a run. */
function installationOf(ctx: WriteContext): Promise<string | null> {
  ctx.installation ??= discoverInstallation(ctx)
  return ctx.installation
}

async function discoverInstallation(ctx: WriteContext): Promise<string | null> {
  if (ctx.config.sentryAppInstallation) return ctx.config.sentryAppInstallation
  try {
    const found = await ctx.sentry.listInstallations()
    if (found.length === 1) return found[0]!.uuid
    ctx.log.warning(
      found.length === 0
        ? 'sentry-link: the token sees no Sentry integration installation; create an internal integration (README: "Link issues in Sentry") and use its token, or set sentry-app-installation.'
        : `sentry-link: the token sees ${found.length} installations (${found.map(i => `${i.app} ${i.uuid}`).join(', ')}); set sentry-app-installation to the one to use.`,
      'Sentry link'
    )
  } catch (error) {
    ctx.log.warning(
      `sentry-link: could not list Sentry integration installations (set sentry-app-installation): ${errorMessage(error)}`,
      'Sentry link'
    )
  }
  return null
}

/** `resolve-in-sentry`: resolves the Sentry issue; a refusal is a warning and it is tried next run. */
export async function resolveInSentry(ctx: WriteContext, issue: SentryIssue): Promise<boolean> {
  if (ctx.dry) return false
  try {
    await ctx.sentry.resolveIssue(issue.id)
    return true
  } catch (error) {
    ctx.log.warning(
      `Could not resolve Sentry issue ${issue.shortId} (resolve-in-sentry needs event:write): ${errorMessage(error)}`,
      'Sentry resolve'
    )
    return false
  }
}
