/**
 * The `repository-map` format, shared by the action's input and the relay's
 * `SENTRY_TRIAGE_REPOSITORY_MAP`: lines of `project: owner/repo` (a project slug, or for the relay
 * also a numeric project id), `*: owner/repo` for every other project, or the one word `sentry`
 * (each project's repository from Sentry's code mappings). Lines may also be separated by commas;
 * `#` starts a comment. Dependency-free: the relay runs on platforms without Node's modules.
 */

/** `owner/repo` as GitHub allows the names. */
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/
/** A Sentry project slug, or a numeric project id. */
const PROJECT = /^(?:[a-z0-9][a-z0-9_-]{0,99}|\d{1,20})$/i

export type RepositoryMap =
  | { kind: 'none' }
  | { kind: 'sentry' }
  | {
      kind: 'lines'
      /** Project slug (lower-cased) or numeric id → `owner/repo`. */
      projects: ReadonlyMap<string, string>
      /** The `*` line: every project not named. */
      fallback: string | null
    }

/** A mistake in a map, naming the line and the form it expects. */
export class RepositoryMapError extends Error {
  override name = 'RepositoryMapError'
}

export function parseRepositoryMap(text: string): RepositoryMap {
  const lines = text
    .split(/[\n,]/)
    .map(line => line.replace(/#.*$/, '').trim())
    .filter(Boolean)
  if (lines.length === 0) return { kind: 'none' }
  if (lines.length === 1 && lines[0]!.toLowerCase() === 'sentry') return { kind: 'sentry' }
  const projects = new Map<string, string>()
  let fallback: string | null = null
  const problems: string[] = []
  for (const line of lines) {
    const match = /^([^:\s]+)\s*:\s*(\S+)$/.exec(line)
    if (!match) {
      problems.push(`'${line.slice(0, 80)}' is not 'project-slug: owner/repo'`)
      continue
    }
    const [, project, repository] = match as unknown as [string, string, string]
    if (!REPOSITORY.test(repository)) {
      problems.push(`'${line.slice(0, 80)}': '${repository.slice(0, 80)}' is not owner/repo`)
      continue
    }
    if (project === '*') {
      if (fallback && fallback !== repository) problems.push(`'*' is mapped twice`)
      fallback = repository
    } else if (!PROJECT.test(project)) {
      problems.push(`'${line.slice(0, 80)}': '${project.slice(0, 80)}' is not a project slug`)
    } else {
      const key = project.toLowerCase()
      const earlier = projects.get(key)
      if (earlier && earlier.toLowerCase() !== repository.toLowerCase())
        problems.push(`project '${project}' is mapped to both ${earlier} and ${repository}`)
      projects.set(key, repository)
    }
  }
  if (problems.length > 0) throw new RepositoryMapError(problems.join('; '))
  return { kind: 'lines', projects, fallback }
}

/**
 * The repository of a project: its own line, else `*`, else the default (the `repository` input,
 * or the relay's GITHUB_REPOSITORY), else null (mapped nowhere). `keys` are the slug and the
 * numeric id, whichever the caller knows.
 */
export function repositoryFor(
  map: RepositoryMap,
  keys: Array<string | null | undefined>,
  fallback: string | null
): string | null {
  if (map.kind === 'lines') {
    for (const key of keys) {
      const found = key ? map.projects.get(key.toLowerCase()) : undefined
      if (found) return found
    }
    return map.fallback ?? fallback
  }
  return fallback
}
