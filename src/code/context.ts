import type { Config } from '../config/config.js'
import type { EventContext, EventFrame } from '../sentry/event.js'
import { blameLines, type BlameRequest, type SuspectCommit } from './blame.js'
import {
  CODEOWNERS_PATHS,
  ownersOf,
  parseCodeOwners,
  type CodeOwnersFile,
  type Owners
} from './codeowners.js'
import { resolveReleaseCommit, type ReleaseCommit, type ReleaseSource } from './commit.js'
import { mapFrame, PathIndex, type CodeRoot } from './paths.js'
import { commitLink, permalink } from './permalinks.js'
import { CodeAccessError, RepoReader, type CodeProblemKind, type Octokit } from './repo.js'
import { CodeWarnings, type CodeWarning } from './missing-pieces.js'
import { eachLimited } from '../pipeline/concurrency.js'

export type { CodeWarning } from './missing-pieces.js'
export type { Owners } from './codeowners.js'
export type { SuspectCommit } from './blame.js'

/** The frames the body links: the in-app frames nearest the crash, as the stack block shows them. */
const MAX_FRAMES = 8
/** Distinct releases resolved at once: GitHub asks integrations not to flood it with parallel reads. */
const RELEASE_CONCURRENCY = 4
/** A blame that takes longer is skipped (very large files can time out on GitHub's side). */
const BLAME_TIMEOUT_MS = 10_000

export interface CodeFrame {
  function: string | null
  /** The frame's own name for the file, shown when it maps to no repository path. */
  filename: string | null
  lineNo: number | null
  /** The repository path, when exactly one file matches. */
  path: string | null
  /** The permalink at the commit (with `code-links`), to the line when it is known. */
  permalink: string | null
}

/** Who should fix an issue and exactly where (SPEC Part 2, "Owners and code context"). */
export interface CodeContext {
  commit: {
    sha: string
    url: string
    source: ReleaseCommit['source']
    branch: string | null
  } | null
  /** The release's commit is unknown: links point at the default branch's head. */
  movedWarning: boolean
  /** False when Sentry marked no frame in-app: nothing is linked, owned or blamed. */
  inAppFrames: boolean
  /** In-app frames nearest the crash (max 8), oldest first: the crash is last. */
  frames: CodeFrame[]
  /** The innermost in-app frame. */
  crash: CodeFrame | null
  /** The crash file's owners from CODEOWNERS, and the file and pattern that named them. */
  owners: (Owners & { file: string; pattern: string }) | null
  suspect: SuspectCommit | null
}

export interface CodeContextItem {
  sentryId: string
  event: EventContext | null
}

export interface CodeContextDeps {
  config: Pick<Config, 'assign' | 'codeLinks' | 'code' | 'githubServerUrl'>
  /** `GitHubClient.octokit`: the same pacing, retries and token-origin guard. */
  octokit: Octokit
  /** `SentryClient` (its `getRelease`), or null to skip Sentry's release lookup. */
  sentry: ReleaseSource | null
  debug?: (message: string) => void
  blameTimeoutMs?: number
  /** Sentry's code mappings for this repository (`repository-map: sentry`): tried first. */
  roots?: readonly CodeRoot[]
}

export interface CodeContextResult {
  /** By Sentry id; none for an issue whose latest event has no stack. */
  contexts: Map<string, CodeContext>
  /** One per kind of missing piece, saying why and how to fix it. */
  warnings: CodeWarning[]
}

function emptyContext(inAppFrames: boolean): CodeContext {
  return {
    commit: null,
    movedWarning: false,
    inAppFrames,
    frames: [],
    crash: null,
    owners: null,
    suspect: null
  }
}

/** Per-run state: every commit, tree and CODEOWNERS is read once, whatever number of issues share it. */
class Resolver {
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

  constructor(private readonly deps: CodeContextDeps) {
    this.reader = new RepoReader(deps.octokit, deps.config.code.owner, deps.config.code.repo)
    this.warnings = new CodeWarnings(this.reader.repository)
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
      pending = resolveReleaseCommit(this.reader, this.deps.sentry, release)
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

function codeFrame(
  frame: EventFrame,
  index: PathIndex,
  commit: ReleaseCommit,
  deps: CodeContextDeps
) {
  const mapped = mapFrame(frame, index)
  const { githubServerUrl, code, codeLinks } = deps.config
  const line = mapped?.lineKnown ? frame.lineNo : null
  return {
    function: frame.function,
    filename: frame.filename ?? frame.absPath ?? frame.module,
    lineNo: frame.lineNo,
    path: mapped?.path ?? null,
    permalink:
      mapped && codeLinks
        ? permalink(githubServerUrl, code.owner, code.repo, commit.sha, mapped.path, line)
        : null,
    blameLine: line
  }
}

async function contextFor(
  r: Resolver,
  deps: CodeContextDeps,
  item: CodeContextItem,
  blame: Array<BlameRequest & { sentryId: string }>
): Promise<CodeContext> {
  const event = item.event
  if (!event?.inAppFrames) return emptyContext(false)
  if (r.denied) {
    r.warnings.add('permission', item.sentryId, '')
    return emptyContext(true)
  }
  const { config } = deps
  try {
    const commit = await r.commit(event.release)
    if (commit.moved)
      r.warnings.add('release-unresolved', item.sentryId, event.release ?? '(no release)')
    const index = await r.index(commit.sha, item.sentryId)
    const frames = event.stack
      .filter(f => f.inApp)
      .slice(-MAX_FRAMES)
      .map(f => codeFrame(f, index, commit, deps))
    const crash = frames.at(-1) ?? null
    const context: CodeContext = {
      ...emptyContext(true),
      commit: {
        sha: commit.sha,
        url: commitLink(config.githubServerUrl, config.code.owner, config.code.repo, commit.sha),
        source: commit.source,
        branch: commit.branch
      },
      movedWarning: commit.moved,
      frames: frames.map(({ blameLine: _, ...f }) => f),
      crash: crash ? (({ blameLine: _, ...f }) => f)(crash) : null
    }
    if (!crash?.path) {
      r.warnings.add('file-not-found', item.sentryId, crash?.filename ?? '(no file name)')
      return context
    }
    if (config.codeLinks || config.assign.includes('codeowners')) {
      const found = await r.codeOwners(commit.sha, item.sentryId)
      if (!found) r.warnings.add('no-codeowners', item.sentryId, commit.sha)
      const match = found ? ownersOf(found.rules, crash.path) : null
      if (found && match)
        context.owners = { ...match.owners, file: found.file, pattern: match.rule.pattern }
    }
    if ((config.codeLinks || config.assign.includes('suspect-commit')) && crash.blameLine) {
      blame.push({
        sentryId: item.sentryId,
        sha: commit.sha,
        path: crash.path,
        line: crash.blameLine
      })
    }
    return context
  } catch (error) {
    r.fail(error, item.sentryId)
    return emptyContext(true)
  }
}

/**
 * Code context for a run's new issues: the release's commit, permalinks for the in-app frames, the
 * crash file's CODEOWNERS and the crash line's suspect commit. Never throws and never blocks an
 * issue: a missing piece is left out and named once per kind in `warnings`. Costs nothing when
 * `code-links` is off and `assign` is empty; otherwise at most one tree and one CODEOWNERS read per
 * distinct commit and ⌈blamed lines / 20⌉ GraphQL requests.
 */
export async function resolveCodeContexts(
  deps: CodeContextDeps,
  items: CodeContextItem[]
): Promise<CodeContextResult> {
  const contexts = new Map<string, CodeContext>()
  if (!deps.config.codeLinks && deps.config.assign.length === 0) return { contexts, warnings: [] }
  const r = new Resolver(deps)
  const blame: Array<BlameRequest & { sentryId: string }> = []
  // Distinct releases are looked up a few at a time (their failures are cached and met below).
  const releases = [
    ...new Set(items.flatMap(i => (i.event?.inAppFrames ? [i.event.release ?? ''] : [])))
  ]
  await eachLimited(releases, RELEASE_CONCURRENCY, release =>
    r.commit(release || null).then(
      () => undefined,
      () => undefined
    )
  )
  // One after another: the caches then make every later issue of the same release free.
  for (const item of items) {
    // Without a stack there is nothing to link, and nothing to explain.
    if (item.event && item.event.stack.length > 0)
      contexts.set(item.sentryId, await contextFor(r, deps, item, blame))
  }
  if (blame.length > 0 && !r.denied) {
    const unique = [...new Map(blame.map(b => [`${b.sha}:${b.path}:${b.line}`, b])).values()]
    const outcomes = await blameLines(r.reader, unique, deps.blameTimeoutMs ?? BLAME_TIMEOUT_MS)
    unique.forEach((request, i) => {
      const outcome = outcomes[i]
      if (!outcome) return
      for (const b of blame.filter(
        x => x.sha === request.sha && x.path === request.path && x.line === request.line
      )) {
        const context = contexts.get(b.sentryId)
        if (outcome.ok && context) context.suspect = outcome.suspect
        if (!outcome.ok) r.warnings.add(outcome.kind as CodeProblemKind, b.sentryId, outcome.reason)
      }
    })
  }
  const warnings = r.warnings.list()
  for (const w of warnings) deps.debug?.(`code context: ${w.kind} for ${w.issues.length} issue(s)`)
  return { contexts, warnings }
}
