import { describe, it, expect } from '@jest/globals'
import {
  accuracy,
  accuracyWithAlternative,
  confusionMatrix,
  perLabel,
  percent
} from '../eval/metrics.js'
import { audit, formatAudit } from '../eval/rule-audit.js'
import type { EvalItem } from '../eval/dataset.js'
import type { HeuristicTables } from '../src/classify/heuristic.js'
import type { Category, Severity } from '../src/classify/taxonomy.js'
import { sentryIssue } from './support/factories.js'

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

describe('rule audit on hand-made tables and items', () => {
  // Three items and four rule lines, worked out by hand:
  //   a (tune)     ECONNREFUSED, error, 3 events, 1 user → Network / Medium   (right, right)
  //   b (holdout)  TypeError → Logic / Medium                                   (right, right)
  //   c (holdout)  "jwt expired" → no rule → Unknown; Medium, one step down → Low (right, right)
  //   RULES[0].text[0] /ECONNREFUSED/  matches a only (tune only); without it a is Unknown → sole reason
  //   RULES[0].text[1] /no-such-text/  matches nothing
  //   RULES[1].text[0] /TypeError/     matches b only (holdout only); sole reason for b
  //   BENIGN[0]        /jwt expired/   matches c only (holdout only); without it c is Medium → sole reason
  const tables: HeuristicTables = {
    rules: [
      { category: 'Network', text: [/ECONNREFUSED/, /no-such-text/] },
      { category: 'Logic', text: [/TypeError/] }
    ],
    grave: [],
    money: [],
    benign: [/jwt expired/],
    noise: [],
    transient: []
  }
  const item = (
    id: string,
    split: 'tune' | 'holdout',
    type: string,
    value: string,
    category: Category,
    severity: Severity
  ): EvalItem => ({
    id,
    split,
    round: 1,
    category,
    severity,
    ambiguous: false,
    reason: 'A hand-made item.',
    issue: sentryIssue({
      title: `${type}: ${value}`,
      exceptionType: type,
      exceptionValue: value,
      culprit: 'app/x.py in f',
      filename: 'app/x.py',
      function: 'f',
      level: 'error',
      count: 3,
      userCount: 1
    }),
    event: null
  })
  const items = [
    item('a', 'tune', 'Error', 'connect ECONNREFUSED 10.0.0.1:80', 'Network', 'Medium'),
    item('b', 'holdout', 'TypeError', 'x is undefined', 'Logic', 'Medium'),
    item('c', 'holdout', 'Error', 'jwt expired', 'Unknown', 'Low')
  ]

  it('names which items each line matches and which it alone gets right', () => {
    const figures = audit(items, tables).map(f => ({
      where: f.alt.where,
      matched: f.matched.map(i => i.id),
      madeWrong: f.madeWrong.map(i => i.id)
    }))
    expect(figures).toEqual([
      { where: 'RULES[0].text[0]', matched: ['a'], madeWrong: ['a'] },
      { where: 'RULES[0].text[1]', matched: [], madeWrong: [] },
      { where: 'RULES[1].text[0]', matched: ['b'], madeWrong: ['b'] },
      { where: 'BENIGN[0]', matched: ['c'], madeWrong: ['c'] }
    ])
  })

  it('counts lines that match only holdout items and lines that are the sole reason', () => {
    const text = formatAudit(audit(items, tables), items)
    expect(text).toContain('rule audit over 3 items (2 holdout)')
    expect(text).toMatch(
      /category alternatives: 3\n {2}match no item: +1\n {2}match only tune items: +1\n {2}match only holdout items: +1\n {2}match both: +0\n {2}sole reason at least one item is right: +2\n {4}\.\.\. of which for at least one holdout item: +1\n {4}\.\.\. of which for holdout items only: +1/
    )
    expect(text).toMatch(
      /all alternatives: 4\n(.*\n){2} {2}match only holdout items: +2\n {2}match both: +0\n {2}sole reason at least one item is right: +3/
    )
  })
})
