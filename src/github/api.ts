/**
 * What every GitHub request of the action shares: one Octokit (its throttling and retry plugins,
 * the write spacing), the repository it acts on, and failures turned into sentences.
 */
import { z } from 'zod'
import { createOctokit, type GitHubOptions } from './octokit.js'
import { parseAnswer } from './issue.js'
import { describeGitHubError } from './errors.js'

export interface IssueRef {
  owner: string
  repo: string
  issue_number: number
}

export class GitHubApi {
  readonly octokit: ReturnType<typeof createOctokit>
  protected readonly owner: string
  protected readonly repo: string

  /** `octokit`: one shared by every repository of the run, so that all writes share one pace. */
  constructor(
    protected readonly options: GitHubOptions,
    octokit?: ReturnType<typeof createOctokit>
  ) {
    this.owner = options.owner
    this.repo = options.repo
    this.octokit = octokit ?? createOctokit(options, options.retryAfterBaseMs ?? 1000)
  }

  get repository(): string {
    return `${this.owner}/${this.repo}`
  }

  /** Runs one call on an issue, turning a failure into a sentence naming what was being done. */
  protected async onIssue(
    what: string,
    call: (issue: IssueRef) => Promise<unknown>,
    number: number
  ) {
    try {
      await call({ owner: this.owner, repo: this.repo, issue_number: number })
    } catch (error) {
      throw describeGitHubError(error, what, this.repository)
    }
  }

  /** Every page of one issue's sub-listing, validated item by item's shape. */
  protected async everyPage<T>(
    route:
      | 'GET /repos/{owner}/{repo}/issues/{issue_number}/comments'
      | 'GET /repos/{owner}/{repo}/issues/{issue_number}/events',
    number: number,
    item: z.ZodType<T>,
    what: string
  ): Promise<T[]> {
    try {
      const items: unknown[] = await this.octokit.paginate(route, {
        owner: this.owner,
        repo: this.repo,
        issue_number: number,
        per_page: 100
      })
      return parseAnswer(z.array(item), items, route)
    } catch (error) {
      throw describeGitHubError(error, what, this.repository)
    }
  }
}
