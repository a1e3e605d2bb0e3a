/**
 * The naive baseline for `npm run bench`: one Sentry issue at a time — fetch its latest event,
 * classify it, write its GitHub issue, repeat — built from the action's own clients and functions
 * (SentryClient, LlmClient, GitHubClient, llmClassifier, routing, rendering), so it does the same
 * work as the pipeline in src/pipeline/triage.ts, only serially:
 *
 *   list Sentry issues (cursor pages) → list the already-linked GitHub issues once →
 *   highest impact first, up to max-issues → for each: latest event → LLM → (writing) ensure
 *   labels + create the issue with its labels → (writing) one duplicate-check listing at the end.
 *
 * Identical signatures are classified once here as well (group-similar), so the LLM work matches.
 */
import { readConfig } from '../src/config/config.js'
import { createClients } from '../src/main.js'
import type { GitHubIssue } from '../src/github/client.js'
import { compareImpact, routeIssue } from '../src/classify/routing.js'
import { issueSignature } from '../src/classify/signature.js'
import { renderIssueBody, renderTitle } from '../src/render/issue-body.js'
import { categoryLabel, severityLabel } from '../src/classify/taxonomy.js'
import type { World } from '../__tests__/fakes/world.js'

export interface SerialOptions {
  /** false: read and classify only (the dry-run path). */
  write: boolean
  inputs: Record<string, string>
  writeSpacingMs: number
  notifySpacingMs: number
  retryAfterBaseMs: number
}

export interface SerialResult {
  wallMs: number
  classified: number
  created: number
  tokens: number
}

/** Same colour and description scheme as the action (one request per missing label either way). */
function labelSpec(name: string): { name: string; color: string; description: string } {
  return {
    name,
    color: name.startsWith('category:')
      ? '1d76db'
      : name.startsWith('severity:')
        ? 'd93f0b'
        : '362d59',
    description: `Sentry triage: ${name}`
  }
}

export async function serialBaseline(world: World, options: SerialOptions): Promise<SerialResult> {
  const all = { ...world.inputs, ...options.inputs }
  const config = readConfig(name => all[name] ?? '', { ...world.env })
  const { redact, ledger, sentry, github, classifier } = await createClients(config, {
    githubWriteSpacingMs: options.writeSpacingMs,
    githubNotifySpacingMs: options.notifySpacingMs,
    githubRetryAfterBaseMs: options.retryAfterBaseMs
  })

  const started = performance.now()
  const runStart = new Date()
  const projectIds = await sentry.resolveProjectIds(config.sentryProjects)
  const { issues } = await sentry.listNewIssues({
    query: config.sentryQuery,
    since: config.since.text,
    projectIds,
    environment: config.environment
  })
  const firstSeen = issues.map(i => Date.parse(i.firstSeen ?? ''))
  const earliest =
    firstSeen.length > 0 && !firstSeen.some(Number.isNaN)
      ? new Date(Math.min(...firstSeen) - 3_600_000).toISOString()
      : null
  const linked = new Set<string>()
  for (const gh of await github.listRecentIssues(earliest))
    for (const id of gh.marker?.ids ?? []) linked.add(id)

  const selected = issues
    .filter(i => !linked.has(i.id))
    .sort(compareImpact)
    .slice(0, config.maxIssues)
  const seen = new Set<string>()
  let classified = 0
  let created = 0
  for (const issue of selected) {
    const signature = config.groupSimilar ? issueSignature(issue) : null
    if (signature && seen.has(signature)) continue
    if (signature) seen.add(signature)
    const event = await sentry.getLatestEvent(issue.id, config.environment).catch(() => null)
    const route = routeIssue(issue, config.models, config.routing)
    const c = await classifier.classify(issue, event, route)
    classified++
    if (!options.write) continue
    const labels = [categoryLabel(c.category), severityLabel(c.severity), ...config.labels]
    await github.ensureLabels(labels.map(labelSpec))
    const issueCreated: GitHubIssue = await github.createIssue({
      title: renderTitle(issue, redact),
      body: renderIssueBody({
        issue,
        others: [],
        classification: c,
        route,
        event,
        signature,
        redact
      }),
      labels,
      assignees: c.severity === 'Critical' ? config.criticalAssignees : [],
      sentryId: issue.id
    })
    if (issueCreated.number > 0) created++
  }
  // The action's race check: one listing of what was created during the run.
  if (options.write && created > 0)
    await github.listRecentIssues(new Date(runStart.getTime() - 5 * 60_000).toISOString())
  return { wallMs: performance.now() - started, classified, created, tokens: ledger.tokens }
}
