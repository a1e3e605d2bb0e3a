/**
 * Two runs at once may both have opened an issue for one Sentry issue: the later one closes as a
 * duplicate of the earlier (after the earlier learned every id only the later held). Pure: the
 * issues created since the run began in, close steps out.
 */
import type { GitHubIssue } from '../github/client.js'
import { stepKey, type Step } from './steps.js'

export function decideRace(recent: GitHubIssue[], ours: ReadonlySet<number>, repo: string): Step[] {
  const open = recent
    .filter(i => i.state === 'open' && i.marker)
    .sort((a, b) => a.number - b.number)
  const firstById = new Map<string, GitHubIssue>()
  const steps: Step[] = []
  for (const gh of open) {
    for (const id of gh.marker!.ids) {
      const first = firstById.get(id)
      if (!first) {
        firstById.set(id, gh)
        continue
      }
      if (first.number === gh.number || !ours.has(gh.number)) continue
      steps.push({
        kind: 'close',
        repo,
        target: gh,
        reason: 'duplicate',
        original: first,
        sentry: [],
        rule: `a concurrent run opened #${first.number} first for the same Sentry issue`,
        key: stepKey('close', gh.number, 'duplicate-of', first.number)
      })
      for (const other of gh.marker!.ids) if (!firstById.has(other)) firstById.set(other, first)
      break
    }
  }
  return steps
}
