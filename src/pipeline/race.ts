import type { WriteIO } from '../execute/io.js'
import type { Executor, Executed } from '../execute/executor.js'
import { believe } from '../track/trust.js'
import { decideRace } from '../plan/race.js'
import { errorMessage } from '../report/error-message.js'

/**
 * Two runs at once may both have opened an issue for one Sentry issue: what was created since the
 * run began is listed once, and the later duplicates close (pointing this run's rows at the original).
 */
export async function closeRaceDuplicates(
  io: WriteIO,
  executor: Executor,
  done: Executed
): Promise<number> {
  if (done.created.length === 0) return 0
  try {
    const recent = (await io.github.listRecentIssues(io.createdAfter)).map(gh =>
      believe(gh, io.self)
    )
    const race = decideRace(
      recent,
      new Set(done.created.map(c => c.number)),
      `${io.config.owner}/${io.config.repo}`
    )
    await executor.execute(race)
    for (const step of race) {
      if (step.kind !== 'close' || !step.original) continue
      for (const r of done.rows)
        if (r.githubIssue === step.target.url) {
          r.githubIssue = step.original.url
          r.reason = `a concurrent run opened ${step.original.url} first; ${step.target.url} was closed as its duplicate`
        }
      io.log.warning(
        `Closed ${step.target.url} as a duplicate of ${step.original.url} (a concurrent run opened it first)`,
        'Duplicate closed'
      )
    }
    return race.length
  } catch (error) {
    io.log.warning(
      `Could not check for duplicates from a concurrent run: ${errorMessage(error)}`,
      'Duplicate check'
    )
    return 0
  }
}
