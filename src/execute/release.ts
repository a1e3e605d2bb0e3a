/**
 * Writes a flood's release issue (plan/floods.ts decides): opens it with labels `sentry` (the
 * `labels` input) and `release`, or rewrites its section — rows added, rows moved, promoted ones
 * pointing at their own issue — and closes it when every Sentry issue of it is resolved. A rewrite
 * touches the section only and never the labels: a person's labels and text are theirs.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { Classified } from '../classify/stage.js'
import type { Step } from '../plan/steps.js'
import type { Marker, ReleaseRecord, ReleaseRow } from '../track/marker.js'
import type { Category, Classification, Severity } from '../classify/taxonomy.js'
import { impactTier } from '../classify/routing.js'
import { issueSignature } from '../classify/signature.js'
import { classifyWithCorrections } from '../classify/corrections.js'
import { labelledTriage, labelSpec } from '../track/labels.js'
import { findSection, renderSection, rewriteSection } from '../track/marker.js'
import { previousRows, renderReleaseContent, renderReleaseTitle } from '../render/release.js'
import { classifiedRow, type IssueResult } from '../report/results.js'
import { errorMessage } from '../report/error-message.js'
import { inline } from '../render/markdown.js'
import { commentOnce, type WriteIO } from './io.js'
import { createOnce } from './create.js'

export type ReleaseStep = Extract<Step, { kind: 'release' }>

/** The label every release issue carries beside the `labels` input. */
export const RELEASE_LABEL = 'release'

const isResolved = (s: SentryIssue) => s.status === 'resolved' || s.status === 'ignored'

interface Triage {
  category: Category
  severity: Severity
  /** The lead's classification, or the offline heuristic's for a group past max-issues. */
  classification: Classification
}

/**
 * Each tracked Sentry issue's classification: its signature group's lead's (asked once for the
 * group), else the offline heuristic on the listing's facts (no request) for groups past max-issues.
 */
export function triageOfTracked(
  step: ReleaseStep,
  leads: ReadonlyMap<string, Classified>
): Map<string, Triage> {
  const bySignature = new Map<string, Classified>()
  for (const lead of step.leads) {
    const c = leads.get(lead.id)
    if (c) bySignature.set(issueSignature(lead), c)
  }
  const out = new Map<string, Triage>()
  for (const issue of step.track) {
    const c =
      bySignature.get(issueSignature(issue))?.classification ??
      classifyWithCorrections(issue, null, [])
    out.set(issue.id, { category: c.category, severity: c.severity, classification: c })
  }
  return out
}

function rowOf(issue: SentryIssue, extra: Partial<ReleaseRow> = {}): ReleaseRow {
  return {
    id: issue.id,
    tier: impactTier(issue).tier,
    events: issue.count,
    users: issue.userCount,
    resolved: isResolved(issue),
    category: null,
    severity: null,
    ...extra
  }
}

/** The record after this step: new rows, promoted rows, rows as Sentry has them now. */
export function nextRecord(
  step: ReleaseStep,
  triage: ReadonlyMap<string, Triage>,
  planned: (key: string) => GitHubIssue | undefined
): ReleaseRecord {
  const before = step.target?.marker?.release
  const rows = new Map((before?.rows ?? []).map(r => [r.id, r]))
  for (const issue of step.track) {
    const t = triage.get(issue.id)
    rows.set(
      issue.id,
      rowOf(issue, { category: t?.category ?? null, severity: t?.severity ?? null })
    )
  }
  for (const s of step.current) {
    const old = rows.get(s.id)
    if (old)
      rows.set(s.id, {
        ...rowOf(s),
        category: old.category,
        severity: old.severity,
        ...(old.issue ? { issue: old.issue } : {})
      })
  }
  for (const { issue, createKey } of step.own) {
    const child = planned(createKey)
    const old = rows.get(issue.id)
    // A create that failed leaves its Sentry issue tracked here: never lost, never opened twice.
    const labelled = child ? labelledTriage(child.labels) : {}
    rows.set(issue.id, {
      ...rowOf(issue),
      category: labelled.category ?? old?.category ?? null,
      severity: labelled.severity ?? old?.severity ?? null,
      ...(child ? { issue: child.number } : {})
    })
  }
  return {
    version: step.version,
    rows: [...rows.values()],
    ...(before?.tasklist ? { tasklist: true } : {})
  }
}

/** Opens or rewrites the release issue; the rows say what happened to each newly tracked Sentry issue. */
export async function writeRelease(
  io: WriteIO,
  step: ReleaseStep,
  leads: ReadonlyMap<string, Classified>,
  planned: (key: string) => GitHubIssue | undefined
): Promise<{ rows: IssueResult[]; created?: GitHubIssue }> {
  const triage = triageOfTracked(step, leads)
  const record = nextRecord(step, triage, planned)
  const marker: Marker = {
    ids: record.rows.filter(r => !r.issue).map(r => r.id),
    sig: null,
    release: record
  }
  const commits = await io.sentry.getReleaseCommits(step.version).catch((error: unknown) => {
    io.log.debug(`Commits of release ${step.version} not read: ${errorMessage(error)}`)
    return null
  })
  const issues = new Map(
    [...step.track, ...step.current, ...step.own.map(o => o.issue)].map(s => [s.id, s])
  )
  const old = step.target ? findSection(step.target.body) : null
  const content = renderReleaseContent({
    record,
    issues,
    previous:
      step.target && old ? previousRows(step.target.body.slice(old.start, old.end)) : new Map(),
    commits,
    redact: io.redact,
    now: new Date(io.now()).toISOString()
  })
  const gh = step.target
    ? await rewriteRelease(io, step, step.target, marker, content)
    : await openRelease(io, step, record, marker, content)
  const rows = step.track.map(issue => {
    const t = triage.get(issue.id)
    return classifiedRow(issue, io.redact, t?.classification ?? null, {
      action: 'skipped',
      githubIssue: gh.url,
      reason: `tracked by the release issue #${gh.number}`
    })
  })
  return { rows, ...(step.target ? {} : { created: gh }) }
}

async function openRelease(
  io: WriteIO,
  step: ReleaseStep,
  record: ReleaseRecord,
  marker: Marker,
  content: string
): Promise<GitHubIssue> {
  const labels = [...new Set([...io.config.labels, RELEASE_LABEL])]
  await io.github.ensureLabels(labels.map(labelSpec))
  const created = await createOnce(io, {
    title: renderReleaseTitle(step.version, record.rows.length, io.redact),
    body: renderSection(marker, content),
    labels,
    assignees: [],
    sentryId: marker.ids[0] ?? step.sentry[0]!.id
  })
  io.log.info(
    `Opened release issue ${created.url} for ${step.version}: ${record.rows.length} new Sentry issues, ${record.rows.filter(r => r.issue).length} with issues of their own`
  )
  return { ...created, labels }
}

async function rewriteRelease(
  io: WriteIO,
  step: ReleaseStep,
  gh: GitHubIssue,
  marker: Marker,
  content: string
): Promise<GitHubIssue> {
  const body = rewriteSection(gh.body, marker, () => content)
  await io.github.updateIssue(gh.number, {
    body,
    ...(step.close ? { state: 'closed' as const, reason: 'completed' as const } : {})
  })
  // Later steps of the run (sub-issues) see the section as it now is.
  gh.body = body
  gh.marker = marker
  if (step.close) {
    gh.state = 'closed'
    await commentOnce(
      io,
      gh.number,
      step.key,
      `Every Sentry issue of release ${inline(io.redact(step.version), 200)} is resolved: closing this release issue as completed.`
    )
  }
  io.log.info(`Updated release issue ${gh.url} (${step.rule})`)
  return gh
}
