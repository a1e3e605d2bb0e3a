/** The labels the action writes: which exist in the taxonomy, and how they look when created. */
import type { GitHubIssue } from '../github/client.js'
import type { Applied } from './marker.js'
import {
  CATEGORIES,
  SEVERITIES,
  categoryLabel,
  severityLabel,
  type Category,
  type Severity
} from '../classify/taxonomy.js'

const CATEGORY_COLOURS: Record<string, string> = {
  Authentication: 'd93f0b',
  Database: '5319e7',
  Network: '0e8a16',
  Logic: '1d76db',
  'External Service': 'fbca04',
  Infrastructure: 'b60205',
  Unknown: 'cccccc'
}
const SEVERITY_COLOURS: Record<string, string> = {
  Critical: 'b60205',
  High: 'd93f0b',
  Medium: 'fbca04',
  Low: '0e8a16'
}

/** The category and severity an issue's labels already say, if any (labels match case-insensitively). */
export function labelledTriage(labels: string[]): { category?: Category; severity?: Severity } {
  const names = labels.map(l => l.toLowerCase())
  return {
    category: CATEGORIES.find(c => names.includes(categoryLabel(c))),
    severity: SEVERITIES.find(s => names.includes(severityLabel(s)))
  }
}

/** Whether an issue already carries a category and a severity label: triaged, nothing to do. */
export function hasTriageLabels(issue: GitHubIssue): boolean {
  const { category, severity } = labelledTriage(issue.labels)
  return category !== undefined && severity !== undefined
}

/** The label of fix candidates (`fix-candidate` input): what a coding agent's workflow listens for. */
export const FIX_CANDIDATE = 'fix-candidate'

/** The colour and description a label gets when the action creates it. */
export function labelSpec(name: string) {
  if (name === FIX_CANDIDATE)
    return {
      name,
      color: '0e8a16',
      description:
        'Sentry triage: a small code change likely fixes it (fixability at or above fix-candidate)'
    }
  const category = CATEGORIES.find(c => categoryLabel(c) === name)
  if (category)
    return {
      name,
      color: CATEGORY_COLOURS[category] as string,
      description: `Sentry triage: ${category} error`
    }
  const severity = SEVERITIES.find(s => severityLabel(s) === name)
  if (severity)
    return {
      name,
      color: SEVERITY_COLOURS[severity] as string,
      description: `Sentry triage: ${severity} severity`
    }
  return { name, color: '362d59', description: 'Opened from a Sentry issue by sentry-triage' }
}

/**
 * Which triage labels a person changed since the action applied them (set, swapped or removed):
 * those are never touched again. Without a record (issues opened before it existed), none.
 */
export function changedByPerson(
  labels: string[],
  applied: Applied | undefined
): { category: boolean; severity: boolean } {
  if (!applied) return { category: false, severity: false }
  const current = labelledTriage(labels)
  return {
    category: current.category !== applied.category,
    severity: current.severity !== applied.severity
  }
}
