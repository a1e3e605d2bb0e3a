/** Two runs at once may both have opened an issue for one Sentry issue: the later one closes. */
import type { GitHubIssue } from '../github/client.js'
import type { WriteContext } from '../pipeline/deps.js'
import type { IssueResult } from '../report/results.js'
import { rewriteSection } from '../track/marker.js'

/**
 * Lists what was created since the run began; where two open issues carry one Sentry id, ours
 * closes if it is the later, after the original learned every id only ours held. Returns how many
 * duplicates were closed, and points this run's rows at the original.
 */
export async function closeRaceDuplicates(
  ctx: WriteContext,
  results: IssueResult[]
): Promise<number> {
  const { github, log } = ctx
  const recent = await github.listRecentIssues(ctx.createdAfter)
  const open = recent
    .filter(i => i.state === 'open' && i.marker)
    .sort((a, b) => a.number - b.number)
  const firstById = new Map<string, GitHubIssue>()
  let closed = 0
  for (const gh of open) {
    for (const id of gh.marker!.ids) {
      const first = firstById.get(id)
      if (!first) {
        firstById.set(id, gh)
        continue
      }
      if (first.number === gh.number || !ctx.createdNumbers.has(gh.number)) continue
      // Ours may cover Sentry issues the original does not: the original learns them first, so
      // closing ours leaves none of them without an open issue.
      const lacking = gh.marker!.ids.filter(other => !first.marker!.ids.includes(other))
      if (lacking.length > 0) {
        const marker = { ...first.marker!, ids: [...first.marker!.ids, ...lacking] }
        first.body = rewriteSection(first.body, marker)
        first.marker = marker
        await github.updateBody(first.number, first.body)
        for (const other of lacking) firstById.set(other, first)
      }
      await github.closeAsDuplicate(gh.number, first)
      ctx.createdNumbers.delete(gh.number)
      closed++
      for (const r of results) {
        if (r.githubIssue === gh.url) {
          r.githubIssue = first.url
          r.reason = `a concurrent run opened ${first.url} first; ${gh.url} was closed as its duplicate`
        }
      }
      log.warning(
        `Closed ${gh.url} as a duplicate of ${first.url} (a concurrent run opened it first)`,
        'Duplicate closed'
      )
      break
    }
  }
  return closed
}
