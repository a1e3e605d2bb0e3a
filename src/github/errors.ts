/** GitHub failures as sentences a user can act on, and which of them a retry can help. */
import { z } from 'zod'
import { errorMessage } from '../report/error-message.js'
import { isNetworkError, isRetryableStatus } from '../http/retry.js'

export interface RequestErrorLike {
  status?: number
  message?: string
  response?: { data?: unknown }
}

/** Turns a GitHub failure into a sentence naming what to fix. */
const PERMISSION = /not accessible by integration|must have (push|admin)|permission/i

/**
 * Whether GitHub refused a write for want of permission (not a rate limit), looking through the
 * sentence `describeGitHubError` wrapped it in: the token cannot write to this repository.
 */
export function isPermissionDenied(error: unknown): boolean {
  const e = ((error as { cause?: unknown } | null)?.cause ?? error) as RequestErrorLike
  return e?.status === 403 && PERMISSION.test(e.message ?? '')
}

export function describeGitHubError(error: unknown, what: string, repository: string): Error {
  const e = error as RequestErrorLike
  const status = typeof e?.status === 'number' ? e.status : null
  let message: string
  if (status === 401)
    message = `GitHub answered 401 while ${what}: github-token is invalid or expired`
  else if (status === 403 && PERMISSION.test(e.message ?? '')) {
    message = `GitHub answered 403 while ${what} in ${repository}: the token needs issues: write (add "permissions: issues: write" to the job)`
  } else if (status === 404) {
    message = `GitHub answered 404 while ${what}: repository ${repository} does not exist or the token cannot see it`
  } else if (status === 410)
    message = `GitHub answered 410 while ${what}: issues are disabled in ${repository}`
  else if (status === 422)
    message = `GitHub rejected the request while ${what} (422): ${validationDetail(e.response?.data) || errorMessage(error)}`
  else
    message = `GitHub request failed while ${what}${status ? ` (${status})` : ''}: ${errorMessage(error)}`
  return new Error(message, { cause: error })
}

function validationDetail(data: unknown): string {
  const parsed = z
    .looseObject({
      message: z.string().optional(),
      errors: z
        .array(
          z.looseObject({
            code: z.string().optional(),
            field: z.string().optional(),
            message: z.string().optional()
          })
        )
        .optional()
    })
    .safeParse(data)
  if (!parsed.success) return ''
  const details = (parsed.data.errors ?? []).map(
    x => x.message ?? `${x.field ?? ''} ${x.code ?? ''}`.trim()
  )
  return [parsed.data.message, ...details].filter(Boolean).join('; ')
}

export function isAlreadyExists(error: unknown): boolean {
  const e = error as RequestErrorLike
  if (e?.status !== 422) return false
  return JSON.stringify(e.response?.data ?? '').includes('already_exists')
}

export function isAssigneeRejection(error: unknown): boolean {
  const e = error as RequestErrorLike
  return e?.status === 422 && /assignee/i.test(JSON.stringify(e.response?.data ?? ''))
}

/**
 * Whether a failed creation may have been lost on the way, so that re-listing and re-sending it is
 * right: GitHub answered 408 or a 5xx, or no answer came at all (connection refused or reset, the
 * attempt timed out or was aborted). Octokit reports a network failure as status 500 without a
 * response, so those are judged by their cause. Any other 4xx, an answer of the wrong shape or a
 * bug is not transient: re-sending cannot help.
 */
/**
 * Whether a write's answer may have been lost after GitHub took the request (a network failure or a
 * 5xx), looking through the sentence `describeGitHubError` wrapped it in.
 */
export function answerMayBeLost(error: unknown): boolean {
  return isTransient((error as { cause?: unknown } | null)?.cause ?? error)
}

export function isTransient(error: unknown): boolean {
  const e = error as RequestErrorLike
  if (e?.response !== undefined && typeof e.status === 'number')
    return e.status !== 429 && isRetryableStatus(e.status)
  return isNetworkError(error)
}

/**
 * Octokit reports every failed fetch as a status 500 without a response, so plugin-retry would
 * re-send a request that failed for a reason no retry can fix (a proxy's 407, which fetch turns into
 * a failure, or a bug). Registered before the retry plugin, this plugin rethrows such a failure as a
 * plain error, which neither plugin retries; network failures and real answers pass unchanged.
 */
export function onlyNetworkFailuresRetried(octokit: {
  hook: { error(name: 'request', hook: (error: Error) => never): void }
}): void {
  octokit.hook.error('request', (error: Error) => {
    if ((error as RequestErrorLike).response !== undefined || isNetworkError(error)) throw error
    const cause = (error as { cause?: unknown }).cause ?? error
    throw new Error(
      `the request failed before GitHub answered (${errorMessage(cause) || error.message || 'no detail'})`,
      { cause: error }
    )
  })
}
