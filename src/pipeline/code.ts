/**
 * Permalinks, owners and suspect commits for the issues the plan opens, looked up together once
 * their latest events are in (blame is batched across them), while the classifications run.
 * Missing pieces never block an issue: each kind is one warning.
 */
import type { TriageDeps } from './deps.js'
import type { ClassificationStage } from '../classify/stage.js'
import type { Step } from '../plan/steps.js'
import { resolveCodeContexts, type CodeContext } from '../code/context.js'
import { errorMessage } from '../report/error-message.js'

export async function codeContexts(
  deps: TriageDeps,
  stage: ClassificationStage,
  creates: Step[],
  dry: boolean
): Promise<Map<string, CodeContext>> {
  const { config, github, sentry, log } = deps
  const leads = creates.map(s => s.sentry[0]!)
  // Dry-run shows what would be opened, not its code context: blame is a GraphQL POST, and a dry
  // run sends nothing but plain reads.
  if (dry || leads.length === 0 || (!config.codeLinks && config.assign.length === 0))
    return new Map()
  try {
    const items = await Promise.all(
      leads.map(async issue => ({
        sentryId: issue.id,
        event: await stage.event(issue),
        project: issue.project.slug
      }))
    )
    const { contexts, warnings } = await resolveCodeContexts(
      {
        config,
        octokit: github.octokit,
        sentry,
        committers: sentry.signals(),
        debug: m => log.debug(m),
        warn: m => log.warning(m, 'Sentry suspect commits'),
        ...(deps.codeRoots ? { roots: deps.codeRoots } : {})
      },
      items
    )
    for (const warning of warnings) log.warning(warning.message, 'Code context')
    return contexts
  } catch (error) {
    log.warning(`Code context was not looked up: ${errorMessage(error)}`, 'Code context')
    return new Map()
  }
}
