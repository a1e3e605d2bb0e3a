/**
 * Figures of a classifier on a labelled set: accuracy, per-label precision and recall, and a
 * confusion matrix. Pure functions over (expected, predicted) pairs, so they are tested on tiny
 * hand-made sets whose figures are worked out by hand.
 */

export interface Pair<L extends string> {
  expected: L
  predicted: L
  /** Another label a person also accepts for this item (ambiguous items), if any. */
  alternative?: L
}

/** Share of pairs predicted right; null for no pairs (nothing to measure, not 0 %). */
export function accuracy<L extends string>(pairs: Array<Pair<L>>): number | null {
  if (pairs.length === 0) return null
  return pairs.filter(p => p.expected === p.predicted).length / pairs.length
}

/**
 * Share of pairs predicted right when an item's alternative label also counts as right; equal to
 * `accuracy` for pairs without alternatives. Null for no pairs.
 */
export function accuracyWithAlternative<L extends string>(pairs: Array<Pair<L>>): number | null {
  if (pairs.length === 0) return null
  return (
    pairs.filter(p => p.expected === p.predicted || p.alternative === p.predicted).length /
    pairs.length
  )
}

/** `matrix[expected][predicted]` = how many pairs; every label appears in both dimensions. */
export type Confusion<L extends string> = Record<L, Record<L, number>>

export function confusionMatrix<L extends string>(
  labels: readonly L[],
  pairs: Array<Pair<L>>
): Confusion<L> {
  const matrix = Object.fromEntries(
    labels.map(e => [e, Object.fromEntries(labels.map(p => [p, 0]))])
  ) as Confusion<L>
  for (const { expected, predicted } of pairs) {
    const row = matrix[expected]
    if (!row || row[predicted] === undefined) {
      throw new Error(`label outside the list: ${expected} → ${predicted}`)
    }
    row[predicted]++
  }
  return matrix
}

export interface LabelScore {
  /** Items that carry this label. */
  support: number
  /** Items predicted with this label. */
  predicted: number
  truePositives: number
  /** Of the items predicted with the label, the share that carry it; null if none was predicted. */
  precision: number | null
  /** Of the items that carry the label, the share predicted with it; null if none carries it. */
  recall: number | null
}

export function perLabel<L extends string>(
  labels: readonly L[],
  pairs: Array<Pair<L>>
): Record<L, LabelScore> {
  const out = {} as Record<L, LabelScore>
  for (const label of labels) {
    const support = pairs.filter(p => p.expected === label).length
    const predicted = pairs.filter(p => p.predicted === label).length
    const truePositives = pairs.filter(p => p.expected === label && p.predicted === label).length
    out[label] = {
      support,
      predicted,
      truePositives,
      precision: predicted === 0 ? null : truePositives / predicted,
      recall: support === 0 ? null : truePositives / support
    }
  }
  return out
}

/** `85.7 %`, or `–` when there is nothing to measure. */
export function percent(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)} %`
}
