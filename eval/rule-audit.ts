/**
 * What each line of the heuristic's rule tables is worth on the labelled set, by split:
 *
 *   npx tsx eval/rule-audit.ts                    all items
 *   npx tsx eval/rule-audit.ts --max-round 4      only items of rounds 1 to 4
 *   npx tsx eval/rule-audit.ts --list             ... and every alternative's line
 *
 * An alternative is one regular expression of a table (one line in src/classify/rules/).
 * For each, it counts the items whose evidence it matches (whether or not an earlier rule already
 * decided them), and leaves it out to see which items that were right become wrong: an alternative
 * is "the sole reason an item is right" when the item's category or severity is right with it and
 * wrong without it. An alternative "matches only holdout items" when it matches at least one item
 * and every item it matches is `holdout`: a line that no tune item needs was written from the
 * holdout, or was never needed at all.
 */
import { parseArgs } from 'node:util'
import {
  TABLES,
  classifyWithTables,
  evidenceOf,
  matchesAny,
  type Evidence,
  type HeuristicTables
} from '../src/classify/heuristic.js'
import type { Rule } from '../src/classify/heuristic-rules.js'
import { loadDataset, type EvalItem } from './dataset.js'

type Field = 'text' | 'location' | 'type'
const FIELDS: Field[] = ['text', 'location', 'type']
type SeverityTable = 'grave' | 'money' | 'benign' | 'noise' | 'transient'
const SEVERITY_TABLES: SeverityTable[] = ['grave', 'money', 'benign', 'noise', 'transient']

/** One alternative: where it sits, what it is tested against, and the tables without it. */
export interface Alternative {
  /** `RULES[3].text[2]`, `GRAVE[7]`. */
  where: string
  kind: 'category' | 'severity'
  regex: RegExp
  /** The evidence the table tests the alternative against. */
  evidence: Array<keyof Evidence>
  without: HeuristicTables
}

const drop = <T>(list: readonly T[], index: number): T[] => list.filter((_, i) => i !== index)

/** Every alternative of every table, in table order. */
export function alternatives(t: HeuristicTables = TABLES): Alternative[] {
  const out: Alternative[] = []
  t.rules.forEach((rule, r) => {
    for (const field of FIELDS) {
      const list = rule[field] ?? []
      list.forEach((regex, a) => {
        const rules: Rule[] = t.rules.map((x, i) =>
          i === r ? { ...x, [field]: drop(list, a) } : x
        )
        out.push({
          where: `RULES[${r}].${field}[${a}]`,
          kind: 'category',
          regex,
          evidence: [field === 'type' ? 'types' : field],
          without: { ...t, rules }
        })
      })
    }
  })
  for (const table of SEVERITY_TABLES) {
    t[table].forEach((regex, a) => {
      out.push({
        where: `${table.toUpperCase()}[${a}]`,
        kind: 'severity',
        regex,
        // MONEY is also tested against the location (a payments module is evidence of money).
        evidence: table === 'money' ? ['text', 'location'] : ['text'],
        without: { ...t, [table]: drop(t[table], a) }
      })
    })
  }
  return out
}

export interface AltFigures {
  alt: Alternative
  matched: EvalItem[]
  /** Items right (category or severity) with the alternative and wrong without it. */
  madeWrong: EvalItem[]
}

/** Matches and leave-one-out losses of every alternative over the items. */
export function audit(items: EvalItem[], t: HeuristicTables = TABLES): AltFigures[] {
  const evidence = new Map(items.map(i => [i, evidenceOf(i.issue, i.event)]))
  const base = new Map(items.map(i => [i, classifyWithTables(t, i.issue, i.event)]))
  return alternatives(t).map(alt => {
    const matched = items.filter(i =>
      alt.evidence.some(e => matchesAny([alt.regex], evidence.get(i)![e]))
    )
    // An alternative that does not match an item cannot change its answer: only those are redone.
    const madeWrong = matched.filter(i => {
      const before = base.get(i)!
      const after = classifyWithTables(alt.without, i.issue, i.event)
      const lost = (k: 'category' | 'severity') => before[k] === i[k] && after[k] !== i[k]
      return lost('category') || lost('severity')
    })
    return { alt, matched, madeWrong }
  })
}

/** The counts the README quotes, as text. */
export function formatAudit(figures: AltFigures[], items: EvalItem[]): string {
  const holdout = (i: EvalItem) => i.split === 'holdout'
  const lines = [`rule audit over ${items.length} items (${items.filter(holdout).length} holdout)`]
  for (const kind of ['category', 'severity', 'all'] as const) {
    const fs = figures.filter(f => kind === 'all' || f.alt.kind === kind)
    const onlyHoldout = fs.filter(f => f.matched.length > 0 && f.matched.every(holdout))
    const onlyTune = fs.filter(f => f.matched.length > 0 && !f.matched.some(holdout))
    const none = fs.filter(f => f.matched.length === 0)
    const sole = fs.filter(f => f.madeWrong.length > 0)
    const soleHoldout = fs.filter(f => f.madeWrong.some(holdout))
    const soleOnlyHoldout = fs.filter(f => f.madeWrong.length > 0 && f.madeWrong.every(holdout))
    lines.push(
      '',
      `${kind} alternatives: ${fs.length}`,
      `  match no item:                                     ${none.length}`,
      `  match only tune items:                             ${onlyTune.length}`,
      `  match only holdout items:                          ${onlyHoldout.length}`,
      `  match both:                                        ${fs.length - none.length - onlyTune.length - onlyHoldout.length}`,
      `  sole reason at least one item is right:            ${sole.length}`,
      `    ... of which for at least one holdout item:      ${soleHoldout.length}`,
      `    ... of which for holdout items only:             ${soleOnlyHoldout.length}`
    )
  }
  return lines.join('\n')
}

function formatList(figures: AltFigures[]): string {
  const ids = (list: EvalItem[]) => list.map(i => `${i.id}(${i.split[0]})`).join(' ')
  return figures
    .map(
      f =>
        `${f.alt.where.padEnd(22)} ${String(f.alt.regex).slice(0, 60).padEnd(60)} matches ${f.matched.length}: ${ids(f.matched)}${f.madeWrong.length ? ` | sole reason for: ${ids(f.madeWrong)}` : ''}`
    )
    .join('\n')
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: {
      'max-round': { type: 'string' },
      list: { type: 'boolean', default: false },
      dataset: { type: 'string' }
    }
  })
  const maxRound = values['max-round'] === undefined ? Infinity : Number(values['max-round'])
  const items = loadDataset(values.dataset).filter(i => i.round <= maxRound)
  const figures = audit(items)
  process.stdout.write(`${formatAudit(figures, items)}\n`)
  if (values.list) process.stdout.write(`\n${formatList(figures)}\n`)
}
