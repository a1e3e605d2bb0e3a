import type { Config } from '../config/config.js'
import type { EventContext, EventFrame } from '../sentry/event.js'
import { blameLines, type BlameRequest, type SuspectCommit } from './blame.js'
import { ownersOf, type Owners } from './codeowners.js'
import type { ReleaseCommit, ReleaseSource } from './commit.js'
import { mapFrame, type CodeRoot, type PathIndex } from './paths.js'
import { commitLink, permalink } from './permalinks.js'
import type { CodeProblemKind, Octokit } from './repo.js'
import type { CodeWarning } from './missing-pieces.js'
import { eachLimited } from '../pipeline/concurrency.js'
import {
  blameNeeded,
  withSentrySuspects,
  type CommittersRequest,
  type CommittersSource,
  type SentrySuspect
} from './sentry-suspect.js'
import { Resolver } from './resolver.js'

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
  /** Sentry's suspect commit (its committers endpoint), with a link at `code-repository`. */
  sentrySuspect?: (SentrySuspect & { url: string }) | null
}

export interface CodeContextItem {
  sentryId: string
  event: EventContext | null
  /** The Sentry project's slug: Sentry's committers endpoint is asked by project and event. */
  project?: string
}

export interface CodeContextDeps {
  config: Pick<Config, 'assign' | 'codeLinks' | 'code' | 'githubServerUrl'>
  /** `GitHubClient.octokit`: the same pacing, retries and token-origin guard. */
  octokit: Octokit
  /** `SentryClient` (its `getRelease`), or null to skip Sentry's release lookup. */
  sentry: ReleaseSource | null
  /** `SentryClient.signals()`: Sentry's suspect commit where it has the release's commits. */
  committers?: CommittersSource | null
  debug?: (message: string) => void
  /** One warning for a kind of Sentry refusal (the committers endpoint). */
  warn?: (message: string) => void
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
  blame: Array<BlameRequest & { sentryId: string }>,
  committers: CommittersRequest[]
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
    // Sentry's suspect commit needs no file of ours: asked wherever Sentry has the release's commits.
    if (
      deps.committers &&
      item.project &&
      event.eventId &&
      (await r.releaseHasCommits(event.release))
    )
      committers.push({ sentryId: item.sentryId, project: item.project, eventId: event.eventId })
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
  const committers: CommittersRequest[] = []
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
      contexts.set(item.sentryId, await contextFor(r, deps, item, blame, committers))
  }
  const fromSentry = await withSentrySuspects(deps, contexts, committers)
  const blamed = blame.filter(b => blameNeeded(b.sentryId, fromSentry, deps.config.assign))
  if (blamed.length > 0 && !r.denied) {
    const unique = [...new Map(blamed.map(b => [`${b.sha}:${b.path}:${b.line}`, b])).values()]
    const outcomes = await blameLines(r.reader, unique, deps.blameTimeoutMs ?? BLAME_TIMEOUT_MS)
    unique.forEach((request, i) => {
      const outcome = outcomes[i]
      if (!outcome) return
      for (const b of blamed.filter(
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
