/**
 * Runs about one Sentry issue (a webhook, `sentry-issue`), over real HTTP: their GitHub reads do not
 * grow with the repository's history, and they still reach an issue closed long ago.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction, startWorld, type World } from './fakes/world.js'
import { seedScenario } from './fakes/seed.js'
import type { GitHubIssueSeed } from './fakes/github.js'
import { renderSection } from '../src/track/marker.js'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const JWT_ISSUE: GitHubIssueSeed = {
  number: 7,
  title: 'JWT expired errors in checkout',
  body: 'Opened by the Sentry GitHub integration.'
}

/** Issues of the repository that have nothing to do with Sentry: its history. */
function history(now: Date, open: number, closed: number): GitHubIssueSeed[] {
  const at = now.toISOString()
  return [
    ...Array.from({ length: open }, (_, i) => ({
      number: 1000 + i,
      title: `Feature request ${i}`,
      body: 'Please add dark mode.',
      user: 'alice',
      created_at: at,
      updated_at: at
    })),
    ...Array.from({ length: closed }, (_, i) => ({
      number: 2000 + i,
      title: `Old bug ${i}`,
      body: 'Fixed long ago.',
      user: 'alice',
      state: 'closed' as const,
      state_reason: 'completed' as const,
      created_at: at,
      updated_at: at,
      closed_at: at
    }))
  ]
}

describe('a run for one Sentry issue', () => {
  it('makes at most ⌈open issues/100⌉ + 3 GitHub reads before its writes, with 150 open and 400 closed issues', async () => {
    const now = new Date()
    const seed = seedScenario({ now })
    world = await startWorld({
      now,
      seed,
      github: {
        issues: [{ ...JWT_ISSUE, created_at: now.toISOString() }, ...history(now, 150, 400)]
      }
    })
    const run = await runAction(world, {
      classifier: 'heuristic',
      'sentry-issue': seed.ids.deadlock,
      'code-links': 'false'
    })
    expect(run.failed).toBeNull()
    expect(run.report!.results.map(r => r.action)).toEqual(['created'])
    const firstWrite = world.github.requests.findIndex(
      r => r.method !== 'GET' && !r.path.endsWith('/graphql')
    )
    const reads = world.github.requests.slice(0, firstWrite).filter(r => r.method === 'GET')
    const open = world.github.issues.filter(i => i.state === 'open' && !i.pull_request).length
    expect(open).toBeGreaterThan(150)
    expect(reads.length).toBeLessThanOrEqual(Math.ceil(open / 100) + 3)
    // Not one page of the 400 closed issues.
    expect(reads.some(r => r.query.get('state') === 'closed')).toBe(false)
  })

  it('a regression alert reaches the issue closed 40 days ago (one marker search) and reopens it: no second issue', async () => {
    const now = new Date()
    const seed = seedScenario({ now })
    const deadlock = seed.ids.deadlock
    const longAgo = new Date(now.getTime() - 40 * 86_400_000).toISOString()
    const body = renderSection(
      {
        ids: [deadlock],
        sig: null,
        tier: 'high',
        applied: { category: 'Database', severity: 'High', classifier: 'llm' },
        state: 'closed'
      },
      'deadlock detected'
    )
    world = await startWorld({
      now,
      seed,
      github: {
        issues: [
          { ...JWT_ISSUE, created_at: now.toISOString() },
          {
            number: 300,
            title: '[CHECKOUT-API-3K] error: deadlock detected',
            body,
            labels: ['category:database', 'severity:high', 'sentry'],
            state: 'closed',
            state_reason: 'completed',
            created_at: longAgo,
            updated_at: longAgo,
            closed_at: longAgo
          }
        ]
      }
    })
    world.sentry.regress(deadlock, { events: 3 })

    const run = await runAction(world, {
      classifier: 'heuristic',
      'sentry-issue': deadlock,
      'code-links': 'false'
    })
    expect(run.failed).toBeNull()
    expect(run.report!.results.map(r => [r.sentryId, r.action, r.githubIssue])).toEqual([
      [deadlock, 'reopened', 'https://github.com/acme/shop/issues/300']
    ])
    expect(world.github.issue(300)!.state).toBe('open')
    expect(
      world.github.requests.filter(r => r.method === 'POST' && r.path.endsWith('/issues'))
    ).toEqual([])
  })
})
