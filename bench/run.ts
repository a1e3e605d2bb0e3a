/**
 * `npm run bench` (issue #4): the REAL action (`run()` from src/main.ts, via the shared world
 * harness) against the local fake Sentry, GitHub and LLM servers with injected latency, compared
 * with a lower bound derived from those latencies and with a naive serial loop (bench/serial.ts)
 * measured in the same run. Prints the figures and writes them to bench/results.md.
 *
 * Lower bound (what any run of this pipeline must wait for; the formula is printed too):
 *   s, g, m      = Sentry, GitHub, LLM latency per request (150, 100, 850 ms)
 *   c            = max-concurrency; G = distinct signatures among the N issues (= LLM calls needed)
 *   read         = ceil(N/100)·s      Sentry listing: pages of 100, each page needs the previous Link cursor
 *                + ceil(K/100)·g      the one listing of linked GitHub issues (K issues in the window); it is
 *                                     bounded by the batch's earliest firstSeen, so it follows the Sentry listing
 *   classify     = s + ceil(G/c)·m    the LLM calls, c at a time, after the first latest-event fetch: the
 *                                     pipeline fetches the other events ahead, while the LLM is busy
 *   dry-run bound = read + classify
 *   Writing: C = issues to create, L = labels that do not exist yet, W = C + L writes,
 *            Sw = write spacing, Sc = issue-create (notification) spacing.
 *   chain        = (s+m) + max((W-1)·max(Sw,g), (C-1)·max(Sc,g)) + g
 *                  writes are serial and paced; the first cannot start before one classification is done
 *   tail         = classify + g       the last create cannot start before the last classification ends
 *   dup          = ceil((K+C)/100)·g  the race check lists the run's issues after the last create
 *   writing bound = read + max(tail, chain) + dup
 * Label listing (one GET) and the per-request CPU are left out: they can overlap or are not latency.
 */
import { organizationFigures, renderOrganizationFigures } from './organization.js'
import { renderWebhookFigures, webhookReadFigures } from './webhook.js'
import { renderSignalsFigures, signalsFigures } from './signals.js'
import { spawnSync } from 'node:child_process'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { execSync } from 'node:child_process'
import { gzipSync } from 'node:zlib'
import { loadavg, cpus } from 'node:os'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { startWorld, runAction, type World } from '../__tests__/fakes/world.js'
import { makeIssues } from '../__tests__/fakes/seed.js'
import type { RecordedRequest } from '../__tests__/fakes/server.js'
import { DEFAULTS } from '../src/config/config.js'
import { WRITE_SPACING_MS, NOTIFY_SPACING_MS } from '../src/github/client.js'
import { SentryClient } from '../src/sentry/client.js'
import { Budget } from '../src/http/retry.js'
import { issueSignature } from '../src/classify/signature.js'
import { serialBaseline, type SerialResult } from './serial.js'
import { fewShotLines, fewShotTokens, type FewShotFigures } from './few-shot.js'
import { codeContextFigures, renderCodeContextFigures } from './code.js'
import { followUpFigures, renderFollowUpFigures } from './followup.js'
import { floodFigures, renderFloodFigures } from './floods.js'

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..')
const LAT = { sentry: 150, github: 100, llm: 850 } as const
const CONCURRENCY = Number(DEFAULTS['max-concurrency'])
/** The documented shorter pacing for the cases where GitHub's real pacing is not affordable here. */
const SHORT = { write: 100, create: 100, retryBase: 10 } as const
const REAL = { write: WRITE_SPACING_MS, create: NOTIFY_SPACING_MS, retryBase: 1000 } as const
const COLD_RUNS = 15

type Pacing = { write: number; create: number; retryBase: number }

interface CaseSpec {
  id: string
  n: number
  dry: boolean
  pacing: Pacing | null
  pacingLabel: string
}

interface Bound {
  ms: number
  /** the same, if event fetches were prefetched outside the LLM slots: only m per slot */
  detail: string
}

interface Rerun {
  wallMs: number
  llm: number
  githubWrites: number
  githubReads: number
  sentry: number
  skipped: string
}

interface CaseResult {
  spec: CaseSpec
  wallMs: number
  bound: Bound
  groups: number
  sentry: { total: number; listing: number; events: number }
  github: {
    total: number
    reads: number
    writes: number
    creates: number
    labelCreates: number
    otherWrites: number
    newLabels: number
  }
  llm: { requests: number; promptTokens: number; completionTokens: number }
  outputs: Record<string, string>
  peakRssMb: number
  baseRssMb: number
  cpuMs: number
  timeline: string
  rerun: Rerun | null
  failed: string | null
  warnings: string[]
  serial: (SerialResult & { label: string; floorMs: number }) | null
}

const out = (line = '') => process.stdout.write(`${line}\n`)
const sec = (ms: number) => (ms / 1000).toFixed(2)
const ceil100 = (k: number) => Math.max(1, Math.ceil(k / 100))

/** Peak RSS over an interval, sampled every 20 ms (process-wide: the fakes share the process). */
class RssSampler {
  private peak = 0
  private timer: NodeJS.Timeout | null = null
  start(): void {
    this.peak = process.memoryUsage.rss()
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage.rss())
    }, 20)
    this.timer.unref()
  }
  stop(): number {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
    this.peak = Math.max(this.peak, process.memoryUsage.rss())
    return this.peak / 1024 / 1024
  }
}

function lowerBound(p: {
  n: number
  groups: number
  k: number
  dry: boolean
  pacing: Pacing | null
  labels: number
}): Bound {
  const { sentry: s, github: g, llm: m } = LAT
  const read = ceil100(p.n) * s + ceil100(p.k) * g
  const slots = Math.ceil(p.groups / CONCURRENCY)
  const classify = s + slots * m
  if (p.dry || !p.pacing) {
    return {
      ms: read + classify,
      detail: `read ${sec(read)} + classify ${s} + ceil(${p.groups}/${CONCURRENCY})·${m} ms = ${sec(classify)}`
    }
  }
  const C = p.groups
  const W = C + p.labels
  const spacing = Math.max(
    (W - 1) * Math.max(p.pacing.write, g),
    (C - 1) * Math.max(p.pacing.create, g)
  )
  const chain = s + m + spacing + g
  const dup = ceil100(p.k + C) * g
  const tail = classify + g
  return {
    ms: read + Math.max(tail, chain) + dup,
    detail:
      `read ${sec(read)} + max(tail ${sec(tail)}, chain ${sec(chain)} [W=${W}: ${C} creates + ${p.labels} labels; ` +
      `max(${W - 1}·${Math.max(p.pacing.write, g)}, ${C - 1}·${Math.max(p.pacing.create, g)}) ms]) + dup ${sec(dup)}`
  }
}

/** Distinct signatures (= classifications needed) among the seeded issues, as the action computes them. */
async function countGroups(n: number): Promise<number> {
  const now = new Date()
  const world = await startWorld({ now, seed: makeIssues(n, now) })
  try {
    const sentry = new SentryClient({
      baseUrl: world.sentry.url,
      token: world.inputs['sentry-token'] ?? '',
      org: 'acme',
      timeoutMs: 30_000,
      budget: new Budget(60_000)
    })
    const { issues } = await sentry.listNewIssues({
      query: DEFAULTS['sentry-query'],
      since: DEFAULTS.since,
      projectIds: [],
      environment: null
    })
    if (issues.length !== n) throw new Error(`seed of ${n} listed ${issues.length} issues`)
    return new Set(issues.map(issueSignature)).size
  } finally {
    await world.close()
  }
}

function latencyWorld(n: number): Promise<World> {
  const now = new Date()
  return startWorld({
    now,
    seed: makeIssues(n, now),
    sentry: { latencyMs: LAT.sentry },
    github: { latencyMs: LAT.github },
    llm: { latencyMs: LAT.llm }
  })
}

// GraphQL blame (code context) is a POST that only reads.
const isWrite = (r: RecordedRequest) =>
  r.method !== 'GET' && r.method !== 'HEAD' && !r.path.endsWith('/graphql')
const isCreate = (r: RecordedRequest) =>
  r.method === 'POST' && /\/repos\/[^/]+\/[^/]+\/issues$/.test(r.path)
const isLabelCreate = (r: RecordedRequest) =>
  r.method === 'POST' && /\/repos\/[^/]+\/[^/]+\/labels$/.test(r.path)
const isChat = (r: RecordedRequest) => r.method === 'POST' && r.path.endsWith('/chat/completions')

function timeline(world: World, t0: number, end: number): string {
  const rel = (t: number | undefined) => (t === undefined ? '—' : sec(t - t0))
  const listing = world.sentry.requests.filter(r => !r.path.includes('/events/'))
  const events = world.sentry.requests.filter(r => r.path.includes('/events/'))
  const chats = world.llm.requests.filter(isChat)
  const writes = world.github.requests.filter(isWrite)
  const lastChat = chats.at(-1)?.at
  return (
    `Sentry listing ${rel(listing[0]?.at)}–${rel(listing.at(-1)?.at)} s, ` +
    `GitHub listing ${rel(world.github.requests[0]?.at)} s, ` +
    `first event ${rel(events[0]?.at)} s, last LLM call ends ~${lastChat === undefined ? '—' : sec(lastChat + LAT.llm - t0)} s, ` +
    `writes ${rel(writes[0]?.at)}–${rel(writes.at(-1)?.at)} s, done ${sec(end - t0)} s`
  )
}

async function pipelineCase(spec: CaseSpec, groups: number): Promise<CaseResult> {
  const world = await latencyWorld(spec.n)
  try {
    const k = world.github.issues.length
    const labelsBefore = world.github.labels.length
    const inputs = { 'max-issues': String(spec.n), 'dry-run': String(spec.dry) }
    const pacing = spec.pacing ?? SHORT
    const runOptions = {
      githubWriteSpacingMs: pacing.write,
      githubNotifySpacingMs: pacing.create,
      githubRetryAfterBaseMs: pacing.retryBase
    }
    const sampler = new RssSampler()
    if (global.gc) global.gc()
    const baseRssMb = process.memoryUsage.rss() / 1024 / 1024
    const cpu0 = process.cpuUsage()
    sampler.start()
    const t0 = Date.now()
    const p0 = performance.now()
    const record = await runAction(world, inputs, runOptions)
    const wallMs = performance.now() - p0
    const end = Date.now()
    const peakRssMb = sampler.stop()
    const cpu = process.cpuUsage(cpu0)

    const gh = world.github.requests
    const sentryReq = world.sentry.requests
    const newLabels = world.github.labels.length - labelsBefore
    const result: CaseResult = {
      spec,
      wallMs,
      groups,
      bound: lowerBound({
        n: spec.n,
        groups,
        k,
        dry: spec.dry,
        pacing: spec.pacing,
        labels: newLabels
      }),
      sentry: {
        total: sentryReq.length,
        listing: sentryReq.filter(r => !r.path.includes('/events/')).length,
        events: sentryReq.filter(r => r.path.includes('/events/')).length
      },
      github: {
        total: gh.length,
        reads: gh.filter(r => !isWrite(r)).length,
        writes: gh.filter(isWrite).length,
        creates: gh.filter(isCreate).length,
        labelCreates: gh.filter(isLabelCreate).length,
        otherWrites: gh.filter(r => isWrite(r) && !isCreate(r) && !isLabelCreate(r)).length,
        newLabels
      },
      llm: {
        requests: world.llm.stats.requests,
        promptTokens: world.llm.stats.promptTokens,
        completionTokens: world.llm.stats.completionTokens
      },
      outputs: record.outputs,
      peakRssMb,
      baseRssMb,
      cpuMs: (cpu.user + cpu.system) / 1000,
      timeline: timeline(world, t0, end),
      rerun: null,
      failed: record.failed,
      warnings: record.warnings,
      serial: null
    }

    if (!spec.dry) {
      // Re-run over the same Sentry state: nothing to classify, nothing to write.
      const before = {
        llm: world.llm.stats.requests,
        gh: gh.length,
        ghw: gh.filter(isWrite).length,
        s: sentryReq.length
      }
      const q0 = performance.now()
      const again = await runAction(world, inputs, runOptions)
      result.rerun = {
        wallMs: performance.now() - q0,
        llm: world.llm.stats.requests - before.llm,
        githubWrites: gh.filter(isWrite).length - before.ghw,
        githubReads: gh.length - before.gh - (gh.filter(isWrite).length - before.ghw),
        sentry: sentryReq.length - before.s,
        skipped: again.outputs.skipped ?? '?'
      }
    }
    return result
  } finally {
    await world.close()
  }
}

interface ColdStart {
  medianMs: number
  minMs: number
  maxMs: number
  ok: boolean
  message: string
}

/**
 * `node <args>` spawned COLD_RUNS times with a bad input; wall time from spawn to exit.
 * env "inherited": this process's environment minus INPUT_*, GITHUB_*, RUNNER_* and NODE_OPTIONS
 * (so it carries e.g. NODE_EXTRA_CA_CERTS if the machine sets it); "clean": PATH only, like a runner
 * that sets no Node variables.
 */
function coldStart(
  args: string[],
  envKind: 'inherited' | 'clean',
  expectError: boolean
): ColdStart {
  const env: NodeJS.ProcessEnv = {}
  if (envKind === 'clean') env.PATH = process.env.PATH
  else {
    for (const [key, value] of Object.entries(process.env)) {
      if (/^(INPUT_|GITHUB_|RUNNER_)/.test(key) || key === 'NODE_OPTIONS') continue
      env[key] = value
    }
  }
  // A bad input: a Sentry URL that is not https, and the required inputs left empty.
  env.INPUT_SENTRY_URL = 'http://sentry.example.com'
  const runs: number[] = []
  let ok = true
  let message = ''
  for (let i = 0; i < COLD_RUNS; i++) {
    const t = performance.now()
    const child = spawnSync(process.execPath, args, { env, encoding: 'utf8' })
    runs.push(performance.now() - t)
    const text = `${child.stdout}${child.stderr}`
    if (expectError)
      ok &&= child.status === 1 && /::error::/.test(text) && /sentry-token/.test(text)
    message = (/::error::(.*)/.exec(text)?.[1] ?? text).replace(/%0A/g, ' ').slice(0, 140)
  }
  const sorted = [...runs].sort((a, b) => a - b)
  return {
    medianMs: sorted[Math.floor(sorted.length / 2)] ?? Number.NaN,
    minMs: sorted[0] ?? Number.NaN,
    maxMs: sorted.at(-1) ?? Number.NaN,
    ok,
    message
  }
}

// ---------------------------------------------------------------------------------------------

/** Issue #10: tokens per classification with 5 few-shot examples must stay at or under this. */
const FEW_SHOT_TARGET = 600
const fewShotTarget = (f: FewShotFigures) =>
  `${f.with.total <= FEW_SHOT_TARGET ? 'PASS' : 'MISS'}  tokens per classification with 5 few-shot examples <= ${FEW_SHOT_TARGET}: ${f.with.total} (without: ${f.without.total})`

// `npm run bench -- --only few-shot`: just the few-shot figure (seconds, not minutes; writes nothing).
if (process.argv.includes('--only') && process.argv.includes('few-shot')) {
  const figures = await fewShotTokens(50)
  for (const l of fewShotLines(figures)) out(l)
  out(`  ${fewShotTarget(figures)}`)
  process.exit(0)
}

/** Issue #7: the follow-up pass over this many linked issues. */
const FOLLOW_UP_M = 500

// `npm run bench -- --only webhook`: just a webhook run's GitHub reads (issue #13; seconds).
if (process.argv.includes('--only') && process.argv.includes('webhook')) {
  for (const l of renderWebhookFigures(await webhookReadFigures())) out(l)
  process.exit(0)
}

// `npm run bench -- --only signals`: requests and tokens per new issue before and after what Sentry
// already knows (issue #16; seconds).
if (process.argv.includes('--only') && process.argv.includes('signals')) {
  for (const l of renderSignalsFigures(await signalsFigures())) out(l)
  process.exit(0)
}

// `npm run bench -- --only organization`: 40 projects → 8 repositories, 400 issues (issue #14).
if (process.argv.includes('--only') && process.argv.includes('organization')) {
  for (const l of renderOrganizationFigures(await organizationFigures(LAT, SHORT), LAT)) out(l)
  process.exit(0)
}

// `npm run bench -- --only floods`: a 200-issue flood and the follow-up's refreshes (issue #15).
if (process.argv.includes('--only') && process.argv.includes('floods')) {
  for (const l of renderFloodFigures(await floodFigures(LAT, SHORT))) out(l)
  process.exit(0)
}

// `npm run bench -- --only followup`: just the follow-up figures (writes nothing).
if (process.argv.includes('--only') && process.argv.includes('followup')) {
  for (const l of renderFollowUpFigures(await followUpFigures(FOLLOW_UP_M, LAT, SHORT))) out(l)
  process.exit(0)
}

const benchStart = performance.now()
const FORMULA = [
  `Injected latency per request: Sentry s=${LAT.sentry} ms, GitHub g=${LAT.github} ms, LLM m=${LAT.llm} ms; max-concurrency c=${CONCURRENCY} (the default).`,
  'Lower bound (from the latencies, the concurrency and the write pacing; G = distinct signatures = LLM calls needed):',
  '  read     = ceil(N/100)·s + ceil(K/100)·g        Sentry pages of 100 (cursor-chained), then the one linked-issue listing (K GitHub issues in the window)',
  '  classify = s + ceil(G/c)·m                      the LLM calls, c at a time, after the first latest event (the rest are fetched ahead)',
  '  dry-run bound = read + classify',
  '  writing: C creates, L missing labels, W = C+L serial writes; Sw write spacing, Sc issue-create spacing',
  '  chain    = (s+m) + max((W-1)·max(Sw,g), (C-1)·max(Sc,g)) + g   first write after the first classification',
  '  tail     = classify + g                         the last create follows the last classification',
  '  dup      = ceil((K+C)/100)·g                    the race check lists the new issues after the last create',
  '  writing bound = read + max(tail, chain) + dup',
  `Pacing: "real" = the action's defaults (writes ${REAL.write} ms apart, issue creation ${REAL.create} ms apart); ` +
    `"short" = documented test pacing (writes ${SHORT.write} ms, creation ${SHORT.create} ms apart), used where the real pacing would take > 2.5 min.`,
  "Serial baseline = bench/serial.ts: the same work one issue at a time (event → LLM → labels + create), with the project's own clients; measured at N=50 only."
]

out(
  'sentry-triage benchmark (npm run bench): the real action against fake Sentry/GitHub/LLM on 127.0.0.1'
)
const load = () =>
  loadavg()
    .map(x => x.toFixed(2))
    .join(' ')
const loadAtStart = load()
out(
  `node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} CPUs, load average at start ${loadAtStart}`
)
for (const line of FORMULA) out(line)
out()

// 1. Cold start and bundle size, while the process is quiet.
const bundle = join(ROOT, 'dist/index.js')
if (!existsSync(bundle)) {
  out('dist/index.js is missing: npm run build')
  execSync('npm run build', { cwd: ROOT, stdio: 'inherit' })
}
const bundleBytes = statSync(bundle).size
const bundleGzip = gzipSync(readFileSync(bundle)).length
const floor = coldStart(['-e', ''], 'inherited', false)
const cold = coldStart([bundle], 'inherited', true)
const coldClean = coldStart([bundle], 'clean', true)
const ms = (c: ColdStart) =>
  `median ${c.medianMs.toFixed(0)} ms (min ${c.minMs.toFixed(0)}, max ${c.maxMs.toFixed(0)})`
const coldLines = [
  `cold start: node dist/index.js with bad inputs, ${COLD_RUNS} runs each: ${ms(cold)}; exit 1 with ::error:: naming the inputs: ${cold.ok && coldClean.ok ? 'yes' : 'NO'}`,
  `  same with a clean environment (PATH only; this machine sets NODE_EXTRA_CA_CERTS=${process.env.NODE_EXTRA_CA_CERTS ? 'yes' : 'no'}): ${ms(coldClean)}`,
  `  floor: bare \`node -e ''\` spawned the same way: ${ms(floor)} → the bundle itself adds ~${(cold.medianMs - floor.medianMs).toFixed(0)} ms`,
  `  error: ${cold.message}`
]
for (const l of coldLines) out(l)
out(
  `bundle: dist/index.js ${(bundleBytes / 1024 / 1024).toFixed(2)} MiB (${bundleBytes} bytes), ${(bundleGzip / 1024).toFixed(0)} KiB gzipped`
)
out()

// 2. Cases.
const groups50 = await countGroups(50)
const groups200 = await countGroups(200)
const groupsOf = (n: number) => (n === 50 ? groups50 : groups200)
out(`seed: makeIssues(N) gives ${groups50} distinct signatures at N=50, ${groups200} at N=200`)

const cases: CaseSpec[] = [
  { id: 'dry-50', n: 50, dry: true, pacing: null, pacingLabel: 'none (dry-run)' },
  { id: 'dry-200', n: 200, dry: true, pacing: null, pacingLabel: 'none (dry-run)' },
  {
    id: 'write-50-real',
    n: 50,
    dry: false,
    pacing: REAL,
    pacingLabel: `real ${REAL.write}/${REAL.create} ms`
  },
  {
    id: 'write-50-short',
    n: 50,
    dry: false,
    pacing: SHORT,
    pacingLabel: `short ${SHORT.write}/${SHORT.create} ms`
  },
  {
    id: 'write-200-short',
    n: 200,
    dry: false,
    pacing: SHORT,
    pacingLabel: `short ${SHORT.write}/${SHORT.create} ms`
  }
]
const results: CaseResult[] = []
for (const spec of cases) {
  out(
    `running ${spec.id} (N=${spec.n}, ${spec.dry ? 'dry-run' : 'writing'}, pacing ${spec.pacingLabel}) …`
  )
  const r = await pipelineCase(spec, groupsOf(spec.n))
  results.push(r)
  out(
    `  wall ${sec(r.wallMs)} s, bound ${sec(r.bound.ms)} s, ratio ${(r.wallMs / r.bound.ms).toFixed(3)}`
  )
}

// 3. Serial baselines at N=50: dry-run and writing (short pacing), side by side in two separate
// worlds. Each has one request in flight at a time and spends >99% of its time waiting on the
// fakes' latency timers; the per-issue time printed below against its latency floor shows the
// side-by-side running costs nothing measurable.
out('running serial baselines at N=50 (dry-run, and writing with short pacing), side by side …')
const [worldDry, worldWrite] = await Promise.all([latencyWorld(50), latencyWorld(50)])
let serialDry: SerialResult
let serialWrite: SerialResult
let serialWriteCreates = 0
try {
  ;[serialDry, serialWrite] = await Promise.all([
    serialBaseline(worldDry, {
      write: false,
      inputs: { 'max-issues': '50', 'dry-run': 'true' },
      writeSpacingMs: SHORT.write,
      notifySpacingMs: SHORT.create,
      retryAfterBaseMs: SHORT.retryBase
    }),
    serialBaseline(worldWrite, {
      write: true,
      inputs: { 'max-issues': '50' },
      writeSpacingMs: SHORT.write,
      notifySpacingMs: SHORT.create,
      retryAfterBaseMs: SHORT.retryBase
    })
  ])
  serialWriteCreates = worldWrite.github.requests.filter(isCreate).length
} finally {
  await Promise.all([worldDry.close(), worldWrite.close()])
}
const dryFloor = LAT.sentry + LAT.llm
const writeFloor = LAT.sentry + LAT.llm + LAT.github
const byId = (id: string) => results.find(r => r.spec.id === id)
const attach = (id: string, s: SerialResult, label: string, floorMs: number) => {
  const r = byId(id)
  if (r) r.serial = { ...s, label, floorMs }
}
attach('dry-50', serialDry, 'serial dry-run N=50', dryFloor)
attach('write-50-short', serialWrite, 'serial writing N=50, short pacing', writeFloor)
out(
  `  serial dry-run: ${sec(serialDry.wallMs)} s for ${serialDry.classified} classifications (${(serialDry.wallMs / serialDry.classified).toFixed(0)} ms/issue; latency floor ${dryFloor} ms)`
)
out(
  `  serial writing: ${sec(serialWrite.wallMs)} s for ${serialWrite.classified} classifications, ${serialWriteCreates} creates (${(serialWrite.wallMs / serialWrite.classified).toFixed(0)} ms/issue; latency floor ${writeFloor} ms + label creations)`
)
out()

// 4. Report.
const fmt = (v: number, d = 2) => (Number.isFinite(v) ? v.toFixed(d) : '—')
const perIssue = (count: number, n: number) => (count / n).toFixed(2)
const tokensPerClassification = (r: CaseResult) =>
  r.llm.requests > 0 ? (r.llm.promptTokens + r.llm.completionTokens) / r.llm.requests : Number.NaN
const writesPerNew = (r: CaseResult) => {
  if (r.spec.dry) return 'n/a (dry-run)'
  const created = Number(r.outputs.created ?? 0)
  if (created === 0) return '—'
  return `${(r.github.creates / created).toFixed(2)} + ${r.github.labelCreates} labels once`
}
const rerunText = (r: CaseResult) =>
  r.rerun ? `${r.rerun.llm} LLM / ${r.rerun.githubWrites} writes` : 'n/a (dry-run)'
const speedUp = (r: CaseResult) =>
  r.serial ? `${(r.serial.wallMs / r.wallMs).toFixed(2)}×` : 'not measured'
const serialText = (r: CaseResult) => (r.serial ? sec(r.serial.wallMs) : 'not measured')

const header = [
  'case',
  'N',
  'pacing (write/create)',
  'conc',
  'wall s',
  'bound s',
  'wall/bound',
  'serial s',
  'speed-up',
  'req/issue Sentry·GitHub·LLM',
  'tokens/classif.',
  'peak RSS MB',
  're-run',
  'GitHub writes/new issue'
]
const rows = results.map(r => [
  r.spec.dry ? 'dry-run' : 'writing',
  String(r.spec.n),
  r.spec.pacingLabel,
  String(CONCURRENCY),
  sec(r.wallMs),
  sec(r.bound.ms),
  fmt(r.wallMs / r.bound.ms, 3),
  serialText(r),
  speedUp(r),
  `${perIssue(r.sentry.total, r.spec.n)} · ${perIssue(r.github.total, r.spec.n)} · ${perIssue(r.llm.requests, r.spec.n)}`,
  fmt(tokensPerClassification(r), 0),
  fmt(r.peakRssMb, 0),
  rerunText(r),
  writesPerNew(r)
])

const details: string[] = []
for (const r of results) {
  details.push(
    `${r.spec.id}: N=${r.spec.n}, ${r.spec.dry ? 'dry-run' : 'writing'}, pacing ${r.spec.pacingLabel}, max-concurrency ${CONCURRENCY}`
  )
  details.push(
    `  wall ${sec(r.wallMs)} s; bound ${sec(r.bound.ms)} s = ${r.bound.detail}; wall/bound ${fmt(r.wallMs / r.bound.ms, 3)}`
  )
  details.push(`  timeline: ${r.timeline}`)
  details.push(
    `  serial: ${r.serial ? `${r.serial.label}: ${sec(r.serial.wallMs)} s (${(r.serial.wallMs / r.serial.classified).toFixed(0)} ms/issue, latency floor ${r.serial.floorMs} ms) → speed-up ${speedUp(r)}` : 'not measured (serial baseline only at N=50; nothing extrapolated)'}`
  )
  details.push(
    `  requests: Sentry ${r.sentry.total} (${r.sentry.listing} listing + ${r.sentry.events} latest-event), ` +
      `GitHub ${r.github.total} (${r.github.reads} reads, ${r.github.writes} writes: ${r.github.creates} creates, ${r.github.labelCreates} label creations, ${r.github.otherWrites} other), ` +
      `LLM ${r.llm.requests} → per issue ${perIssue(r.sentry.total, r.spec.n)} / ${perIssue(r.github.total, r.spec.n)} / ${perIssue(r.llm.requests, r.spec.n)}`
  )
  details.push(
    `  tokens: ${r.llm.promptTokens} prompt + ${r.llm.completionTokens} completion (fake LLM stats) = ${fmt(tokensPerClassification(r), 1)} per classification; ` +
      `outputs tokens=${r.outputs.tokens ?? '?'} cost-usd=${r.outputs['cost-usd'] ?? '?'} triaged=${r.outputs.triaged ?? '?'} created=${r.outputs.created ?? '?'} failed=${r.outputs.failed ?? '?'}`
  )
  if (!r.spec.dry) {
    const created = Number(r.outputs.created ?? 0)
    const ok =
      r.github.creates === created &&
      r.github.labelCreates === r.github.newLabels &&
      r.github.otherWrites === 0
    details.push(
      `  GitHub writes per new issue: ${r.github.creates}/${created} creates = ${(r.github.creates / Math.max(1, created)).toFixed(2)}, plus ${r.github.labelCreates} label creations for ${r.github.newLabels} new labels (${ok ? 'each once: ok' : 'MISMATCH'})`
    )
  }
  details.push(
    `  memory: peak RSS ${fmt(r.peakRssMb, 0)} MB during the run (process RSS before it ${fmt(r.baseRssMb, 0)} MB; fakes and seed included); CPU ${sec(r.cpuMs)} s`
  )
  if (r.rerun) {
    details.push(
      `  re-run over the same state: ${sec(r.rerun.wallMs)} s, ${r.rerun.llm} LLM requests, ${r.rerun.githubWrites} GitHub writes ` +
        `(${r.rerun.githubReads} GitHub reads, ${r.rerun.sentry} Sentry requests), skipped=${r.rerun.skipped}`
    )
  }
  if (r.failed) details.push(`  FAILED: ${r.failed}`)
  if (r.warnings.length > 0)
    details.push(
      `  warnings: ${r.warnings.slice(0, 3).join(' | ')}${r.warnings.length > 3 ? ` (+${r.warnings.length - 3})` : ''}`
    )
}

const dry200 = byId('dry-200')
const write200 = byId('write-200-short')
const dry50 = byId('dry-50')
const writing = results.filter(r => !r.spec.dry)
const targets = [
  [
    'wall/bound ≤ 1.2 at N=200, dry-run',
    dry200 ? fmt(dry200.wallMs / dry200.bound.ms, 3) : '—',
    !!dry200 && dry200.wallMs / dry200.bound.ms <= 1.2
  ],
  [
    'wall/bound ≤ 1.2 at N=200, writing (short pacing)',
    write200 ? fmt(write200.wallMs / write200.bound.ms, 3) : '—',
    !!write200 && write200.wallMs / write200.bound.ms <= 1.2
  ],
  [
    'dry-run speed-up over serial ≥ 3× at c=4 (N=50)',
    dry50 ? speedUp(dry50) : '—',
    !!dry50?.serial && dry50.serial.wallMs / dry50.wallMs >= 3
  ],
  [
    'GitHub writes per new issue = 1.0 (+1 per missing label, once)',
    writing.map(r => `${r.spec.id}: ${writesPerNew(r)}`).join('; '),
    writing.every(
      r =>
        r.github.creates === Number(r.outputs.created ?? -1) &&
        r.github.labelCreates === r.github.newLabels &&
        r.github.otherWrites === 0
    )
  ],
  [
    're-run: 0 LLM requests, 0 GitHub writes',
    writing.map(r => `${r.spec.id}: ${rerunText(r)}`).join('; '),
    writing.every(r => r.rerun?.llm === 0 && r.rerun.githubWrites === 0)
  ],
  [
    // Judged in a runner-like environment: hosted runners set no NODE_EXTRA_CA_CERTS, whose CA file
    // alone costs this machine ~50 ms per start; both figures are printed.
    'cold start (bad-input exit) < 300 ms, runner-like env',
    `median ${coldClean.medianMs.toFixed(0)} ms (this machine's env ${cold.medianMs.toFixed(0)} ms; bare node ${floor.medianMs.toFixed(0)} ms)`,
    coldClean.ok && coldClean.medianMs < 300
  ]
] as const

const colWidths = header.map((h, i) =>
  Math.max(h.length, ...rows.map(row => (row[i] ?? '').length))
)
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(colWidths[i] ?? 0)).join(' | ')

out('Details')
for (const d of details) out(d)
out()
out('Summary')
out(line(header))
out(colWidths.map(w => '-'.repeat(w)).join('-+-'))
for (const row of rows) out(line(row))
out(
  `cold start ${cold.medianMs.toFixed(0)} ms median of ${COLD_RUNS} (clean env ${coldClean.medianMs.toFixed(0)} ms, bare node ${floor.medianMs.toFixed(0)} ms); bundle ${(bundleBytes / 1024 / 1024).toFixed(2)} MiB (${(bundleGzip / 1024).toFixed(0)} KiB gzipped); process max RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`
)
out()
const fewShot = await fewShotTokens(50)
const fewShotText = [...fewShotLines(fewShot), `  ${fewShotTarget(fewShot)}`]
for (const l of fewShotText) out(l)
out()
out('Targets (issue #4)')
for (const [name, value, ok] of targets) out(`  ${ok ? 'PASS' : 'MISS'}  ${name}: ${value}`)
const totalS = (performance.now() - benchStart) / 1000
out()
out(
  `bench took ${totalS.toFixed(0)} s; load average at start ${loadAtStart}, at end ${load()} (other work on the machine shares the CPUs)`
)

const md: string[] = [
  '# sentry-triage benchmark',
  '',
  `Written by \`npm run bench\` (bench/run.ts) on ${new Date().toISOString()}; node ${process.version}, ${process.platform}/${process.arch}. ` +
    'The real action (`run()` of src/main.ts) against the fake Sentry, GitHub and LLM servers of `__tests__/fakes` on 127.0.0.1.',
  '',
  '```text',
  ...FORMULA,
  '```',
  '',
  `| ${header.join(' | ')} |`,
  `| ${header.map(() => '---').join(' | ')} |`,
  ...rows.map(row => `| ${row.map(c => c.replace(/\|/g, '\\|')).join(' | ')} |`),
  '',
  '```text',
  ...coldLines,
  '```',
  `Bundle: dist/index.js ${(bundleBytes / 1024 / 1024).toFixed(2)} MiB (${bundleBytes} bytes), ${(bundleGzip / 1024).toFixed(0)} KiB gzipped.`,
  '',
  '## Targets (issue #4)',
  '',
  ...targets.map(([name, value, ok]) => `- ${ok ? '✅' : '❌'} ${name}: ${value}`),
  '',
  '## Tokens per classification with and without few-shot examples (issue #10)',
  '',
  '```text',
  ...fewShotText,
  '```',
  '',
  '## Details',
  '',
  '```text',
  ...details,
  '```',
  '',
  `Serial baselines (N=50, dry-run and writing with short pacing) ran side by side in two separate fake worlds: ` +
    `dry-run ${(serialDry.wallMs / serialDry.classified).toFixed(0)} ms/issue against a latency floor of ${dryFloor} ms, writing ${(serialWrite.wallMs / serialWrite.classified).toFixed(0)} ms/issue against ${writeFloor} ms plus label creations. ` +
    'Nothing is extrapolated: "not measured" means not measured.',
  '',
  `Bench wall time: ${totalS.toFixed(0)} s; load average at start ${loadAtStart}, at end ${load()}.`,
  ''
]
// Owners and code context (issue #8): GitHub requests per new issue with the stage on and off.
const codeLines = renderCodeContextFigures(await codeContextFigures())
md.push('## Owners and code context (issue #8)', '', ...codeLines, '')
out(codeLines.join('\n'))
// The follow-up pass (issue #7): requests and wall time for M linked issues, beside the intake cases above.
const followUpLines = renderFollowUpFigures(await followUpFigures(FOLLOW_UP_M, LAT, SHORT))
md.push('## Follow-up pass (issue #7)', '', '```text', ...followUpLines, '```', '')
out(followUpLines.join('\n'))
// An organization routed to several repositories (issue #14).
const organizationLines = renderOrganizationFigures(await organizationFigures(LAT, SHORT), LAT)
md.push('## Many repositories (issue #14)', '', '```text', ...organizationLines, '```', '')
out(organizationLines.join('\n'))
// A webhook run's GitHub reads in a repository with a long history (issue #13).
const webhookLines = renderWebhookFigures(await webhookReadFigures())
md.push('## A run for one Sentry issue (issue #13)', '', '```text', ...webhookLines, '```', '')
out(webhookLines.join('\n'))

// What Sentry already knows (issue #16): requests and tokens per new issue, before and after.
const signalsLines = renderSignalsFigures(await signalsFigures())
md.push('## What Sentry already knows (issue #16)', '', ...signalsLines, '')
out(signalsLines.join('\n'))
// Floods and the living issue (issue #15): a 200-issue flood, and refreshes for M = 500.
const floodLines = renderFloodFigures(await floodFigures(LAT, SHORT))
md.push('## Floods and the living issue (issue #15)', '', '```text', ...floodLines, '```', '')
out(floodLines.join('\n'))
writeFileSync(join(ROOT, 'bench/results.md'), md.join('\n'))
out('wrote bench/results.md')
