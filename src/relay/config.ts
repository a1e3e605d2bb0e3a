/**
 * The relay's environment, checked once at startup, and where each webhook goes: one repository
 * (GITHUB_REPOSITORY), or one per Sentry project (SENTRY_TRIAGE_REPOSITORY_MAP, the format of the
 * action's `repository-map`). No dependency and no `node:` import, like handler.ts.
 */
import {
  parseRepositoryMap,
  repositoryFor,
  RepositoryMapError,
  type RepositoryMap
} from '../config/repository-map.js'
import type { WebhookProject } from '../webhook/payload.js'

const DEFAULT_API_URL = 'https://api.github.com'
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])
const MAP_VARIABLE = 'SENTRY_TRIAGE_REPOSITORY_MAP'

/** The environment the relay reads: the process environment under Node, the bindings on Workers. */
export type RelayEnv = Record<string, unknown>

/** The relay's checked environment. */
export interface RelayConfig {
  secret: string
  token: string
  /** GITHUB_REPOSITORY: every webhook's repository, or with a map the unmapped projects'; null when unset. */
  repository: string | null
  apiUrl: string
  /** SENTRY_TRIAGE_REPOSITORY_MAP (`none` when unset). */
  map: RepositoryMap
}

export class RelayConfigError extends Error {
  override name = 'RelayConfigError'
}

function variable(env: RelayEnv, name: string): string {
  const value = env[name]
  return typeof value === 'string' ? value.trim() : ''
}

/** The map, or its problem as a sentence naming the variable (the parser names the bad line). */
function readMap(env: RelayEnv): { map: RepositoryMap; problem?: string } {
  let map: RepositoryMap
  try {
    map = parseRepositoryMap(variable(env, MAP_VARIABLE))
  } catch (error) {
    if (!(error instanceof RepositoryMapError)) throw error
    return { map: { kind: 'none' }, problem: `${MAP_VARIABLE} has a mistake: ${error.message}` }
  }
  if (map.kind === 'sentry')
    return {
      map,
      problem: `${MAP_VARIABLE} cannot be 'sentry': the relay has no Sentry token to read Sentry's code mappings, so list the projects as 'project-slug: owner/repo' lines (the action's repository-map input can still be 'sentry')`
    }
  return { map }
}

/** Reads and checks the relay's variables; every problem is named in one error. */
export function readRelayConfig(env: RelayEnv): RelayConfig {
  const problems: string[] = []
  const { map, problem } = readMap(env)
  // With a map, a project it does not name goes to GITHUB_REPOSITORY when set, else nowhere.
  const required = ['SENTRY_CLIENT_SECRET', 'GITHUB_TOKEN']
  if (map.kind !== 'lines' && !problem) required.push('GITHUB_REPOSITORY')
  for (const name of required) {
    if (!variable(env, name)) problems.push(`${name} is not set`)
  }
  if (problem) problems.push(problem)
  const repository = variable(env, 'GITHUB_REPOSITORY')
  if (repository && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository))
    problems.push(`GITHUB_REPOSITORY must be owner/repo (got '${repository.slice(0, 60)}')`)
  const token = variable(env, 'GITHUB_TOKEN')
  if (token && !/^[\x21-\x7E]+$/.test(token))
    problems.push('GITHUB_TOKEN must be a single token without spaces or line breaks')
  const apiUrl = (variable(env, 'GITHUB_API_URL') || DEFAULT_API_URL).replace(/\/+$/, '')
  let url: URL | null = null
  try {
    url = new URL(apiUrl)
  } catch {
    // reported below
  }
  if (
    !url ||
    !(url.protocol === 'https:' || (url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname)))
  )
    problems.push(
      'GITHUB_API_URL must be an https:// URL (http:// only for localhost, 127.0.0.1 and [::1])'
    )
  if (problems.length > 0)
    throw new RelayConfigError(`The relay cannot start: ${problems.join('; ')}.`)
  return {
    secret: variable(env, 'SENTRY_CLIENT_SECRET'),
    token,
    repository: repository || null,
    apiUrl,
    map
  }
}

/** Where a webhook goes: its repository, or why none (for the log line of its 204). */
export type Destination = { repository: string } | { repository: null; why: string }

/**
 * The repository of the project a webhook names: its map line (by slug, then by numeric id), else
 * the `*` line, else GITHUB_REPOSITORY, else none.
 */
export function destinationOf(config: RelayConfig, project: WebhookProject): Destination {
  const repository = repositoryFor(config.map, [project.slug, project.id], config.repository)
  if (repository) return { repository }
  const named =
    project.slug && project.id ? `${project.slug} (${project.id})` : (project.slug ?? project.id)
  return {
    repository: null,
    why: named
      ? `project ${named} is mapped nowhere (not in ${MAP_VARIABLE}, and GITHUB_REPOSITORY is not set)`
      : 'the webhook names no project, and GITHUB_REPOSITORY is not set'
  }
}

/** What the relay forwards to, for its startup line: `acme/shop`, or the map's repositories. */
export function describeDestinations(config: RelayConfig): string {
  if (config.map.kind !== 'lines') return config.repository ?? ''
  const mapped = [...new Set(config.map.projects.values())]
  const rest = config.map.fallback ?? config.repository
  const projects = `${config.map.projects.size} project${config.map.projects.size === 1 ? '' : 's'}`
  return `${mapped.join(', ') || 'no repository'} by ${MAP_VARIABLE} (${projects}), other projects ${rest ? `to ${rest}` : 'nowhere (204)'}`
}
