import { request, type Dispatcher } from 'undici'
import { z } from 'zod'
import {
  DEFAULT_RETRY,
  isNetworkError,
  isRetryableStatus,
  realSleep,
  serverRequestedDelay,
  type Budget,
  type RetryPolicy,
  type Sleep
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
  retry?: RetryPolicy
  sleep?: Sleep
  random?: () => number
  now?: () => number
  dispatcher?: Dispatcher
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

function flattenHeaders(
  raw: Record<string, string | string[] | undefined>
): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined)
      headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

/** `GET /api/0/organizations/acme/issues/`: what errors show; never a query string or a token. */
function endpointOf(method: string, url: URL): string {
  return `${method} ${url.pathname}`
}

/**
 * A JSON client for one origin, with a per-request timeout, bounded retries (exponential backoff
 * with full jitter, or the server's own Retry-After) and zod validation of every answer.
 * Redirects are not followed, so a token never travels to a host it was not meant for.
 */
export class HttpClient {
  private readonly origin: string
  private readonly basePath: string
  private readonly retry: RetryPolicy
  private readonly sleep: Sleep
  private readonly random: () => number
  private readonly now: () => number

  constructor(private readonly options: HttpClientOptions) {
    const base = new URL(options.baseUrl)
    this.origin = base.origin
    this.basePath = base.pathname.replace(/\/+$/, '')
    this.retry = options.retry ?? DEFAULT_RETRY
    this.sleep = options.sleep ?? realSleep
    this.random = options.random ?? Math.random
    this.now = options.now ?? Date.now
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

  async request<T>(opts: RequestOptions<T>): Promise<JsonResponse<T>> {
    const { service, budget } = this.options
    const url = this.resolve(opts.url)
    const endpoint = endpointOf(opts.method, url)
    let lastError: HttpError | undefined

    const abandoned = () =>
      new HttpError(
        `${service} request ${endpoint} was abandoned: ${errorMessage(opts.signal?.reason ?? 'cancelled')}`,
        service,
        null,
        endpoint,
        null
      )
    for (let attempt = 1; attempt <= this.retry.attempts; attempt++) {
      if (opts.signal?.aborted) throw abandoned()
      if (attempt > 1 && budget.exhausted) break
      const timeout = Math.max(1, Math.min(this.options.timeoutMs, budget.remainingMs() || 1))
      const timeoutSignal = AbortSignal.timeout(timeout)
      let status: number
      let headers: Record<string, string>
      let text: string
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
          signal: opts.signal ? AbortSignal.any([timeoutSignal, opts.signal]) : timeoutSignal,
          dispatcher: this.options.dispatcher
        })
        status = response.statusCode
        headers = flattenHeaders(response.headers)
        text = await response.body.text()
      } catch (error) {
        if (opts.signal?.aborted) throw abandoned()
        const timedOut =
          timeoutSignal.aborted || (error instanceof Error && error.name === 'TimeoutError')
        const reason = timedOut
          ? `timed out after ${timeout} ms`
          : `failed: ${this.scrub(errorMessage(error))}`
        lastError = new HttpError(
          `${service} request ${endpoint} ${reason}`,
          service,
          null,
          endpoint,
          null,
          {
            cause: error
          }
        )
        if (!(timedOut || isNetworkError(error)) || attempt === this.retry.attempts) break
        if (!(await this.backoff(attempt, null, opts.signal))) break
        continue
      }

      const body = parseJson(text)
      if ((status >= 200 && status < 300) || opts.acceptStatus?.includes(status)) {
        const parsed = opts.schema.safeParse(body)
        if (!parsed.success) {
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

      const described = this.options.describeError?.(status, body, endpoint)
      const detail = this.scrub(
        described ?? `${service} answered ${status} for ${endpoint}${errorDetail(body)}`
      )
      lastError = new HttpError(detail, service, status, endpoint, body)
      if (status >= 300 && status < 400) {
        lastError = new HttpError(
          `${service} answered ${status} (a redirect) for ${endpoint}: redirects are not followed; check the base URL`,
          service,
          status,
          endpoint,
          body
        )
        break
      }
      const retryable =
        isRetryableStatus(status) && (this.options.isRetryable?.(status, body) ?? true)
      if (!retryable || attempt === this.retry.attempts) break
      const requested = serverRequestedDelay(headers, this.now(), status)
      if (!(await this.backoff(attempt, requested, opts.signal))) break
    }
    if (opts.signal?.aborted) throw abandoned()
    throw (
      lastError ??
      new HttpError(
        `${service} request ${endpoint} was not attempted: the time budget is spent`,
        service,
        null,
        endpoint,
        null
      )
    )
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
    const exponential = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** (attempt - 1))
    const delay =
      requestedMs !== null
        ? Math.min(requestedMs, this.retry.maxDelayMs * 4)
        : this.random() * exponential
    if (delay >= this.options.budget.remainingMs()) return false
    if (!signal) {
      await this.sleep(delay)
      return true
    }
    if (signal.aborted) return false
    let onAbort: (() => void) | undefined
    const aborted = new Promise<void>(resolve => {
      onAbort = () => resolve()
      signal.addEventListener('abort', onAbort, { once: true })
    })
    try {
      await Promise.race([this.sleep(delay, signal), aborted])
    } finally {
      if (onAbort) signal.removeEventListener('abort', onAbort)
    }
    return !signal.aborted
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

function parseJson(text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** A short, single-line excerpt of an error body (`detail`, `message` or `error.message`). */
function errorDetail(body: unknown): string {
  let detail: unknown
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>
    const nested = record.error as Record<string, unknown> | undefined
    detail =
      record.detail ??
      record.message ??
      (nested && typeof nested === 'object' ? nested.message : record.error)
  } else {
    detail = body
  }
  if (typeof detail !== 'string' || detail === '') return ''
  return `: ${detail.replace(/\s+/g, ' ').slice(0, 200)}`
}

/** The message of anything thrown, even a string or an object: nothing fails silently. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  // A DOMException or an Error from another realm (a VM context) is not `instanceof Error` here.
  const message = (error as { message?: unknown } | null)?.message
  if (typeof message === 'string' && message !== '') return message
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}
