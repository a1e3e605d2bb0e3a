/**
 * Which repository each Sentry project's issues go to (`repository-map`), and which projects this
 * job triages (`shard`): a pure decision over the organization's projects, made before anything
 * else is read.
 */
import type { CodeMapping } from '../sentry/client.js'
import { repositoryFor, type RepositoryMap } from '../config/repository-map.js'

export interface Project {
  id: string
  slug: string
}

/** One repository and the projects whose issues it receives. */
export interface Route {
  repository: string
  projects: Project[]
}

export interface Routing {
  routes: Route[]
  /** Projects of the organization outside this shard (not triaged by this job). */
  otherShards: Project[]
  /** Map lines naming a project the organization does not have: an input error. */
  unknown: string[]
  /** Projects with several repositories in Sentry's code mappings: the first was taken. */
  ambiguous: Array<{ project: string; repositories: string[] }>
}

/**
 * The shard (1-based) a project slug belongs to among n: FNV-1a (32-bit) of the lower-cased slug,
 * modulo n. Stable across runs, machines and versions, and the same for the relay and the action.
 */
export function shardOf(slug: string, n: number): number {
  let hash = 0x811c9dc5
  for (const byte of new TextEncoder().encode(slug.toLowerCase())) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return (hash % n) + 1
}

export interface RoutingInput {
  projects: Project[]
  /** `sentry-projects`: empty means every project. */
  only: string[]
  map: RepositoryMap
  /** Sentry's code mappings, for `repository-map: sentry` (null: Sentry would not say). */
  codeMappings: CodeMapping[] | null
  /** The `repository` input: unmapped projects go here. */
  repository: string
  shard: { index: number; count: number } | null
}

export function planRoutes(input: RoutingInput): Routing {
  const only = new Set(input.only.map(s => s.toLowerCase()))
  const inScope = input.projects.filter(p => only.size === 0 || only.has(p.slug.toLowerCase()))
  const known = new Set(input.projects.flatMap(p => [p.slug.toLowerCase(), p.id]))
  const unknown =
    input.map.kind === 'lines' ? [...input.map.projects.keys()].filter(key => !known.has(key)) : []
  const shard = input.shard
  const mine = shard ? inScope.filter(p => shardOf(p.slug, shard.count) === shard.index) : inScope
  const otherShards = shard ? inScope.filter(p => !mine.includes(p)) : []
  const ambiguous: Routing['ambiguous'] = []
  const byRepository = new Map<string, Project[]>()
  for (const project of mine) {
    const repository = routeOf(project, input, ambiguous)
    const key = [...byRepository.keys()].find(r => r.toLowerCase() === repository.toLowerCase())
    byRepository.set(key ?? repository, [...(byRepository.get(key ?? repository) ?? []), project])
  }
  const routes = [...byRepository].map(([repository, projects]) => ({ repository, projects }))
  return { routes, otherShards, unknown, ambiguous }
}

function routeOf(project: Project, input: RoutingInput, ambiguous: Routing['ambiguous']): string {
  if (input.map.kind !== 'sentry')
    return (
      repositoryFor(input.map, [project.slug, project.id], input.repository) ?? input.repository
    )
  const repositories = [
    ...new Set(
      (input.codeMappings ?? [])
        .filter(m => m.projectId === project.id || m.projectSlug === project.slug)
        .filter(m => m.provider === null || m.provider === 'github')
        .map(m => m.repoName)
    )
  ]
  if (repositories.length > 1) ambiguous.push({ project: project.slug, repositories })
  return repositories[0] ?? input.repository
}
