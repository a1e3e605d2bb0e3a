/** The labels the action writes: which exist in the taxonomy, and how they look when created. */
import type { GitHubIssue } from './github.js'
import { CATEGORIES, SEVERITIES, categoryLabel, severityLabel } from './taxonomy.js'

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

export const TRIAGE_LABELS = new Set([
  ...CATEGORIES.map(categoryLabel),
  ...SEVERITIES.map(severityLabel)
])

/** Whether an issue already carries a category and a severity label: triaged, nothing to do. */
export function hasTriageLabels(issue: GitHubIssue): boolean {
  const names = issue.labels.map(l => l.toLowerCase())
  return (
    names.some(n => n.startsWith('category:') && TRIAGE_LABELS.has(n)) &&
    names.some(n => n.startsWith('severity:') && TRIAGE_LABELS.has(n))
  )
}

/** The colour and description a label gets when the action creates it. */
export function labelSpec(name: string) {
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
