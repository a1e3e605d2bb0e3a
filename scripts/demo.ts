/**
 * `npm run demo`: the real action code against local stand-ins for Sentry, GitHub and the LLM on
 * 127.0.0.1, seeded with a realistic night of errors. No credentials, no network.
 */
import { startWorld, runAction, SECRETS } from '../__tests__/fakes/world.js'
import { renderTable } from '../src/summary.js'

const world = await startWorld()
const out = (line = '') => process.stdout.write(`${line}\n`)
try {
  out('sentry-triage demo: fake Sentry, GitHub and LLM servers on 127.0.0.1')
  out(
    `  Sentry  ${world.sentry.url}  org acme, ${world.seed.issues.length} issues in ${world.seed.projects.length} projects`
  )
  out(
    `  GitHub  ${world.github.url}  repo acme/shop (issue #7 already linked from Sentry's own integration)`
  )
  out(`  LLM     ${world.llm.url}  OpenAI-compatible chat completions`)
  out(
    '  Note: the LLM here is a stand-in that answers from rules (keywords in the error), not a model:'
  )
  out('  its classifications show the pipeline at work, not the quality of a real LLM.')
  out()

  const first = await runAction(world)
  if (!first.report) throw new Error(`the run failed: ${first.failed}`)
  out('First run (since: 24h):')
  out(renderTable(first.report))
  out()
  out(
    `outputs: triaged=${first.outputs.triaged} created=${first.outputs.created} labeled=${first.outputs.labeled} skipped=${first.outputs.skipped} failed=${first.outputs.failed} tokens=${first.outputs.tokens} cost-usd=${first.outputs['cost-usd']}`
  )
  out(
    `LLM requests: ${world.llm.stats.requests}; GitHub writes: ${world.github.requests.filter(r => r.method !== 'GET').length}`
  )
  for (const warning of first.warnings) out(`warning: ${warning}`)

  const created = world.github.issues
    .filter(i => i.number !== 7)
    .sort((a, b) => a.number - b.number)[0]
  if (created) {
    out()
    out(
      `GitHub issue #${created.number} as opened: "${created.title}"  [${created.labels.map(l => l.name).join(', ')}]`
    )
    out(
      (created.body ?? '')
        .split('\n')
        .slice(1, 22)
        .map(l => `  | ${l}`)
        .join('\n')
    )
  }

  const llmBefore = world.llm.stats.requests
  const writesBefore = world.github.requests.filter(r => r.method !== 'GET').length
  const second = await runAction(world)
  out()
  out(
    `Second run over the same Sentry state: created=${second.outputs.created} labeled=${second.outputs.labeled} skipped=${second.outputs.skipped}; ` +
      `LLM requests ${world.llm.stats.requests - llmBefore}, GitHub writes ${world.github.requests.filter(r => r.method !== 'GET').length - writesBefore}`
  )
  const leaked = SECRETS.filter(
    secret => first.all().includes(secret) || second.all().includes(secret)
  )
  out(`Secrets in logs, summary or outputs: ${leaked.length === 0 ? 'none' : leaked.length}`)
  out()
  out(
    'The job summary of the first run is in the `summary` the action writes to $GITHUB_STEP_SUMMARY; its first lines:'
  )
  out(
    first.summary
      .split('\n')
      .slice(0, 6)
      .map(l => `  ${l}`)
      .join('\n')
  )
} finally {
  await world.close()
}
