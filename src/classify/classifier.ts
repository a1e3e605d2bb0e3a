import { HttpError, errorMessage } from '../http.js'
import type { Classification } from '../taxonomy.js'
import type { SentryIssue, EventContext } from '../sentry.js'
import type { CostLedger } from '../cost.js'
import { classifyHeuristically } from './heuristic.js'
import { buildMessages } from './prompt.js'
import { parseAnswer } from './parse.js'
import type { LlmClient } from './llm.js'
import type { Route } from './routing.js'

/** Consecutive LLM failures after which the rest of the run uses the heuristic. */
export const BREAKER_THRESHOLD = 3

export interface Classifier {
  classify(issue: SentryIssue, event: EventContext | null, route: Route): Promise<Classification>
  /** Why the LLM was abandoned for the rest of the run, if it was. */
  readonly breakerReason: string | null
}

/** `classifier: heuristic`: offline rules only. */
export function heuristicClassifier(): Classifier {
  return {
    breakerReason: null,
    classify: async (issue, event) => classifyHeuristically(issue, event)
  }
}

export interface LlmClassifierOptions {
  client: LlmClient
  ledger: CostLedger
  redact: (s: string) => string
  threshold?: number
  warn?: (message: string) => void
}

/**
 * The LLM, with the heuristic behind it: any failure (transport, refusal, truncation, unusable or
 * out-of-enum answer) falls back for that issue, and after `threshold` consecutive failures a
 * circuit breaker stops calling the LLM for the rest of the run. An LLM outage never stops triage.
 */
export function llmClassifier(options: LlmClassifierOptions): Classifier {
  const threshold = options.threshold ?? BREAKER_THRESHOLD
  let consecutiveFailures = 0
  let breakerReason: string | null = null
  // Aborted when the breaker opens: requests still in flight (or waiting to retry) stop at once.
  const breaker = new AbortController()
  const openText = () => `circuit breaker open (${breakerReason})`

  const fail = (
    issue: SentryIssue,
    event: EventContext | null,
    rawReason: string,
    fatal = false
  ) => {
    // Error text from the gateway ends up in issue bodies: it gets the same scrubbing as Sentry text.
    const reason = options.redact(rawReason)
    consecutiveFailures++
    if (breakerReason === null && (fatal || consecutiveFailures >= threshold)) {
      breakerReason = fatal
        ? reason
        : `${consecutiveFailures} consecutive LLM failures, last: ${reason}`
      options.warn?.(
        `LLM circuit breaker open: ${breakerReason}. The remaining issues are classified by the heuristic.`
      )
      breaker.abort(new Error('the LLM circuit breaker opened'))
    }
    return classifyHeuristically(issue, event, reason)
  }

  return {
    get breakerReason() {
      return breakerReason
    },
    async classify(issue, event, route) {
      if (breakerReason !== null) return classifyHeuristically(issue, event, openText())
      let completion
      try {
        completion = await options.client.complete(
          route.model,
          buildMessages(issue, event, options.redact),
          breaker.signal
        )
      } catch (error) {
        // Abandoned because another request opened the breaker: not a failure of its own.
        if (breaker.signal.aborted && breakerReason !== null)
          return classifyHeuristically(issue, event, openText())
        // A rejected key or an unknown model will not heal within the run: open at once.
        const permanent =
          error instanceof HttpError &&
          error.status !== null &&
          [401, 403, 404].includes(error.status)
        const quota = error instanceof HttpError && /insufficient_quota/.test(error.message)
        return fail(issue, event, errorMessage(error), permanent || quota)
      }
      options.ledger.add(route.model, completion.promptTokens, completion.completionTokens)
      if (completion.finishReason === 'length')
        return fail(issue, event, 'the answer was truncated (finish_reason length)')
      if (completion.finishReason === 'content_filter' || completion.refusal) {
        return fail(issue, event, 'the model refused to answer')
      }
      const parsed = parseAnswer(completion.content)
      if (!parsed.ok) return fail(issue, event, `unusable answer: ${parsed.reason}`)
      consecutiveFailures = 0
      return { ...parsed.value, classifier: 'llm', model: route.model }
    }
  }
}
