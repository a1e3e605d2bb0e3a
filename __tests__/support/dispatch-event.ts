/** repository_dispatch events as the runner hands them to the action, written to a file for GITHUB_EVENT_PATH. */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { signBody } from '../../src/webhook/hmac.js'

export const WEBHOOK_SECRET = 'whsec-fake-0123456789abcdef0123456789abcdef'

/**
 * A known-answer vector for Sentry-Hook-Signature, computed outside the code under test:
 *
 *   $ SECRET='whsec-known-answer-6f1c0ffee0123456789abcdef'
 *   $ BODY='{"action":"created","data":{"issue":{"id":"6012345001","shortId":"CHECKOUT-API-1","title":"TypeError: cart is undefined"}}}'
 *   $ printf '%s' "$BODY" | openssl dgst -sha256 -hmac "$SECRET"
 *   SHA2-256(stdin)= 1d476ffedb8c52decdca278f276565b4612dc1de61a383a972353afd69e8a562
 *
 * (OpenSSL 3.0.19; the same command with -sha1 gives 6e3064815efa54283ea50b4a5e0fa3d67de11162.)
 */
export const KNOWN_ANSWER = {
  secret: 'whsec-known-answer-6f1c0ffee0123456789abcdef',
  body: '{"action":"created","data":{"issue":{"id":"6012345001","shortId":"CHECKOUT-API-1","title":"TypeError: cart is undefined"}}}',
  signature: '1d476ffedb8c52decdca278f276565b4612dc1de61a383a972353afd69e8a562'
} as const

/** Sentry's `issue` webhook body for one issue. */
export function issueWebhook(action: string, id: string): string {
  return JSON.stringify({
    action,
    installation: { uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' },
    data: { issue: { id, shortId: 'X-1', title: 'x', status: 'unresolved' } },
    actor: { type: 'application', id: 'sentry', name: 'Sentry' }
  })
}

export interface DispatchPayload {
  resource: string
  body: string
  signature?: string
}

/** The payload the relay would send: Sentry's body and its signature under WEBHOOK_SECRET. */
export async function signedPayload(
  resource: string,
  body: string,
  secret = WEBHOOK_SECRET
): Promise<DispatchPayload> {
  return { resource, body, signature: await signBody(secret, body) }
}

/** Writes the event file; returns the GITHUB_* variables of a run it started. */
export function dispatchEnv(
  payload: unknown,
  eventType = 'sentry-triage'
): { GITHUB_EVENT_NAME: string; GITHUB_EVENT_PATH: string } {
  const dir = mkdtempSync(join(tmpdir(), 'sentry-triage-event-'))
  const path = join(dir, 'event.json')
  writeFileSync(
    path,
    JSON.stringify({
      action: eventType,
      branch: 'main',
      client_payload: payload,
      repository: { full_name: 'acme/shop' },
      sender: { login: 'relay-bot' }
    })
  )
  return { GITHUB_EVENT_NAME: 'repository_dispatch', GITHUB_EVENT_PATH: path }
}
