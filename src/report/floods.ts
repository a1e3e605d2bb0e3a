/**
 * What the summary tells of floods and of the living issue, from the steps the executor made:
 * per release issue the new Sentry issues, the ones opened on their own, the ones tracked; then the
 * impact refreshes with why. Derived here, in one place, like the counts of report/results.ts.
 */
import type { GitHubIssue } from '../github/client.js'
import type { Step } from '../plan/steps.js'

export interface FloodReport {
  version: string
  /** The release issue, or null in dry-run before it exists. */
  releaseIssue: string | null
  /** New Sentry issues of the release this run (opened on their own + tracked). */
  newIssues: number
  /** Issues of their own opened this run (the most urgent, and promotions). */
  opened: number
  /** New Sentry issues the release issue tracks from this run on. */
  tracked: number
  /** The release issue was closed: every Sentry issue of it is resolved. */
  closed: boolean
  /** This run opened the release issue (it counts among the `created` GitHub issues). */
  openedNow: boolean
}

export interface RefreshReport {
  githubIssue: string
  why: string
}

/** The floods and refreshes among the steps made; `opened`: issues the run opened, by step key. */
export function floodsAndRefreshes(
  made: Step[],
  opened: ReadonlyMap<string, GitHubIssue>
): { floods: FloodReport[]; refreshed: RefreshReport[] } {
  const floods: FloodReport[] = []
  const refreshed: RefreshReport[] = []
  for (const step of made) {
    if (step.kind === 'refresh' && step.impact)
      refreshed.push({ githubIssue: step.target.url, why: step.impact.why })
    if (step.kind !== 'release') continue
    const gh = step.target ?? opened.get(step.key)
    floods.push({
      version: step.version,
      releaseIssue: gh?.url ?? null,
      newIssues: step.track.length + (step.target ? 0 : step.own.length),
      opened: new Set(step.own.map(o => o.createKey)).size,
      tracked: step.track.length,
      closed: step.close === true,
      openedNow: !step.target && gh !== undefined
    })
  }
  return { floods, refreshed }
}
