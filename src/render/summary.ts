import type { TriageReport, IssueResult } from '../pipeline/triage.js'
import type { CostLedger } from '../classify/cost.js'
import { inline, link } from './markdown.js'
import { CATEGORIES, FIXABILITIES, SEVERITIES } from '../classify/taxonomy.js'
import { tally } from '../report/results.js'

/** The step summary is capped at 1 MiB by GitHub; past this many rows the table is cut. */
const MAX_ROWS = 500

/** The `results` output: the SPEC's fields, plus `reason` where there is one. */
export function resultsJson(report: TriageReport): string {
  return JSON.stringify(
    report.results.map(r => ({
      ...(r.repository ? { repository: r.repository } : {}),
      sentryId: r.sentryId,
      shortId: r.shortId,
      title: r.title,
      category: r.category,
      severity: r.severity,
      classifier: r.classifier,
      model: r.model,
      ...(r.fixability !== undefined ? { fixability: r.fixability } : {}),
      action: r.action,
      githubIssue: r.githubIssue,
      ...(r.owners ? { owners: r.owners } : {}),
      ...(r.suspectCommit !== undefined ? { suspectCommit: r.suspectCommit } : {}),
      ...(r.sentry ? { sentry: r.sentry } : {}),
      ...(r.reason ? { reason: r.reason } : {})
    }))
  )
}

export function outputs(report: TriageReport, ledger: CostLedger): Record<string, string> {
  return {
    triaged: String(report.triaged),
    created: String(report.created),
    labeled: String(report.labeled),
    skipped: String(report.skipped),
    failed: String(report.failed),
    closed: String(report.closed),
    reopened: String(report.reopened),
    corrections: String(report.corrections.seen),
    tokens: String(ledger.tokens),
    'cost-usd': ledger.usd.toFixed(6),
    results: resultsJson(report)
  }
}

function count(
  results: IssueResult[],
  pick: (r: IssueResult) => string | null,
  value: string
): number {
  return results.filter(r => pick(r) === value).length
}

/** The job summary as Markdown: totals, category and severity counts, cost, one row per Sentry issue. */
export function renderSummary(report: TriageReport, ledger: CostLedger): string {
  const classified = report.results.filter(r => r.category !== null)
  const lines: string[] = [
    `## Sentry triage${report.dryRun ? ' (dry run: nothing was written)' : ''}`,
    ''
  ]
  if (report.dryRun) {
    lines.push(
      `Would create **${report.wouldCreate}** GitHub issue(s) for ${count(report.results, r => r.action, 'would-create')} Sentry issue(s) and label **${count(report.results, r => r.action, 'would-label')}**; triaged ${report.triaged}, skipped ${report.skipped}, failed ${report.failed}.`
    )
  } else {
    lines.push(
      `Triaged **${report.triaged}** · created **${report.created}** · labelled **${report.labeled}** · skipped ${report.skipped} · failed **${report.failed}**`
    )
  }
  if (report.deferred > 0)
    lines.push('', `${report.deferred} issue(s) over \`max-issues\` wait for the next run.`)
  if (report.breakerReason)
    lines.push(
      '',
      `> [!WARNING]\n> The LLM was abandoned for the rest of the run: ${inline(report.breakerReason, 300)}. Those issues were classified by the heuristic.`
    )
  if (report.capReason)
    lines.push(
      '',
      `> [!NOTE]\n> The LLM spend cap stopped further LLM requests: ${inline(report.capReason, 200)}. The rest were classified by the heuristic and are upgraded by a later run.`
    )
  if (report.corrections.seen > 0)
    lines.push(
      '',
      `${report.corrections.seen} correction(s) by people seen; ${report.corrections.used} used as examples for this run's classifications.`
    )
  if (report.duplicatesClosed > 0)
    lines.push(
      '',
      `${report.duplicatesClosed} duplicate(s) opened by a concurrent run were closed.`
    )
  if (report.listingTruncated)
    lines.push('', 'The Sentry listing hit the page cap; the rest come next run.')

  lines.push(...floodTable(report), ...refreshTable(report))
  lines.push(...followUpTable(report))
  if (classified.length > 0) {
    lines.push('', '| Category | Issues |', '|---|---|')
    for (const c of CATEGORIES) {
      const n = count(classified, r => r.category, c)
      if (n > 0) lines.push(`| ${c} | ${n} |`)
    }
    lines.push('', '| Severity | Issues |', '|---|---|')
    for (const s of SEVERITIES) {
      const n = count(classified, r => r.severity, s)
      if (n > 0) lines.push(`| ${s} | ${n} |`)
    }
    lines.push(...fixabilityTable(classified))
  }
  const models = ledger.models()
  if (models.length > 0) {
    lines.push(
      '',
      '| Model | Requests | Prompt tokens | Completion tokens | Est. USD |',
      '|---|---|---|---|---|'
    )
    for (const m of models) {
      lines.push(
        `| \`${inline(m.model, 80).replace(/`/g, '')}\` | ${m.requests} | ${m.promptTokens} | ${m.completionTokens} | ${m.priced ? `$${m.usd.toFixed(6)}` : 'no price set'} |`
      )
    }
    lines.push(
      `| **Total** | ${ledger.requests} | | | **$${ledger.usd.toFixed(6)}** (${ledger.tokens} tokens) |`
    )
  }

  lines.push(...resultTables(report.results))
  return `${lines.join('\n')}\n`
}

/** The rows as a table; with several repositories (repository-map), one table per repository. */
function resultTables(results: IssueResult[]): string[] {
  if (results.length === 0) return []
  const repositories = [...new Set(results.map(r => r.repository ?? ''))]
  if (repositories.length <= 1) return resultTable(results)
  return repositories.flatMap(repository => {
    const rows = results.filter(r => (r.repository ?? '') === repository)
    const t = tally(rows)
    return [
      '',
      `### ${inline(repository, 140)}`,
      '',
      `created **${t.created}** · labelled **${t.labeled}** · closed ${t.closed} · reopened ${t.reopened} · skipped ${t.skipped} · failed **${t.failed}**`,
      ...resultTable(rows)
    ]
  })
}

function resultTable(results: IssueResult[]): string[] {
  const lines = [
    '',
    '| Sentry | Title | Category | Severity | By | Action | GitHub |',
    '|---|---|---|---|---|---|---|'
  ]
  for (const r of results.slice(0, MAX_ROWS)) {
    const by = r.classifier === 'llm' ? `LLM ${inline(r.model, 60)}` : (r.classifier ?? '—')
    const action = r.reason ? `${r.action}: ${inline(r.reason, 160)}` : r.action
    lines.push(
      `| ${link(inline(r.shortId, 60), r.permalink)} | ${inline(r.title, 120)} | ${r.category ?? '—'} | ${r.severity ?? '—'} | ${by} | ${action} | ${r.githubIssue ? link(`#${r.githubIssue.split('/').pop()}`, r.githubIssue) : '—'} |`
    )
  }
  if (results.length > MAX_ROWS)
    lines.push('', `…and ${results.length - MAX_ROWS} more (see the results output).`)
  return lines
}

/** Fixability counts, and how many new issues were labelled `fix-candidate`. */
function fixabilityTable(classified: IssueResult[]): string[] {
  const rows = FIXABILITIES.map(f => [f, count(classified, r => r.fixability ?? null, f)] as const)
  if (rows.every(([, n]) => n === 0)) return []
  const candidates = classified.filter(r => r.fixCandidate).length
  return [
    '',
    '| Fixability | Issues |',
    '|---|---|',
    ...rows.filter(([, n]) => n > 0).map(([f, n]) => `| ${f} | ${n} |`),
    ...(candidates > 0 ? [`| labelled \`fix-candidate\` | ${candidates} |`] : [])
  ]
}

/** Floods first: per release, its new issues, those opened on their own, those tracked. */
function floodTable(report: TriageReport): string[] {
  const floods = report.floods ?? []
  if (floods.length === 0) return []
  return [
    '',
    '### Floods',
    '',
    '| Release | New issues | Opened | Tracked | Release issue |',
    '|---|---|---|---|---|',
    ...floods.map(
      f =>
        `| ${inline(f.version, 120)} | ${f.newIssues} | ${f.opened} | ${f.tracked} | ${f.releaseIssue ? link(`#${f.releaseIssue.split('/').pop()}`, f.releaseIssue) : report.dryRun ? 'would open' : '—'}${f.closed ? ' (closed: all resolved)' : ''} |`
    )
  ]
}

/** Then the living issues whose impact was refreshed, and why. */
function refreshTable(report: TriageReport): string[] {
  const refreshed = report.refreshed ?? []
  if (refreshed.length === 0) return []
  return [
    '',
    `### Impact ${report.dryRun ? 'that would be ' : ''}refreshed`,
    '',
    '| Issue | Why |',
    '|---|---|',
    ...refreshed.map(
      r =>
        `| ${link(`#${r.githubIssue.split('/').pop()}`, r.githubIssue)} | ${inline(r.why, 200)} |`
    )
  ]
}

/** The follow-up pass in one table: what changed on tracked issues, and what people kept. */
function followUpTable(report: TriageReport): string[] {
  const would = (action: string) => count(report.results, r => r.action, `would-${action}`)
  const rows: Array<[string, number]> = report.dryRun
    ? [
        ['Would close', would('close')],
        ['Would reopen', would('reopen')],
        ['Would escalate', would('escalate')],
        ['Would upgrade to the LLM', would('upgrade')]
      ]
    : [
        ['Closed', report.closed],
        ['Reopened (or regression issue opened)', report.reopened],
        ['Escalated', report.escalated],
        ['Upgraded to the LLM', report.upgraded],
        ['Resolved in Sentry', report.sentryResolved],
        ['Linked in Sentry', report.sentryLinked]
      ]
  rows.push(['Left alone: a person changed it', report.kept])
  if (rows.every(([, n]) => n === 0)) return []
  return [
    '',
    '| Follow-up | Issues |',
    '|---|---|',
    ...rows.filter(([, n]) => n > 0).map(([k, n]) => `| ${k} | ${n} |`)
  ]
}

/** A plain-text table for the log and the demo. */
export function renderTable(report: TriageReport): string {
  // With several repositories (repository-map) the GitHub column names the repository too.
  const several = new Set(report.results.map(r => r.repository)).size > 1
  const issueRef = (r: IssueResult) =>
    r.githubIssue
      ? `${several && r.repository ? r.repository : ''}#${r.githubIssue.split('/').pop()}`
      : '-'
  const rows = report.results.map(r => [
    r.shortId,
    r.title.length > 48 ? `${r.title.slice(0, 47)}…` : r.title,
    r.category ?? '-',
    r.severity ?? '-',
    r.classifier === 'llm' ? (r.model ?? 'llm') : (r.classifier ?? '-'),
    r.action,
    issueRef(r)
  ])
  const header = ['Sentry', 'Title', 'Category', 'Severity', 'Classifier', 'Action', 'GitHub']
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(r => (r[i] as string).length)))
  const fmt = (cells: string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i] as number))
      .join('  ')
      .trimEnd()
  return [fmt(header), fmt(widths.map(w => '-'.repeat(w))), ...rows.map(fmt)].join('\n')
}
