/** A release as Sentry's release endpoint answers it: the commit it was built from, when Sentry knows. */
import { z } from 'zod'

/** A string, a number or nothing, as Sentry sends optional text; '' counts as nothing. */
export const optionalString = z
  .union([z.string(), z.number(), z.null(), z.undefined()])
  .transform(v => (v === null || v === undefined || v === '' ? null : String(v)))

export interface SentryRelease {
  version: string
  /** The newest commit Sentry associated with the release, and the repository Sentry names for it. */
  lastCommit: { id: string; repository: string | null } | null
  /** Commits given when the release was created (`refs`), per repository. */
  refs: Array<{ repository: string | null; commit: string }>
  /** A ref given to the release (a tag, branch or SHA). */
  ref: string | null
}

export const releaseSchema = z
  .looseObject({
    version: z.string(),
    ref: optionalString.catch(null),
    lastCommit: z
      .looseObject({
        id: z.string(),
        repository: z.looseObject({ name: optionalString }).nullish().catch(null)
      })
      .nullish()
      .catch(null),
    refs: z
      .array(
        z.looseObject({ repository: optionalString, commit: z.string() }).nullable().catch(null)
      )
      .nullish()
      .catch(null)
  })
  .transform((raw): SentryRelease => ({
    version: raw.version,
    ref: raw.ref,
    lastCommit: raw.lastCommit
      ? { id: raw.lastCommit.id, repository: raw.lastCommit.repository?.name ?? null }
      : null,
    refs: (raw.refs ?? []).flatMap(r => (r ? [{ repository: r.repository, commit: r.commit }] : []))
  }))

/** A commit of a release as Sentry lists them (`releases/{version}/commits/`). */
export interface ReleaseCommit {
  id: string
  message: string | null
  author: string | null
}

export const releaseCommitSchema = z
  .looseObject({
    id: z.string(),
    message: optionalString.catch(null),
    author: z.looseObject({ name: optionalString }).nullish().catch(null)
  })
  .transform((raw): ReleaseCommit => ({
    id: raw.id,
    message: raw.message,
    author: raw.author?.name ?? null
  }))

/** The first and latest release of an issue (the issue detail), by version. */
export interface IssueReleases {
  first: string | null
  latest: string | null
}

/** A release object of the issue detail, or a bare version string as older Sentry sends it. */
const versionOf = z
  .union([z.looseObject({ version: optionalString }), z.string(), z.null(), z.undefined()])
  .catch(null)
  .transform(v => (typeof v === 'string' ? v || null : (v?.version ?? null)))

export const issueReleasesSchema = z
  .looseObject({ firstRelease: versionOf, lastRelease: versionOf })
  .transform((raw): IssueReleases => ({ first: raw.firstRelease, latest: raw.lastRelease }))
