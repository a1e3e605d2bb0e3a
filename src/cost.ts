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

export class CostLedger {
  private readonly byModel = new Map<string, ModelCost>()

  /** `prices`: USD per million tokens, applied to prompt and completion tokens alike. */
  constructor(private readonly prices: Record<string, number>) {}

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
