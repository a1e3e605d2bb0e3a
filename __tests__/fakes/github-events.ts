/**
 * Fake GitHub, issue history: the issue events GitHub records (`GET /repos/{o}/{r}/issues/{n}/events`,
 * GH-OAS `issues/list-events`) and the state changes that produce them, shared by the API handlers
 * (actor = the token's identity) and by edits a person makes in the UI (test helper `editAsPerson`).
 *
 * Event shape: `{id, node_id, url, actor, event, commit_id, commit_url, created_at,
 * performed_via_github_app}` plus, per kind: `closed`/`reopened` → `state_reason`; `labeled`/`unlabeled`
 * → `label: {name, color}`; `renamed` → `rename: {from, to}`. A close by a commit or merged pull
 * request has `commit_id`/`commit_url`. Events are listed oldest first. Labels given at creation are
 * recorded as `labeled` events too, as GitHub does. Every change bumps `updated_at`; a write that
 * changes nothing (same state, same labels) records nothing and leaves `updated_at` alone.
 */
import type { GitHubIssue, GitHubLabel, GitHubUser } from './github.js'

export type StateReason = 'completed' | 'not_planned' | 'duplicate'

export interface GitHubIssueEvent {
  id: number
  node_id: string
  url: string
  actor: GitHubUser
  event: string
  commit_id: string | null
  commit_url: string | null
  created_at: string
  performed_via_github_app: unknown
  label?: { name: string; color: string } | undefined
  rename?: { from: string; to: string } | undefined
  state_reason?: string | null | undefined
  /** TEST-ONLY (stripped from responses): the issue number */
  issue_number: number
}

export interface HistoryKit {
  nextId(): number
  /** `${api}/repos/{o}/{r}` */
  repoApi(): string
  /** the GitHub App that acts for this actor (github-actions for its bot), or null */
  appFor(actor: GitHubUser): unknown
}

export interface IssueHistory {
  events: GitHubIssueEvent[]
  record(
    issue: GitHubIssue,
    event: string,
    actor: GitHubUser,
    at: string,
    extra?: Partial<GitHubIssueEvent>
  ): GitHubIssueEvent
  /** replace the labels; `labeled`/`unlabeled` for each difference; true when something changed */
  setLabels(issue: GitHubIssue, next: GitHubLabel[], actor: GitHubUser, at: string): boolean
  /** close (or change the reason of a closed issue); true when something changed */
  close(
    issue: GitHubIssue,
    reason: StateReason,
    actor: GitHubUser,
    at: string,
    commitId?: string | null
  ): boolean
  /** reopen (`state_reason: reopened`); true when it was closed */
  reopen(issue: GitHubIssue, actor: GitHubUser, at: string): boolean
  /** new title (`renamed`); true when it differs */
  rename(issue: GitHubIssue, title: string, actor: GitHubUser, at: string): boolean
}

const b64 = (s: string): string => Buffer.from(s).toString('base64').replace(/=+$/, '')

export function makeHistory(kit: HistoryKit): IssueHistory {
  const events: GitHubIssueEvent[] = []
  const h: IssueHistory = {
    events,
    record(issue, event, actor, at, extra = {}) {
      const id = kit.nextId()
      const commitId = extra.commit_id ?? null
      const e: GitHubIssueEvent = {
        id,
        node_id: `${event === 'closed' ? 'CE' : event === 'reopened' ? 'REE' : 'LE'}_lADO${b64(String(id))}`,
        url: `${kit.repoApi()}/issues/events/${id}`,
        actor,
        event,
        commit_id: commitId,
        commit_url: commitId ? `${kit.repoApi()}/commits/${commitId}` : null,
        created_at: at,
        performed_via_github_app: kit.appFor(actor),
        ...extra,
        issue_number: issue.number
      }
      events.push(e)
      return e
    },
    setLabels(issue, next, actor, at) {
      const before = issue.labels
      const added = next.filter(l => !before.includes(l))
      const removed = before.filter(l => !next.includes(l))
      issue.labels = [...next]
      for (const l of removed)
        h.record(issue, 'unlabeled', actor, at, { label: { name: l.name, color: l.color } })
      for (const l of added)
        h.record(issue, 'labeled', actor, at, { label: { name: l.name, color: l.color } })
      return added.length + removed.length > 0
    },
    close(issue, reason, actor, at, commitId = null) {
      if (issue.state === 'closed' && issue.state_reason === reason) return false
      const wasOpen = issue.state !== 'closed'
      issue.state = 'closed'
      issue.state_reason = reason
      if (wasOpen) {
        issue.closed_at = at
        issue.closed_by = actor
      }
      h.record(issue, 'closed', actor, at, { commit_id: commitId, state_reason: reason })
      return true
    },
    reopen(issue, actor, at) {
      if (issue.state === 'open') return false
      issue.state = 'open'
      issue.state_reason = 'reopened'
      issue.closed_at = null
      issue.closed_by = null
      h.record(issue, 'reopened', actor, at, { state_reason: 'reopened' })
      return true
    },
    rename(issue, title, actor, at) {
      if (issue.title === title) return false
      h.record(issue, 'renamed', actor, at, { rename: { from: issue.title, to: title } })
      issue.title = title
      return true
    }
  }
  return h
}

export function publicEvent(e: GitHubIssueEvent): Record<string, unknown> {
  const { issue_number: _n, ...rest } = e
  void _n
  return rest
}

/** What a person does to an issue in GitHub's UI (or a commit/PR that closes it). */
export interface PersonEdit {
  /** the person (default `octocat`, a `User` and repo MEMBER) */
  login?: string | undefined
  addLabels?: string[] | undefined
  removeLabels?: string[] | undefined
  /** replace all labels */
  setLabels?: string[] | undefined
  title?: string | undefined
  body?: string | null | undefined
  /** close with this reason (`completed` or `not_planned`) */
  close?: StateReason | undefined
  /** close as completed by this commit (sha), as a commit message or a merged PR does */
  closedByCommit?: string | undefined
  reopen?: boolean | undefined
  /** a comment by the person */
  comment?: string | undefined
  /** when (default the fake's now) */
  at?: Date | undefined
}
