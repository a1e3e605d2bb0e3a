import { SEVERITIES, type Category, type Classification, type Severity } from './taxonomy.js'
import type { SentryIssue, EventContext } from '../sentry/client.js'
import {
  BENIGN,
  CATEGORY_TEXT,
  GRAVE,
  MONEY,
  NOISE,
  RULES,
  TRANSIENT,
  type Rule
} from './heuristic-rules.js'

/**
 * The rule tables the heuristic reads. A parameter rather than module constants only so that
 * `eval/rule-audit.ts` can measure what each alternative is worth by leaving it out.
 */
export interface HeuristicTables {
  rules: readonly Rule[]
  grave: readonly RegExp[]
  money: readonly RegExp[]
  benign: readonly RegExp[]
  noise: readonly RegExp[]
  transient: readonly RegExp[]
}

export const TABLES: HeuristicTables = {
  rules: RULES,
  grave: GRAVE,
  money: MONEY,
  benign: BENIGN,
  noise: NOISE,
  transient: TRANSIENT
}

/** Whether any alternative matches: the same as testing their `|` join, one line each in the tables. */
export function matchesAny(alternatives: readonly RegExp[] | undefined, text: string): boolean {
  return alternatives?.some(re => re.test(text)) === true
}

/** Frames nearest the crash that count as evidence of where it failed. */
const LOCATION_FRAMES = 3

/** What the rules are tested against, from the issue and its latest event. */
export interface Evidence {
  /** Exception types and messages of the issue and of the latest event's chain, and the title. */
  text: string
  /** The exception type names alone. */
  types: string
  /** Culprit, and file names and functions of the frames nearest the crash. */
  location: string
}

export function evidenceOf(issue: SentryIssue, event: EventContext | null): Evidence {
  const join = (parts: Array<string | null | undefined>) => parts.filter(Boolean).join('\n')
  const types = [issue.exceptionType, ...(event?.exceptions ?? []).map(e => e.type)]
  return {
    types: join(types),
    text: join([
      issue.exceptionType,
      issue.exceptionValue,
      issue.title,
      ...(event?.exceptions ?? []).flatMap(e => [e.type, e.value])
    ]),
    location: join([
      issue.culprit,
      issue.filename,
      issue.function,
      ...(event?.frames ?? []).slice(-LOCATION_FRAMES).flatMap(f => [f.filename, f.function])
    ])
  }
}

/**
 * The severity implied by the Sentry facts alone (eval/README.md, "Severity rubric"): users,
 * events and level. `classifyHeuristically` then moves it one step for the nature of the error.
 */
export function heuristicSeverity(issue: SentryIssue): Severity {
  const fatal = issue.level === 'fatal'
  if (issue.userCount >= 1000 || (fatal && issue.userCount >= 100)) return 'Critical'
  if (issue.userCount >= 100 || issue.count >= 1000 || fatal) return 'High'
  if (issue.level === 'error' || issue.count >= 100) return 'Medium'
  return 'Low'
}

/** -1, 0 or +1: expected or recovered errors go down, money, data loss and outages go up. */
function natureStep(
  t: HeuristicTables,
  issue: SentryIssue,
  category: Category,
  { text, location }: Evidence
): -1 | 0 | 1 {
  const recovered = issue.level === 'warning' && issue.isUnhandled === false
  if (matchesAny(t.benign, text) || (recovered && matchesAny(t.transient, text))) return -1
  // An infrastructure fault that killed the process: the service is down until someone acts.
  if (category === 'Infrastructure' && issue.level === 'fatal') return 1
  if (matchesAny(t.grave, text) || matchesAny(t.money, text) || matchesAny(t.money, location))
    return 1
  return 0
}

function severityOf(
  t: HeuristicTables,
  issue: SentryIssue,
  category: Category,
  evidence: Evidence
): Severity {
  // Noise, unless it crashed something: a fatal event is never noise.
  if (issue.level !== 'fatal' && matchesAny(t.noise, evidence.text)) return 'Low'
  // SEVERITIES runs from Critical (0) to Low (3): a step up is an index down.
  const index =
    SEVERITIES.indexOf(heuristicSeverity(issue)) - natureStep(t, issue, category, evidence)
  return SEVERITIES[Math.min(SEVERITIES.length - 1, Math.max(0, index))] as Severity
}

/**
 * Offline rules over the exception types and messages, culprit and stack: no LLM, no key, no cost.
 * The classifier of `classifier: heuristic`, and the fallback whenever the LLM fails. Measured by
 * `npm run eval` on the labelled set in eval/.
 */
export function classifyHeuristically(
  issue: SentryIssue,
  event: EventContext | null,
  fallbackReason?: string
): Classification {
  return classifyWithTables(TABLES, issue, event, fallbackReason)
}

/** `classifyHeuristically` over the given tables (the rule audit passes tables with one line left out). */
export function classifyWithTables(
  t: HeuristicTables,
  issue: SentryIssue,
  event: EventContext | null,
  fallbackReason?: string
): Classification {
  const evidence = evidenceOf(issue, event)
  const rule = t.rules.find(
    r =>
      matchesAny(r.text, evidence.text) ||
      matchesAny(r.location, evidence.location) ||
      matchesAny(r.type, evidence.types)
  )
  const where = issue.culprit ? ` in ${issue.culprit}` : ''
  const text = rule && rule.category !== 'Unknown' ? CATEGORY_TEXT[rule.category] : null
  const cause = rule?.cause ?? text?.cause
  const category = rule?.category ?? 'Unknown'
  return {
    category,
    severity: severityOf(t, issue, category, evidence),
    rootCause: cause
      ? `${cause.replace(/\.$/, '')}${where}.`
      : `No rule matched this error${where}; it needs a human look.`,
    suggestedAction:
      rule?.action ??
      text?.action ??
      'Open the Sentry issue, read the latest event and its breadcrumbs, and assign an owner.',
    classifier: 'heuristic',
    model: null,
    // The rules cannot tell how hard a fix is: low, unless a rule knows better.
    fixability: rule?.fixability ?? 'low',
    fixabilitySource: 'heuristic',
    ...(fallbackReason ? { fallbackReason } : {})
  }
}
