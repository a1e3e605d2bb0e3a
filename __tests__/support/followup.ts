/**
 * Helpers shared by the follow-up and people-win suites: markers as the fake stores them, the
 * GitHub issue of a Sentry id, writes since a point, and the quiet re-run check.
 */
import { afterEach, expect } from '@jest/globals'
import { startWorld, runAction, type World, type WorldOptions } from '../fakes/world.js'
import { seedScenario, type ScenarioSeed } from '../fakes/seed.js'
import type { GitHubIssue } from '../fakes/github.js'

export const ids = (w: World) => (w.seed as ScenarioSeed).ids
export const writes = (w: World) => w.github.requests.filter(r => r.method !== 'GET')
export const sentryWrites = (w: World) => w.sentry.requests.filter(r => r.method !== 'GET')
export const isChat = (r: { method: string; path: string }) =>
  r.method === 'POST' && /\/chat\/completions$/.test(r.path)

export interface MarkerValue {
  ids: string[]
  sig: string | null
  tier?: string
  applied?: { category: string; severity: string; classifier: string }
  resolvedFor?: string
  state?: string
}

export function markerOf(issue: GitHubIssue | undefined): MarkerValue | null {
  const match = /^<!-- sentry-triage:v1 (\{.*?\}) -->$/m.exec(issue?.body ?? '')
  return match ? (JSON.parse(match[1]!) as MarkerValue) : null
}

/** The GitHub issue (open first, then newest) whose marker lists a Sentry id. */
export function issueFor(w: World, sentryId: string): GitHubIssue {
  const found = w.github.issues
    .filter(i => markerOf(i)?.ids.includes(sentryId))
    .sort(
      (a, b) => Number(a.state === 'closed') - Number(b.state === 'closed') || b.number - a.number
    )
  if (!found[0]) throw new Error(`no GitHub issue for Sentry issue ${sentryId}`)
  return found[0]
}

export const commentsOn = (w: World, n: number) =>
  w.github.comments.filter(c => c.issue_number === n)
export const labelsOf = (w: World, n: number) =>
  w.github
    .issue(n)!
    .labels.map(l => l.name)
    .sort()

/** A second run's writes on both sides, counted from here. */
export function mark(w: World) {
  const gh = writes(w).length
  const se = sentryWrites(w).length
  const llm = w.llm.requests.filter(isChat).length
  return {
    github: () => writes(w).slice(gh),
    sentry: () => sentryWrites(w).slice(se),
    llm: () => w.llm.requests.filter(isChat).length - llm
  }
}

/** A moment GitHub's clock (real time) has certainly passed: regressions after a close today. */
export const later = (s = 2) => new Date(Date.now() + s * 1000)

/** Re-runs and asserts nothing was written on either side and no LLM request was made. */
export async function expectQuietRerun(w: World, inputs: Record<string, string>): Promise<void> {
  const since = mark(w)
  const again = await runAction(w, inputs)
  expect(again.failed).toBeNull()
  expect(since.github()).toEqual([])
  expect(since.sentry()).toEqual([])
  expect(since.llm()).toBe(0)
}

/** A GitHub issue the bot opened days ago for the seed's `old` Sentry issue (first seen 9 days back). */
export function oldIssueSeed(oldId: string, extra: { above?: string; below?: string } = {}) {
  const daysAgo = new Date(Date.now() - 8 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z')
  const section = [
    '<!-- sentry-triage:begin -->',
    `<!-- sentry-triage:v1 {"ids":["${oldId}"],"sig":null,"tier":"high","applied":{"category":"Network","severity":"High","classifier":"llm"},"state":"open"} -->`,
    '## 🟠 High · Network',
    '',
    'Failed to fetch in src/api/client.',
    '<!-- sentry-triage:end -->'
  ].join('\n')
  return {
    number: 60,
    title: 'TypeError: Failed to fetch',
    body: `${extra.above ?? ''}${section}${extra.below ?? ''}`,
    labels: ['sentry', 'category:network', 'severity:high'],
    created_at: daysAgo,
    updated_at: daysAgo
  }
}

export function oldIssueWorld(extra: { above?: string; below?: string } = {}): Promise<World> {
  const now = new Date()
  const seed = seedScenario({ now })
  return startWorld({ now, seed, github: { issues: [oldIssueSeed(seed.ids.old, extra)] } })
}

/**
 * One world per test, closed after it: returns `start`, which takes a world (or starts one with
 * these options) and registers it for closing.
 */
export function worldPerTest(): (from?: WorldOptions | Promise<World>) => Promise<World> {
  let world: World | undefined
  afterEach(async () => {
    await world?.close()
    world = undefined
  })
  return async from => {
    world = await (from instanceof Promise ? from : startWorld(from))
    return world
  }
}
