/**
 * The relay's side of GitHub: the `repository_dispatch` it sends, and its answer to Sentry, bounded
 * by Sentry's 1 s timeout. No dependency and no `node:` import, like handler.ts.
 */
import { signBody } from '../webhook/hmac.js'
import { DISPATCH_EVENT_TYPE, type MinimalBody } from '../webhook/payload.js'
import type { RelayConfig } from './config.js'

/** GitHub takes a client_payload under 64 KB: Sentry's body is forwarded as is only below this. */
export const MAX_PAYLOAD_BYTES = 64_000

/** What Workers pass as `fetch`'s third argument: work that must finish after the answer. */
export interface ExecutionContextLike {
  waitUntil(promise: Promise<unknown>): void
}

/** A plain-text answer (or an empty one). */
export function answer(
  status: number,
  text?: string,
  headers: Record<string, string> = {}
): Response {
  if (text === undefined) return new Response(null, { status, headers })
  return new Response(`${text}\n`, {
    status,
    headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }
  })
}

/** What `forward` needs besides the config and the payload. */
export interface Forwarding {
  /** `issue.created 4711`, for the log */
  what: string
  /** what the log says when GitHub accepted */
  dispatched: string
  log: (line: string) => void
  keep: ExecutionContextLike | undefined
  timeoutMs: number
  answerWithinMs: number
}

/**
 * Sends the dispatch to `repository` and answers with GitHub's verdict when it comes within `answerWithinMs`;
 * otherwise answers 202 at once and logs the verdict when it comes, so that Sentry (1 s timeout)
 * neither retries a delivery GitHub accepted nor disables a slow hook.
 */
export async function forward(
  config: RelayConfig,
  repository: string,
  payload: ClientPayload,
  { what, dispatched, log, keep, timeoutMs, answerWithinMs }: Forwarding
): Promise<Response> {
  const outcome = dispatch(config, repository, payload, timeoutMs)
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<'late'>(resolve => {
    timer = setTimeout(() => resolve('late'), answerWithinMs)
  })
  const first = await Promise.race([outcome.then(refused => ({ refused })), late])
  clearTimeout(timer)
  if (first === 'late') {
    log(`${what}: 202, GitHub had not answered within ${answerWithinMs} ms; the dispatch goes on`)
    const background = outcome.then(refused =>
      log(
        `${what}: ${refused ?? dispatched} (${refused ? 'after' : 'GitHub answered after'} the 202)`
      )
    )
    keep?.waitUntil(background)
    return answer(
      202,
      'Accepted: GitHub has not answered the dispatch yet; the relay logs its answer.'
    )
  }
  if (first.refused) {
    log(`${what}: 502, ${first.refused}`)
    return answer(502, first.refused)
  }
  log(`${what}: 202, ${dispatched}`)
  return answer(202, 'Dispatched to GitHub.')
}

/** The `client_payload` of the dispatch, as the action's dispatch.ts reads it. */
export interface ClientPayload {
  resource: string
  body: string
  signature: string
}

const encoder = new TextEncoder()

/** Sentry's body and signature when they fit in a dispatch, else a minimal body the relay signs. */
export async function clientPayload(
  secret: string,
  resource: string,
  text: string,
  signature: string,
  minimal: MinimalBody
): Promise<ClientPayload> {
  const original = { resource, body: text, signature }
  if (encoder.encode(JSON.stringify(original)).byteLength < MAX_PAYLOAD_BYTES) return original
  const body = JSON.stringify(minimal)
  return { resource, body, signature: await signBody(secret, body) }
}

/** Sends the dispatch; resolves (never rejects) to why GitHub refused it, or null when it accepted. */
async function dispatch(
  config: RelayConfig,
  repository: string,
  payload: ClientPayload,
  timeoutMs: number
): Promise<string | null> {
  let response: Response
  try {
    response = await fetch(`${config.apiUrl}/repos/${repository}/dispatches`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${config.token}`,
        accept: 'application/vnd.github+json',
        'content-type': 'application/json',
        'user-agent': 'sentry-triage-relay',
        'x-github-api-version': '2022-11-28'
      },
      body: JSON.stringify({ event_type: DISPATCH_EVENT_TYPE, client_payload: payload }),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs)
    })
  } catch (error) {
    const reason = error instanceof Error ? error.name : 'network error'
    return `GitHub did not answer the dispatch (${reason}).`
  }
  if (response.status >= 200 && response.status < 300) {
    await response.body?.cancel().catch(() => {})
    return null
  }
  let message = ''
  try {
    const parsed: unknown = JSON.parse(await response.text())
    const field = (parsed as { message?: unknown } | null)?.message
    if (typeof field === 'string') message = field
  } catch {
    // no JSON message: the status says enough
  }
  message = message.split(config.token).join('[token]').replace(/\s+/g, ' ').slice(0, 200)
  return `GitHub refused the dispatch: HTTP ${response.status}${message ? ` (${message})` : ''}.`
}
