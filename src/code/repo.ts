import type { getOctokit } from '@actions/github'
import { z } from 'zod'

export type Octokit = ReturnType<typeof getOctokit>

/** Why a piece of code context is missing; each kind is warned about once per run. */
export type CodeProblemKind =
  | 'permission'
  | 'unavailable'
  | 'tree-truncated'
  | 'no-codeowners'
  | 'codeowners-invalid'
  | 'file-not-found'
  | 'blame-timeout'
  | 'blame-failed'
  | 'release-unresolved'

/** A read the token may not make, or that GitHub could not answer: the run goes on without it. */
export class CodeAccessError extends Error {
  constructor(
    readonly kind: 'permission' | 'unavailable',
    message: string,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

interface RequestErrorLike {
  status?: number
  message?: string
}

/** 403 (and a 404 for a repository the token cannot see) mean a permission; anything else, an outage. */
export function accessError(
  error: unknown,
  what: string,
  notFoundIsPermission: boolean
): CodeAccessError {
  const e = error as RequestErrorLike
  const status = typeof e?.status === 'number' ? e.status : null
  const rateLimited = /rate limit/i.test(e?.message ?? '')
  if ((status === 403 && !rateLimited) || (status === 404 && notFoundIsPermission)) {
    return new CodeAccessError('permission', `GitHub answered ${status} while ${what}`, {
      cause: error
    })
  }
  return new CodeAccessError(
    'unavailable',
    `GitHub could not answer while ${what}${status ? ` (${status})` : ''}: ${e?.message ?? String(error)}`.slice(
      0,
      300
    ),
    { cause: error }
  )
}

const repoSchema = z.looseObject({ default_branch: z.string() })
const commitSchema = z.looseObject({ sha: z.string().regex(/^[0-9a-f]{40}$/) })
const treeSchema = z.looseObject({
  sha: z.string(),
  truncated: z.boolean().nullish(),
  tree: z.array(z.looseObject({ path: z.string(), type: z.string() }))
})
const contentSchema = z.looseObject({
  type: z.string(),
  encoding: z.string().nullish(),
  content: z.string().nullish()
})

export interface Tree {
  paths: string[]
  truncated: boolean
}

/**
 * Reads of `code-repository` for one run: every answer is cached, so a commit's tree or a ref is
 * asked for once however many issues need it (SPEC Part 2: one tree per distinct commit per run).
 */
export class RepoReader {
  private readonly refs = new Map<string, Promise<string | null>>()
  private readonly trees = new Map<string, Promise<Tree>>()
  private readonly files = new Map<string, Promise<string | null>>()
  private defaultHead: Promise<{ branch: string; sha: string }> | null = null

  constructor(
    readonly octokit: Octokit,
    readonly owner: string,
    readonly repo: string
  ) {}

  get repository(): string {
    return `${this.owner}/${this.repo}`
  }

  /** The commit a SHA, tag or branch names; null when the repository has no such ref. */
  resolveRef(ref: string): Promise<string | null> {
    let pending = this.refs.get(ref)
    if (!pending) {
      pending = this.octokit
        .request('GET /repos/{owner}/{repo}/commits/{ref}', {
          owner: this.owner,
          repo: this.repo,
          ref
        })
        .then(
          ({ data }) => commitSchema.parse(data).sha,
          (error: unknown) => {
            const status = (error as RequestErrorLike)?.status
            // 404 unknown ref, 422 not a valid ref: the release names nothing here.
            if (status === 404 || status === 422) return null
            throw accessError(error, `resolving '${ref}' in ${this.repository}`, false)
          }
        )
      this.refs.set(ref, pending)
    }
    return pending
  }

  /** The default branch and its head commit. */
  defaultBranchHead(): Promise<{ branch: string; sha: string }> {
    this.defaultHead ??= (async () => {
      let branch: string
      try {
        const { data } = await this.octokit.request('GET /repos/{owner}/{repo}', {
          owner: this.owner,
          repo: this.repo
        })
        branch = repoSchema.parse(data).default_branch
      } catch (error) {
        throw accessError(error, `reading repository ${this.repository}`, true)
      }
      const sha = await this.resolveRef(branch)
      if (!sha)
        throw new CodeAccessError('unavailable', `${this.repository} has no commit on ${branch}`)
      return { branch, sha }
    })()
    return this.defaultHead
  }

  /** Every file path at a commit. */
  tree(sha: string): Promise<Tree> {
    let pending = this.trees.get(sha)
    if (!pending) {
      pending = this.octokit
        .request('GET /repos/{owner}/{repo}/git/trees/{tree_sha}', {
          owner: this.owner,
          repo: this.repo,
          tree_sha: sha,
          recursive: '1'
        })
        .then(
          ({ data }) => {
            const tree = treeSchema.parse(data)
            return {
              paths: tree.tree.filter(e => e.type === 'blob').map(e => e.path),
              truncated: tree.truncated === true
            }
          },
          (error: unknown) => {
            throw accessError(
              error,
              `reading the tree of ${this.repository} at ${sha.slice(0, 7)}`,
              true
            )
          }
        )
      this.trees.set(sha, pending)
    }
    return pending
  }

  /** A text file at a commit, or null when it is not there (contents API, up to 1 MB). */
  file(path: string, sha: string): Promise<string | null> {
    const key = `${sha}:${path}`
    let pending = this.files.get(key)
    if (!pending) {
      pending = this.octokit
        .request('GET /repos/{owner}/{repo}/contents/{path}', {
          owner: this.owner,
          repo: this.repo,
          path,
          ref: sha
        })
        .then(
          ({ data }) => {
            const file = contentSchema.safeParse(data)
            if (!file.success || file.data.type !== 'file' || file.data.encoding !== 'base64')
              return null
            return Buffer.from(file.data.content ?? '', 'base64').toString('utf8')
          },
          (error: unknown) => {
            if ((error as RequestErrorLike)?.status === 404) return null
            throw accessError(error, `reading ${path} of ${this.repository}`, false)
          }
        )
      this.files.set(key, pending)
    }
    return pending
  }
}
