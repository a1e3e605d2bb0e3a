/**
 * What the writers are handed: the clients, the config and the log, and the few writes every writer
 * shares — a comment that is made once (its key), the Sentry-side notes, links and resolves. Nothing
 * here decides what to write; nothing here knows dry-run (the executor never calls a writer then).
 */
import type { Config } from '../config/config.js'
import type { SentryClient, SentryIssue } from '../sentry/client.js'
import type { GitHubClient, GitHubIssue } from '../github/client.js'
import type { Logger } from '../pipeline/deps.js'
import type { Redactor } from '../render/redact.js'
import type { Classification } from '../classify/taxonomy.js'
import { answerMayBeLost } from '../github/errors.js'
import { renderSentryComment } from '../render/issue-body.js'
import { HttpError } from '../http/client.js'
import { errorMessage } from '../report/error-message.js'

export interface WriteIO {
  config: Config
  github: GitHubClient
  sentry: SentryClient
  redact: Redactor
  log: Logger
  /** A little before the run began: an issue created after it may be this run's own (lost answer). */
  createdAfter: string
  /** Waits (the run's clock), e.g. before looking for an issue whose creation answer was lost. */
  sleep: (ms: number) => Promise<void>
  /** The run's clock, in milliseconds. */
  now: () => number
  /** The first wait before looking for an issue whose creation answer was lost (1 s; tests shorten it). */
  retryBaseMs: number
  /** The run's time budget: no wait past it. */
  budget?: { remainingMs(): number }
  /** Whose markers are believed: the token's own login, when known. */
  self: string | null
}

const KEY_PREFIX = '<!-- sentry-triage:step '

/** The hidden line that carries a step's key in a comment. */
export function keyLine(key: string): string {
  return `${KEY_PREFIX}${key.replace(/-->/g, '')} -->`
}

/**
 * Posts a comment once. GitHub has no idempotency keys, so the comment carries the step's: when the
 * answer is lost (a timeout, a 5xx after the request was sent), the issue's comments are read and
 * the comment is sent again only when no comment carries the key.
 */
export async function commentOnce(
  io: WriteIO,
  number: number,
  key: string,
  text: string
): Promise<void> {
  const body = `${text}\n\n${keyLine(key)}`
  try {
    await io.github.comment(number, body)
  } catch (error) {
    if (!answerMayBeLost(error)) throw error
    const posted = await io.github.listComments(number)
    if (posted.some(c => c.includes(keyLine(key)))) return
    await io.github.comment(number, body)
  }
}

/** The `sentry-link` installation, looked up once per run (null: unavailable, warned once). */
export class SentrySide {
  private installation: Promise<string | null> | undefined

  constructor(private readonly io: WriteIO) {}

  /** `sentry-comment`: the classification and the GitHub link as a note on the Sentry issue. */
  async noteClassification(issue: SentryIssue, c: Classification, url: string): Promise<void> {
    await this.note(issue, renderSentryComment(c, url, this.io.redact))
  }

  /** A note on the Sentry issue, with `sentry-comment`. Never fatal: the GitHub issue is what counts. */
  async note(issue: SentryIssue, text: string): Promise<void> {
    if (!this.io.config.sentryComment) return
    try {
      await this.io.sentry.postComment(issue.id, text)
    } catch (error) {
      this.io.log.warning(
        `Could not comment on Sentry issue ${issue.shortId}: ${errorMessage(error)}`,
        'Sentry comment'
      )
    }
  }

  /**
   * `sentry-link`: registers the GitHub issue on each Sentry issue as an external issue. A refusal
   * is one warning, never a failed run. Returns the ids that were linked.
   */
  async link(issues: SentryIssue[], gh: Pick<GitHubIssue, 'number' | 'url'>): Promise<Set<string>> {
    const linked = new Set<string>()
    if (!this.io.config.sentryLink) return linked
    const installation = await this.installationUuid()
    if (!installation) return linked
    for (const issue of issues) {
      try {
        await this.io.sentry.linkExternalIssue(installation, {
          issueId: issue.id,
          webUrl: gh.url,
          project: `${this.io.config.owner}/${this.io.config.repo}`,
          identifier: `#${gh.number}`
        })
        linked.add(issue.id)
      } catch (error) {
        // A token without the scope fails every link alike: one warning, and no more tries this run.
        const refused = error instanceof HttpError && (error.status === 403 || error.status === 401)
        if (refused) this.installation = Promise.resolve(null)
        this.io.log.warning(
          `Could not link ${gh.url} on Sentry issue ${issue.shortId} (sentry-link needs an internal integration token with event:write): ${errorMessage(error)}`,
          'Sentry link'
        )
        if (refused) break
      }
    }
    return linked
  }

  /**
   * `resolve-in-sentry`: resolves the Sentry issue, in the next release when asked (events from the
   * release already deployed then do not regress it); a project without releases cannot, so Sentry's
   * refusal (400) falls back to a plain resolve. A failure is a warning; the next run tries again.
   */
  async resolve(issue: SentryIssue, inNextRelease: boolean): Promise<boolean> {
    try {
      if (inNextRelease) {
        try {
          await this.io.sentry.resolveIssue(issue.id, 'resolvedInNextRelease')
          return true
        } catch (error) {
          if (!(error instanceof HttpError && error.status === 400)) throw error
          this.io.log.debug(
            `${issue.shortId}: Sentry refused resolvedInNextRelease (no releases?): resolved plainly`
          )
        }
      }
      await this.io.sentry.resolveIssue(issue.id, 'resolved')
      return true
    } catch (error) {
      this.io.log.warning(
        `Could not resolve Sentry issue ${issue.shortId} (resolve-in-sentry needs event:write): ${errorMessage(error)}`,
        'Sentry resolve'
      )
      return false
    }
  }

  private installationUuid(): Promise<string | null> {
    this.installation ??= this.discoverInstallation()
    return this.installation
  }

  private async discoverInstallation(): Promise<string | null> {
    const { config, sentry, log } = this.io
    if (config.sentryAppInstallation) return config.sentryAppInstallation
    try {
      const found = await sentry.listInstallations()
      if (found.length === 1) return found[0]!.uuid
      log.warning(
        found.length === 0
          ? 'sentry-link: the token sees no Sentry integration installation; create an internal integration (README: "Link issues in Sentry") and use its token, or set sentry-app-installation.'
          : `sentry-link: the token sees ${found.length} installations (${found.map(i => `${i.app} ${i.uuid}`).join(', ')}); set sentry-app-installation to the one to use.`,
        'Sentry link'
      )
    } catch (error) {
      log.warning(
        `sentry-link: could not list Sentry integration installations (set sentry-app-installation): ${errorMessage(error)}`,
        'Sentry link'
      )
    }
    return null
  }
}
