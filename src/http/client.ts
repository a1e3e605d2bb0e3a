import { request } from 'undici'
import { z } from 'zod'
import { errorMessage } from '../report/error-message.js'
import { errorDetail, flattenHeaders, parseJson } from './body.js'
import {
  DEFAULT_RETRY,
  isNetworkError,
  isRetryableStatus,
  realClock,
  retryDelay,
  serverRequestedDelay,
  waitUnlessAborted,
  type Budget,
  type Clock
} from './retry.js'

/** Which remote a request goes to: it names the service in every error. */
export type Service = 'Sentry' | 'LLM'

/** An HTTP answer that was not a success, after any retries. */
export class HttpError extends Error {
  override name = 'HttpError'
  constructor(
    message: string,
    readonly service: Service,
    readonly status: number | null,
    readonly endpoint: string,
    readonly body: unknown,
    options?: { cause?: unknown }
  ) {
    super(message, options)
  }
}

export interface HttpClientOptions {
  service: Service
  /** Every request must stay on this origin: the token is never sent anywhere else. */
  baseUrl: string
  headers: Record<string, string>
  timeoutMs: number
  budget: Budget
  /** Where the retry waits happen and Retry-After dates are read; the real clock unless a test gives one. */
  clock?: Clock | undefined
  /** Service-specific veto: return false to stop retrying an otherwise retryable answer. */
  isRetryable?: (status: number, body: unknown) => boolean
  /** Turns a failed answer into a sentence the user can act on. */
  describeError?: (status: number, body: unknown, endpoint: string) => string | undefined
}

export interface JsonResponse<T> {
  status: number
  headers: Record<string, string>
  data: T
}

export interface RequestOptions<T> {
  method: 'GET' | 'POST' | 'PUT'
  /** A path below the base URL (`/api/0/...`) or an absolute URL on the same origin. */
  url: string
  schema: z.ZodType<T>
  body?: unknown
  /** Statuses (besides 2xx) to hand back to the caller instead of throwing. */
  acceptStatus?: number[]
  /**
   * Abandons the request (and any retry still to come) when aborted, e.g. by the LLM circuit
   * breaker: a caller that has given up on a service stops calling it at once.
   */
  signal?: AbortSignal
}

/** `GET /api/0/organizations/acme/issues/`: what errors show; never a query string or a token. */
function endpointOf(method: string, url: URL): string {
  return `${method} ${url.pathname}`
}

/** What one attempt brought back: an answer of any status, or a failure before any answer. */
type Attempt =
  | { kind: 'answer'; status: number; headers: Record<string, string>; body: unknown }
  | { kind: 'failed'; error: HttpError; retryable: boolean }

/** What to do with an answer that is not the caller's: give up, or wait and try again. */
interface Refusal {
  error: HttpError
  retryable: boolean
  /** What the server asked us to wait (Retry-After and kin), or null for the usual backoff. */
  requestedMs: number | null
}

/**
 * A JSON client for one origin, with a per-request timeout, bounded retries (exponential backoff
 * with full jitter, or the server's own Retry-After) and zod validation of every answer.
 * Redirects are not followed, so a token never travels to a host it was not meant for.
 */
export class HttpClient {
  private readonly origin: string
  private readonly basePath: string
  private readonly clock: Clock

  constructor(private readonly options: HttpClientOptions) {
    const base = new URL(options.baseUrl)
    this.origin = base.origin
    this.basePath = base.pathname.replace(/\/+$/, '')
    this.clock = options.clock ?? realClock
  }

  /** Resolves a path or absolute URL and refuses any other origin. */
  resolve(pathOrUrl: string): URL {
    const url = /^https?:\/\//i.test(pathOrUrl)
      ? new URL(pathOrUrl)
      : new URL(this.basePath + pathOrUrl, this.origin)
    if (url.origin !== this.origin) {
      throw new HttpError(
        `${this.options.service} pointed to ${url.origin}, which is not ${this.origin}: refusing to send the token there`,
        this.options.service,
        null,
        url.pathname,
        null
      )
    }
    return url
  }

  /**
   * Sends the request until an answer is the caller's (2xx or an accepted status, validated by
   * `schema`), it cannot get better (not retryable), the attempts or the budget run out, or the
   * caller aborts.
   */
  async request<T>(opts: RequestOptions<T>): Promise<JsonResponse<T>> {
    const url = this.resolve(opts.url)
    const endpoint = endpointOf(opts.method, url)
    const { attempts } = DEFAULT_RETRY
    let lastError: HttpError | undefined
    for (let attempt = 1; attempt <= attempts; attempt++) {
      if (opts.signal?.aborted) throw this.abandoned(endpoint, opts.signal)
      if (attempt > 1 && this.options.budget.exhausted) break
      const sent = await this.send(url, endpoint, opts)
      if (sent.kind === 'answer' && this.isTheCallers(sent.status, opts)) {
        return this.validate(sent.status, sent.headers, sent.body, opts.schema, endpoint)
      }
      const refusal: Refusal =
        sent.kind === 'failed'
          ? { error: sent.error, retryable: sent.retryable, requestedMs: null }
          : this.judge(sent.status, sent.headers, sent.body, endpoint)
      lastError = refusal.error
      if (!refusal.retryable || attempt === attempts) break
      if (!(await this.backoff(attempt, refusal.requestedMs, opts.signal))) break
    }
    if (opts.signal?.aborted) throw this.abandoned(endpoint, opts.signal)
    throw lastError ?? this.notAttempted(endpoint)
  }

  /** One attempt with its own timeout (never past the budget): the answer read whole, or why none came. */
  private async send<T>(url: URL, endpoint: string, opts: RequestOptions<T>): Promise<Attempt> {
    const { service, budget } = this.options
    const timeout = Math.max(1, Math.min(this.options.timeoutMs, budget.remainingMs() || 1))
    const timeoutSignal = AbortSignal.timeout(timeout)
    try {
      const response = await request(url, {
        method: opts.method,
        headers: {
          accept: 'application/json',
          'user-agent': 'sentry-triage',
          ...(opts.body === undefined ? {} : { 'content-type': 'application/json' }),
          ...this.options.headers
        },
        body: opts.body === undefined ? undefined : JSON.stringify(opts.body),
        signal: opts.signal ? AbortSignal.any([timeoutSignal, opts.signal]) : timeoutSignal
      })
      const headers = flattenHeaders(response.headers)
      const body = parseJson(await response.body.text())
      return { kind: 'answer', status: response.statusCode, headers, body }
    } catch (error) {
      if (opts.signal?.aborted) throw this.abandoned(endpoint, opts.signal)
      const timedOut =
        timeoutSignal.aborted || (error instanceof Error && error.name === 'TimeoutError')
      const reason = timedOut
        ? `timed out after ${timeout} ms`
        : `failed: ${this.scrub(errorMessage(error))}`
      return {
        kind: 'failed',
        error: new HttpError(
          `${service} request ${endpoint} ${reason}`,
          service,
          null,
          endpoint,
          null,
          {
            cause: error
          }
        ),
        retryable: timedOut || isNetworkError(error)
      }
    }
  }

  /** 2xx, or a status the caller said it handles itself (a 404 that means "none"). */
  private isTheCallers(status: number, opts: RequestOptions<unknown>): boolean {
    return (status >= 200 && status < 300) || (opts.acceptStatus?.includes(status) ?? false)
  }

  /** The body of an answer the caller takes, validated: a wrong shape is an error naming the endpoint. */
  private validate<T>(
    status: number,
    headers: Record<string, string>,
    body: unknown,
    schema: z.ZodType<T>,
    endpoint: string
  ): JsonResponse<T> {
    const parsed = schema.safeParse(body)
    if (!parsed.success) {
      const { service } = this.options
      throw new HttpError(
        `${service} sent an unexpected response for ${endpoint}: ${this.scrub(z.prettifyError(parsed.error).slice(0, 500))}`,
        service,
        status,
        endpoint,
        body
      )
    }
    return { status, headers, data: parsed.data }
  }

  /**
   * A failed answer as an error the user can act on, whether it is worth another try (redirects
   * never are: they are not followed), and how long the server asked us to wait.
   */
  private judge(
    status: number,
    headers: Record<string, string>,
    body: unknown,
    endpoint: string
  ): Refusal {
    const { service } = this.options
    if (status >= 300 && status < 400) {
      const error = new HttpError(
        `${service} answered ${status} (a redirect) for ${endpoint}: redirects are not followed; check the base URL`,
        service,
        status,
        endpoint,
        body
      )
      return { error, retryable: false, requestedMs: null }
    }
    const described = this.options.describeError?.(status, body, endpoint)
    const detail = this.scrub(
      described ?? `${service} answered ${status} for ${endpoint}${errorDetail(body)}`
    )
    return {
      error: new HttpError(detail, service, status, endpoint, body),
      retryable: isRetryableStatus(status) && (this.options.isRetryable?.(status, body) ?? true),
      requestedMs: serverRequestedDelay(headers, this.clock.now(), status)
    }
  }

  /**
   * Waits before the next attempt; false when the wait would overrun the run's budget or the
   * caller gave up meanwhile.
   */
  private async backoff(
    attempt: number,
    requestedMs: number | null,
    signal?: AbortSignal
  ): Promise<boolean> {
    const delay = retryDelay(attempt, requestedMs)
    if (delay >= this.options.budget.remainingMs()) return false
    return waitUnlessAborted(this.clock, delay, signal)
  }

  private abandoned(endpoint: string, signal: AbortSignal): HttpError {
    const { service } = this.options
    return new HttpError(
      `${service} request ${endpoint} was abandoned: ${errorMessage(signal.reason ?? 'cancelled')}`,
      service,
      null,
      endpoint,
      null
    )
  }

  private notAttempted(endpoint: string): HttpError {
    const { service } = this.options
    return new HttpError(
      `${service} request ${endpoint} was not attempted: the time budget is spent`,
      service,
      null,
      endpoint,
      null
    )
  }

  /** The client's own credentials never travel inside an error message, whatever a server echoes. */
  private scrub(text: string): string {
    let out = text
    for (const value of Object.values(this.options.headers)) {
      const secret = value.replace(/^(?:bearer|token|basic)\s+/i, '').trim()
      if (secret.length >= 6) out = out.split(secret).join('[secret]')
    }
    return out
  }
}
