/**
 * `npm run demo`: the real action code against local stand-ins for Sentry, GitHub and the LLM on
 * 127.0.0.1, seeded with a realistic night of errors. No credentials, no network.
 */
import { startWorld, runAction, SECRETS } from '../__tests__/fakes/world.js'
import { renderTable } from '../src/render/summary.js'
import { seedScenario, type ScenarioSeed } from '../__tests__/fakes/seed.js'
import { seedCode } from '../__tests__/fakes/seed-code.js'
import { badDeployRelease, seedBadDeploy, withBadDeploy } from '../__tests__/fakes/seed-flood.js'
import type { SentrySignalsSeed } from '../__tests__/fakes/sentry-signals.js'

/** What Sentry already knows in the demo: owners, Seer's score and root cause, a link, a suspect commit. */
const DEMO_SIGNALS: SentrySignalsSeed = {
  owners: {
    '6012345001': [{ type: 'ownershipRule', owner: 'team:51' }]
  },
  // checkout-api@2.15.0's commits are in Sentry: its committers endpoint names the suspect commit.
  committers: {
    '6012345008': {
      sha: '000000b2000000b2000000b2000000b2000000b2',
      message: 'Stack promotions',
      author: { name: 'Alice Example', email: 'alice@acme.example' }
    }
  },
  teams: [{ id: '51', slug: 'checkout-team', name: 'Checkout' }],
  fixability: { '6012345001': 0.71 },
  autofix: {
    '6012345001': {
      rootCause:
        'Two checkout workers update the same order rows in opposite order inside one transaction.'
    }
  },
  integrationIssues: {
    '6012345001': [{ key: 'OPS-42', url: 'https://acme.atlassian.net/browse/OPS-42' }]
  }
}

// The night's errors, and a bad deploy: a release of checkout-api that brought a dozen new errors.
const now = new Date()
const badDeploy = seedBadDeploy({ now })
const seed = withBadDeploy(seedScenario({ now }), badDeploy)
// Two repositories behind one GitHub API: the web frontend's errors go to acme/web.
const world = await startWorld({
  now,
  seed,
  sentry: { signals: DEMO_SIGNALS, releases: [...seedCode(seed).releases, badDeployRelease()] },
  githubRepositories: [{ owner: 'acme', repo: 'web' }]
})
/**
 * What the demo's workflow would set beyond the defaults: the follow-up closes, owners are
 * assigned, and the web frontend's issues are routed to their own repository.
 */
const DEMO_INPUTS = {
  'close-resolved': 'true',
  assign: 'codeowners',
  'repository-map': 'web-frontend: acme/web',
  // The code lives in one monorepo (acme/shop), whichever repository an issue goes to.
  'code-repository': 'acme/shop'
}
// Blame (and who the token is) are GraphQL POSTs that only read: not writes.
const writeCount = () =>
  (world.githubHost ?? world.github).requests.filter(
    r => r.method !== 'GET' && !r.path.endsWith('/graphql')
  ).length
const shortIdOf = (id: string) => world.sentry.issues.find(i => i.id === id)?.shortId ?? id
const out = (line = '') => process.stdout.write(`${line}\n`)
try {
  out('sentry-triage demo: fake Sentry, GitHub and LLM servers on 127.0.0.1')
  out(
    `  Sentry  ${world.sentry.url}  org acme, ${world.seed.issues.length} issues in ${world.seed.projects.length} projects`
  )
  out(
    `  GitHub  ${world.github.url}  repos acme/shop (issue #7 already linked from Sentry's own integration) and acme/web (repository-map: web-frontend: acme/web)`
  )
  out(`  LLM     ${world.llm.url}  OpenAI-compatible chat completions`)
  out(
    '  Note: the LLM here is a stand-in that answers from rules (keywords in the error), not a model:'
  )
  out('  its classifications show the pipeline at work, not the quality of a real LLM.')
  out()

  const first = await runAction(world, DEMO_INPUTS)
  if (!first.report) throw new Error(`the run failed: ${first.failed}`)
  out('First run (since: 24h):')
  out(renderTable(first.report))
  out()
  out(
    `outputs: triaged=${first.outputs.triaged} created=${first.outputs.created} labeled=${first.outputs.labeled} skipped=${first.outputs.skipped} failed=${first.outputs.failed} tokens=${first.outputs.tokens} cost-usd=${first.outputs['cost-usd']}`
  )
  out(`LLM requests: ${world.llm.stats.requests}; GitHub writes: ${writeCount()}`)
  for (const warning of first.warnings) out(`warning: ${warning}`)

  const ids = (world.seed as ScenarioSeed).ids
  const issueOf = (sentryId: string) =>
    world.github.issues.find(i => i.number !== 7 && (i.body ?? '').includes(`"${sentryId}"`))
  const shown = issueOf(ids.deadlock)
  if (shown) {
    out()
    out(
      `GitHub issue #${shown.number} as opened: "${shown.title}"  [${shown.labels.map(l => l.name).join(', ')}]` +
        `  assigned: ${shown.assignees.map(a => a.login).join(', ') || 'nobody'}`
    )
    const body = (shown.body ?? '').split('\n')
    const code = body.findIndex(l => l === '### Code')
    const signals = body.findIndex(l => l === '### What Sentry knows')
    const excerpt = [
      ...body.slice(2, 9),
      '…',
      ...(signals >= 0 ? body.slice(signals, code >= 0 ? code : signals + 9) : []),
      ...(code >= 0 ? body.slice(code, code + 9) : [])
    ]
    out(excerpt.map(l => `  | ${l}`).join('\n'))
  }

  // The bad deploy: one release issue, its three most urgent errors as sub-issues.
  const release = world.github.issues.find(i => i.title.startsWith('[release]'))
  /** The living part of an issue's section: events, users and the 14-day sparkline, on one line. */
  const impactOf = (n: number | undefined) => {
    const body = world.github.issue(n ?? 0)?.body ?? ''
    const cell = (name: string) => new RegExp(`\\| ${name} \\| ([^|]*) \\|`).exec(body)?.[1] ?? '—'
    return `events ${cell('Events')}, users ${cell('Users affected')}, last 14 days ${cell('Last 14 days')}`
  }
  const floodLead = issueOf(badDeploy.ids[0]!)
  if (release) {
    const children = (world.github.subIssues.get(release.number) ?? []).map(
      id => `#${world.github.issues.find(i => i.id === id)?.number}`
    )
    out()
    const table = (release.body ?? '').split('\n').filter(l => l.startsWith('| '))
    out(
      `A bad deploy: "${release.title}" (#${release.number})  [${release.labels.map(l => l.name).join(', ')}]; sub-issues ${children.join(', ')}; the other ${table.filter(l => l.includes('| tracked here |')).length} tracked in its table:`
    )
    out([...table.slice(0, 6), '  …'].map(l => `  ${l}`).join('\n'))
    out(`  #${floodLead?.number} impact: ${impactOf(floodLead?.number)}`)
  }

  // Between runs: the bad deploy's worst error keeps firing (its events more than double).
  world.sentry.addEvents(badDeploy.ids[0]!, { events: 5_000, users: 300 })

  // Between runs: the night goes on. Sentry resolves the DNS issue; a person closed the OOM issue as
  // fixed, and it comes back (regressed) with new events.
  const resolved = issueOf(ids.dns)
  const regressing = issueOf(ids.oom)
  world.sentry.resolve(ids.dns)
  if (regressing)
    world.github.editAsPerson(regressing.number, { login: 'alice', close: 'completed' })
  world.sentry.regress(ids.oom, {
    events: 40,
    release: 'payments-worker@2.3.2',
    at: new Date(world.now.getTime() + 60_000)
  })
  out()
  out(
    `Between runs: Sentry resolved ${shortIdOf(ids.dns)} (#${resolved?.number}); alice closed #${regressing?.number} (${shortIdOf(ids.oom)}) as completed, then it regressed in Sentry.`
  )

  const llmBefore = world.llm.stats.requests
  const writesBefore = writeCount()
  const second = await runAction(world, DEMO_INPUTS)
  out()
  out('Second run (the follow-up pass keeps GitHub in step with Sentry):')
  out(
    renderTable({
      ...second.report!,
      results: second.report!.results.filter(r => r.action !== 'skipped')
    })
  )
  out(
    `outputs: closed=${second.outputs.closed} reopened=${second.outputs.reopened} created=${second.outputs.created} skipped=${second.outputs.skipped}; ` +
      `LLM requests ${world.llm.stats.requests - llmBefore}, GitHub writes ${writeCount() - writesBefore}`
  )
  out(
    `  #${floodLead?.number} (the bad deploy's worst error kept firing) refreshed in place, a body edit that notifies nobody: ${impactOf(floodLead?.number)}`
  )
  for (const n of [resolved?.number, regressing?.number]) {
    const issue = n ? world.github.issue(n) : undefined
    const comment = world.github.comments.filter(c => c.issue_number === n).at(-1)
    if (issue)
      out(
        `  #${n}: ${issue.state}${issue.state_reason ? ` (${issue.state_reason})` : ''} — "${comment?.body ?? ''}"`
      )
  }

  const llmThird = world.llm.stats.requests
  const writesThird = writeCount()
  const third = await runAction(world, DEMO_INPUTS)
  out()
  out(
    `Third run over the same Sentry state: created=${third.outputs.created} labeled=${third.outputs.labeled} closed=${third.outputs.closed} reopened=${third.outputs.reopened}; ` +
      `LLM requests ${world.llm.stats.requests - llmThird}, GitHub writes ${writeCount() - writesThird}`
  )
  const leaked = SECRETS.filter(secret =>
    [first, second, third].some(run => run.all().includes(secret))
  )
  out(`Secrets in logs, summary or outputs: ${leaked.length === 0 ? 'none' : leaked.length}`)
  out()
  out(
    'The job summary of the first run is in the `summary` the action writes to $GITHUB_STEP_SUMMARY; its first lines:'
  )
  out(
    first.summary
      .split('\n')
      .slice(0, 12)
      .map(l => `  ${l}`)
      .join('\n')
  )
} finally {
  await world.close()
}
