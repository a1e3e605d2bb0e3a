/**
 * Whose markers are believed. Anyone may open an issue in a public repository, and any workflow may
 * copy a stranger's text into a new issue: a marker counts only in an issue opened by the identity
 * that runs the action (the token's own user or app, `github-actions[bot]`) or by the repository's
 * owners, members and collaborators — not by any bot — or a stranger could claim a Sentry issue.
 */
import type { GitHubIssue } from '../github/client.js'
import { parseMarker } from './marker.js'

/** The identity of `GITHUB_TOKEN` in a workflow. */
export const ACTIONS_BOT = 'github-actions[bot]'
const TRUSTED_ASSOCIATIONS = new Set(['OWNER', 'MEMBER', 'COLLABORATOR'])

/** Whether the issue's author is one whose marker is believed; `self` is the token's login. */
export function trustedAuthor(issue: Pick<GitHubIssue, 'author'>, self: string | null): boolean {
  const login = issue.author.login.toLowerCase()
  if (login === ACTIONS_BOT || (self !== null && login === self.toLowerCase())) return true
  return TRUSTED_ASSOCIATIONS.has(issue.author.association ?? '')
}

/** Whether telling the issue's trust needs the token's own login (a bot other than Actions' own). */
export function needsIdentity(issue: Pick<GitHubIssue, 'author' | 'body'>): boolean {
  const login = issue.author.login.toLowerCase()
  return (
    login.endsWith('[bot]') &&
    login !== ACTIONS_BOT &&
    !TRUSTED_ASSOCIATIONS.has(issue.author.association ?? '') &&
    parseMarker(issue.body) !== null
  )
}

/** The issue with its marker set when it is believed, else null. */
export function believe(issue: GitHubIssue, self: string | null): GitHubIssue {
  issue.marker = trustedAuthor(issue, self) ? parseMarker(issue.body) : null
  return issue
}
