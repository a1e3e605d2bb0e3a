/**
 * What floods read (plan/floods.ts decides): each new Sentry issue's release and the release
 * issues the action already opened. The listing carries no release (Sentry's issue listing has
 * neither `firstRelease` nor `lastRelease`: only the issue detail does), so the latest event's
 * release is used — the one read the classification makes anyway, memoised by the stage, so an
 * issue that is classified is never read twice. It is read only when a flood is possible: at least
 * `flood-threshold` unlinked candidates, or a release issue to add to.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { TriageDeps } from './deps.js'
import type { TrackedIndex } from '../track/tracked-index.js'
import type { ClassificationStage } from '../classify/stage.js'
import type { FloodRead } from '../plan/floods.js'
import { eachLimited } from './concurrency.js'

/** The release issues among the tracked ones, by version: an open one before a closed one. */
export function releaseIssues(tracked: TrackedIndex): Map<string, GitHubIssue> {
  const byVersion = new Map<string, GitHubIssue>()
  const ordered = tracked
    .marked()
    .filter(gh => gh.marker?.release)
    .sort(
      (a, b) => Number(a.state === 'closed') - Number(b.state === 'closed') || a.number - b.number
    )
  for (const gh of ordered) {
    const version = gh.marker!.release!.version
    if (!byVersion.has(version)) byVersion.set(version, gh)
  }
  return byVersion
}

/** The flood read, or undefined when no flood is possible this run (nothing is read then). */
export async function readFloods(
  deps: TriageDeps,
  stage: ClassificationStage,
  tracked: TrackedIndex,
  unlinked: SentryIssue[]
): Promise<FloodRead | undefined> {
  const { config } = deps
  const releases = releaseIssues(tracked)
  const possible =
    unlinked.length > 0 &&
    ((config.floodThreshold > 0 && unlinked.length >= config.floodThreshold) || releases.size > 0)
  if (!possible || !config.createIssues) return undefined
  const releaseOf = new Map<string, string>()
  await eachLimited(unlinked, config.maxConcurrency, async issue => {
    const release = (await stage.event(issue))?.release
    if (release) releaseOf.set(issue.id, release)
  })
  return {
    releaseOf,
    releaseIssue: version => releases.get(version),
    forSignature: signature => tracked.forSignature(signature)
  }
}
