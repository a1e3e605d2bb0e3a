/** Tokens and estimated USD per model, from the `usage` of each completion and the `prices` input. */
export interface ModelCost {
  model: string
  requests: number
  promptTokens: number
  completionTokens: number
  usd: number
  /** False when `prices` has no entry for the model: its cost counts as 0 and the summary says so. */
  priced: boolean
}

/** A request's estimated cost, held against `max-cost-usd` from before it is sent until it is settled. */
export interface Reservation {
  model: string
  usd: number
}

/**
 * UTF-8 bytes per token when estimating a prompt before it is sent. Real tokenizers give about 4 for
 * English prose, nearer 3 for JSON, paths and identifiers, and about one token per CJK character
 * (3 bytes): 3 over-estimates, which is the safe side of a spending cap.
 */
const BYTES_PER_TOKEN = 3
/** Per-message overhead of the chat format (role and separators), as OpenAI documents it. */
const TOKENS_PER_MESSAGE = 4

/** Prompt tokens of a request, estimated from its messages before it is sent. */
export function estimatePromptTokens(messages: Array<{ content: string }>): number {
  return messages.reduce(
    (sum, m) =>
      sum + Math.ceil(Buffer.byteLength(m.content, 'utf8') / BYTES_PER_TOKEN) + TOKENS_PER_MESSAGE,
    0
  )
}

export class CostLedger {
  private readonly byModel = new Map<string, ModelCost>()
  /** Estimates of the requests in flight, not yet settled with their real usage. */
  private reservedUsd = 0

  /**
   * `prices`: USD per million tokens, applied to prompt and completion tokens alike.
   * `maxUsd`: the `max-cost-usd` cap for the run, or null for none.
   */
  constructor(
    private readonly prices: Record<string, number>,
    readonly maxUsd: number | null = null
  ) {}

  /** USD of a request of that many tokens; 0 for a model without a price. */
  estimate(model: string, promptTokens: number, completionTokens: number): number {
    return ((promptTokens + completionTokens) * (this.prices[model] ?? 0)) / 1_000_000
  }

  /** Whether `prices` has the model: an unpriced model counts as 0 and is not capped. */
  isPriced(model: string): boolean {
    return this.prices[model] !== undefined
  }

  /**
   * Holds a request's estimated cost against the cap before it is sent. Null when spent + in flight +
   * this estimate would pass `maxUsd`: the request must not be sent. Synchronous, so requests started
   * concurrently (max-concurrency) cannot both take the last room under the cap.
   */
  reserve(model: string, estimatedUsd: number): Reservation | null {
    if (this.maxUsd !== null && this.usd + this.reservedUsd + estimatedUsd > this.maxUsd)
      return null
    this.reservedUsd += estimatedUsd
    return { model, usd: estimatedUsd }
  }

  /** Replaces a reservation with the request's real usage. */
  settle(reservation: Reservation, promptTokens: number, completionTokens: number): void {
    this.release(reservation)
    this.add(reservation.model, promptTokens, completionTokens)
  }

  /** Drops a reservation whose request failed without an answer (nothing to account for). */
  release(reservation: Reservation): void {
    this.reservedUsd = Math.max(0, this.reservedUsd - reservation.usd)
    reservation.usd = 0
  }

  /** USD held by requests in flight. */
  get reserved(): number {
    return this.reservedUsd
  }

  add(model: string, promptTokens: number, completionTokens: number): void {
    const price = this.prices[model]
    const entry = this.byModel.get(model) ?? {
      model,
      requests: 0,
      promptTokens: 0,
      completionTokens: 0,
      usd: 0,
      priced: price !== undefined
    }
    entry.requests++
    entry.promptTokens += promptTokens
    entry.completionTokens += completionTokens
    entry.usd += ((promptTokens + completionTokens) * (price ?? 0)) / 1_000_000
    this.byModel.set(model, entry)
  }

  models(): ModelCost[] {
    return [...this.byModel.values()].sort(
      (a, b) => b.usd - a.usd || a.model.localeCompare(b.model)
    )
  }

  get tokens(): number {
    return this.models().reduce((sum, m) => sum + m.promptTokens + m.completionTokens, 0)
  }

  get usd(): number {
    return this.models().reduce((sum, m) => sum + m.usd, 0)
  }

  get requests(): number {
    return this.models().reduce((sum, m) => sum + m.requests, 0)
  }
}
