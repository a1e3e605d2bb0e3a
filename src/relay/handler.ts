/**
 * The webhook relay: Sentry calls it, it checks Sentry's signature and forwards the webhook to
 * GitHub as a `repository_dispatch`, which starts the action. A plain `Request → Response` handler
 * with no dependency and no `node:` import, so the same code runs on Cloudflare Workers, Deno, Bun,
 * Vercel, and on Node through `sentry-triage relay --port N` (relay-server.ts).
 */
import { verifyBody } from '../webhook/hmac.js'
import {
  FORWARDED_RESOURCES,
  isForwarded,
  webhookProject,
  webhookSubject
} from '../webhook/payload.js'
import { destinationOf, readRelayConfig, type RelayEnv } from './config.js'
import { answer, clientPayload, forward, type ExecutionContextLike } from './forward.js'

export { MAX_PAYLOAD_BYTES, type ExecutionContextLike } from './forward.js'
export {
  describeDestinations,
  readRelayConfig,
  RelayConfigError,
  type RelayConfig,
  type RelayEnv
} from './config.js'

/** Sentry's signature does not cover its timestamp; still, an old delivery is not forwarded. */
export const MAX_AGE_MS = 5 * 60_000
/**
 * Nothing is verified before it is read, so a body is read only this far: past it the relay answers
 * 413 without pulling more (Sentry's bodies are far smaller).
 */
export const MAX_BODY_BYTES = 1024 * 1024
/** Sentry waits 1 s for an answer: the relay waits this long for GitHub's, then answers 202. */
export const ANSWER_WITHIN_MS = 800

/** Options of createRelay. */
export interface RelayOptions {
  /** One line per request, for the platform's log. */
  log?: (line: string) => void
  /** How long GitHub may take to accept a dispatch, in the background past the answer (default 10 s). */
  timeoutMs?: number
  /** How long the answer waits for GitHub's (default ANSWER_WITHIN_MS, under Sentry's 1 s). */
  answerWithinMs?: number
}

/**
 * The handler, with Workers' `fetch(request, env, ctx)` arguments: `env` is not read again (it was
 * read by createRelay), `ctx.waitUntil` keeps a dispatch that outlives the answer alive. Deno and Bun
 * pass other things second; Vercel's edge runtime passes its context (with `waitUntil`) second.
 */
export type RelayHandler = (
  request: Request,
  env?: unknown,
  ctx?: ExecutionContextLike
) => Promise<Response>

/** Sentry-Hook-Timestamp in ms: seconds since the epoch (possibly with a fraction). */
function timestampMs(header: string | null): number | null {
  if (!header || !/^\d+(\.\d+)?$/.test(header.trim())) return null
  return Number(header.trim()) * 1000
}

/** Validates the environment (throwing a RelayConfigError naming what is missing) and returns the handler. */
export function createRelay(env: RelayEnv, options: RelayOptions = {}): RelayHandler {
  const config = readRelayConfig(env)
  const log = options.log ?? (() => {})
  const timing = {
    timeoutMs: options.timeoutMs ?? 10_000,
    answerWithinMs: options.answerWithinMs ?? ANSWER_WITHIN_MS
  }

  return async (request, second, ctx) => {
    if (request.method !== 'POST')
      return answer(405, 'POST Sentry webhooks here.', { allow: 'POST' })
    const raw = await readLimited(request, MAX_BODY_BYTES)
    if (!raw) return answer(413, TOO_LARGE)

    const resource = (request.headers.get('sentry-hook-resource') ?? '').slice(0, 40)
    const signature = request.headers.get('sentry-hook-signature')
    const sent = await authenticate(config.secret, raw, request.headers, resource, log)
    if (sent instanceof Response) return sent
    if (!FORWARDED_RESOURCES.has(resource)) {
      log(`${resource || '-'}: 204, not forwarded`)
      return answer(204)
    }

    const decoded = decodeJson(raw)
    if (!decoded) return answer(400, 'The body is not UTF-8 JSON.')
    const { text, body } = decoded
    const subject = webhookSubject(resource, body)
    if (!isForwarded(resource, subject.action)) {
      log(`${resource}.${subject.action}: 204, not forwarded`)
      return answer(204)
    }
    if (!subject.issueId) return answer(400, `The ${resource} webhook names no Sentry issue id.`)

    let what = `${resource}.${subject.action} ${subject.issueId}`
    const destination = destinationOf(config, webhookProject(resource, body))
    if (destination.repository === null) {
      log(`${what}: 204, ${destination.why}`)
      return answer(204)
    }
    // With a map, the log says where each webhook went; with one repository it goes without saying.
    if (config.map.kind === 'lines') what += ` → ${destination.repository}`
    const payload = await clientPayload(config.secret, resource, text, signature ?? '', {
      resource,
      action: subject.action,
      issueId: subject.issueId,
      timestamp: Math.floor(sent / 1000)
    })
    const dispatched = `dispatched${payload.body === text ? '' : ' (minimal body)'}`
    const keep = waitUntilOf(ctx) ?? waitUntilOf(second)
    return forward(config, destination.repository, payload, {
      what,
      dispatched,
      log,
      keep,
      ...timing
    })
  }
}

/**
 * Checks Sentry-Hook-Signature over the raw body and Sentry-Hook-Timestamp's age: the delivery's
 * time in ms, or the 401 to answer.
 */
async function authenticate(
  secret: string,
  raw: Uint8Array,
  headers: Headers,
  resource: string,
  log: (line: string) => void
): Promise<number | Response> {
  const signature = headers.get('sentry-hook-signature')
  if (!(await verifyBody(secret, raw, signature))) {
    log(`${resource || '-'}: 401, ${signature ? 'bad' : 'no'} Sentry-Hook-Signature`)
    return answer(401, 'Sentry-Hook-Signature is missing or does not match the body.')
  }
  const sent = timestampMs(headers.get('sentry-hook-timestamp'))
  if (sent === null || Math.abs(Date.now() - sent) > MAX_AGE_MS) {
    log(`${resource || '-'}: 401, Sentry-Hook-Timestamp missing or not within 5 minutes`)
    return answer(401, 'Sentry-Hook-Timestamp is missing or not within 5 minutes of now.')
  }
  return sent
}

/** The body's text and its JSON, or null when it is not UTF-8 JSON (a leading BOM is allowed). */
function decodeJson(raw: Uint8Array): { text: string; body: unknown } | null {
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(raw)
    return { text, body: JSON.parse(text.replace(/^\uFEFF/, '')) as unknown }
  } catch {
    return null
  }
}

const TOO_LARGE = `Request body too large: the relay reads at most ${MAX_BODY_BYTES / 1024 / 1024} MiB.`

/** The body, or null when it is larger than `limit`: then reading stops there, the rest unread. */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | null> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) return null
  if (!request.body) return new Uint8Array(0)
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      // Not awaited: a client that keeps sending must not hold the answer.
      reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  const raw = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    raw.set(chunk, offset)
    offset += chunk.byteLength
  }
  return raw
}

function waitUntilOf(value: unknown): ExecutionContextLike | undefined {
  const candidate = value as { waitUntil?: unknown } | null | undefined
  return typeof candidate?.waitUntil === 'function'
    ? (candidate as ExecutionContextLike)
    : undefined
}
