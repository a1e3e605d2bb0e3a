/** The figures of one eval run, and their text form for `npm run eval`. */
import {
  CATEGORIES,
  SEVERITIES,
  type Category,
  type Fixability,
  type Severity
} from '../src/classify/taxonomy.js'
import { SPLITS, type EvalItem, type Split } from './dataset.js'
import {
  accuracy,
  accuracyWithAlternative,
  confusionMatrix,
  perLabel,
  percent,
  type Confusion,
  type LabelScore,
  type Pair
} from './metrics.js'

export interface Prediction {
  item: EvalItem
  category: Category
  severity: Severity
  fixability?: Fixability
  /** `heuristic` also when the LLM failed and the heuristic answered instead. */
  classifier: 'llm' | 'heuristic'
  fallbackReason?: string
}

export interface SplitFigures {
  items: number
  /** Strict: the label only. */
  category: number | null
  severity: number | null
  /** An ambiguous item's alternative label (eval/README.md) also counts as right. */
  categoryWithAlternative: number | null
  severityWithAlternative: number | null
}

export interface Report {
  title: string
  splits: Record<Split | 'all', SplitFigures>
  /** By round and split (`round 3 holdout`), in round order. */
  rounds: Array<{ round: number; split: Split; figures: SplitFigures }>
  categories: Record<'all' | 'holdout', Record<Category, LabelScore>>
  categoryMatrix: Confusion<Category>
  severityMatrix: Confusion<Severity>
  fallbacks: number
  firstFallbackReason: string | null
  /** Items labelled with a fixability, and how many of them the prediction agrees with. */
  fixability: { labelled: number; agreed: number }
}

const categoryPairs = (ps: Prediction[]): Array<Pair<Category>> =>
  ps.map(p => ({ expected: p.item.category, predicted: p.category }))
const severityPairs = (ps: Prediction[]): Array<Pair<Severity>> =>
  ps.map(p => ({ expected: p.item.severity, predicted: p.severity }))
const withAlternative = <L extends string>(
  pairs: Array<Pair<L>>,
  alternatives: Array<L | undefined>
) =>
  pairs.map((pair, i) => {
    const alternative = alternatives[i]
    return alternative === undefined ? pair : { ...pair, alternative }
  })

function figures(ps: Prediction[]): SplitFigures {
  return {
    items: ps.length,
    category: accuracy(categoryPairs(ps)),
    severity: accuracy(severityPairs(ps)),
    categoryWithAlternative: accuracyWithAlternative(
      withAlternative(
        categoryPairs(ps),
        ps.map(p => p.item.alternative?.category)
      )
    ),
    severityWithAlternative: accuracyWithAlternative(
      withAlternative(
        severityPairs(ps),
        ps.map(p => p.item.alternative?.severity)
      )
    )
  }
}

export function buildReport(title: string, predictions: Prediction[]): Report {
  const tune = predictions.filter(p => p.item.split === 'tune')
  const holdout = predictions.filter(p => p.item.split === 'holdout')
  const fallbacks = predictions.filter(p => p.fallbackReason !== undefined)
  return {
    title,
    splits: { tune: figures(tune), holdout: figures(holdout), all: figures(predictions) },
    rounds: [...new Set(predictions.map(p => p.item.round))]
      .sort((a, b) => a - b)
      .flatMap(round =>
        SPLITS.map(split => ({
          round,
          split,
          figures: figures(
            predictions.filter(p => p.item.round === round && p.item.split === split)
          )
        }))
      )
      .filter(r => r.figures.items > 0),
    categories: {
      all: perLabel(CATEGORIES, categoryPairs(predictions)),
      holdout: perLabel(CATEGORIES, categoryPairs(holdout))
    },
    categoryMatrix: confusionMatrix(CATEGORIES, categoryPairs(predictions)),
    severityMatrix: confusionMatrix(SEVERITIES, severityPairs(predictions)),
    fallbacks: fallbacks.length,
    firstFallbackReason: fallbacks[0]?.fallbackReason ?? null,
    fixability: {
      labelled: predictions.filter(p => p.item.fixability).length,
      agreed: predictions.filter(p => p.item.fixability && p.fixability === p.item.fixability)
        .length
    }
  }
}

/** The fixability line: agreement where items are labelled, else says so (no figure invented). */
export function fixabilityLine(report: Report): string {
  const { labelled, agreed } = report.fixability
  if (labelled === 0)
    return `Fixability: not labelled (none of the ${report.splits.all.items} items carries a fixability label), so no agreement is reported.`
  return `Fixability agreement: ${percent(agreed / labelled)} (${agreed} of ${labelled} labelled items)`
}

const SHORT: Record<string, string> = {
  Authentication: 'Auth',
  Database: 'DB',
  Network: 'Net',
  Logic: 'Logic',
  'External Service': 'Ext',
  Infrastructure: 'Infra',
  Unknown: 'Unk'
}

function matrixLines<L extends string>(labels: readonly L[], matrix: Confusion<L>): string[] {
  const head = labels.map(l => (SHORT[l] ?? l).padStart(8)).join('')
  return [
    `${'label \\ predicted'.padEnd(18)}${head}`,
    ...labels.map(
      e => `${e.padEnd(18)}${labels.map(p => String(matrix[e][p]).padStart(8)).join('')}`
    )
  ]
}

export function formatReport(report: Report): string {
  const { splits } = report
  const row = (name: string, f: SplitFigures) =>
    `| ${name.padEnd(10)} | ${String(f.items).padStart(5)} | ${percent(f.category).padStart(8)} | ${percent(f.severity).padStart(8)} | ${percent(f.categoryWithAlternative).padStart(16)} | ${percent(f.severityWithAlternative).padStart(16)} |`
  const score = (s: LabelScore) =>
    `${percent(s.precision).padStart(9)} ${percent(s.recall).padStart(8)} ${String(s.support).padStart(5)}`
  const lines = [
    report.title,
    '',
    'category, severity: strict (the label only). "… or alt.": an ambiguous item’s alternative label',
    'also counts as right (the `alternative` field of eval/issues.jsonl).',
    '',
    '| split      | items | category | severity | category or alt. | severity or alt. |',
    '|------------|------:|---------:|---------:|-----------------:|-----------------:|',
    row('tune', splits.tune),
    row('holdout', splits.holdout),
    row('all', splits.all),
    '',
    'By round (when the items were written; eval/README.md):',
    ...report.rounds.map(r => row(`r${r.round} ${r.split}`, r.figures)),
    '',
    `${'category'.padEnd(18)}${'precision'.padStart(9)} ${'recall'.padStart(8)} ${'items'.padStart(5)}   ${'(holdout only)'.padStart(24)}`,
    ...CATEGORIES.map(
      c =>
        `${c.padEnd(18)}${score(report.categories.all[c])}   ${score(report.categories.holdout[c])}`
    ),
    '',
    'Category confusion matrix (all items; rows: label, columns: predicted)',
    ...matrixLines(CATEGORIES, report.categoryMatrix),
    '',
    'Severity confusion matrix (all items)',
    ...matrixLines(SEVERITIES, report.severityMatrix),
    '',
    fixabilityLine(report)
  ]
  if (report.fallbacks > 0) {
    lines.push(
      '',
      `${report.fallbacks} of ${splits.all.items} items fell back to the heuristic; first reason: ${report.firstFallbackReason}`
    )
  }
  return lines.join('\n')
}

/** The items a split got wrong, for tuning: `id  label → predicted`. */
export function formatMisses(predictions: Prediction[], split: Split): string {
  const misses = predictions.filter(
    p =>
      p.item.split === split && (p.category !== p.item.category || p.severity !== p.item.severity)
  )
  return [
    `Misses on ${split} (${misses.length}):`,
    ...misses.map(p => {
      const cat =
        p.category === p.item.category ? '' : `category ${p.item.category} → ${p.category}`
      const sev =
        p.severity === p.item.severity ? '' : `severity ${p.item.severity} → ${p.severity}`
      return `  ${p.item.id.padEnd(34)} ${[cat, sev].filter(Boolean).join('; ')}`
    })
  ].join('\n')
}
