/**
 * Issue #14: an organization — 40 projects routed to 8 repositories by repository-map, 400 new
 * Sentry issues — triaged by the real action against one fake GitHub API serving the 8 repositories,
 * in dry-run and writing with short pacing: requests per repository, wall time, and its bound.
 */
import { startWorld, runAction } from '../__tests__/fakes/world.js'
import { makeIssues } from '../__tests__/fakes/seed.js'

const PROJECTS = 40
const REPOSITORIES = 8
const ISSUES = 400

export interface OrganizationLatency {
  sentry: number
  github: number
  llm: number
}

interface OrganizationPass {
  mode: string
  wallMs: number
  boundMs: number
  perRepository: Array<{ repository: string; reads: number; writes: number; created: number }>
  sentryRequests: number
  llmRequests: number
  created: string
  failed: string | null
}

async function pass(
  dry: boolean,
  latency: OrganizationLatency,
  pacing: { write: number; create: number; retryBase: number }
): Promise<OrganizationPass> {
  const now = new Date()
  const seed = makeIssues(ISSUES, now)
  const projects = Array.from({ length: PROJECTS }, (_, k) => ({
    id: String(4_600_000_000 + k),
    slug: `service-${k}`,
    name: `service-${k}`,
    platform: seed.projects[k % seed.projects.length]!.platform
  }))
  seed.issues.forEach((issue, i) => {
    issue.project = projects[i % PROJECTS]!
  })
  seed.projects = projects
  const repositories = Array.from({ length: REPOSITORIES }, (_, r) => `acme/repo-${r}`)
  const map = projects.map((p, k) => `${p.slug}: ${repositories[k % REPOSITORIES]}`).join('\n')
  const world = await startWorld({
    now,
    seed,
    githubRepositories: repositories.map(full => ({
      owner: 'acme',
      repo: full.split('/')[1]!,
      latencyMs: latency.github
    })),
    github: { latencyMs: latency.github },
    sentry: { latencyMs: latency.sentry },
    llm: { latencyMs: latency.llm }
  })
  try {
    const started = performance.now()
    const run = await runAction(
      world,
      {
        'repository-map': map,
        'max-issues': String(ISSUES),
        'code-links': 'false',
        ...(dry ? { 'dry-run': 'true' } : {})
      },
      {
        githubWriteSpacingMs: pacing.write,
        githubNotifySpacingMs: pacing.create,
        githubRetryAfterBaseMs: pacing.retryBase
      }
    )
    const wallMs = performance.now() - started
    const host = world.githubHost!
    const perRepository = repositories.map(repository => {
      const requests = host.repository(repository).requests
      return {
        repository,
        reads: requests.filter(r => r.method === 'GET').length,
        writes: requests.filter(r => r.method !== 'GET').length,
        created:
          run.report?.results.filter(r => r.repository === repository && r.action === 'created')
            .length ?? 0
      }
    })
    // The bound if the whole organization were one repository: the LLM calls c=4 at a time, and
    // (writing) the creations one pace apart; the repositories' reads come on top of it.
    const llm = world.llm.requests.length
    const classify = Math.ceil(llm / 4) * latency.llm
    const creations = dry ? 0 : host.creations().length
    const chain = creations * Math.max(pacing.create, latency.github)
    return {
      mode: dry ? 'dry-run' : `writing (pacing ${pacing.write}/${pacing.create} ms)`,
      wallMs,
      boundMs: Math.max(classify, chain) + latency.sentry + latency.github,
      perRepository,
      sentryRequests: world.sentry.requests.length,
      llmRequests: llm,
      created: run.outputs.created ?? '?',
      failed: run.failed
    }
  } finally {
    await world.close()
  }
}

export async function organizationFigures(
  latency: OrganizationLatency,
  pacing: { write: number; create: number; retryBase: number }
): Promise<OrganizationPass[]> {
  return [await pass(true, latency, pacing), await pass(false, latency, pacing)]
}

export function renderOrganizationFigures(
  passes: OrganizationPass[],
  latency: OrganizationLatency
): string[] {
  const lines = [
    `organization (issue #14): ${PROJECTS} projects routed to ${REPOSITORIES} repositories by repository-map, ${ISSUES} new Sentry issues; latency Sentry ${latency.sentry} / GitHub ${latency.github} / LLM ${latency.llm} ms; one token`
  ]
  for (const p of passes) {
    const reads = p.perRepository.map(r => r.reads)
    const writes = p.perRepository.map(r => r.writes)
    lines.push(
      `  ${p.mode}: wall ${(p.wallMs / 1000).toFixed(2)} s, bound ${(p.boundMs / 1000).toFixed(2)} s (one-repository bound: LLM calls c=4 at a time, or the creations one pace apart), ratio ${(p.wallMs / p.boundMs).toFixed(3)}; created ${p.created}; Sentry ${p.sentryRequests} requests, LLM ${p.llmRequests}${p.failed ? `; FAILED: ${p.failed}` : ''}`,
      `    GitHub per repository: reads ${Math.min(...reads)}–${Math.max(...reads)}, writes ${Math.min(...writes)}–${Math.max(...writes)}; ${p.perRepository.map(r => `${r.repository} ${r.reads}r/${r.writes}w/${r.created} new`).join(', ')}`
    )
  }
  return lines
}
