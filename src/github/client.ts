import { z } from 'zod'
import { realSleep } from '../http/retry.js'
import { createOctokit, type GitHubOptions } from './octokit.js'
import { issueSchema, labelSchema, parseAnswer, type GitHubIssue } from './issue.js'
import {
  describeGitHubError,
  isAlreadyExists,
  isAssigneeRejection,
  isTransient,
  type RequestErrorLike
} from './errors.js'

export type { GitHubIssue } from './issue.js'
export { describeGitHubError } from './errors.js'

export { WRITE_SPACING_MS, NOTIFY_SPACING_MS, type GitHubOptions } from './octokit.js'

/** Attempts of one issue creation (the first included) when the answer is lost. */
const CREATE_ATTEMPTS = 3

interface IssueRef {
  owner: string
  repo: string
  issue_number: number
}

export interface NewIssue {
  title: string
  body: string
  labels: string[]
  assignees: string[]
  /** The Sentry id whose marker identifies the issue, to find it again if the answer is lost. */
  sentryId: string
}

/**
 * The GitHub side: one listing of recent issues to find linked ones, labels listed once and created
 * once, one create request per new issue (title, body, labels, assignees together), label additions
 * for linked issues. Octokit's throttling plugin paces writes and handles rate limits; its retry
 * plugin retries server errors.
 */
export class GitHubClient {
  readonly octokit: ReturnType<typeof createOctokit>
  private readonly owner: string
  private readonly repo: string
  private labelCache: Map<string, string> | null = null
  private readonly retryBase: number

  constructor(private readonly options: GitHubOptions) {
    this.owner = options.owner
    this.repo = options.repo
    const retryBase = options.retryAfterBaseMs ?? 1000
    this.retryBase = retryBase
    this.octokit = createOctokit(options, retryBase)
  }

  get repository(): string {
    return `${this.owner}/${this.repo}`
  }

  /**
   * Every issue (not pull request) updated since `since`, in one paginated listing. A GitHub issue
   * linked to a Sentry issue was created after that issue was first seen, so the batch's earliest
   * `firstSeen` bounds the listing. Listing, not search: search lags by minutes.
   */
  async listRecentIssues(since: string | null): Promise<GitHubIssue[]> {
    try {
      return await this.listIssues('all', 'created', since)
    } catch (error) {
      throw describeGitHubError(error, 'listing issues to find the linked ones', this.repository)
    }
  }

  /** One paginated listing of issues (pull requests dropped), newest first by `sort`. */
  private async listIssues(
    state: 'all' | 'open' | 'closed',
    sort: 'created' | 'updated',
    since: string | null
  ): Promise<GitHubIssue[]> {
    const items = await this.octokit.paginate(this.octokit.rest.issues.listForRepo, {
      owner: this.owner,
      repo: this.repo,
      state,
      per_page: 100,
      sort,
      direction: 'desc',
      ...(since ? { since } : {})
    })
    return parseAnswer(z.array(issueSchema), items, 'GET /repos/{owner}/{repo}/issues')
      .filter(i => !i.isPull)
      .map(i => i.issue)
  }

  /** One issue by number (for a Sentry annotation pointing outside the listing), or null if gone. */
  async getIssue(number: number): Promise<GitHubIssue | null> {
    try {
      const { data } = await this.octokit.rest.issues.get({
        owner: this.owner,
        repo: this.repo,
        issue_number: number
      })
      const parsed = parseAnswer(issueSchema, data, 'GET /repos/{owner}/{repo}/issues/{number}')
      return parsed.isPull ? null : parsed.issue
    } catch (error) {
      if (
        (error as RequestErrorLike)?.status === 404 ||
        (error as RequestErrorLike)?.status === 410
      )
        return null
      throw describeGitHubError(error, `reading issue #${number}`, this.repository)
    }
  }

  private async labels(): Promise<Map<string, string>> {
    if (this.labelCache) return this.labelCache
    try {
      const items = await this.octokit.paginate(this.octokit.rest.issues.listLabelsForRepo, {
        owner: this.owner,
        repo: this.repo,
        per_page: 100
      })
      const labels = parseAnswer(z.array(labelSchema), items, 'GET /repos/{owner}/{repo}/labels')
      this.labelCache = new Map(labels.map(l => [l.name.toLowerCase(), l.name]))
      return this.labelCache
    } catch (error) {
      throw describeGitHubError(error, 'listing labels', this.repository)
    }
  }

  /** Creates the labels that do not exist yet, once each, with a colour and a description. */
  async ensureLabels(
    wanted: Array<{ name: string; color: string; description: string }>
  ): Promise<void> {
    const existing = await this.labels()
    for (const label of wanted) {
      if (existing.has(label.name.toLowerCase())) continue
      try {
        await this.octokit.rest.issues.createLabel({ owner: this.owner, repo: this.repo, ...label })
      } catch (error) {
        // Another run created it a moment ago: that is what we wanted.
        if (!isAlreadyExists(error))
          throw describeGitHubError(error, `creating label '${label.name}'`, this.repository)
      }
      existing.set(label.name.toLowerCase(), label.name)
    }
  }

  /**
   * Opens an issue with its labels and assignees in one request. Creation is not idempotent, so a
   * lost answer is never blindly retried: the recent issues are listed first, and an issue already
   * carrying this Sentry id's marker is taken as the one created.
   */
  async createIssue(issue: NewIssue, createdAfter: string): Promise<GitHubIssue> {
    let assignees = issue.assignees
    for (let attempt = 1; ; attempt++) {
      try {
        const { data } = await this.octokit.rest.issues.create({
          owner: this.owner,
          repo: this.repo,
          title: issue.title,
          body: issue.body,
          labels: issue.labels,
          ...(assignees.length > 0 ? { assignees } : {}),
          request: { retries: 0 }
        })
        return parseAnswer(issueSchema, data, 'POST /repos/{owner}/{repo}/issues').issue
      } catch (error) {
        // One login that cannot be assigned (a typo, someone who left) makes GitHub refuse the whole
        // issue with a 422; nothing landed, so it is opened without assignees rather than never.
        if (assignees.length > 0 && isAssigneeRejection(error)) {
          this.options.warn?.(
            `GitHub refused the assignees ${assignees.join(', ')} (check critical-assignees): the issue for Sentry issue ${issue.sentryId} is opened unassigned`
          )
          assignees = []
          continue
        }
        const what = `creating the issue for Sentry issue ${issue.sentryId}`
        if (!isTransient(error) || attempt >= CREATE_ATTEMPTS)
          throw describeGitHubError(error, what, this.repository)
        // The same schedule as plugin-retry's (1 s, 4 s, …), never past the run's budget.
        const waitMs = attempt ** 2 * this.retryBase
        if (waitMs >= this.options.budget.remainingMs()) {
          throw describeGitHubError(
            error,
            `${what} (no time-budget left to retry)`,
            this.repository
          )
        }
        await realSleep(waitMs)
        const recent = await this.listRecentIssues(createdAfter)
        const landed = recent.find(i => i.marker?.ids.includes(issue.sentryId))
        if (landed) return landed
      }
    }
  }

  /** Runs one call on an issue, turning a failure into a sentence naming what was being done. */
  private async onIssue(what: string, call: (issue: IssueRef) => Promise<unknown>, number: number) {
    try {
      await call({ owner: this.owner, repo: this.repo, issue_number: number })
    } catch (error) {
      throw describeGitHubError(error, what, this.repository)
    }
  }

  /** Adds labels an issue lacks (GitHub keeps the ones it has). */
  async addLabels(number: number, labels: string[]): Promise<void> {
    if (labels.length === 0) return
    await this.onIssue(
      `labelling issue #${number}`,
      ref => this.octokit.rest.issues.addLabels({ ...ref, labels }),
      number
    )
  }

  /** Removes a label from an issue; one already gone is fine. */
  async removeLabel(number: number, name: string): Promise<void> {
    await this.onIssue(
      `removing label '${name}' from issue #${number}`,
      ref =>
        this.octokit.rest.issues.removeLabel({ ...ref, name }).catch((error: unknown) => {
          if ((error as RequestErrorLike)?.status !== 404) throw error
        }),
      number
    )
  }

  /** Assigns logins to an existing issue (GitHub ignores the ones it cannot assign). */
  /**
   * Assigns logins to an existing issue. GitHub skips the ones it cannot assign without an error
   * (API-NOTES F6), so the answer's assignees are returned for the caller to compare.
   */
  async addAssignees(number: number, assignees: string[]): Promise<string[]> {
    if (assignees.length === 0) return []
    let assigned: string[] = []
    await this.onIssue(
      `assigning issue #${number}`,
      async ref => {
        const { data } = await this.octokit.rest.issues.addAssignees({ ...ref, assignees })
        assigned =
          parseAnswer(
            z.looseObject({ assignees: z.array(z.looseObject({ login: z.string() })).nullish() }),
            data,
            'POST /repos/{owner}/{repo}/issues/{number}/assignees'
          ).assignees?.map(a => a.login) ?? []
      },
      number
    )
    return assigned
  }

  /** Rewrites an issue body (to extend a shared issue's marker, or record a new tier). */
  async updateBody(number: number, body: string): Promise<void> {
    await this.onIssue(
      `updating issue #${number}`,
      ref => this.octokit.rest.issues.update({ ...ref, body }),
      number
    )
  }

  /** Closes a duplicate a racing run opened, pointing at the issue that stays. */
  async closeAsDuplicate(number: number, original: GitHubIssue): Promise<void> {
    await this.onIssue(
      `closing duplicate issue #${number}`,
      async ref => {
        await this.octokit.rest.issues.createComment({
          ...ref,
          body: `Duplicate of #${original.number}: another sentry-triage run opened that issue for the same Sentry issue first.`
        })
        await this.octokit.rest.issues.update({
          ...ref,
          state: 'closed',
          state_reason: 'not_planned'
        })
      },
      number
    )
  }

  /**
   * The issues the follow-up pass looks at, in two listings: every open issue, and the closed ones
   * updated since `closedSince`. Only those carrying a trusted marker matter to the caller.
   */
  async listTracked(closedSince: string): Promise<GitHubIssue[]> {
    try {
      const open = await this.listIssues('open', 'updated', null)
      const closed = await this.listIssues('closed', 'updated', closedSince)
      return [...open, ...closed]
    } catch (error) {
      throw describeGitHubError(error, 'listing issues to find the linked ones', this.repository)
    }
  }

  /** Closes an issue with a reason; the body (its marker) is rewritten in the same request. */
  async closeIssue(
    number: number,
    reason: 'completed' | 'not_planned',
    body?: string
  ): Promise<void> {
    await this.onIssue(
      `closing issue #${number}`,
      ref =>
        this.octokit.rest.issues.update({
          ...ref,
          state: 'closed',
          state_reason: reason,
          ...(body !== undefined ? { body } : {})
        }),
      number
    )
  }

  /** Reopens an issue; the body (its marker) is rewritten in the same request. */
  async reopenIssue(number: number, body?: string): Promise<void> {
    await this.onIssue(
      `reopening issue #${number}`,
      ref =>
        this.octokit.rest.issues.update({
          ...ref,
          state: 'open',
          state_reason: 'reopened',
          ...(body !== undefined ? { body } : {})
        }),
      number
    )
  }

  /** Posts one comment on an issue. */
  async comment(number: number, body: string): Promise<void> {
    await this.onIssue(
      `commenting on issue #${number}`,
      ref => this.octokit.rest.issues.createComment({ ...ref, body }),
      number
    )
  }

  /**
   * The issue whose marker lists this Sentry id, found by one search (for a regression long after
   * the close, outside every listing). Search lags by minutes, which does not matter for those.
   */
  async findByMarker(sentryId: string): Promise<GitHubIssue | null> {
    try {
      const { data } = await this.octokit.rest.search.issuesAndPullRequests({
        q: `repo:${this.owner}/${this.repo} is:issue in:body "sentry-triage:v1" "${sentryId}"`,
        per_page: 20
      })
      const items = parseAnswer(
        z.object({ items: z.array(issueSchema) }),
        data,
        'GET /search/issues'
      ).items
      return (
        items
          .filter(i => !i.isPull && i.issue.marker?.ids.includes(sentryId))
          .map(i => i.issue)
          .sort(
            (a, b) =>
              Number(a.state === 'closed') - Number(b.state === 'closed') || b.number - a.number
          )[0] ?? null
      )
    } catch (error) {
      throw describeGitHubError(
        error,
        `searching for the issue of Sentry issue ${sentryId}`,
        this.repository
      )
    }
  }
}
