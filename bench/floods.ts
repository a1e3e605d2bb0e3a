/**
 * Floods and the living issue (issue #15), measured with the real action against the fakes:
 * - a flood: one release brings 200 new Sentry issues in one run. With flood control (the defaults:
 *   flood-threshold 10, flood-max-issues 3) and without it (flood-threshold 0): GitHub writes,
 *   issues opened, LLM requests, Sentry requests, wall time; then a re-run.
 * - the follow-up's refreshes: M = 500 tracked issues whose sections show their impact, 10 % of
 *   them moved (events doubled): refresh writes with max-refresh-writes at its default (20) and at
 *   M, the Sentry requests that cost, then a re-run over unchanged numbers.
 * `npm run bench -- --only floods` prints just these; the full bench prints them at its end.
 */
import { startWorld, runAction, type World } from '../__tests__/fakes/world.js'
import { makeIssues, type Seed } from '../__tests__/fakes/seed.js'
import { badDeployRelease, seedBadDeploy } from '../__tests__/fakes/seed-flood.js'
import { issueSchema } from '../src/sentry/issue.js'
import { impactOf, renderImpact } from '../src/render/impact.js'
import { renderSection } from '../src/track/marker.js'

export interface Latency {
  sentry: number
  github: number
  llm: number
}
type Pacing = { write: number; create: number; retryBase: number }

interface Pass {
  wallMs: number
  githubWrites: number
  opened: number
  llm: number
  sentry: number
  failed: string | null
}

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
const sec = (ms: number) => (ms / 1000).toFixed(2)
const isWrite = (r: { method: string; path: string }) =>
  r.method !== 'GET' && r.method !== 'HEAD' && !r.path.endsWith('/graphql')

async function measure(
  world: World,
  inputs: Record<string, string>,
  pacing: Pacing
): Promise<Pass> {
  const from = {
    github: world.github.requests.filter(isWrite).length,
    opened: world.github.requests.filter(r => r.method === 'POST' && /\/issues$/.test(r.path))
      .length,
    llm: world.llm.requests.filter(r => r.method === 'POST').length,
    sentry: world.sentry.requests.length
  }
  const t0 = performance.now()
  const record = await runAction(world, inputs, {
    githubWriteSpacingMs: pacing.write,
    githubNotifySpacingMs: pacing.create,
    githubRetryAfterBaseMs: pacing.retryBase
  })
  return {
    wallMs: performance.now() - t0,
    githubWrites: world.github.requests.filter(isWrite).length - from.github,
    opened:
      world.github.requests.filter(r => r.method === 'POST' && /\/issues$/.test(r.path)).length -
      from.opened,
    llm: world.llm.requests.filter(r => r.method === 'POST').length - from.llm,
    sentry: world.sentry.requests.length - from.sentry,
    failed: record.failed
  }
}

export interface FloodFigures {
  n: number
  latency: Latency
  control: { first: Pass; rerun: Pass }
  none: { first: Pass }
  refresh: {
    m: number
    moved: number
    capped: Pass
    uncapped: Pass
    rerun: Pass
  }
}

/** One run of a 200-issue flood, in a world of its own, with these inputs. */
async function floodPasses(
  n: number,
  latency: Latency,
  pacing: Pacing,
  inputs: Record<string, string>
) {
  const now = new Date()
  const world = await startWorld({
    now,
    seed: seedBadDeploy({ now, count: n }),
    sentry: { releases: [badDeployRelease()], latencyMs: latency.sentry },
    github: { latencyMs: latency.github },
    llm: { latencyMs: latency.llm }
  })
  try {
    const first = await measure(world, inputs, pacing)
    const rerun = await measure(world, inputs, pacing)
    return { first, rerun }
  } finally {
    await world.close()
  }
}

/** M issues the action opened earlier, each section showing its impact as of two hours ago. */
function livingIssueSeeds(seed: Seed, now: Date) {
  const at = new Date(now.getTime() - 2 * 3_600_000).toISOString()
  return seed.issues.map((raw, i) => {
    const issue = issueSchema.parse(raw)
    const impact = impactOf([issue], { first: null, latest: null })
    const marker = {
      ids: [issue.id],
      sig: null,
      applied: { category: 'Logic' as const, severity: 'Low' as const, classifier: 'llm' as const },
      shown: { events: impact.events, users: impact.users, tier: impact.tier, at }
    }
    return {
      number: 1000 + i,
      title: issue.title,
      body: renderSection(
        marker,
        `## Issue ${issue.shortId}\n\n${renderImpact(impact, s => s, at)}`
      ),
      labels: ['sentry', 'category:logic', 'severity:low'],
      created_at: iso(now.getTime() - 9 * DAY),
      updated_at: iso(now.getTime() - 2 * DAY)
    }
  })
}

async function refreshPasses(m: number, latency: Latency, pacing: Pacing) {
  const now = new Date()
  const seed = makeIssues(m, now)
  // First seen ten days ago: outside the intake window, so the runs are the follow-up alone.
  for (const issue of seed.issues) issue.firstSeen = iso(now.getTime() - 10 * DAY)
  const world = await startWorld({
    now,
    seed,
    github: { issues: livingIssueSeeds(seed, now), latencyMs: latency.github },
    sentry: { latencyMs: latency.sentry },
    llm: { latencyMs: latency.llm }
  })
  try {
    // Every tenth one doubled its events since it was shown.
    const moved = seed.issues.filter((_, i) => i % 10 === 0)
    for (const issue of moved) world.sentry.addEvents(issue.id, { events: Number(issue.count) })
    const inputs = { 'max-issues': String(m) }
    const capped = await measure(world, inputs, pacing)
    const uncapped = await measure(world, { ...inputs, 'max-refresh-writes': String(m) }, pacing)
    const rerun = await measure(world, { ...inputs, 'max-refresh-writes': String(m) }, pacing)
    return { m, moved: moved.length, capped, uncapped, rerun }
  } finally {
    await world.close()
  }
}

export async function floodFigures(latency: Latency, pacing: Pacing): Promise<FloodFigures> {
  const n = 200
  const control = await floodPasses(n, latency, pacing, {})
  const none = await floodPasses(n, latency, pacing, { 'flood-threshold': '0' })
  return {
    n,
    latency,
    control,
    none: { first: none.first },
    refresh: await refreshPasses(500, latency, pacing)
  }
}

export function renderFloodFigures(f: FloodFigures): string[] {
  const line = (name: string, p: Pass) =>
    `  ${name}: wall ${sec(p.wallMs)} s; GitHub ${p.githubWrites} writes (${p.opened} issues opened); LLM ${p.llm} requests; Sentry ${p.sentry} requests${p.failed ? `; FAILED: ${p.failed}` : ''}`
  const r = f.refresh
  const ok =
    f.control.first.opened === 4 &&
    f.control.rerun.githubWrites === 0 &&
    r.capped.githubWrites === 20 &&
    r.uncapped.githubWrites === r.moved - 20 &&
    r.rerun.githubWrites === 0
  return [
    `floods (issue #15): one release, ${f.n} new Sentry issues in one run (each a distinct error); latency Sentry ${f.latency.sentry} / GitHub ${f.latency.github} / LLM ${f.latency.llm} ms; short write pacing`,
    line('flood control (defaults: threshold 10, 3 issues of their own)', f.control.first),
    line('  re-run', f.control.rerun),
    line('no flood control (flood-threshold 0; max-issues 50 defers the rest)', f.none.first),
    `  (with flood control the classifications stay within max-issues: 3 own issues + one per tracked signature group up to 50; the groups past it are classified by the offline heuristic. The Sentry requests include one latest-event read per new issue for its release.)`,
    `refresh: M=${r.m} tracked issues showing their impact, ${r.moved} of them moved (events doubled):`,
    line('run, max-refresh-writes 20 (default)', r.capped),
    line(`next run, max-refresh-writes ${r.m}`, r.uncapped),
    line('re-run over unchanged numbers', r.rerun),
    `  ${ok ? 'PASS' : 'MISS'}  one release issue + 3 sub-issues for the flood and a quiet re-run; 20 refresh writes, then the other ${r.moved - 20}, then none`
  ]
}
