import { z } from 'zod'
import {
  toCategory,
  toSeverity,
  type Category,
  type Fixability,
  type Severity
} from './taxonomy.js'
import { toFixability } from './fixability.js'

export interface ParsedAnswer {
  category: Category
  severity: Severity
  rootCause: string
  suggestedAction: string
  /** Absent when the answer has none or an unknown one: it never fails the answer. */
  fixability?: Fixability
  fixabilityReason?: string
  fixabilitySource?: 'llm'
}

export type ParseResult = { ok: true; value: ParsedAnswer } | { ok: false; reason: string }

const MAX_TEXT = 1_000
/** The fixability reason is one line. */
const MAX_REASON = 200

const text = z.unknown().transform(v =>
  typeof v === 'string'
    ? v.trim()
    : Array.isArray(v)
      ? v
          .filter(x => typeof x === 'string')
          .join(' ')
          .trim()
      : ''
)

/** Accepts the usual spellings of the four keys (`root_cause`, `Root Cause`, `action` …). */
const answerSchema = z.record(z.string(), z.unknown()).transform(record => {
  const byKey = new Map<string, unknown>()
  for (const [key, value] of Object.entries(record)) {
    const k = key.toLowerCase().replace(/[^a-z]/g, '')
    if (!byKey.has(k)) byKey.set(k, value)
  }
  // Names in order of preference: `{"type": "exception", "category": "Database"}` is a Database answer.
  const pick = (...names: string[]) => {
    for (const name of names) if (byKey.has(name)) return byKey.get(name)
    return undefined
  }
  return {
    category: pick('category', 'type', 'class', 'classification'),
    severity: pick('severity', 'priority', 'impact'),
    rootCause: text.parse(pick('rootcause', 'cause', 'reason', 'analysis')),
    suggestedAction: text.parse(
      pick(
        'suggestedaction',
        'action',
        'suggestedactions',
        'nextsteps',
        'fix',
        'remediation',
        'recommendation'
      )
    ),
    fixability: pick('fixability', 'fixable'),
    fixabilityReason: text.parse(pick('fixabilityreason', 'fixabilitywhy'))
  }
})

/** An answer is at most a few thousand characters (max_tokens); more is not read. */
const MAX_SCAN = 32_768

/**
 * The first balanced `{…}` in prose that parses as JSON, minding strings, or null. One pass with a
 * stack of open braces: every balanced pair is found once, so a run of unclosed braces costs linear
 * time instead of a rescan from each brace.
 */
function firstJsonObject(input: string): string | null {
  const text = input.slice(0, MAX_SCAN)
  const open: number[] = []
  let best: { start: number; text: string } | null = null
  let inString = false
  for (let i = text.indexOf('{'); i >= 0 && i < text.length; i++) {
    const ch = text[i]
    if (inString) {
      if (ch === '\\') i++
      else if (ch === '"') inString = false
    } else if (ch === '"') inString = open.length > 0
    else if (ch === '{') open.push(i)
    else if (ch === '}' && open.length > 0) {
      const start = open.pop() as number
      // Only an object that starts before the best so far can replace it (the first one wins).
      if (best && start > best.start) continue
      const candidate = text.slice(start, i + 1)
      if (tryJson(candidate) !== undefined) best = { start, text: candidate }
    }
  }
  return best?.text ?? null
}

function tryJson(input: string): unknown {
  try {
    return JSON.parse(input)
  } catch {
    return undefined
  }
}

/** `Category: Database` / `**Severity**: High` / `- Root cause - …` lines. */
function keyValueLines(input: string): Record<string, string> | undefined {
  const found: Record<string, string> = {}
  let lastKey: string | null = null
  for (const rawLine of input.split(/\r?\n/)) {
    const line = rawLine.replace(/^[\s>*#-]+/, '').replace(/\*\*/g, '')
    const match =
      /^(category|severity|priority|root[ _-]?cause|cause|suggested[ _-]?actions?|actions?|next steps|fixability[ _-]?reason|fixability|fix)\s*[:=–-]\s*(.*)$/i.exec(
        line
      )
    if (match) {
      lastKey = match[1] as string
      found[lastKey] = (match[2] as string).trim()
    } else if (lastKey && line.trim() !== '' && /cause|action|steps|^fix$/i.test(lastKey)) {
      found[lastKey] = `${found[lastKey]} ${line.trim()}`.trim()
    }
  }
  return Object.keys(found).length >= 2 ? found : undefined
}

function cap(value: string): string {
  const clean = value.replace(/\s+/g, ' ').trim()
  return clean.length > MAX_TEXT ? `${clean.slice(0, MAX_TEXT - 1)}…` : clean
}

/**
 * The parse ladder: strict JSON, then JSON inside fences or prose, then `Key: value` text; then
 * synonym mapping onto the enums. Anything still unusable is a failure with a reason, never a guess.
 */
export function parseAnswer(content: string | null | undefined): ParseResult {
  if (content === null || content === undefined || content.trim() === '')
    return { ok: false, reason: 'empty answer' }
  // Reasoning models may think out loud first.
  const stripped = content.replace(/<think>[\s\S]*?<\/think>/gi, '').trim()
  const fenced = /```(?:json|JSON)?\s*\n?([\s\S]*?)```/.exec(stripped)?.[1]
  const candidates: unknown[] = [
    tryJson(stripped),
    fenced === undefined ? undefined : tryJson(fenced.trim()),
    (() => {
      const object = firstJsonObject(stripped)
      return object ? tryJson(object) : undefined
    })(),
    keyValueLines(stripped)
  ]
  const record = candidates.find(c => c !== null && typeof c === 'object' && !Array.isArray(c))
  if (!record) return { ok: false, reason: 'no JSON object or Key: value lines in the answer' }
  const answer = answerSchema.parse(record)
  const category = toCategory(answer.category)
  const severity = toSeverity(answer.severity)
  if (!category)
    return {
      ok: false,
      reason: `category ${JSON.stringify(answer.category ?? null).slice(0, 40)} is not one of the allowed values`
    }
  if (!severity)
    return {
      ok: false,
      reason: `severity ${JSON.stringify(answer.severity ?? null).slice(0, 40)} is not one of the allowed values`
    }
  if (!answer.rootCause || !answer.suggestedAction)
    return { ok: false, reason: 'root cause or suggested action missing' }
  const fixability = toFixability(answer.fixability)
  const reason = answer.fixabilityReason.split(/\r?\n/)[0] ?? ''
  return {
    ok: true,
    value: {
      category,
      severity,
      rootCause: cap(answer.rootCause),
      suggestedAction: cap(answer.suggestedAction),
      ...(fixability
        ? {
            fixability,
            fixabilitySource: 'llm' as const,
            ...(reason.trim() ? { fixabilityReason: cap(reason).slice(0, MAX_REASON) } : {})
          }
        : {})
    }
  }
}
