/** The code context's per-run caches: every commit, tree, release and CODEOWNERS read once. */
import type { SentryRelease } from '../sentry/release.js'
import { CODEOWNERS_PATHS, parseCodeOwners, type CodeOwnersFile } from './codeowners.js'
import { resolveReleaseCommit, type ReleaseCommit, type ReleaseSource } from './commit.js'
import { PathIndex } from './paths.js'
import { CodeAccessError, RepoReader } from './repo.js'
import { CodeWarnings } from './missing-pieces.js'
import type { CodeContextDeps } from './context.js'

/** Per-run state: every commit, tree and CODEOWNERS is read once, whatever number of issues share it. */
export class Resolver {
  readonly reader: RepoReader
  readonly warnings: CodeWarnings
  private readonly commits = new Map<string, Promise<ReleaseCommit>>()
  private readonly indexes = new Map<string, Promise<PathIndex>>()
  private readonly owners = new Map<
    string,
    Promise<{ file: string; rules: CodeOwnersFile } | null>
  >()
  /** Once the token is refused, no more code requests are made in this run. */
  denied = false
  /** Sentry's releases, read once: the commit lookup and the committers decision share them. */
  private readonly releases = new Map<string, Promise<SentryRelease | null>>()
  private readonly source: ReleaseSource | null

  constructor(private readonly deps: CodeContextDeps) {
    this.reader = new RepoReader(deps.octokit, deps.config.code.owner, deps.config.code.repo)
    this.warnings = new CodeWarnings(this.reader.repository)
    const sentry = deps.sentry
    this.source = sentry && {
      getRelease: version => {
        let pending = this.releases.get(version)
        if (!pending) {
          pending = sentry.getRelease(version)
          this.releases.set(version, pending)
        }
        return pending
      }
    }
  }

  /** Whether Sentry associated commits with the release (so its committers endpoint can answer). */
  async releaseHasCommits(version: string | null): Promise<boolean> {
    if (!version || !this.source) return false
    const release = await this.source.getRelease(version).catch(() => null)
    return release?.lastCommit != null
  }

  fail(error: unknown, issue: string): void {
    if (error instanceof CodeAccessError) {
      if (error.kind === 'permission') this.denied = true
      this.warnings.add(error.kind, issue, error.message)
    } else this.warnings.add('unavailable', issue, String((error as Error)?.message ?? error))
  }

  commit(release: string | null): Promise<ReleaseCommit> {
    const key = release ?? ''
    let pending = this.commits.get(key)
    if (!pending) {
      pending = resolveReleaseCommit(this.reader, this.source, release)
      this.commits.set(key, pending)
    }
    return pending
  }

  index(sha: string, issue: string): Promise<PathIndex> {
    let pending = this.indexes.get(sha)
    if (!pending) {
      pending = this.reader.tree(sha).then(tree => {
        if (tree.truncated) this.warnings.add('tree-truncated', issue, sha)
        this.treePaths.set(sha, new Set(tree.paths))
        return new PathIndex(tree.paths, this.deps.config.code, this.deps.roots)
      })
      this.indexes.set(sha, pending)
    }
    return pending
  }

  private readonly treePaths = new Map<string, Set<string>>()

  /** The first CODEOWNERS GitHub would use, found in the tree: one contents read, or none. */
  codeOwners(sha: string, issue: string): Promise<{ file: string; rules: CodeOwnersFile } | null> {
    let pending = this.owners.get(sha)
    if (!pending) {
      const paths = this.treePaths.get(sha) ?? new Set<string>()
      const file = CODEOWNERS_PATHS.find(p => paths.has(p))
      pending = file
        ? this.reader.file(file, sha).then(content => {
            if (content === null) return null
            const rules = parseCodeOwners(content)
            if (rules.problems.length > 0)
              this.warnings.add('codeowners-invalid', issue, `${file} ${rules.problems[0]}`)
            return { file, rules }
          })
        : Promise.resolve(null)
      this.owners.set(sha, pending)
    }
    return pending
  }
}
