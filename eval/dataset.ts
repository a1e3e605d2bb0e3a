/**
 * The labelled evaluation set (eval/issues.jsonl): one JSON object a line, each a Sentry issue as
 * the org issues endpoint sends it, its latest event as the events endpoint sends it, and the labels
 * a person gave it. Issue and event go through the action's own schemas (src/sentry/), so the
 * classifiers see exactly what they would see in a run.
 */
import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { issueSchema, type EventContext, type SentryIssue } from '../src/sentry/client.js'
import { parseLatestEvent } from '../src/sentry/event.js'
import {
  CATEGORIES,
  FIXABILITIES,
  SEVERITIES,
  type Category,
  type Fixability,
  type Severity
} from '../src/classify/taxonomy.js'

export const DATASET_PATH = join(dirname(fileURLToPath(import.meta.url)), 'issues.jsonl')

export const SPLITS = ['tune', 'holdout'] as const
export type Split = (typeof SPLITS)[number]

export interface EvalItem {
  id: string
  split: Split
  /**
   * When the item was written: 1 the first 210, then each later round after a rule freeze, measured
   * once as fresh holdout (eval/README.md, "Split and rounds").
   */
  round: number
  category: Category
  severity: Severity
  /** How surely a small code change fixes it, where the item is labelled so (most are not). */
  fixability?: Fixability
  /** Labelled on purpose although another label is defensible; `alternative` says which. */
  ambiguous: boolean
  /**
   * Ambiguous items only: the other defensible reading, a category and/or a severity. `npm run eval`
   * reports accuracy strictly (the label only) and with the alternative also counted as right.
   */
  alternative?: Alternative
  reason: string
  issue: SentryIssue
  event: EventContext | null
}

/** The other defensible label of an ambiguous item, per dimension. */
export interface Alternative {
  category?: Category
  severity?: Severity
}

const alternativeSchema = z
  .strictObject({
    category: z.enum(CATEGORIES).optional(),
    severity: z.enum(SEVERITIES).optional()
  })
  .refine(a => a.category !== undefined || a.severity !== undefined, {
    error: 'must name a category or a severity'
  })

const itemSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]+$/, { error: 'id must be kebab-case' }),
    split: z.enum(SPLITS),
    round: z.number().int().min(1),
    category: z.enum(CATEGORIES),
    severity: z.enum(SEVERITIES),
    fixability: z.enum(FIXABILITIES).optional(),
    ambiguous: z.boolean(),
    alternative: alternativeSchema.optional(),
    reason: z.string().min(10),
    issue: issueSchema,
    event: z.unknown().transform((raw, ctx) => {
      if (raw === null) return null
      const { event, skipped } = parseLatestEvent(raw)
      if (!event || skipped.length > 0)
        ctx.addIssue({
          code: 'custom',
          message: `event not read as Sentry sends it: ${skipped.join(', ') || 'not an object'}`
        })
      return event
    })
  })
  .superRefine((item, ctx) => {
    if (item.ambiguous !== (item.alternative !== undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: ['alternative'],
        message: item.ambiguous
          ? 'is required on an ambiguous item (the other defensible label)'
          : 'is only for ambiguous items'
      })
    }
    if (
      item.alternative?.category === item.category ||
      item.alternative?.severity === item.severity
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['alternative'],
        message: 'repeats the label instead of naming another one'
      })
    }
  })

/** Parses the JSONL text; a bad line throws an error naming its line number and id. */
export function parseDataset(text: string, source = 'eval/issues.jsonl'): EvalItem[] {
  const items: EvalItem[] = []
  const ids = new Set<string>()
  text.split('\n').forEach((line, index) => {
    if (line.trim() === '') return
    const where = `${source} line ${index + 1}`
    let raw: unknown
    try {
      raw = JSON.parse(line)
    } catch (error) {
      throw new Error(`${where}: not JSON (${(error as Error).message})`)
    }
    const parsed = itemSchema.safeParse(raw)
    if (!parsed.success) {
      const issue = parsed.error.issues[0]
      const id = (raw as { id?: unknown } | null)?.id
      throw new Error(
        `${where}${typeof id === 'string' ? ` (${id})` : ''}: ${issue?.path.join('.') || 'item'} ${issue?.message}`
      )
    }
    if (ids.has(parsed.data.id)) throw new Error(`${where}: duplicate id ${parsed.data.id}`)
    ids.add(parsed.data.id)
    items.push(parsed.data)
  })
  return items
}

export function loadDataset(path = DATASET_PATH): EvalItem[] {
  return parseDataset(readFileSync(path, 'utf8'), path)
}
