/**
 * Sentry's release detail (`GET /api/0/organizations/{org}/releases/{version}/`, API-NOTES F3) for
 * the fake Sentry: the commit Sentry associated with a release, in Sentry's response shape.
 */
import { bearer, json, type Route } from './server.js'

export interface SentryReleaseInput {
  version: string
  /** the SHA of the release's newest commit (`lastCommit.id`), and the repository Sentry names */
  lastCommit?: { id: string; repository: string } | null | undefined
  ref?: string | null | undefined
  /** the release's commits (`releases/{version}/commits/`), newest first; absent = none known (404) */
  commits?: Array<{ id: string; message: string; author?: string | undefined }> | undefined
}

/** A release as the detail endpoint returns it. */
export function buildSentryRelease(r: SentryReleaseInput): Record<string, unknown> {
  const commit = r.lastCommit
  return {
    id: 9000 + r.version.length,
    version: r.version,
    shortVersion: r.version.replace(/^[^@]*@/, ''),
    status: 'open',
    ref: r.ref ?? null,
    url: null,
    dateCreated: '2026-11-20T10:00:00Z',
    dateReleased: null,
    data: {},
    newGroups: 0,
    owner: null,
    commitCount: commit ? 3 : 0,
    deployCount: 1,
    lastCommit: commit
      ? {
          id: commit.id,
          message: 'Release',
          dateCreated: '2026-11-20T09:00:00Z',
          pullRequest: null,
          suspectCommitType: '',
          repository: {
            id: '77',
            name: commit.repository,
            url: `https://github.com/${commit.repository}`,
            provider: { id: 'integrations:github', name: 'GitHub' },
            status: 'active',
            dateCreated: '2025-01-01T00:00:00Z',
            integrationId: '5',
            externalSlug: commit.repository,
            externalId: '800000001'
          },
          author: null,
          releases: []
        }
      : null,
    lastDeploy: null,
    authors: [],
    projects: [],
    versionInfo: {
      package: r.version.includes('@') ? r.version.split('@')[0] : null,
      version: { raw: r.version.replace(/^[^@]*@/, '') },
      description: r.version,
      buildHash: null
    },
    firstEvent: null,
    lastEvent: null,
    currentProjectMeta: {},
    userAgent: null
  }
}

/** The release detail route; an unknown version answers 404 as Sentry does. */
export function releaseRoute(
  base: string,
  opts: { token: string; org: string; releases?: SentryReleaseInput[] | undefined }
): Route {
  return {
    method: 'GET',
    pattern: `${base}/releases/:version/`,
    handler: ctx => {
      if (bearer(ctx) !== opts.token) return json(401, { detail: 'Invalid token' })
      const release = (opts.releases ?? []).find(
        r => ctx.params.org === opts.org && r.version === ctx.params.version
      )
      return release
        ? json(200, buildSentryRelease(release))
        : json(404, { detail: 'The requested resource does not exist' })
    }
  }
}

/**
 * `GET …/releases/{version}/commits/` (listOrganizationReleaseCommits): the release's commits in
 * Sentry's shape; a release without commits, or an unknown one, answers 404 as Sentry does when it
 * has no commits for the release.
 */
export function releaseCommitsRoute(
  base: string,
  opts: { token: string; org: string; releases?: SentryReleaseInput[] | undefined }
): Route {
  return {
    method: 'GET',
    pattern: `${base}/releases/:version/commits/`,
    handler: ctx => {
      if (bearer(ctx) !== opts.token) return json(401, { detail: 'Invalid token' })
      const release = (opts.releases ?? []).find(
        r => ctx.params.org === opts.org && r.version === ctx.params.version
      )
      if (!release?.commits) return json(404, { detail: 'No Commits found for Release' })
      return json(
        200,
        release.commits.map((c, n) => ({
          id: c.id,
          message: c.message,
          dateCreated: new Date(Date.UTC(2026, 10, 20, 9, 0) - n * 60_000).toISOString(),
          pullRequest: null,
          suspectCommitType: '',
          author: c.author ? { name: c.author, email: `${c.author}@users.noreply.example` } : null,
          repository: null,
          releases: []
        }))
      )
    }
  }
}
