/**
 * Octokit as the run uses GitHub: per-attempt timeouts over @actions/github's proxy-aware fetch,
 * the throttling plugin pacing writes and waiting out rate limits, the retry plugin for 408 and 5xx
 * only, and a guard that keeps the token on the API's origin.
 */
import { getOctokit } from '@actions/github'
import { defaults as githubDefaults } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling } from '@octokit/plugin-throttling'
import Bottleneck from 'bottleneck/light.js'
import { isRetryableStatus } from '../http/retry.js'
import { onlyNetworkFailuresRetried } from './errors.js'
import type { Budget } from '../http/retry.js'

export interface GitHubOptions {
  token: string
  apiUrl: string
  owner: string
  repo: string
  timeoutMs: number
  budget: Budget
  /** Spacing of writes; the defaults follow GitHub's guidance. Tests and the benchmark shorten them. */
  writeSpacingMs?: number
  notifySpacingMs?: number
  /** Multiplier for throttle/retry waits in ms (plugin default 1000: seconds). */
  retryAfterBaseMs?: number
  /** `kind` names warnings that come in numbers (rate limits), so that they can be aggregated. */
  warn?: (message: string, kind?: string) => void
}

/** GitHub asks for at least one second between writes … */
export const WRITE_SPACING_MS = 1_000
/** … and plugin-throttling spaces notifying writes (issue creation, comments) three seconds apart. */
export const NOTIFY_SPACING_MS = 3_000
/** How often a throttled request is retried before the issue counts as failed. */
const MAX_RATE_LIMIT_RETRIES = 2
/**
 * What plugin-retry must not retry: every 4xx/5xx the shared policy does not retry (so only 408 and
 * 5xx but 501 remain), and 429, which is the throttling plugin's (retrying it twice doubles the wait).
 * A list by inclusion, not by omission: an odd 4xx (406, 418, 431, …) is never re-sent.
 */
const DO_NOT_RETRY = Array.from({ length: 200 }, (_, i) => 400 + i).filter(
  status => status === 429 || !isRetryableStatus(status)
)

type Fetch = (url: string | URL, init?: RequestInit) => Promise<Response>

function timedFetch(timeoutMs: number): Fetch {
  const base = (githubDefaults.request?.fetch ?? fetch) as Fetch
  return (url, init) => {
    const timeout = AbortSignal.timeout(timeoutMs)
    const signal = init?.signal ? AbortSignal.any([init.signal, timeout]) : timeout
    return base(url, { ...init, signal })
  }
}

export function createOctokit(options: GitHubOptions, retryBase: number) {
  const onLimit =
    (kind: string) =>
    (
      retryAfter: number,
      request: { method: string; url: string },
      _o: unknown,
      retryCount: number
    ) => {
      const waitMs = retryAfter * retryBase
      const again = retryCount < MAX_RATE_LIMIT_RETRIES && waitMs < options.budget.remainingMs()
      options.warn?.(
        `GitHub ${kind} rate limit on ${request.method} ${request.url}: ${again ? `retrying in ${retryAfter}s` : 'giving up'}`,
        'GitHub rate limit'
      )
      return again
    }
  const octokit = getOctokit(
    options.token,
    {
      baseUrl: options.apiUrl,
      // The timeout is per attempt: the throttling and retry plugins re-send with the same options,
      // so a signal made once per request would already have fired for every retry. The proxy-aware
      // fetch of @actions/github stays underneath.
      request: { ...githubDefaults.request, fetch: timedFetch(options.timeoutMs) },
      log: {
        debug: () => {},
        info: () => {},
        warn: (m: string) => options.warn?.(m),
        error: (m: string) => options.warn?.(m)
      },
      throttle: {
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: retryBase,
        // Per-client groups, so the pacing is this client's own (the plugin's defaults are process-global).
        write: new Bottleneck.Group({
          maxConcurrent: 1,
          minTime: options.writeSpacingMs ?? WRITE_SPACING_MS
        }),
        notifications: new Bottleneck.Group({
          maxConcurrent: 1,
          minTime: options.notifySpacingMs ?? NOTIFY_SPACING_MS
        })
      },
      // 429 is the throttling plugin's; retrying it here too would double the wait.
      retry: {
        // Other 4xx answers are the request's fault (SPEC: only 408, 429 and 5xx are retried).
        doNotRetry: DO_NOT_RETRY,
        retryAfterBaseValue: retryBase
      }
    },
    onlyNetworkFailuresRetried,
    retry,
    throttling
  )
  const origin = new URL(options.apiUrl).origin
  octokit.hook.before('request', request => {
    // paginate() follows Link headers wherever they point: the token stays on the API's origin.
    if (/^https?:\/\//i.test(request.url) && new URL(request.url).origin !== origin) {
      throw new Error(
        `GitHub pointed to ${new URL(request.url).origin}, which is not ${origin}: refusing to send the token there`
      )
    }
  })
  return octokit
}
