/**
 * Tiny HTTP harness shared by the fake Sentry, GitHub and LLM servers.
 *
 * - `node:http` only, listens on 127.0.0.1 with an ephemeral port.
 * - Route table: method + path pattern (`/repos/:owner/:repo/issues/:n`), params are URL-decoded.
 * - Every request is recorded in `requests` (faulted ones too), with lower-cased headers and the
 *   JSON-parsed body (raw string when not JSON, `undefined` when empty).
 * - `latencyMs` (settable at runtime) delays every request.
 * - `fault(match, spec)` injects failures, consumed in order, only for matching requests.
 * - `close()` also destroys keep-alive sockets so Jest can exit.
 */
import http from 'node:http'
import type { AddressInfo } from 'node:net'

export interface RecordedRequest {
  method: string
  /** pathname only (no query string), e.g. `/api/0/organizations/acme/issues/` */
  path: string
  query: URLSearchParams
  /** lower-cased header names; repeated headers joined with `, ` */
  headers: Record<string, string>
  /** JSON-parsed body; the raw string if it is not JSON; `undefined` if empty */
  body: unknown
  rawBody: string
  /** ms since epoch when the request arrived */
  at: number
}

export interface RouteContext extends RecordedRequest {
  params: Record<string, string>
  /** origin of this server, e.g. `http://127.0.0.1:41234` */
  origin: string
  /** full URL of the request on this server */
  url: URL
}

export interface RouteResult {
  status: number
  headers?: Record<string, string> | undefined
  /** strings are sent as-is (text/plain unless a content-type header is given); anything else as JSON; undefined = empty */
  body?: unknown | undefined
}

export type Handler = (ctx: RouteContext) => RouteResult | Promise<RouteResult>

export interface Route {
  method: string
  /** `/a/:param/b/` - segments starting with `:` are parameters; a trailing `/` is significant */
  pattern: string
  handler: Handler
}

export interface FaultMatch {
  /** HTTP method(s), case-insensitive */
  method?: string | string[] | undefined
  /** RegExp tested against the pathname; a string matches when the pathname contains it */
  path?: RegExp | string | undefined
  /** extra predicate on the request */
  when?: ((req: RecordedRequest) => boolean) | undefined
}

export interface FaultSpec {
  /** status to answer with (default 500 when `body`/`headers` are given, or when nothing else is) */
  status?: number | undefined
  /** static headers, or computed when the fault fires (e.g. a rate-limit reset relative to "now") */
  headers?: Record<string, string> | ((req: RecordedRequest) => Record<string, string>) | undefined
  /** a string is sent raw; anything else as JSON */
  body?: unknown | undefined
  /** how many matching requests this fault applies to (default 1) */
  times?: number | undefined
  /** wait this long first; with no status/body/headers/reset the request then proceeds normally */
  delayMs?: number | undefined
  /** destroy the socket without answering (client sees ECONNRESET / "socket hang up") */
  reset?: boolean | undefined
  /** a lost answer: the request is handled (the write lands), then the fault replaces the answer */
  afterHandled?: boolean | undefined
}

interface ActiveFault {
  match: FaultMatch
  spec: FaultSpec
  remaining: number
}

export interface StartServerOptions {
  routes?: Route[] | undefined
  latencyMs?: number | undefined
  /** headers added to every response (route, fault and 404/405 answers); specific headers win */
  baseHeaders?: ((req: RecordedRequest) => Record<string, string>) | undefined
  /** answer for an unknown path (default 404 `{"message":"Not Found"}`) */
  notFound?: ((ctx: RouteContext) => RouteResult) | undefined
  /** answer when the path matches but the method doesn't (default 405) */
  methodNotAllowed?: ((ctx: RouteContext, allowed: string[]) => RouteResult) | undefined
}

export interface FakeServer {
  /** origin, e.g. `http://127.0.0.1:41234` (no trailing slash) */
  url: string
  port: number
  requests: RecordedRequest[]
  /** add a route at runtime (checked after the earlier ones) */
  route(method: string, pattern: string, handler: Handler): void
  fault(match: FaultMatch, spec: FaultSpec): void
  /** pending faults not yet consumed */
  pendingFaults(): number
  clearFaults(): void
  latencyMs: number
  setLatency(ms: number): void
  close(): Promise<void>
  raw: http.Server
}

// ---------------------------------------------------------------------------------------------
// helpers

export function json(
  status: number,
  body: unknown,
  headers: Record<string, string> = {}
): RouteResult {
  return {
    status,
    body,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers }
  }
}

export function text(
  status: number,
  body: string,
  headers: Record<string, string> = {}
): RouteResult {
  return { status, body, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers } }
}

export function empty(status = 204, headers: Record<string, string> = {}): RouteResult {
  return { status, headers }
}

/** A plain object (not array/null) */
export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** Request header lookup (names are lower-case in the log) */
export function header(req: RecordedRequest, name: string): string | undefined {
  return req.headers[name.toLowerCase()]
}

/** Bearer/token credential from the Authorization header, or undefined */
export function bearer(req: RecordedRequest): string | undefined {
  const h = header(req, 'authorization')
  if (!h) return undefined
  const m = /^(?:bearer|token)\s+(.+)$/i.exec(h.trim())
  return m?.[1] ? m[1].trim() : undefined
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms))
}

function compilePattern(pattern: string): { re: RegExp; names: string[] } {
  const names: string[] = []
  const src = pattern
    .split('/')
    .map(seg => {
      if (seg.startsWith(':')) {
        names.push(seg.slice(1))
        return '([^/]+)'
      }
      return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
    })
    .join('/')
  return { re: new RegExp(`^${src}$`), names }
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s)
  } catch {
    return s
  }
}

function matchesFault(m: FaultMatch, req: RecordedRequest): boolean {
  if (m.method !== undefined) {
    const methods = (Array.isArray(m.method) ? m.method : [m.method]).map(x => x.toUpperCase())
    if (!methods.includes(req.method)) return false
  }
  if (m.path !== undefined) {
    if (typeof m.path === 'string') {
      if (!req.path.includes(m.path)) return false
    } else {
      m.path.lastIndex = 0
      if (!m.path.test(req.path)) return false
    }
  }
  if (m.when && !m.when(req)) return false
  return true
}

// ---------------------------------------------------------------------------------------------

export async function startServer(opts: StartServerOptions = {}): Promise<FakeServer> {
  const compiled: Array<{ method: string; re: RegExp; names: string[]; handler: Handler }> = []
  const requests: RecordedRequest[] = []
  const faults: ActiveFault[] = []
  let closed = false
  const timers = new Map<NodeJS.Timeout, () => void>()

  const wait = (ms: number): Promise<void> =>
    new Promise(resolve => {
      if (ms <= 0 || closed) return resolve()
      const t = setTimeout(() => {
        timers.delete(t)
        resolve()
      }, ms)
      timers.set(t, resolve)
    })

  const addRoute = (method: string, pattern: string, handler: Handler): void => {
    const { re, names } = compilePattern(pattern)
    compiled.push({ method: method.toUpperCase(), re, names, handler })
  }
  for (const r of opts.routes ?? []) addRoute(r.method, r.pattern, r.handler)

  const state = { latencyMs: opts.latencyMs ?? 0 }
  let origin = ''

  const send = (res: http.ServerResponse, req: RecordedRequest, result: RouteResult): void => {
    if (res.destroyed || res.writableEnded) return
    const headers: Record<string, string> = {}
    for (const [k, v] of Object.entries(opts.baseHeaders ? opts.baseHeaders(req) : {}))
      headers[k.toLowerCase()] = v
    for (const [k, v] of Object.entries(result.headers ?? {})) headers[k.toLowerCase()] = v
    let payload = ''
    if (result.body !== undefined) {
      if (typeof result.body === 'string') {
        payload = result.body
        if (!headers['content-type']) headers['content-type'] = 'text/plain; charset=utf-8'
      } else {
        payload = JSON.stringify(result.body)
        if (!headers['content-type']) headers['content-type'] = 'application/json; charset=utf-8'
      }
    }
    headers['content-length'] = String(Buffer.byteLength(payload))
    res.writeHead(result.status, headers)
    res.end(payload)
  }

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('error', () => undefined)
    req.on('end', () => {
      void (async () => {
        const rawBody = Buffer.concat(chunks).toString('utf8')
        let body: unknown = undefined
        if (rawBody.length > 0) {
          try {
            body = JSON.parse(rawBody) as unknown
          } catch {
            body = rawBody
          }
        }
        const url = new URL(req.url ?? '/', origin)
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(req.headers)) {
          if (v === undefined) continue
          headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : v
        }
        const record: RecordedRequest = {
          method: (req.method ?? 'GET').toUpperCase(),
          path: url.pathname,
          query: url.searchParams,
          headers,
          body,
          rawBody,
          at: Date.now()
        }
        requests.push(record)

        try {
          if (state.latencyMs > 0) await wait(state.latencyMs)
          if (closed) {
            req.socket.destroy()
            return
          }

          // fault injection: first pending fault that matches, consumed in order
          const idx = faults.findIndex(f => f.remaining > 0 && matchesFault(f.match, record))
          let lostAnswer: FaultSpec | null = null
          if (idx >= 0 && faults[idx]!.spec.afterHandled) {
            const f = faults[idx] as ActiveFault
            f.remaining -= 1
            if (f.remaining <= 0) faults.splice(idx, 1)
            lostAnswer = f.spec
          } else if (idx >= 0) {
            const f = faults[idx] as ActiveFault
            f.remaining -= 1
            if (f.remaining <= 0) faults.splice(idx, 1)
            const spec = f.spec
            if (spec.delayMs && spec.delayMs > 0) await wait(spec.delayMs)
            if (closed) {
              req.socket.destroy()
              return
            }
            if (spec.reset) {
              req.socket.destroy()
              return
            }
            const delayOnly =
              spec.status === undefined &&
              spec.body === undefined &&
              spec.headers === undefined &&
              (spec.delayMs ?? 0) > 0
            if (!delayOnly) {
              const h = typeof spec.headers === 'function' ? spec.headers(record) : spec.headers
              send(res, record, { status: spec.status ?? 500, headers: h, body: spec.body })
              return
            }
          }

          const ctxBase = { ...record, origin, url }
          const allowed: string[] = []
          for (const r of compiled) {
            const m = r.re.exec(record.path)
            if (!m) continue
            if (r.method !== record.method) {
              allowed.push(r.method)
              continue
            }
            const params: Record<string, string> = {}
            r.names.forEach((n, i) => {
              params[n] = safeDecode(m[i + 1] ?? '')
            })
            const result = await r.handler({ ...ctxBase, params })
            if (lostAnswer?.reset) req.socket.destroy()
            else if (lostAnswer)
              send(res, record, { status: lostAnswer.status ?? 502, body: lostAnswer.body })
            else send(res, record, result)
            return
          }
          const ctx: RouteContext = { ...ctxBase, params: {} }
          if (allowed.length > 0) {
            send(
              res,
              record,
              opts.methodNotAllowed
                ? opts.methodNotAllowed(ctx, allowed)
                : json(
                    405,
                    { message: `Method ${record.method} not allowed` },
                    { allow: allowed.join(', ') }
                  )
            )
            return
          }
          send(
            res,
            record,
            opts.notFound ? opts.notFound(ctx) : json(404, { message: 'Not Found' })
          )
        } catch (err) {
          send(
            res,
            record,
            json(500, {
              message: `fake server error: ${err instanceof Error ? err.message : String(err)}`
            })
          )
        }
      })()
    })
  })
  server.keepAliveTimeout = 5000

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  const port = (server.address() as AddressInfo).port
  origin = `http://127.0.0.1:${port}`

  const fake: FakeServer = {
    url: origin,
    port,
    requests,
    route: addRoute,
    fault(match, spec) {
      faults.push({ match, spec, remaining: spec.times ?? 1 })
    },
    pendingFaults: () => faults.reduce((n, f) => n + f.remaining, 0),
    clearFaults() {
      faults.length = 0
    },
    get latencyMs() {
      return state.latencyMs
    },
    set latencyMs(ms: number) {
      state.latencyMs = ms
    },
    setLatency(ms: number) {
      state.latencyMs = ms
    },
    async close() {
      if (closed) return
      closed = true
      for (const [t, resolve] of timers) {
        clearTimeout(t)
        resolve()
      }
      timers.clear()
      await new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
    },
    raw: server
  }
  return fake
}
