/**
 * Attaches a flood's own issue under its release issue: GitHub's sub-issues API (the child's id,
 * not its number, API-NOTES G5). Where it answers 404 (GitHub Enterprise Server without it) the
 * release issue's section lists its sub-issues as a task list instead, and its marker records that,
 * so no later attach asks the API again.
 */
import type { GitHubIssue } from '../github/client.js'
import type { Step } from '../plan/steps.js'
import type { Marker } from '../track/marker.js'
import { rewriteSection } from '../track/marker.js'
import { renderTasks, replaceTasks } from '../render/release.js'
import type { WriteIO } from './io.js'

export type SubIssueStep = Extract<Step, { kind: 'sub-issue' }>

/**
 * The attach; nothing when either side was not opened (its own failure is reported by its step).
 * Returns how the child was attached.
 */
export async function attachSubIssue(
  io: WriteIO,
  step: SubIssueStep,
  planned: (key: string) => GitHubIssue | undefined
): Promise<'attached' | 'tasklist' | 'missing'> {
  const parent = step.parent ?? (step.parentKey ? planned(step.parentKey) : undefined)
  const child = step.target ?? (step.childKey ? planned(step.childKey) : undefined)
  if (!parent?.marker?.release || !child) {
    io.log.debug(
      `Sub-issue not attached (${step.key}): the release issue or the child was not opened`
    )
    return 'missing'
  }
  if (!parent.marker.release.tasklist && child.id !== undefined) {
    const answer = await io.github.addSubIssue(parent.number, child.id)
    if (answer === 'attached') {
      io.log.info(`Attached #${child.number} as a sub-issue of ${parent.url}`)
      return 'attached'
    }
    io.log.info(
      `GitHub has no sub-issues API here (404): ${parent.url} lists its sub-issues as a task list`
    )
  }
  await listAsTask(io, parent, child)
  return 'tasklist'
}

/** The task list stands in: the parent's section lists the child (rewritten only when it lacks it). */
async function listAsTask(io: WriteIO, parent: GitHubIssue, child: GitHubIssue): Promise<void> {
  const release = parent.marker!.release!
  // The release step wrote the child's number into its row before this step: the list has it.
  const marker: Marker = { ...parent.marker!, release: { ...release, tasklist: true } }
  if (!release.rows.some(r => r.issue === child.number))
    io.log.debug(`#${child.number} has no row in ${parent.url}: not listed`)
  const block = renderTasks(marker.release!)
  const body = rewriteSection(parent.body, marker, old => replaceTasks(old, block))
  if (body === parent.body) return
  await io.github.updateIssue(parent.number, { body })
  parent.body = body
  parent.marker = marker
}
