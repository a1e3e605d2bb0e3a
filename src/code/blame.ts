import { z } from 'zod'
import { accessError, CodeAccessError, type RepoReader } from './repo.js'

/** GraphQL allows far more, but one slow file must not sink the blame of a hundred others. */
export const BLAME_BATCH = 20

export interface BlameRequest {
  sha: string
  path: string
  line: number
}

/** The commit that last changed a line, and who made it (API-NOTES F6). */
export interface SuspectCommit {
  sha: string
  url: string
  /** Null when the author's e-mail belongs to no GitHub account. */
  login: string | null
  pr: { number: number; url: string } | null
}

export type BlameOutcome =
  | { ok: true; suspect: SuspectCommit | null }
  | { ok: false; kind: 'permission' | 'blame-timeout' | 'blame-failed'; reason: string }

const rangeSchema = z.looseObject({
  startingLine: z.number(),
  endingLine: z.number(),
  commit: z.looseObject({
    oid: z.string(),
    url: z.string(),
    author: z.looseObject({ user: z.looseObject({ login: z.string() }).nullish() }).nullish(),
    associatedPullRequests: z
      .looseObject({
        nodes: z.array(z.looseObject({ number: z.number(), url: z.string() }).nullable()).nullish()
      })
      .nullish()
  })
})
const objectSchema = z
  .looseObject({ blame: z.looseObject({ ranges: z.array(rangeSchema) }).nullish() })
  .nullish()

const RANGE_FIELDS = `ranges { startingLine endingLine commit { oid url author { user { login } } associatedPullRequests(first: 1) { nodes { number url } } } }`

/** One query for a batch: an alias per file, the oids and paths as variables (never spliced in). */
export function blameQuery(count: number): string {
  const variables = ['$owner: String!', '$name: String!']
  const fields: string[] = []
  for (let i = 0; i < count; i++) {
    variables.push(`$oid${i}: GitObjectID!`, `$path${i}: String!`)
    fields.push(
      `b${i}: object(oid: $oid${i}) { ... on Commit { blame(path: $path${i}) { ${RANGE_FIELDS} } } }`
    )
  }
  return `query(${variables.join(', ')}) { repository(owner: $owner, name: $name) { ${fields.join(' ')} } }`
}

interface GraphqlErrorLike {
  status?: number
  message?: string
  name?: string
  data?: unknown
  errors?: Array<{ type?: string; message?: string; path?: unknown[] }>
}

function suspectAt(raw: unknown, line: number): SuspectCommit | null | undefined {
  const parsed = objectSchema.safeParse(raw)
  if (!parsed.success || !parsed.data?.blame) return undefined
  const range = parsed.data.blame.ranges.find(r => r.startingLine <= line && line <= r.endingLine)
  if (!range) return null
  const pr = range.commit.associatedPullRequests?.nodes?.find(n => n !== null) ?? null
  return {
    sha: range.commit.oid,
    url: range.commit.url,
    login: range.commit.author?.user?.login ?? null,
    pr: pr ? { number: pr.number, url: pr.url } : null
  }
}

async function blameBatch(
  reader: RepoReader,
  batch: BlameRequest[],
  timeoutMs: number
): Promise<BlameOutcome[]> {
  const variables: Record<string, unknown> = { owner: reader.owner, name: reader.repo }
  batch.forEach((b, i) => {
    variables[`oid${i}`] = b.sha
    variables[`path${i}`] = b.path
  })
  let repository: Record<string, unknown> | null = null
  let errors: NonNullable<GraphqlErrorLike['errors']> = []
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    const data = await reader.octokit.graphql<{ repository: Record<string, unknown> | null }>(
      blameQuery(batch.length),
      {
        ...variables,
        // A timed-out blame is not retried: the issue is opened without it.
        request: { retries: 0, signal: timeout }
      }
    )
    repository = data.repository
  } catch (error) {
    const e = error as GraphqlErrorLike
    if (e?.name === 'GraphqlResponseError') {
      // Partial data: one alias's error (a path the commit lacks) leaves the others answered.
      repository = (e.data as { repository?: Record<string, unknown> | null })?.repository ?? null
      errors = e.errors ?? []
    } else {
      const timedOut = timeout.aborted
      const access = accessError(
        error,
        `asking GitHub for the blame of ${batch.length} file(s)`,
        true
      )
      const kind = timedOut
        ? 'blame-timeout'
        : access.kind === 'permission'
          ? 'permission'
          : 'blame-failed'
      return batch.map(() => ({ ok: false, kind, reason: access.message }))
    }
  }
  const forbidden = errors.find(
    x => x.type === 'FORBIDDEN' || /not accessible by integration/i.test(x.message ?? '')
  )
  if (
    forbidden ||
    (repository === null && errors.some(x => x.type === 'NOT_FOUND' && x.path?.length === 1))
  ) {
    const reason = `GitHub GraphQL answered: ${(forbidden ?? errors[0])?.message ?? 'no access'}`
    return batch.map(() => ({ ok: false, kind: 'permission', reason }))
  }
  return batch.map((b, i) => {
    const suspect = suspectAt(repository?.[`b${i}`], b.line)
    if (suspect !== undefined) return { ok: true, suspect }
    const error = errors.find(x => x.path?.[1] === `b${i}`)
    return { ok: false, kind: 'blame-failed', reason: error?.message ?? `no blame for ${b.path}` }
  })
}

/**
 * The suspect commit of each crash line, ⌈n/20⌉ GraphQL requests for n lines (aliases), one after
 * another. Never throws: a failure is an outcome per request.
 */
export async function blameLines(
  reader: RepoReader,
  requests: BlameRequest[],
  timeoutMs: number
): Promise<BlameOutcome[]> {
  const outcomes: BlameOutcome[] = []
  for (let i = 0; i < requests.length; i += BLAME_BATCH) {
    const batch = requests.slice(i, i + BLAME_BATCH)
    outcomes.push(
      ...(await blameBatch(reader, batch, timeoutMs).catch((error: unknown) =>
        batch.map((): BlameOutcome => ({
          ok: false,
          kind:
            error instanceof CodeAccessError && error.kind === 'permission'
              ? 'permission'
              : 'blame-failed',
          reason: String((error as Error)?.message ?? error)
        }))
      ))
    )
  }
  return outcomes
}
