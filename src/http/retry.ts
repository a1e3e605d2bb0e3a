/**
 * When a request is worth another try, how long to wait, and the run's wall-time budget for all
 * waiting: one policy for Sentry, the LLM and GitHub (SPEC: only 408, 429 and 5xx are retried).
 */

/** Waits `ms`; resolves early (and clears its timer) when `signal` aborts. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>
export const realSleep: Sleep = (ms, signal) =>
  new Promise(resolve => {
    if (signal?.aborted) return resolve()
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
  })

/**
 * Where a run reads the time and waits: the real clock in production; tests hand `run()` one whose
 * waits return at once and are recorded, so a Retry-After of minutes costs the suite nothing.
 */
export interface Clock {
  /** Milliseconds since the epoch, as `Date.now()`. */
  now(): number
  sleep: Sleep
}

export const realClock: Clock = { now: () => Date.now(), sleep: realSleep }

/**
 * The wall-time budget of a whole run, shared by every client: retries stop waiting once it is
 * spent, so a night of outages cannot burn an hour of Actions minutes.
 */
export class Budget {
  private readonly deadline: number
  constructor(
    ms: number,
    private readonly now: () => number = Date.now
  ) {
    this.deadline = now() + ms
  }
  remainingMs(): number {
    return Math.max(0, this.deadline - this.now())
  }
  get exhausted(): boolean {
    return this.remainingMs() === 0
  }
}

export interface RetryPolicy {
  /** Total attempts, the first included. */
  attempts: number
  /** First backoff step; doubled each retry, with full jitter. */
  baseDelayMs: number
  maxDelayMs: number
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 }

/**
 * How long to wait before the attempt after `attempt`: what the server asked (capped at four times
 * the longest step, so a hostile Retry-After cannot hold the run), else a full-jitter draw below the
 * doubled step.
 */
export function retryDelay(attempt: number, requestedMs: number | null): number {
  const { baseDelayMs, maxDelayMs } = DEFAULT_RETRY
  if (requestedMs !== null) return Math.min(requestedMs, maxDelayMs * 4)
  return Math.random() * Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1))
}

/**
 * Waits `ms` on the clock, but returns as soon as `signal` aborts, whatever the clock's sleep does:
 * true when the wait ran its course, false when the caller gave up before or during it.
 */
export async function waitUnlessAborted(
  clock: Clock,
  ms: number,
  signal?: AbortSignal
): Promise<boolean> {
  if (!signal) {
    await clock.sleep(ms)
    return true
  }
  if (signal.aborted) return false
  let onAbort: (() => void) | undefined
  const aborted = new Promise<void>(resolve => {
    onAbort = () => resolve()
    signal.addEventListener('abort', onAbort, { once: true })
  })
  try {
    await Promise.race([clock.sleep(ms, signal), aborted])
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort)
  }
  return !signal.aborted
}

/**
 * The one retry policy for every service: 408, 429 and 5xx are worth another try (501 Not Implemented
 * is not: it will not change); every other answer is the request's fault and is sent once.
 */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501)
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED'
])

/**
 * A failure of the network, not of the request: the connection was refused, reset or closed, or the
 * attempt timed out or was aborted. Looks through `cause` (fetch wraps the socket error in a
 * TypeError, Octokit wraps that again) and is duck-typed, not `instanceof`: undici's DOMExceptions
 * and errors from another realm count too. A parse error or a bug is none of these.
 */
export function isNetworkError(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 5 && current && typeof current === 'object'; depth++) {
    const { name, code, cause } = current as { name?: unknown; code?: unknown; cause?: unknown }
    if (name === 'TimeoutError' || name === 'AbortError') return true
    if (RETRYABLE_CODES.has(String(code))) return true
    current = cause
  }
  return false
}

/**
 * How long the server asked us to wait, in ms, or null. Understands `Retry-After` (seconds or an
 * HTTP date), `retry-after-ms` (OpenAI), and Sentry's `X-Sentry-Rate-Limit-Reset` (epoch seconds:
 * Sentry's 429 carries no Retry-After). Sentry sends its rate-limit headers on every answer, so the
 * reset time only counts for a 429 (or when no requests remain in the window): a 502 is retried
 * with the usual backoff, not held until the rate-limit window turns over.
 */
export function serverRequestedDelay(
  headers: Record<string, string>,
  now: number,
  status: number
): number | null {
  const ms = headers['retry-after-ms']
  if (ms && /^\d+(\.\d+)?$/.test(ms)) return Number(ms)
  const after = headers['retry-after']
  if (after) {
    if (/^\d+(\.\d+)?$/.test(after.trim())) return Number(after) * 1000
    const date = Date.parse(after)
    if (!Number.isNaN(date)) return Math.max(0, date - now)
  }
  const reset = headers['x-sentry-rate-limit-reset']
  const limited = status === 429 || headers['x-sentry-rate-limit-remaining'] === '0'
  if (limited && reset && /^\d+(\.\d+)?$/.test(reset))
    return Math.max(0, Number(reset) * 1000 - now)
  return null
}
