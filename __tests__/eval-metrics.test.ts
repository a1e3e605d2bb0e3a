import { describe, it, expect } from '@jest/globals'
import {
  accuracy,
  accuracyWithAlternative,
  confusionMatrix,
  perLabel,
  percent
} from '../eval/metrics.js'

type L = 'a' | 'b' | 'c'
const LABELS: L[] = ['a', 'b', 'c']
const pair = (expected: L, predicted: L) => ({ expected, predicted })

// Seven items, worked out by hand:
//   expected a a a b b c c
//   predicted a a b b a c a
// right: 1 2 4 6 → 4 of 7.
// a: support 3, predicted 4 (items 1 2 5 7), tp 2 → precision 2/4, recall 2/3
// b: support 2, predicted 2 (items 3 4), tp 1 → precision 1/2, recall 1/2
// c: support 2, predicted 1 (item 6), tp 1 → precision 1/1, recall 1/2
const SET = [
  pair('a', 'a'),
  pair('a', 'a'),
  pair('a', 'b'),
  pair('b', 'b'),
  pair('b', 'a'),
  pair('c', 'c'),
  pair('c', 'a')
]

describe('eval metrics on a hand-made set', () => {
  it('accuracy is the share predicted right', () => {
    expect(accuracy(SET)).toBeCloseTo(4 / 7, 10)
    expect(accuracy([pair('a', 'b')])).toBe(0)
    expect(accuracy([])).toBeNull()
  })

  it('accuracy with alternatives counts an ambiguous item’s other label as right, and only that', () => {
    // SET with alternatives on three wrong items, by hand:
    //   item 3 a→b, alternative b: now right
    //   item 5 b→a, alternative c: still wrong (the prediction is not the alternative)
    //   item 7 c→a, alternative a: now right
    // right: 1 2 3 4 6 7 → 6 of 7 (strict stays 4 of 7).
    const withAlt = SET.map((p, i) =>
      i === 2
        ? { ...p, alternative: 'b' as const }
        : i === 4
          ? { ...p, alternative: 'c' as const }
          : i === 6
            ? { ...p, alternative: 'a' as const }
            : p
    )
    expect(accuracyWithAlternative(withAlt)).toBeCloseTo(6 / 7, 10)
    expect(accuracy(withAlt)).toBeCloseTo(4 / 7, 10)
    // Without alternatives it is plain accuracy.
    expect(accuracyWithAlternative(SET)).toBeCloseTo(4 / 7, 10)
    expect(accuracyWithAlternative([])).toBeNull()
  })

  it('precision and recall per label', () => {
    const scores = perLabel(LABELS, SET)
    expect(scores.a).toEqual({
      support: 3,
      predicted: 4,
      truePositives: 2,
      precision: 0.5,
      recall: 2 / 3
    })
    expect(scores.b).toEqual({
      support: 2,
      predicted: 2,
      truePositives: 1,
      precision: 0.5,
      recall: 0.5
    })
    expect(scores.c).toEqual({
      support: 2,
      predicted: 1,
      truePositives: 1,
      precision: 1,
      recall: 0.5
    })
  })

  it('precision and recall are null, not 0, when nothing was predicted or expected', () => {
    const scores = perLabel(LABELS, [pair('a', 'a'), pair('a', 'b')])
    expect(scores.c).toEqual({
      support: 0,
      predicted: 0,
      truePositives: 0,
      precision: null,
      recall: null
    })
    expect(scores.b.precision).toBe(0)
    expect(scores.b.recall).toBeNull()
  })

  it('confusion matrix rows are expected labels, columns predicted', () => {
    expect(confusionMatrix(LABELS, SET)).toEqual({
      a: { a: 2, b: 1, c: 0 },
      b: { a: 1, b: 1, c: 0 },
      c: { a: 1, b: 0, c: 1 }
    })
  })

  it('refuses a label outside the list instead of dropping it', () => {
    expect(() => confusionMatrix(['a', 'b'] as const, [pair('a', 'c') as never])).toThrow(
      /label outside the list: a → c/
    )
  })

  it('formats percentages and missing figures', () => {
    expect(percent(4 / 7)).toBe('57.1 %')
    expect(percent(1)).toBe('100.0 %')
    expect(percent(null)).toBe('–')
  })
})
