import type { SentryRelease } from '../sentry/release.js'
import type { RepoReader } from './repo.js'

/** Where the stack's lines are: a commit of `code-repository`, and how sure we are of it. */
export interface ReleaseCommit {
  sha: string
  source: 'sentry-release' | 'release-version' | 'default-branch'
  /** The release's own commit is unknown: this is the default branch's head, the lines may have moved. */
  moved: boolean
  /** The default branch, when that is what `sha` is the head of. */
  branch: string | null
}

/** The part of the Sentry client this needs (`SentryClient.getRelease`). */
export interface ReleaseSource {
  getRelease(version: string): Promise<SentryRelease | null>
}

const SHA = /^[0-9a-f]{7,40}$/i
const FULL_SHA = /^[0-9a-f]{40}$/i
/** Characters git does not allow in a ref name: such a release string cannot name a tag. */
const NOT_A_REF = /[\s~^:?*[\\]|\.\.|@\{|^\/|\/$|\.lock$/

function sameRepository(name: string | null, reader: RepoReader): boolean {
  return name === null || name.toLowerCase() === reader.repository.toLowerCase()
}

/** Commits Sentry associated with the release, for this repository: `lastCommit`, then `refs`, then `ref`. */
async function fromSentry(
  reader: RepoReader,
  sentry: ReleaseSource,
  version: string
): Promise<string | null> {
  const release = await sentry.getRelease(version).catch(() => null)
  if (!release) return null
  const last = release.lastCommit
  if (last && sameRepository(last.repository, reader)) {
    // Sentry names the repository: its full SHA needs no second look.
    if (FULL_SHA.test(last.id) && last.repository !== null) return last.id.toLowerCase()
    const sha = await reader.resolveRef(last.id)
    if (sha) return sha
  }
  for (const ref of release.refs.filter(r => sameRepository(r.repository, reader))) {
    const sha = await reader.resolveRef(ref.commit)
    if (sha) return sha
  }
  return release.ref ? reader.resolveRef(release.ref) : null
}

/** `checkout-api@2.15.0` → the tag `checkout-api@2.15.0`, then `2.15.0`, then `v2.15.0`. */
export function refsFromVersion(version: string): string[] {
  if (SHA.test(version)) return [version]
  const at = version.lastIndexOf('@')
  const bare = at > 0 ? version.slice(at + 1) : version
  const refs = [version, bare, /^\d/.test(bare) ? `v${bare}` : '']
  return [...new Set(refs)].filter(ref => ref !== '' && !NOT_A_REF.test(ref))
}

/**
 * The commit behind a release (SPEC Part 2, API-NOTES F3): Sentry's release, else the version
 * itself as a SHA, tag or branch, else the default branch's head with `moved` set. Throws a
 * CodeAccessError only when not even the default branch can be read.
 */
export async function resolveReleaseCommit(
  reader: RepoReader,
  sentry: ReleaseSource | null,
  release: string | null
): Promise<ReleaseCommit> {
  if (release) {
    const fromRelease = sentry ? await fromSentry(reader, sentry, release) : null
    if (fromRelease)
      return { sha: fromRelease, source: 'sentry-release', moved: false, branch: null }
    for (const ref of refsFromVersion(release)) {
      const sha = await reader.resolveRef(ref)
      if (sha) return { sha, source: 'release-version', moved: false, branch: null }
    }
  }
  const head = await reader.defaultBranchHead()
  return { sha: head.sha, source: 'default-branch', moved: true, branch: head.branch }
}
