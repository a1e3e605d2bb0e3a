/**
 * GitHub issues the action opened earlier, one per Sentry issue, labelled by the LLM and carrying the
 * action's section and marker (no tier: nothing to escalate). The follow-up's cost tests and bench
 * seed the fake GitHub with these.
 */
import type { Seed } from './seed.js'

export function trackedIssueSeeds(
  seed: Pick<Seed, 'issues'>,
  options: { firstNumber: number; createdAt: string; updatedAt?: string }
) {
  return seed.issues.map((s, i) => ({
    number: options.firstNumber + i,
    title: s.title,
    body: [
      '<!-- sentry-triage:begin -->',
      `<!-- sentry-triage:v1 {"ids":["${s.id}"],"sig":null,"applied":{"category":"Logic","severity":"Low","classifier":"llm"}} -->`,
      `Issue ${s.shortId}`,
      '<!-- sentry-triage:end -->'
    ].join('\n'),
    labels: ['sentry', 'category:logic', 'severity:low'],
    created_at: options.createdAt,
    ...(options.updatedAt ? { updated_at: options.updatedAt } : {})
  }))
}
