/**
 * The follow-up pass's cost (issue #7): M GitHub issues the action opened earlier, each with its
 * marker, and their M Sentry issues first seen long before `since` (so the intake pass lists none),
 * some of them resolved since. The real action runs with `close-resolved`; the figures are the
 * Sentry and GitHub requests and the wall time, then a re-run over the same state (no write).
 * `npm run bench -- --only followup` prints just these; the full bench prints them after the intake cases.
 */
import { startWorld, runAction, type World } from '../__tests__/fakes/world.js'
import { makeIssues } from '../__tests__/fakes/seed.js'
import type { RecordedRequest } from '../__tests__/fakes/server.js'
import { trackedIssueSeeds } from '../__tests__/fakes/seed-tracked.js'

export interface FollowUpLatency {
  sentry: number
  github: number
  llm: number
}

export interface FollowUpPass {
  wallMs: number
  sentry: { total: number; batches: number; regressed: number; intake: number; other: number }
  github: { total: number; listings: number; otherReads: number; writes: number }
  llm: number
  closed: string
  failed: string | null
}

export interface FollowUpFigures {
  m: number
  resolved: number
  latency: FollowUpLatency
  pacing: { write: number; create: number }
  first: FollowUpPass
  rerun: FollowUpPass
}

const DAY = 86_400_000
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')

async function followUpWorld(m: number, latency: FollowUpLatency): Promise<World> {
  const now = new Date()
  const seed = makeIssues(m, now)
  // First seen ten days ago: outside the intake window, so the run is the follow-up alone.
  for (const issue of seed.issues) issue.firstSeen = iso(now.getTime() - 10 * DAY)
  const issues = trackedIssueSeeds(seed, {
    firstNumber: 1000,
    createdAt: iso(now.getTime() - 9 * DAY),
    updatedAt: iso(now.getTime() - 2 * DAY)
  })
  return startWorld({
    now,
    seed,
    github: { issues, latencyMs: latency.github },
    sentry: { latencyMs: latency.sentry },
    llm: { latencyMs: latency.llm }
  })
}

function pass(world: World, from: { sentry: number; github: number; llm: number }) {
  const sentry = world.sentry.requests.slice(from.sentry)
  const github = world.github.requests.slice(from.github)
  const query = (r: RecordedRequest) => r.query.get('query') ?? ''
  const batches = sentry.filter(r => r.query.getAll('group').length > 0).length
  const regressed = sentry.filter(r => query(r).includes('is:regressed')).length
  const intake = sentry.filter(r => r.query.get('sort') === 'new').length
  const listings = github.filter(
    r => r.method === 'GET' && /^\/(repos\/[^/]+\/[^/]+|repositories\/\d+)\/issues$/.test(r.path)
  )
  const writes = github.filter(r => r.method !== 'GET' && r.method !== 'HEAD').length
  return {
    sentry: {
      total: sentry.length,
      batches,
      regressed,
      intake,
      other: sentry.length - batches - regressed - intake
    },
    github: {
      total: github.length,
      listings: listings.length,
      otherReads: github.length - listings.length - writes,
      writes
    },
    llm: world.llm.requests.length - from.llm
  }
}

export async function followUpFigures(
  m: number,
  latency: FollowUpLatency,
  pacing: { write: number; create: number; retryBase: number }
): Promise<FollowUpFigures> {
  const world = await followUpWorld(m, latency)
  try {
    // Every tenth Sentry issue was resolved since the last run: those GitHub issues close.
    const resolved = world.seed.issues.filter((_, i) => i % 10 === 0)
    for (const issue of resolved) world.sentry.resolve(issue.id)
    const inputs = { 'close-resolved': 'true', 'max-issues': String(m) }
    const options = {
      githubWriteSpacingMs: pacing.write,
      githubNotifySpacingMs: pacing.create,
      githubRetryAfterBaseMs: pacing.retryBase
    }
    const measure = async (): Promise<FollowUpPass> => {
      const from = {
        sentry: world.sentry.requests.length,
        github: world.github.requests.length,
        llm: world.llm.requests.length
      }
      const t0 = performance.now()
      const record = await runAction(world, inputs, options)
      const wallMs = performance.now() - t0
      return {
        wallMs,
        ...pass(world, from),
        closed: record.outputs.closed ?? '?',
        failed: record.failed
      }
    }
    const first = await measure()
    const rerun = await measure()
    return {
      m,
      resolved: resolved.length,
      latency,
      pacing: { write: pacing.write, create: pacing.create },
      first,
      rerun
    }
  } finally {
    await world.close()
  }
}

const ceil100 = (k: number) => Math.max(1, Math.ceil(k / 100))
const sec = (ms: number) => (ms / 1000).toFixed(2)

export function renderFollowUpFigures(f: FollowUpFigures): string[] {
  const line = (name: string, p: FollowUpPass) =>
    `  ${name}: wall ${sec(p.wallMs)} s; Sentry ${p.sentry.total} requests (${p.sentry.batches} group= batches, ${p.sentry.regressed} regressed listing, ${p.sentry.intake} intake listing, ${p.sentry.other} other); ` +
    `GitHub ${p.github.total} requests (${p.github.listings} issue-listing pages, ${p.github.otherReads} other reads, ${p.github.writes} writes); LLM ${p.llm}; closed=${p.closed}${p.failed ? `; FAILED: ${p.failed}` : ''}`
  const expectBatches = ceil100(f.m)
  const ok =
    f.first.sentry.batches === expectBatches &&
    f.first.sentry.regressed === 1 &&
    f.first.github.listings === expectBatches + 1 &&
    f.rerun.github.writes === 0 &&
    f.rerun.llm === 0
  return [
    `follow-up (issue #7): M=${f.m} linked GitHub issues (open, marked by the bot), their Sentry issues first seen 10 days ago (outside since: intake lists none), ${f.resolved} resolved since; close-resolved on;`,
    `  latency Sentry ${f.latency.sentry} / GitHub ${f.latency.github} / LLM ${f.latency.llm} ms; write pacing ${f.pacing.write} ms, create pacing ${f.pacing.create} ms`,
    line('run', f.first),
    line('re-run', f.rerun),
    `  expected: ⌈M/100⌉ = ${expectBatches} Sentry batches + 1 regressed listing, ⌈M/100⌉ = ${expectBatches} open-issue pages (+1 closed listing), 2 writes per close (close with marker + comment), re-run 0 writes`,
    `  ${ok ? 'PASS' : 'MISS'}  follow-up reads ⌈M/100⌉ Sentry batches and ⌈M/100⌉+1 GitHub pages, and the re-run writes nothing`
  ]
}
