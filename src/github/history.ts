/**
 * What the action reads about an issue's history and about itself: comments (a step's key), label
 * events (who put a triage label), marker searches, and the token's own login.
 */
import { z } from 'zod'
import { GitHubApi } from './api.js'
import {
  commentSchema,
  issueEventSchema,
  issueSchema,
  parseAnswer,
  type GitHubIssue
} from './issue.js'
import { describeGitHubError } from './errors.js'

export class GitHubHistory extends GitHubApi {
  /** The bodies of an issue's comments, every page. */
  async listComments(number: number): Promise<string[]> {
    const comments = await this.everyPage(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/comments',
      number,
      commentSchema,
      `reading the comments of issue #${number}`
    )
    return comments.map(c => c.body ?? '')
  }

  /** Who added or removed which label on an issue (its `labeled`/`unlabeled` events), every page. */
  async listLabelEvents(
    number: number
  ): Promise<Array<{ event: 'labeled' | 'unlabeled'; label: string; actor: string }>> {
    const events = await this.everyPage(
      'GET /repos/{owner}/{repo}/issues/{issue_number}/events',
      number,
      issueEventSchema,
      `reading the events of issue #${number}`
    )
    return events.flatMap(e =>
      (e.event === 'labeled' || e.event === 'unlabeled') && e.label
        ? [{ event: e.event, label: e.label.name, actor: e.actor?.login ?? '' }]
        : []
    )
  }

  /** The login the token acts as (a user, `<app>[bot]`, or `github-actions[bot]`); null if unknown. */
  async whoAmI(): Promise<string | null> {
    try {
      const data = await this.octokit.graphql<{ viewer?: { login?: unknown } }>(
        'query { viewer { login } }'
      )
      return typeof data.viewer?.login === 'string' ? data.viewer.login : null
    } catch {
      return null
    }
  }

  /**
   * The issues whose body carries the marker text and this Sentry id, by search, every result page
   * (for a regression long after the close, outside every listing). The caller decides whose
   * markers to believe. Search lags by minutes, which does not matter for those.
   */
  async searchMarker(sentryId: string): Promise<GitHubIssue[]> {
    try {
      const items = await this.octokit.paginate(this.octokit.rest.search.issuesAndPullRequests, {
        q: `repo:${this.owner}/${this.repo} is:issue in:body "sentry-triage:v1" "${sentryId}"`,
        per_page: 100
      })
      return parseAnswer(z.array(issueSchema), items, 'GET /search/issues')
        .filter(i => !i.isPull)
        .map(i => i.issue)
    } catch (error) {
      throw describeGitHubError(
        error,
        `searching for the issue of Sentry issue ${sentryId}`,
        this.repository
      )
    }
  }
}
