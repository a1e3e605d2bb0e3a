/**
 * The closed vocabularies of a classification. Nothing outside these lists ever becomes a label,
 * whatever the LLM answers.
 */
export const CATEGORIES = [
  'Authentication',
  'Database',
  'Network',
  'Logic',
  'External Service',
  'Infrastructure',
  'Unknown'
] as const
export type Category = (typeof CATEGORIES)[number]

export const SEVERITIES = ['Critical', 'High', 'Medium', 'Low'] as const
export type Severity = (typeof SEVERITIES)[number]

export type ClassifierKind = 'llm' | 'heuristic'

/** How surely a small code change fixes the issue: what the `fix-candidate` label is decided on. */
export const FIXABILITIES = ['high', 'medium', 'low'] as const
export type Fixability = (typeof FIXABILITIES)[number]

/** What the action knows about one Sentry issue after classification. */
export interface Classification {
  category: Category
  severity: Severity
  rootCause: string
  suggestedAction: string
  classifier: ClassifierKind
  /** The model that answered, for `llm`; null for the heuristic. */
  model: string | null
  /** Why the heuristic was used instead of the LLM, when it was a fallback. */
  fallbackReason?: string
  /** The GitHub issue whose correction by a person gave these labels (heuristic only). */
  correctedOn?: number
  /** From Seer's score when Sentry has one, else the LLM's answer or the heuristic's rules. */
  fixability?: Fixability
  /** One line: why that fixability (Seer's score, or the LLM's reason). */
  fixabilityReason?: string
  /** Who judged the fixability. */
  fixabilitySource?: 'seer' | 'llm' | 'heuristic'
}

const CATEGORY_SYNONYMS: Record<string, Category> = {
  auth: 'Authentication',
  authn: 'Authentication',
  authz: 'Authentication',
  authentication: 'Authentication',
  authorization: 'Authentication',
  permission: 'Authentication',
  permissions: 'Authentication',
  db: 'Database',
  sql: 'Database',
  database: 'Database',
  net: 'Network',
  network: 'Network',
  networking: 'Network',
  timeout: 'Network',
  dns: 'Network',
  connection: 'Network',
  connectivity: 'Network',
  bug: 'Logic',
  code: 'Logic',
  logic: 'Logic',
  'application logic': 'Logic',
  external: 'External Service',
  'external service': 'External Service',
  'external-service': 'External Service',
  external_service: 'External Service',
  'third-party': 'External Service',
  'third party': 'External Service',
  thirdparty: 'External Service',
  upstream: 'External Service',
  infra: 'Infrastructure',
  infrastructure: 'Infrastructure',
  server: 'Infrastructure',
  config: 'Infrastructure',
  configuration: 'Infrastructure',
  unknown: 'Unknown',
  other: 'Unknown'
}

const SEVERITY_SYNONYMS: Record<string, Severity> = {
  critical: 'Critical',
  p0: 'Critical',
  fatal: 'Critical',
  blocker: 'Critical',
  high: 'High',
  p1: 'High',
  major: 'High',
  medium: 'Medium',
  moderate: 'Medium',
  p2: 'Medium',
  low: 'Low',
  p3: 'Low',
  p4: 'Low',
  minor: 'Low',
  trivial: 'Low'
}

function normalise(value: string): string {
  return value
    .trim()
    .toLowerCase()
    .replace(/^["'`*_\s]+|["'`*_.\s]+$/g, '')
    .replace(/\s+/g, ' ')
}

/** Own keys only: an answer of `constructor` or `__proto__` must not reach Object.prototype. */
function lookup<T>(table: Record<string, T>, value: unknown): T | null {
  if (typeof value !== 'string') return null
  const key = normalise(value)
  return Object.hasOwn(table, key) ? (table[key] ?? null) : null
}

/** Maps a free-form category (any case, common synonyms) onto the enum, or null. */
export function toCategory(value: unknown): Category | null {
  return lookup(CATEGORY_SYNONYMS, value)
}

/** Maps a free-form severity (any case, `p0`…`p4`, `fatal`, `minor` …) onto the enum, or null. */
export function toSeverity(value: unknown): Severity | null {
  return lookup(SEVERITY_SYNONYMS, value)
}

/** `category:external-service`: the label GitHub gets for a category. */
export function categoryLabel(category: Category): string {
  return `category:${category.toLowerCase().replace(/\s+/g, '-')}`
}

/** `severity:high`: the label GitHub gets for a severity. */
export function severityLabel(severity: Severity): string {
  return `severity:${severity.toLowerCase()}`
}
