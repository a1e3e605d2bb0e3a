/**
 * A release issue (a flood, plan/floods.ts): its title and its section — one table row per new
 * Sentry issue of the release (impact, category, severity, link, its own issue), resolved rows
 * struck through, the release's commits when Sentry has them, and a task list of the sub-issues
 * where GitHub has no sub-issues API. All of it is the action's section: a person's text outside it
 * is kept by every rewrite (track/marker.ts).
 */
import type { SentryIssue, ReleaseCommit } from '../sentry/client.js'
import type { ReleaseRecord, ReleaseRow } from '../track/marker.js'
import { TIER_RANK } from '../classify/routing.js'
import { INVISIBLE, ZWJ, cut, inline, link } from './markdown.js'

/** GitHub titles are reported to break past 256 characters. */
const MAX_TITLE = 256
/** Rows shown in the table; the marker keeps every one (a body is at most 65,536 characters). */
export const MAX_ROWS = 150
/** Commits listed; Sentry knows more, the release page has them all. */
const MAX_COMMITS = 20
const TIER_ICON = { critical: '🔴', high: '🟠', medium: '🟡', routine: '⚪' } as const

/** `[release] <version>: N new errors`, plain text like every title the action writes. */
export function renderReleaseTitle(
  version: string,
  count: number,
  redact: (s: string) => string
): string {
  const clean = redact(version).replace(INVISIBLE, '').replace(/\s+/g, ' ').trim()
  // GitHub mentions only an `@` that no letter or digit precedes: `app@2.15.0` stays as written.
  const safe = clean
    .replace(/(^|[^A-Za-z0-9_`])@(?=[A-Za-z0-9_-])/g, `$1@${ZWJ}`)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/<(?=[A-Za-z/!?])/g, `<${ZWJ}`)
  return cut(`[release] ${safe}: ${count} new error${count === 1 ? '' : 's'}`, MAX_TITLE)
}

export interface ReleaseBodyInput {
  record: ReleaseRecord
  /** The Sentry issues of the rows as read this run, by id (a row without one keeps its old line). */
  issues: ReadonlyMap<string, SentryIssue>
  /** The row lines the section showed before, by Sentry id. */
  previous: ReadonlyMap<string, string>
  commits: ReleaseCommit[] | null
  redact: (s: string) => string
  now: string
}

/** The section's content (the marker is written by the caller). */
export function renderReleaseContent(input: ReleaseBodyInput): string {
  const { record, redact } = input
  const rows = [...record.rows].sort(
    (a, b) =>
      Number(a.resolved) - Number(b.resolved) ||
      TIER_RANK[a.tier] - TIER_RANK[b.tier] ||
      b.users - a.users ||
      b.events - a.events
  )
  const own = rows.filter(r => r.issue).length
  const live = rows.filter(r => !r.resolved).length
  const lines = [
    `## 🚨 Release ${inline(redact(record.version), 200)}: ${rows.length} new error${rows.length === 1 ? '' : 's'}`,
    '',
    `${rows.length} new Sentry issues were first seen in this release (${live} unresolved). ` +
      (own > 0
        ? `The ${own} most urgent have issues of their own (sub-issues); the others are tracked here, and one whose impact climbs to high or critical gets its own.`
        : 'They are tracked here; one whose impact climbs to high or critical gets an issue of its own.'),
    '',
    '| Tier | Sentry issue | Impact | Category | Severity | Issue |',
    '|---|---|---|---|---|---|',
    ...rows.slice(0, MAX_ROWS).map(row => rowLine(row, input)),
    ...(rows.length > MAX_ROWS
      ? ['', `… and ${rows.length - MAX_ROWS} more (listed in the marker).`]
      : [])
  ]
  lines.push('', renderTasks(record))
  if (input.commits && input.commits.length > 0) {
    lines.push('', `### Commits in ${inline(redact(record.version), 200)}`, '')
    for (const c of input.commits.slice(0, MAX_COMMITS))
      lines.push(
        `- \`${c.id.slice(0, 12).replace(/[^0-9a-f]/gi, '')}\` ${inline(redact(c.message?.split('\n')[0] ?? ''), 120)}${c.author ? ` (${inline(redact(c.author), 60)})` : ''}`
      )
    if (input.commits.length > MAX_COMMITS)
      lines.push(`- … and ${input.commits.length - MAX_COMMITS} more`)
  }
  lines.push(
    '',
    `<sub>Opened by sentry-triage for a flood of new errors; rows as of ${inline(input.now, 40)}. Text from Sentry is shown as data.</sub>`
  )
  return lines.join('\n')
}

/** One row: a resolved one struck through; a row Sentry no longer sent keeps its last line. */
function rowLine(row: ReleaseRow, input: ReleaseBodyInput): string {
  const issue = input.issues.get(row.id)
  const old = input.previous.get(row.id)
  if (!issue && old) return old
  const name = issue
    ? `${link(inline(issue.shortId, 80), issue.permalink)} ${inline(input.redact(issue.title), 80)}`
    : `Sentry issue ${row.id}`
  const cells = [
    `${TIER_ICON[row.tier]} ${row.tier}`,
    name,
    `${row.events.toLocaleString('en-US')} events · ${row.users.toLocaleString('en-US')} users`,
    row.category ?? '—',
    row.severity ?? '—',
    row.issue ? `#${row.issue}` : 'tracked here'
  ]
  const strike = (cell: string) => (row.resolved && cell !== '—' ? `~~${cell}~~` : cell)
  return `| ${cells.map(strike).join(' | ')} |`
}

export const TASKS_BEGIN = '<!-- sentry-triage:tasks -->'
export const TASKS_END = '<!-- sentry-triage:tasks-end -->'

/**
 * The sub-issues as a task list, between two hidden lines (empty unless GitHub has no sub-issues
 * API: GitHub Enterprise Server), so that attaching one rewrites this block and nothing else.
 */
export function renderTasks(record: ReleaseRecord): string {
  const own = record.tasklist ? record.rows.filter(r => r.issue) : []
  const list = own.map(r => `- [${r.resolved ? 'x' : ' '}] #${r.issue}`)
  return [TASKS_BEGIN, ...(list.length > 0 ? ['### Sub-issues', '', ...list] : []), TASKS_END].join(
    '\n'
  )
}

/** The content with its task list block replaced (appended when an older body has none). */
export function replaceTasks(content: string, block: string): string {
  const start = content.indexOf(TASKS_BEGIN)
  const end = content.indexOf(TASKS_END, start)
  if (start < 0 || end < 0) return `${content}\n\n${block}`
  return `${content.slice(0, start)}${block}${content.slice(end + TASKS_END.length)}`
}

/** The row lines a section showed, by the Sentry id in their permalink. */
export function previousRows(content: string): Map<string, string> {
  const rows = new Map<string, string>()
  for (const line of content.split('\n')) {
    if (!line.startsWith('| ')) continue
    const id = /\/issues\/(\d{1,20})\//.exec(line)?.[1]
    if (id && !rows.has(id)) rows.set(id, line)
  }
  return rows
}
