/**
 * GitHub's GraphQL `blame` for the fake code repository (API-NOTES F6): aliased
 * `object(oid:) { ... on Commit { blame(path:) { ranges {…} } } }` fields, partial data with an
 * `errors` array for a path the commit lacks, FORBIDDEN for a token without `contents: read`.
 */
/** A commit of the fake repository: its files, and who wrote which lines. */
export interface Snapshot {
  seed: {
    sha: string
    message?: string | undefined
    author?: string | null | undefined
    pr?: number | undefined
    blame?: Record<string, Array<{ start: number; end: number; commit: string }>> | undefined
  }
  files: Record<string, string>
}

export interface GraphqlWorld {
  owner: string
  repo: string
  html: string
  forbidden: boolean
  resolve(ref: string): Snapshot | undefined
  snapshots: Map<string, Snapshot>
}

/** Answers `repository(owner, name) { alias: object(oid: $v) { ... on Commit { blame(path: $p) {…} } } }`. */
export function answerGraphql(body: unknown, w: GraphqlWorld): Record<string, unknown> {
  const { query, variables } = (body ?? {}) as {
    query?: string
    variables?: Record<string, unknown>
  }
  if (typeof query !== 'string')
    return { errors: [{ message: 'A query attribute must be specified and must be a string.' }] }
  const vars = variables ?? {}
  const value = (token: string) =>
    token.startsWith('$') ? vars[token.slice(1)] : JSON.parse(token)
  const repoCall = /repository\(owner:\s*(\$\w+|"[^"]*"),\s*name:\s*(\$\w+|"[^"]*")\)/.exec(query)
  if (!repoCall) return { errors: [{ message: 'Field repository missing in the fake' }] }
  const [ownerArg, nameArg] = [value(repoCall[1] as string), value(repoCall[2] as string)]
  if (w.forbidden) {
    return {
      data: { repository: null },
      errors: [
        {
          type: 'FORBIDDEN',
          path: ['repository'],
          locations: [{ line: 1, column: 1 }],
          message: 'Resource not accessible by integration'
        }
      ]
    }
  }
  if (ownerArg !== w.owner || nameArg !== w.repo) {
    return {
      data: { repository: null },
      errors: [
        {
          type: 'NOT_FOUND',
          path: ['repository'],
          locations: [{ line: 1, column: 1 }],
          message: `Could not resolve to a Repository with the name '${String(ownerArg)}/${String(nameArg)}'.`
        }
      ]
    }
  }
  const repository: Record<string, unknown> = {}
  const errors: unknown[] = []
  const aliasRe =
    /(\w+):\s*object\(oid:\s*(\$\w+|"[^"]*")\)\s*\{\s*\.\.\.\s*on Commit\s*\{\s*blame\(path:\s*(\$\w+|"[^"]*")\)/g
  for (const m of query.matchAll(aliasRe)) {
    const [alias, oid, path] = [
      m[1] as string,
      String(value(m[2] as string)),
      String(value(m[3] as string))
    ]
    const snapshot = /^[0-9a-f]{40}$/.test(oid) ? w.snapshots.get(oid) : undefined
    if (!snapshot) {
      repository[alias] = null
      continue
    }
    const content = snapshot.files[path]
    if (content === undefined) {
      // `blame` is non-null: the error nulls the whole alias.
      repository[alias] = null
      errors.push({
        type: 'NOT_FOUND',
        path: ['repository', alias, 'blame'],
        locations: [{ line: 1, column: 1 }],
        message: `Could not resolve file for path '${path}'.`
      })
      continue
    }
    repository[alias] = { blame: { ranges: blameRanges(snapshot, path, content, w) } }
  }
  return errors.length > 0 ? { data: { repository }, errors } : { data: { repository } }
}

function blameRanges(snapshot: Snapshot, path: string, content: string, w: GraphqlWorld) {
  const lines = Math.max(1, content.split('\n').length - (content.endsWith('\n') ? 1 : 0))
  const seeded = [...(snapshot.seed.blame?.[path] ?? [])].sort((a, b) => a.start - b.start)
  const ranges: Array<{ start: number; end: number; commit: string }> = []
  let next = 1
  for (const r of seeded) {
    if (r.start > next) ranges.push({ start: next, end: r.start - 1, commit: snapshot.seed.sha })
    ranges.push(r)
    next = r.end + 1
  }
  if (next <= lines) ranges.push({ start: next, end: lines, commit: snapshot.seed.sha })
  return ranges.map(r => {
    const c = w.snapshots.get(r.commit)?.seed ?? snapshot.seed
    return {
      startingLine: r.start,
      endingLine: r.end,
      age: 5,
      commit: {
        oid: c.sha,
        url: `${w.html}/commit/${c.sha}`,
        author: {
          name: c.author ?? 'Someone',
          email: `${c.author ?? 'someone'}@users.noreply.github.com`,
          user: c.author ? { login: c.author } : null
        },
        associatedPullRequests: {
          nodes: c.pr ? [{ number: c.pr, url: `${w.html}/pull/${c.pr}` }] : []
        }
      }
    }
  })
}
