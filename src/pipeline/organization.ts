/**
 * Many repositories (`repository-map`, `shard`): the organization's projects routed to their
 * repositories, each repository's access checked once, then one run of the pipeline per repository
 * — its own tracked listing, labels, follow-up and code context — all on one token and one pace.
 */
import type { TriageDeps } from './deps.js'
import { runTriage, type Passes, type TriageReport } from './triage.js'
import { planRoutes, type Route, type Routing } from '../plan/routes.js'
import { row, tally } from '../report/results.js'
import type { CodeMapping } from '../sentry/client.js'

export class RoutingError extends Error {
  override name = 'RoutingError'
}

/** Whether the run routes at all: without a map or a shard it is one repository, as before. */
export function routes(deps: TriageDeps): boolean {
  return deps.config.repositoryMap.kind !== 'none' || deps.config.shard !== null
}

export async function runRouted(deps: TriageDeps, passes: Passes): Promise<TriageReport> {
  const { config, sentry, log } = deps
  const codeMappings =
    config.repositoryMap.kind === 'sentry' ? await sentry.listCodeMappings() : null
  if (config.repositoryMap.kind === 'sentry' && codeMappings === null)
    log.warning(
      `repository-map: sentry, but Sentry would not list the organization's code mappings (the token needs org:read; the endpoint is not public on every plan): every project goes to ${config.owner}/${config.repo}. Use repository-map lines instead.`,
      'Repository map'
    )
  const routing = planRoutes({
    projects: await sentry.listProjects(),
    only: config.sentryProjects,
    map: config.repositoryMap,
    codeMappings,
    repository: `${config.owner}/${config.repo}`,
    shard: config.shard
  })
  // An input error, before any write: a line naming a project the organization does not have.
  if (routing.unknown.length > 0)
    throw new RoutingError(
      `Input 'repository-map': organization '${config.sentryOrg}' has no project ${routing.unknown.map(p => `'${p}'`).join(', ')} that this token can see`
    )
  for (const a of routing.ambiguous)
    log.warning(
      `Sentry maps project ${a.project} to ${a.repositories.join(', ')}; its issues go to ${a.repositories[0]} (set repository-map lines to choose).`,
      'Repository map'
    )
  describe(deps, routing)

  const single = config.sentryIssue ? await sentry.getIssue(config.sentryIssue) : null
  const chosen = single
    ? routing.routes.filter(r => r.projects.some(p => p.id === single.project.id))
    : routing.routes
  if (single && chosen.length === 0) return outsideShards(deps, single)

  const reports: TriageReport[] = []
  const blocked: string[] = []
  for (const route of chosen) {
    const report = await runRoute(deps, route, passes, codeMappings)
    if (report === null) blocked.push(route.repository)
    else reports.push(report)
  }
  if (chosen.length > 0 && blocked.length === chosen.length)
    throw new RoutingError(
      `The token can write to none of the mapped repositories (${blocked.join(', ')}): GITHUB_TOKEN reaches only the workflow's own repository; use a GitHub App installation token (actions/create-github-app-token with owner) that is installed on them.`
    )
  return mergeReports(reports, config.dryRun)
}

function describe(deps: TriageDeps, routing: Routing): void {
  for (const route of routing.routes)
    deps.log.info(`Route: ${route.projects.map(p => p.slug).join(', ')} → ${route.repository}`)
  if (routing.otherShards.length > 0)
    deps.log.info(
      `Shard ${deps.config.shard!.index}/${deps.config.shard!.count}: ${routing.otherShards.length} project(s) belong to other shards`
    )
}

/**
 * One repository's run, on the same token (one pace) and the same classifier (one spend cap). A
 * repository the token cannot write to is one warning with the fix, and its issues wait (null).
 */
async function runRoute(
  deps: TriageDeps,
  route: Route,
  passes: Passes,
  codeMappings: CodeMapping[] | null
): Promise<TriageReport | null> {
  const { config } = deps
  const github = deps.github.forRepository(route.repository)
  const access = await github.access()
  if (access.level !== 'write') {
    deps.log.warning(
      `${route.repository} (projects ${route.projects.map(p => p.slug).join(', ')}): the token ${access.level === 'none' ? `cannot see it (GitHub answered ${access.status})` : 'may only read it'}, so its Sentry issues wait. GITHUB_TOKEN reaches only the workflow's own repository: use a GitHub App installation token that is installed on it.`,
      'Repository not writable'
    )
    return null
  }
  const [owner, repo] = route.repository.split('/') as [string, string]
  const report = await runTriage(
    {
      ...deps,
      github,
      oneOfMany: true,
      ...(codeMappings
        ? {
            codeRoots: codeMappings.filter(
              m =>
                m.repoName.toLowerCase() === route.repository.toLowerCase() &&
                route.projects.some(p => p.id === m.projectId)
            )
          }
        : {}),
      config: {
        ...config,
        owner,
        repo,
        // The issue's own repository holds its code, unless code-repository says otherwise.
        code: config.codeRepository ? config.code : { owner, repo },
        sentryProjects: route.projects.map(p => p.slug)
      }
    },
    passes
  )
  return report
}

/** A run for one Sentry issue whose project belongs to another shard: nothing to do here. */
function outsideShards(
  deps: TriageDeps,
  issue: { project: { slug: string } } & Parameters<typeof row>[0]
): TriageReport {
  const reason = `outside the scope: ${issue.shortId} is in project '${issue.project.slug}', which this job (shard ${deps.config.shard?.index}/${deps.config.shard?.count}) does not triage; nothing was written and the LLM was not asked`
  deps.log.info(reason)
  return mergeReports(
    [],
    deps.config.dryRun,
    [row(issue, deps.redact, { action: 'skipped', reason })],
    reason
  )
}

/** The reports of several repositories as one: rows keep their repository; counts from all rows. */
export function mergeReports(
  reports: TriageReport[],
  dryRun: boolean,
  extra: TriageReport['results'] = [],
  outOfScope?: string
): TriageReport {
  const results = [...reports.flatMap(r => r.results), ...extra]
  const sum = (pick: (r: TriageReport) => number) => reports.reduce((n, r) => n + pick(r), 0)
  const floods = reports.flatMap(r => r.floods ?? [])
  const refreshed = reports.flatMap(r => r.refreshed ?? [])
  return {
    results,
    ...tally(results),
    // Each repository's count includes the release issues it opened (no row names them created).
    created: sum(r => r.created) + tally(extra).created,
    ...(floods.length > 0 ? { floods } : {}),
    ...(refreshed.length > 0 ? { refreshed } : {}),
    deferred: sum(r => r.deferred),
    listingTruncated: reports.some(r => r.listingTruncated),
    duplicatesClosed: sum(r => r.duplicatesClosed),
    breakerReason: reports.find(r => r.breakerReason)?.breakerReason ?? null,
    capReason: reports.find(r => r.capReason)?.capReason ?? null,
    dryRun,
    corrections: {
      seen: sum(r => r.corrections.seen),
      used: sum(r => r.corrections.used)
    },
    dropped: reports.flatMap(r => r.dropped),
    ...((outOfScope ?? reports.find(r => r.outOfScope)?.outOfScope)
      ? { outOfScope: outOfScope ?? reports.find(r => r.outOfScope)!.outOfScope! }
      : {})
  }
}
