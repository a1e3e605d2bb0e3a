/**
 * Pieces of the fake GitHub host (github-host.ts) that need no server: which repositories a
 * request is about (path, search `repo:` qualifiers, GraphQL `repository(owner:, name:)`), the
 * repository object of `GET /repos/{owner}/{repo}`, GraphQL's NOT_FOUND answer, and the merge of
 * one search over several repositories.
 */
import type { GitHubIssue } from './github.js'

/** What one token may do in one repository, as GitHub answers it. */
export type RepositoryAccess = 'write' | 'read' | 'none'

/**
 * What `GET /repos/{owner}/{repo}` says about `permissions`:
 * - `user` (a personal token): `{admin, maintain, push, triage, pull}` from the access;
 * - `installation` (GITHUB_TOKEN, a GitHub App installation token): no `permissions` key at all by
 *   default (`installationPermissions: 'absent'`), or every flag false (`'all-false'`) — both have
 *   been reported for installation tokens (semantic-release/github #182 and #272), and neither
 *   says whether the token may write: only a write's 403 does.
 */
export type TokenKind = 'installation' | 'user'

/** `repo:` qualifiers of a search query, as written (quotes dropped). */
export function searchRepos(q: string): string[] {
  return [...q.matchAll(/(?:^|\s)repo:("[^"]*"|\S+)/gi)].map(m =>
    (m[1] ?? '').replace(/^"|"$/g, '')
  )
}

/** The query without its `repo:` qualifiers. */
export function withoutRepos(q: string): string {
  return q.replace(/(?:^|\s)repo:("[^"]*"|\S+)/gi, ' ').trim()
}

/** Every distinct `owner/name` of `repository(owner:, name:)` calls in a GraphQL body. */
export function graphqlRepos(body: unknown): string[] {
  const { query, variables } = (body ?? {}) as { query?: unknown; variables?: unknown }
  if (typeof query !== 'string') return []
  const vars = (variables ?? {}) as Record<string, unknown>
  const value = (token: string | undefined): string | undefined => {
    if (token === undefined) return undefined
    if (token.startsWith('$')) {
      const v = vars[token.slice(1)]
      return typeof v === 'string' ? v : undefined
    }
    return token.replace(/^"|"$/g, '')
  }
  const out: string[] = []
  for (const call of query.matchAll(/repository\s*\(([^)]*)\)/g)) {
    const args = call[1] ?? ''
    const owner = value(/owner:\s*(\$\w+|"[^"]*")/.exec(args)?.[1])
    const name = value(/name:\s*(\$\w+|"[^"]*")/.exec(args)?.[1])
    if (owner === undefined || name === undefined) continue
    const full = `${owner}/${name}`
    if (!out.some(x => x.toLowerCase() === full.toLowerCase())) out.push(full)
  }
  return out
}

/** GitHub's GraphQL answer for a repository the token cannot see (HTTP 200). */
export function graphqlNotFound(full: string): Record<string, unknown> {
  return {
    data: { repository: null },
    errors: [
      {
        type: 'NOT_FOUND',
        path: ['repository'],
        locations: [{ line: 1, column: 1 }],
        message: `Could not resolve to a Repository with the name '${full}'.`
      }
    ]
  }
}

const b64 = (s: string): string => Buffer.from(s).toString('base64').replace(/=+$/, '')

/** The repository object of `GET /repos/{owner}/{repo}` (the fields a client reads). */
export function repositoryObject(r: {
  owner: string
  repo: string
  id: number
  api: string
  serverUrl: string
  private: boolean
  defaultBranch: string
  hasIssues: boolean
  openIssues: number
  access: Exclude<RepositoryAccess, 'none'>
  tokenKind: TokenKind
  installationPermissions: 'absent' | 'all-false'
}): Record<string, unknown> {
  const full = `${r.owner}/${r.repo}`
  const ownerId = 9_000_000 + [...r.owner].reduce((a, c) => a + c.charCodeAt(0), 0)
  const write = r.access === 'write'
  const permissions =
    r.tokenKind === 'user'
      ? { admin: false, maintain: false, push: write, triage: write, pull: true }
      : r.installationPermissions === 'all-false'
        ? { admin: false, maintain: false, push: false, triage: false, pull: false }
        : undefined
  return {
    id: r.id,
    node_id: `R_kgDO${b64(String(r.id))}`,
    name: r.repo,
    full_name: full,
    private: r.private,
    owner: {
      login: r.owner,
      id: ownerId,
      node_id: `O_kgDO${b64(String(ownerId))}`,
      url: `${r.api}/users/${r.owner}`,
      html_url: `${r.serverUrl}/${r.owner}`,
      type: 'Organization',
      site_admin: false
    },
    html_url: `${r.serverUrl}/${full}`,
    description: null,
    fork: false,
    url: `${r.api}/repos/${full}`,
    issues_url: `${r.api}/repos/${full}/issues{/number}`,
    labels_url: `${r.api}/repos/${full}/labels{/name}`,
    created_at: '2023-01-10T09:00:00Z',
    updated_at: '2025-01-10T09:00:00Z',
    pushed_at: '2025-01-10T09:00:00Z',
    has_issues: r.hasIssues,
    archived: false,
    disabled: false,
    visibility: r.private ? 'private' : 'public',
    open_issues_count: r.openIssues,
    open_issues: r.openIssues,
    default_branch: r.defaultBranch,
    ...(permissions ? { permissions } : {})
  }
}

/** Sorts search items from several repositories the way one search would (newest first by default). */
export function sortSearchItems(
  items: GitHubIssue[],
  sort: string | null,
  order: string | null
): GitHubIssue[] {
  const key = (i: GitHubIssue): number =>
    sort === 'comments' ? i.comments : Date.parse(sort === 'updated' ? i.updated_at : i.created_at)
  const dir = order === 'asc' ? 1 : -1
  return [...items].sort((a, b) => (key(a) - key(b) || a.id - b.id) * dir)
}
