/**
 * The action started by `on: repository_dispatch` from the webhook relay: reads the event at
 * GITHUB_EVENT_PATH, checks the signature of the forwarded Sentry body with sentry-webhook-secret,
 * and says which Sentry issue to work on and how. Nothing here makes a request: a refused payload
 * stops the run before any client exists.
 */
import { readFile } from 'node:fs/promises'
import { z } from 'zod'
import { verifyBody } from './hmac.js'
import {
  DISPATCH_EVENT_TYPE,
  FOLLOW_UP_ISSUE_ACTIONS,
  TRIAGE_ISSUE_ACTIONS,
  webhookSubject
} from './payload.js'
import type { Logger } from '../pipeline/triage.js'

export class DispatchError extends Error {
  override name = 'DispatchError'
}

export type Dispatch =
  | {
      /** triage: open or label the issue now; follow-up: match its GitHub issue to its new state. */
      mode: 'triage' | 'follow-up'
      sentryIssueId: string
      resource: string
      action: string
    }
  | { mode: 'ignore'; reason: string }

const REFUSED = 'refusing it: nothing was sent to Sentry, GitHub or the LLM'

const payloadSchema = z.object({
  resource: z.string().max(100),
  body: z.string().max(1_000_000),
  signature: z.string().max(200).optional()
})

/**
 * The run's instructions from a `sentry-triage` repository_dispatch, or null when the run was not
 * started by one (schedule, workflow_dispatch, the CLI, another dispatch type). Throws a
 * DispatchError when sentry-webhook-secret is not set, or the payload is unsigned, mis-signed or
 * malformed.
 */
export async function readDispatch(
  env: NodeJS.ProcessEnv,
  secret: string | null,
  log: Logger
): Promise<Dispatch | null> {
  if (env.GITHUB_EVENT_NAME !== 'repository_dispatch' || !env.GITHUB_EVENT_PATH) return null
  let event: unknown
  try {
    event = JSON.parse(await readFile(env.GITHUB_EVENT_PATH, 'utf8'))
  } catch (error) {
    throw new DispatchError(
      `Could not read the repository_dispatch event at GITHUB_EVENT_PATH: ${(error as Error).message}`
    )
  }
  const eventType = (event as { action?: unknown } | null)?.action
  if (eventType !== DISPATCH_EVENT_TYPE) return null
  // Fail closed: anyone who can send a repository_dispatch (any token with contents: write) could
  // otherwise have the action triage the issue of their choosing.
  if (!secret)
    throw new DispatchError(
      `The ${DISPATCH_EVENT_TYPE} repository_dispatch cannot be verified: sentry-webhook-secret is not set. Set it to the Sentry integration’s client secret, the one the relay has as SENTRY_CLIENT_SECRET (sentry-webhook-secret: \${{ secrets.SENTRY_CLIENT_SECRET }}); ${REFUSED}.`
    )

  const parsed = payloadSchema.safeParse((event as { client_payload?: unknown }).client_payload)
  if (!parsed.success)
    throw new DispatchError(
      `The ${DISPATCH_EVENT_TYPE} repository_dispatch must carry client_payload {resource, body, signature} as the relay sends it; ${REFUSED}.`
    )
  const { resource, body, signature } = parsed.data
  if (!signature)
    throw new DispatchError(
      `The ${DISPATCH_EVENT_TYPE} repository_dispatch carries no signature while sentry-webhook-secret is set: ${REFUSED}.`
    )
  if (!(await verifyBody(secret, body, signature)))
    throw new DispatchError(
      `The signature of the ${DISPATCH_EVENT_TYPE} repository_dispatch does not match its body under sentry-webhook-secret (it must be the Sentry integration's client secret, the relay's SENTRY_CLIENT_SECRET): ${REFUSED}.`
    )

  let webhook: unknown
  try {
    webhook = JSON.parse(body)
  } catch {
    throw new DispatchError(`The forwarded Sentry webhook body is not JSON; ${REFUSED}.`)
  }
  const subject = webhookSubject(resource, webhook)
  const what = `${subject.resource}${subject.action ? `.${subject.action}` : ''}`
  if (!subject.issueId)
    throw new DispatchError(`The forwarded Sentry webhook (${what}) names no issue id; ${REFUSED}.`)
  log.info(`repository_dispatch: Sentry ${what} for issue ${subject.issueId}, signature verified`)
  let mode: 'triage' | 'follow-up' | null = null
  if (subject.resource === 'event_alert' || subject.resource === 'error') mode = 'triage'
  else if (subject.resource === 'issue' && TRIAGE_ISSUE_ACTIONS.has(subject.action)) mode = 'triage'
  else if (subject.resource === 'issue' && FOLLOW_UP_ISSUE_ACTIONS.has(subject.action))
    mode = 'follow-up'
  if (!mode) {
    const reason = `Sentry ${what} is not a webhook the action acts on: nothing to do.`
    log.info(reason)
    return { mode: 'ignore', reason }
  }
  return {
    mode,
    sentryIssueId: subject.issueId,
    resource: subject.resource,
    action: subject.action
  }
}
