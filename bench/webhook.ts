/**
 * Issue #13: a webhook run's GitHub reads (a run for one Sentry issue) in a repository with a long
 * history — 150 open and 400 closed issues that have nothing to do with Sentry — against its bound
 * ⌈open issues/100⌉ + 3, for a new issue and for a regression of an issue closed 40 days ago.
 */
import { startWorld, runAction } from '../__tests__/fakes/world.js'
import { seedScenario } from '../__tests__/fakes/seed.js'
import type { GitHubIssueSeed } from '../__tests__/fakes/github.js'
import { renderSection } from '../src/track/marker.js'

const OPEN = 150
const CLOSED = 400

function history(now: Date): GitHubIssueSeed[] {
  const at = now.toISOString()
  const base = { body: 'Not from Sentry.', user: 'alice', created_at: at, updated_at: at }
  return [
    ...Array.from({ length: OPEN }, (_, i) => ({ ...base, number: 1000 + i, title: `Open ${i}` })),
    ...Array.from({ length: CLOSED }, (_, i) => ({
      ...base,
      number: 2000 + i,
      title: `Closed ${i}`,
      state: 'closed' as const,
      state_reason: 'completed' as const,
      closed_at: at
    }))
  ]
}

interface WebhookCase {
  name: string
  reads: number
  bound: number
  closedPages: number
  actions: string
}

async function measure(name: string, regression: boolean): Promise<WebhookCase> {
  const now = new Date()
  const seed = seedScenario({ now })
  const id = seed.ids.deadlock
  const longAgo = new Date(now.getTime() - 40 * 86_400_000).toISOString()
  const closed: GitHubIssueSeed[] = regression
    ? [
        {
          number: 300,
          title: '[CHECKOUT-API-3K] error: deadlock detected',
          body: renderSection(
            {
              ids: [id],
              sig: null,
              tier: 'high',
              applied: { category: 'Database', severity: 'High', classifier: 'llm' },
              state: 'closed'
            },
            'deadlock detected'
          ),
          labels: ['category:database', 'severity:high', 'sentry'],
          state: 'closed',
          state_reason: 'completed',
          created_at: longAgo,
          updated_at: longAgo,
          closed_at: longAgo
        }
      ]
    : []
  const world = await startWorld({ now, seed, github: { issues: [...history(now), ...closed] } })
  try {
    if (regression) world.sentry.regress(id, { events: 3 })
    const run = await runAction(world, {
      classifier: 'heuristic',
      'sentry-issue': id,
      'code-links': 'false',
      'close-resolved': 'true'
    })
    const requests = world.github.requests
    const first = requests.findIndex(r => r.method !== 'GET' && !r.path.endsWith('/graphql'))
    const before = requests.slice(0, first < 0 ? requests.length : first)
    const open = world.github.issues.filter(i => i.state === 'open' && !i.pull_request).length
    return {
      name,
      reads: before.filter(r => r.method === 'GET').length,
      bound: Math.ceil(open / 100) + 3,
      closedPages: before.filter(r => r.query.get('state') === 'closed').length,
      actions: (run.report?.results ?? []).map(r => `${r.shortId} ${r.action}`).join(', ')
    }
  } finally {
    await world.close()
  }
}

export async function webhookReadFigures(): Promise<WebhookCase[]> {
  return [
    await measure('new issue', false),
    await measure('regression of an issue closed 40 days ago', true)
  ]
}

export function renderWebhookFigures(cases: WebhookCase[]): string[] {
  return [
    `A run for one Sentry issue (webhook, sentry-issue) in a repository with ${OPEN} open and ${CLOSED} closed unrelated issues:`,
    ...cases.map(
      c =>
        `  ${c.name}: ${c.reads} GitHub reads before the first write (bound ⌈open/100⌉+3 = ${c.bound}) ${c.reads <= c.bound ? '✅' : '❌'}; closed-issue listing pages: ${c.closedPages}; ${c.actions}`
    )
  ]
}
