import { z } from 'zod'
import { createOctokit, type GitHubOptions } from './octokit.js'
import { GitHubHistory } from './history.js'
import {
  issueSchema,
  labelSchema,
  parseAnswer,
  repositorySchema,
  type GitHubIssue,
  type IssueChange,
  type NewIssue
} from './issue.js'
import {
  describeGitHubError,
  isAlreadyExists,
  isAssigneeRejection,
  type RequestErrorLike
} from './errors.js'

export type { GitHubIssue, IssueChange, NewIssue } from './issue.js'
export { describeGitHubError } from './errors.js'

export { WRITE_SPACING_MS, NOTIFY_SPACING_MS, type GitHubOptions } from './octokit.js'

/**
 * The GitHub side of a run in one repository: issue listings, labels listed once and created once,
 * one create request per new issue, updates of body, labels and state together, comments, sub-issues
 * (history reads and the shared Octokit in the base classes).
 */
export class GitHubClient extends GitHubHistory {
  private labelCache: Map<string, string> | null = null

  /** `octokit`: one shared by every repository of the run, so that all writes share one pace. */
  constructor(options: GitHubOptions, octokit?: ReturnType<typeof createOctokit>) {
    super(options, octokit)
  }

  /**
   * The same token on another repository. GitHub's content-creation limits are per token, so the
   * Octokit (its throttling plugin and the write spacing) is shared: one pace for every repository.
   */
  forRepository(repository: string): GitHubClient {
    const [owner, repo] = repository.split('/') as [string, string]
    return new GitHubClient({ ...this.options, owner, repo }, this.octokit)
  }

  /**
   * What the token may do in this repository, read once: `none` when GitHub hides it (404, or 403
   * for a token of another installation), `read` when its permissions exclude writing issues.
   * GitHub reports `permissions` for user tokens; without them (an app's installation token) a
   * visible repository counts as writable and a refused write says so.
   */
  async access(): Promise<{ level: 'write' | 'read' | 'none'; status: number | null }> {
    try {
      const { data } = await this.octokit.rest.repos.get({ owner: this.owner, repo: this.repo })
      const permissions = parseAnswer(
        repositorySchema,
        data,
        'GET /repos/{owner}/{repo}'
      ).permissions
      if (!permissions) return { level: 'write', status: 200 }
      const writes =
        permissions.admin || permissions.maintain || permissions.push || permissions.triage
      return { level: writes ? 'write' : 'read', status: 200 }
    } catch (error) {
      const status = (error as RequestErrorLike)?.status
      if (status === 404 || status === 403 || status === 401) return { level: 'none', status }
      throw describeGitHubError(error, 'reading the repository', this.repository)
    }
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
   * Opens an issue with its labels and assignees in one request, once: creation is not idempotent,
   * so a lost answer is never retried here (the executor looks for the issue before trying again).
   */
  async createIssue(issue: NewIssue): Promise<GitHubIssue> {
    let assignees = issue.assignees
    for (;;) {
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
        throw describeGitHubError(
          error,
          `creating the issue for Sentry issue ${issue.sentryId}`,
          this.repository
        )
      }
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

  /**
   * Every open issue, and with `closedSince` the closed ones updated since then: the issues a run
   * may find linked. A run for one Sentry issue passes no `closedSince` (its closed issue is found
   * by its link or one marker search), so its reads do not grow with the repository's history.
   */
  async listTracked(closedSince: string | null): Promise<GitHubIssue[]> {
    try {
      const open = await this.listIssues('open', 'updated', null)
      const closed = closedSince ? await this.listIssues('closed', 'updated', closedSince) : []
      return [...open, ...closed]
    } catch (error) {
      throw describeGitHubError(error, 'listing issues to find the linked ones', this.repository)
    }
  }

  /**
   * One update of an issue: its body, its whole label set and its state together, so that what the
   * marker records and what the issue shows change in one request (a run killed between two writes
   * would leave labels the next run takes for a person's edit).
   */
  async updateIssue(number: number, change: IssueChange): Promise<void> {
    const state =
      change.state === 'closed'
        ? { state: 'closed' as const, state_reason: change.reason }
        : change.state === 'open'
          ? { state: 'open' as const, state_reason: 'reopened' as const }
          : {}
    await this.onIssue(
      `${change.state === 'closed' ? 'closing' : change.state === 'open' ? 'reopening' : 'updating'} issue #${number}`,
      ref =>
        this.octokit.rest.issues.update({
          ...ref,
          ...state,
          ...(change.body !== undefined ? { body: change.body } : {}),
          ...(change.labels !== undefined ? { labels: change.labels } : {})
        }),
      number
    )
  }

  /**
   * Posts one comment, once: a comment is not idempotent, so a lost answer is not retried here (the
   * executor looks for the comment's key before sending it again).
   */
  async comment(number: number, body: string): Promise<void> {
    await this.onIssue(
      `commenting on issue #${number}`,
      ref => this.octokit.rest.issues.createComment({ ...ref, body, request: { retries: 0 } }),
      number
    )
  }

  /**
   * Attaches an issue of this repository under another (GitHub's sub-issues API, API-NOTES G5:
   * the child's id, not its number). `unavailable` when the API answers 404 (GitHub Enterprise
   * Server without it); a child already attached there (422) counts as attached.
   */
  async addSubIssue(parent: number, childId: number): Promise<'attached' | 'unavailable'> {
    try {
      await this.octokit.request('POST /repos/{owner}/{repo}/issues/{issue_number}/sub_issues', {
        owner: this.owner,
        repo: this.repo,
        issue_number: parent,
        sub_issue_id: childId
      })
      return 'attached'
    } catch (error) {
      const status = (error as RequestErrorLike)?.status
      if (status === 404) return 'unavailable'
      if (status === 422 && (await this.listSubIssueIds(parent)).includes(childId))
        return 'attached'
      throw describeGitHubError(error, `attaching a sub-issue to issue #${parent}`, this.repository)
    }
  }

  /** The ids of an issue's sub-issues (one page: a release issue has a handful). */
  async listSubIssueIds(parent: number): Promise<number[]> {
    try {
      const { data } = await this.octokit.request(
        'GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues',
        { owner: this.owner, repo: this.repo, issue_number: parent, per_page: 100 }
      )
      return parseAnswer(
        z.array(z.looseObject({ id: z.number() })),
        data,
        'GET /repos/{owner}/{repo}/issues/{issue_number}/sub_issues'
      ).map(i => i.id)
    } catch (error) {
      throw describeGitHubError(
        error,
        `listing the sub-issues of issue #${parent}`,
        this.repository
      )
    }
  }
}
