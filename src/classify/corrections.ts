/**
 * Learning from corrections (SPEC Part 2): a person who changes the triage labels the action applied
 * has labelled an example. Corrections are found among the GitHub issues a run lists anyway, the most
 * similar ones go into the LLM prompt as this team's past decisions, and the heuristic takes the labels
 * of a correction made on the same signature.
 */
import {
  CATEGORIES,
  SEVERITIES,
  categoryLabel,
  severityLabel,
  type Category,
  type Classification,
  type Severity
} from './taxonomy.js'
import type { SentryIssue, EventContext } from '../sentry/client.js'
import { issueSignature } from './signature.js'
import { classifyHeuristically } from './heuristic.js'

/** The prompt carries at most this many examples. */
export const MAX_EXAMPLES = 5
/** One example's title in the prompt, at most (a GitHub title is up to 256 characters). */
export const MAX_EXAMPLE_TITLE = 200

/** What findCorrections needs of a GitHub issue the action opened (the lead adapts GitHub issues). */
export interface TrackedIssueLike {
  number: number
  /** The GitHub title: `[SHORT-ID] Sentry title`. */
  title: string
  labels: string[]
  /** The marker's signature (src/classify/signature.ts), null when the marker has none. */
  signature: string | null
  /** What the marker says the action applied; null for an issue without that record. */
  applied: { category: Category; severity: Severity } | null
  /** The Sentry culprit, when the caller knows it: improves the similarity of different signatures. */
  culprit?: string | null
}

/** A field a person changed: to another value, or `null` when they removed the label and set none. */
type Change<T> = { from: T; to: T | null }

export interface Correction {
  /** The GitHub issue a person corrected. */
  number: number
  signature: string | null
  /** The Sentry title (the `[SHORT-ID]` prefix stripped), sanitised and capped for the prompt. */
  title: string
  /** From the title's `Type: message` head, when there is one. */
  exceptionType: string | null
  culprit: string | null
  category?: Change<Category>
  severity?: Change<Severity>
  /**
   * The labels this correction teaches: the person's value for a changed field, the applied one for
   * an unchanged field. Null when a person removed a label without setting another: that counts as a
   * correction (the action must not re-add it) but says nothing about what the label should be, and
   * an example with a guessed field would teach the wrong thing.
   */
  example: { category: Category; severity: Severity } | null
}

/** Characters that hide or disguise text. */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  /[\u0000-\u001F\u007F\u061C\u200B-\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g

/**
 * A title people can edit, made fit to sit in the prompt's data block: one line, no invisible
 * characters, no markup or mentions, at most `max` characters. It is also JSON-encoded there, so it
 * cannot leave its string; this keeps it from even looking like a delimiter or an instruction target.
 */
export function sanitiseExampleText(text: string, max = MAX_EXAMPLE_TITLE): string {
  const clean = text
    .replace(INVISIBLE, '')
    .replace(/[<>`{}]/g, ' ')
    .replace(/@(?=[A-Za-z0-9_-])/g, '')
    .replace(/\s+/g, ' ')
    .trim()
  return clean.length > max ? `${clean.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '')}…` : clean
}

/** The Sentry title inside a GitHub title the action wrote (`[SHORT-ID] title`). */
export function sentryTitle(githubTitle: string): string {
  return githubTitle.replace(/\u200D/g, '').replace(/^\s*\[[^\]\s]{1,80}\]\s*/, '')
}

/** `TypeError`, `PG::UniqueViolation`, `django.db.utils.OperationalError` from `Type: message`. */
export function titleExceptionType(title: string): string | null {
  const head = /^([A-Za-z_$][\w$.:]{0,119}?)(?=:\s)/.exec(title.trim())
  return head?.[1] ?? null
}

/** The one value of a vocabulary the labels carry, `null` when none, `undefined` when ambiguous. */
function labelled<T extends string>(
  labels: string[],
  values: readonly T[],
  label: (value: T) => string,
  applied: T
): T | null | undefined {
  const names = new Set(labels.map(l => l.toLowerCase()))
  const present = values.filter(v => names.has(label(v)))
  if (present.length <= 1) return present[0] ?? null
  // A person added a label without removing the action's: theirs is the one that is not applied.
  const others = present.filter(v => v !== applied)
  return others.length === 1 ? others[0] : undefined
}

function change<T extends string>(
  labels: string[],
  values: readonly T[],
  label: (value: T) => string,
  applied: T
): Change<T> | undefined {
  const now = labelled(labels, values, label, applied)
  if (now === applied) return undefined
  return { from: applied, to: now ?? null }
}

/**
 * The issues whose current triage labels differ from what the marker says the action applied: a
 * person corrected them. Issues without the marker's record are skipped (nothing to compare with).
 * Newest first (highest number), so the most recent decision wins a tie.
 */
export function findCorrections(issues: TrackedIssueLike[]): Correction[] {
  const corrections: Correction[] = []
  for (const issue of issues) {
    if (!issue.applied) continue
    const category = change(issue.labels, CATEGORIES, categoryLabel, issue.applied.category)
    const severity = change(issue.labels, SEVERITIES, severityLabel, issue.applied.severity)
    if (!category && !severity) continue
    const removed = category?.to === null || severity?.to === null
    const title = sanitiseExampleText(sentryTitle(issue.title))
    corrections.push({
      number: issue.number,
      signature: issue.signature,
      title,
      exceptionType: titleExceptionType(title),
      culprit: issue.culprit ? sanitiseExampleText(issue.culprit) : null,
      ...(category ? { category } : {}),
      ...(severity ? { severity } : {}),
      example: removed
        ? null
        : {
            category: category?.to ?? issue.applied.category,
            severity: severity?.to ?? issue.applied.severity
          }
    })
  }
  return corrections.sort((a, b) => b.number - a.number)
}

/** A correction that teaches labels: the only kind used as an example. */
export type Example = Correction & { example: { category: Category; severity: Severity } }

const STOPWORDS = new Set(['error', 'exception', 'the', 'and', 'for', 'with', 'from', 'not', 'in'])

/** Words of identifiers and paths: `app/billing/charge.py` → app, billing, charge, py. */
function tokens(...texts: Array<string | null | undefined>): Set<string> {
  const out = new Set<string>()
  for (const text of texts) {
    for (const word of (text ?? '').toLowerCase().split(/[^a-z0-9]+/)) {
      if (word.length >= 3 && !/^\d+$/.test(word) && !STOPWORDS.has(word)) out.add(word)
    }
  }
  return out
}

function issueExceptionType(issue: SentryIssue, event: EventContext | null): string | null {
  return issue.exceptionType ?? event?.exceptions.at(-1)?.type ?? titleExceptionType(issue.title)
}

/**
 * Up to `max` usable corrections most similar to a Sentry issue: the same signature first, then the
 * same exception type, then those sharing words of the culprit and module paths (more shared words
 * first). Ties go to the newest correction, then the lower issue number: the order is deterministic.
 * Corrections sharing nothing with the issue are left out.
 */
export function similarCorrections(
  issue: SentryIssue,
  event: EventContext | null,
  corrections: Correction[],
  max = MAX_EXAMPLES
): Example[] {
  const signature = issueSignature(issue)
  const type = issueExceptionType(issue, event)?.toLowerCase() ?? null
  const words = tokens(
    issue.culprit,
    issue.title,
    issue.filename,
    issue.function,
    ...(event?.frames ?? []).flatMap(f => [f.filename, f.function])
  )
  const scored = corrections
    .filter((c): c is Example => c.example !== null)
    .map(c => {
      const tier =
        c.signature !== null && c.signature === signature
          ? 0
          : type !== null && c.exceptionType?.toLowerCase() === type
            ? 1
            : 2
      let overlap = 0
      for (const word of tokens(c.title, c.culprit)) if (words.has(word)) overlap++
      return { c, tier, overlap }
    })
    .filter(s => s.tier < 2 || s.overlap > 0)
  scored.sort((a, b) => a.tier - b.tier || b.overlap - a.overlap || b.c.number - a.c.number)
  return scored.slice(0, Math.max(0, max)).map(s => s.c)
}

/**
 * The heuristic, except that a Sentry issue whose signature matches a corrected example takes that
 * example's labels: the person's decision outranks the rules. Root cause and suggested action stay
 * the heuristic's; the classification says whose correction it followed.
 */
export function classifyWithCorrections(
  issue: SentryIssue,
  event: EventContext | null,
  examples: readonly Example[],
  fallbackReason?: string
): Classification {
  const base = classifyHeuristically(issue, event, fallbackReason)
  const signature = issueSignature(issue)
  const match = examples.find(e => e.signature !== null && e.signature === signature)
  if (!match) return base
  return {
    ...base,
    category: match.example.category,
    severity: match.example.severity,
    rootCause: `${base.rootCause} Category and severity follow a person's correction on #${match.number}.`,
    correctedOn: match.number
  }
}
