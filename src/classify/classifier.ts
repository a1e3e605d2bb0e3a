import { HttpError } from '../http/client.js'
import { errorMessage } from '../report/error-message.js'
import type { Classification } from './taxonomy.js'
import type { SentryIssue, EventContext } from '../sentry/client.js'
import { estimatePromptTokens, type CostLedger, type Reservation } from './cost.js'
import { classifyWithCorrections, type Example } from './corrections.js'
import { buildMessages } from './prompt.js'
import { parseAnswer } from './parse.js'
import { MAX_COMPLETION_TOKENS, type LlmClient } from './llm.js'
import type { Route } from './routing.js'

/** Consecutive LLM failures after which the rest of the run uses the heuristic. */
export const BREAKER_THRESHOLD = 3

/** What the caller knows per classification beyond the issue itself. */
export interface ClassifyOptions {
  /**
   * Corrected examples most similar to this issue (similarCorrections), most similar first: the LLM
   * sees up to 5 of them, and the heuristic takes the labels of one made on the same signature.
   */
  examples?: readonly Example[]
}

export interface Classifier {
  classify(
    issue: SentryIssue,
    event: EventContext | null,
    route: Route,
    options?: ClassifyOptions
  ): Promise<Classification>
  /** Why the LLM was abandoned for the rest of the run, if it was. */
  readonly breakerReason: string | null
  /** `max-cost-usd (0.05) reached` once the spend cap stopped LLM requests for the rest of the run. */
  readonly capReason: string | null
}

/** `classifier: heuristic`: offline rules only (and people's corrections of the same signature). */
export function heuristicClassifier(): Classifier {
  return {
    breakerReason: null,
    capReason: null,
    classify: async (issue, event, _route, options) =>
      classifyWithCorrections(issue, event, options?.examples ?? [])
  }
}

export interface LlmClassifierOptions {
  client: LlmClient
  ledger: CostLedger
  redact: (s: string) => string
  /** `title`: 'LLM spend cap' for the cap's warnings, absent for the breaker's. */
  warn?: (message: string, title?: string) => void
}

/**
 * `max-cost-usd`: each request's cost is estimated (prompt ≈ UTF-8 bytes / 3, plus the largest answer
 * allowed) and reserved before it is sent; once a reservation would pass the cap, that request and
 * every later one go to the heuristic, with one warning for the run. Unpriced models cost 0 and are
 * not capped (one warning says so).
 */
function spendCap(ledger: CostLedger, warn: (message: string, title: string) => void) {
  let reason: string | null = null
  const unpricedWarned = new Set<string>()
  return {
    get reason() {
      return reason
    },
    /** A reservation to settle or release, or null when the cap stops the request. */
    reserve(model: string, messages: Array<{ content: string }>): Reservation | null {
      const cap = ledger.maxUsd
      if (reason !== null) return null
      if (cap !== null && !ledger.isPriced(model) && !unpricedWarned.has(model)) {
        unpricedWarned.add(model)
        warn(
          `max-cost-usd does not cap model ${model}: it has no price in the prices input, so its cost counts as 0.`,
          'LLM spend cap'
        )
      }
      const usd = ledger.estimate(model, estimatePromptTokens(messages), MAX_COMPLETION_TOKENS)
      const reservation = ledger.reserve(model, usd)
      if (reservation === null && cap !== null) {
        reason = `max-cost-usd (${cap}) reached`
        warn(
          `${reason}: $${ledger.usd.toFixed(4)} spent and $${ledger.reserved.toFixed(4)} in flight, and the next request is estimated at $${usd.toFixed(4)}. The remaining issues are classified by the heuristic; a later run's follow-up upgrades them with the LLM.`,
          'LLM spend cap'
        )
      }
      return reservation
    }
  }
}

/**
 * The LLM, with the heuristic behind it: any failure (transport, refusal, truncation, unusable or
 * out-of-enum answer) falls back for that issue, and after `BREAKER_THRESHOLD` (3) consecutive
 * failures a circuit breaker stops calling the LLM for the rest of the run. An LLM outage never stops triage.
 * The spend cap (`max-cost-usd`) stops it the same way, without counting as a failure.
 */
export function llmClassifier(options: LlmClassifierOptions): Classifier {
  const warn = (message: string, title?: string) => options.warn?.(message, title)
  let consecutiveFailures = 0
  let breakerReason: string | null = null
  const cap = spendCap(options.ledger, warn)
  // Aborted when the breaker opens: requests still in flight (or waiting to retry) stop at once.
  const breaker = new AbortController()
  const openText = () => `circuit breaker open (${breakerReason})`

  const fail = (
    heuristic: (reason: string) => Classification,
    rawReason: string,
    fatal = false
  ) => {
    // Error text from the gateway ends up in issue bodies: it gets the same scrubbing as Sentry text.
    const reason = options.redact(rawReason)
    consecutiveFailures++
    if (breakerReason === null && (fatal || consecutiveFailures >= BREAKER_THRESHOLD)) {
      breakerReason = fatal
        ? reason
        : `${consecutiveFailures} consecutive LLM failures, last: ${reason}`
      warn(
        `LLM circuit breaker open: ${breakerReason}. The remaining issues are classified by the heuristic.`
      )
      breaker.abort(new Error('the LLM circuit breaker opened'))
    }
    return heuristic(reason)
  }

  return {
    get breakerReason() {
      return breakerReason
    },
    get capReason() {
      return cap.reason
    },
    async classify(issue, event, route, classifyOptions = {}) {
      const examples = classifyOptions.examples ?? []
      const heuristic = (reason: string) => classifyWithCorrections(issue, event, examples, reason)
      if (breakerReason !== null) return heuristic(openText())
      const messages = buildMessages(issue, event, options.redact, { examples })
      const reservation = cap.reserve(route.model, messages)
      if (reservation === null) return heuristic(cap.reason ?? 'max-cost-usd reached')
      let completion
      try {
        completion = await options.client.complete(route.model, messages, breaker.signal)
      } catch (error) {
        // A status means the gateway refused the request: nothing billed. A timeout or an abort may
        // have been billed all the same: its estimate stays held against the cap.
        if (error instanceof HttpError && error.status !== null) options.ledger.release(reservation)
        // Abandoned because another request opened the breaker: not a failure of its own.
        if (breaker.signal.aborted && breakerReason !== null) return heuristic(openText())
        // A rejected key or an unknown model will not heal within the run: open at once.
        const permanent =
          error instanceof HttpError &&
          error.status !== null &&
          [401, 403, 404].includes(error.status)
        const quota = error instanceof HttpError && /insufficient_quota/.test(error.message)
        return fail(heuristic, errorMessage(error), permanent || quota)
      }
      options.ledger.settle(reservation, completion.promptTokens, completion.completionTokens)
      if (completion.finishReason === 'length')
        return fail(heuristic, 'the answer was truncated (finish_reason length)')
      if (completion.finishReason === 'content_filter' || completion.refusal) {
        return fail(heuristic, 'the model refused to answer')
      }
      const parsed = parseAnswer(completion.content)
      if (!parsed.ok) return fail(heuristic, `unusable answer: ${parsed.reason}`)
      consecutiveFailures = 0
      return { ...parsed.value, classifier: 'llm', model: route.model }
    }
  }
}
