/**
 * The fake GitHub host's options and handles (github-host.ts): what multi-repository tests write against.
 */
import type { FaultMatch, FaultSpec, FakeServer, RecordedRequest } from './server.js'
import type { FakeGitHub, FakeGitHubOptions } from './github.js'
import type { RepositoryAccess, TokenKind } from './github-host-parts.js'

/** One repository the host serves: the single fake's seeds, plus what the token may do there. */
export interface HostedRepositoryOptions extends Omit<
  FakeGitHubOptions,
  | 'token'
  | 'serverUrl'
  | 'apiPrefix'
  | 'botLogin'
  | 'now'
  | 'rateLimit'
  | 'searchPerMinute'
  | 'readOnly'
  | 'apiOrigin'
  | 'repositoryId'
  | 'nextId'
> {
  /** default `write` */
  access?: RepositoryAccess | undefined
  /** default true */
  private?: boolean | undefined
}

export interface FakeGitHubHostOptions {
  token: string
  repositories: HostedRepositoryOptions[]
  /** who the token is (`viewer`, the author of what it writes); default github-actions[bot] */
  botLogin?: string | undefined
  /** html_url origin (default https://github.com) */
  serverUrl?: string | undefined
  /** e.g. "/api/v3" for GitHub Enterprise Server (GraphQL then at /api/graphql) */
  apiPrefix?: string | undefined
  now?: (() => Date) | undefined
  /** x-ratelimit-limit of the token (default 5000, an installation token) */
  rateLimit?: number | undefined
  /** the token's search limit per minute (GitHub: 30); unset = unlimited */
  searchPerMinute?: number | undefined
  /** delays every request (per repository: the repository's own `latencyMs`) */
  latencyMs?: number | undefined
  /** default `installation` */
  tokenKind?: TokenKind | undefined
  /** for `installation` tokens: no `permissions` key (default), or every flag false */
  installationPermissions?: 'absent' | 'all-false' | undefined
  /**
   * Test knob standing in for GitHub's content-creation limit, which is the token's: a content
   * creation (see `creations()`) sooner than this many ms after the previous one, in ANY repository,
   * answers the secondary rate limit 403 (no `retry-after`, as content-creation limits come). Unset: off.
   */
  creationSpacingMs?: number | undefined
}

/** A recorded request, with the repositories it was about (none: `viewer`; several: a search). */
export interface HostRequest extends RecordedRequest {
  /** `owner/repo` as the host serves it (as written when it serves no such repository); null when not exactly one */
  repository: string | null
  repositories: string[]
}

/**
 * One repository of the host: the single fake's handle (state and test controls are that
 * repository's), where `requests` are the host's requests about it, `fault`, `secondaryRateLimit`
 * and `primaryRateLimit` answer for requests about it only, `server` is the host's front server
 * (shared) and `close()` closes the whole host. The first repository seeded is the primary: its
 * `requests` and faults also cover the token's requests about no served repository (GraphQL
 * viewer, unknown paths), as a single fake's do.
 */
export interface HostedRepository extends FakeGitHub {
  fullName: string
  id: number
  requests: HostRequest[]
  access: RepositoryAccess
  /** change what the token may do here from now on */
  setAccess(access: RepositoryAccess): void
}

export interface FakeGitHubHost {
  /** API base, e.g. http://127.0.0.1:PORT (plus apiPrefix) */
  url: string
  serverUrl: string
  /** every request, in order, each with the repository it was about */
  readonly requests: HostRequest[]
  /** the handle of one served repository (case-insensitive); throws for one it does not serve */
  repository(fullName: string): HostedRepository
  /** the served repositories, `owner/repo`, in seed order */
  repositories: string[]
  /**
   * The content-creating requests (issues and comments: what GitHub's content-creation limit and
   * Octokit's notification pacing count), in order, across repositories; refused ones too.
   */
  creations(): HostRequest[]
  /** a fault on any request (use `repository(x).fault` for one repository's) */
  fault(match: FaultMatch, spec: FaultSpec): void
  /** the token's secondary limit: the next `times` writes to ANY repository answer 403 */
  secondaryRateLimit(times?: number, retryAfterSec?: number | null): void
  /** the token's primary limit: the next `times` requests answer 403, remaining 0 */
  primaryRateLimit(times?: number): void
  setLatency(ms: number): void
  server: FakeServer
  close(): Promise<void>
}
