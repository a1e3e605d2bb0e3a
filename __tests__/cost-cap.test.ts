/**
 * `max-cost-usd`: the ledger reserves each request's estimated cost before it is sent, and once the
 * next estimate would pass the cap, that issue and the rest go to the heuristic with one warning.
 * The run tests go through the real action against the fakes (real HTTP, max-concurrency 4).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { CostLedger, estimatePromptTokens } from '../src/classify/cost.js'
import { MAX_COMPLETION_TOKENS } from '../src/classify/llm.js'
import { runAction, startWorld, type World } from './fakes/world.js'
import { makeIssues } from './fakes/seed.js'
import { messageText, type ChatRequestBody } from './fakes/llm.js'
import type { IssueResult } from '../src/pipeline/triage.js'

/** USD per million tokens: a price that makes one request cost about a dollar, for readable caps. */
const PRICE = 1000
const MODEL = 'test-model'

describe('CostLedger reservations', () => {
  it('refuses a reservation that would pass the cap, counting what is in flight', () => {
    const ledger = new CostLedger({ m: 1_000_000 }, 3)
    const a = ledger.reserve('m', 1)
    const b = ledger.reserve('m', 1.5)
    expect(a).not.toBeNull()
    expect(b).not.toBeNull()
    expect(ledger.reserve('m', 0.6)).toBeNull()
    // Settled with less than estimated: the room comes back.
    ledger.settle(a!, 0.2, 0.2)
    expect(ledger.usd).toBeCloseTo(0.4)
    expect(ledger.reserved).toBeCloseTo(1.5)
    expect(ledger.reserve('m', 0.6)).not.toBeNull()
    // A released (failed, unbilled) request frees its estimate, once.
    ledger.release(b!)
    ledger.release(b!)
    expect(ledger.reserved).toBeCloseTo(0.6)
  })

  it('never refuses without a cap, and estimates unpriced models at 0', () => {
    const ledger = new CostLedger({ m: 2 })
    expect(ledger.reserve('m', 1e9)).not.toBeNull()
    expect(ledger.estimate('m', 400_000, 100_000)).toBeCloseTo(1)
    expect(ledger.estimate('unpriced', 400_000, 100_000)).toBe(0)
    expect(ledger.isPriced('unpriced')).toBe(false)
  })

  it('estimates prompt tokens on the safe side: 3 UTF-8 bytes a token plus 4 a message', () => {
    expect(estimatePromptTokens([{ content: 'x'.repeat(300) }, { content: '' }])).toBe(108)
    // A CJK character is about a token: 3 bytes, not a third of a token.
    expect(estimatePromptTokens([{ content: '数据库连接超时' }])).toBe(7 + 4)
  })
})

describe('max-cost-usd in a run', () => {
  let world: World | null = null
  afterEach(async () => {
    await world?.close()
    world = null
  })

  const inputs = {
    'dry-run': 'true',
    routing: 'false',
    model: MODEL,
    prices: `${MODEL}=${PRICE}`,
    'max-concurrency': '4'
  }

  /** What the classifier estimates for a request before sending it. */
  const estimateUsd = (body: ChatRequestBody) =>
    ((estimatePromptTokens(body.messages.map(m => ({ content: messageText(m) }))) +
      MAX_COMPLETION_TOKENS) *
      PRICE) /
    1_000_000

  async function fiveIssues(): Promise<World> {
    const now = new Date()
    // LLM latency: the 4 concurrent requests all reserve before the first answer settles.
    return startWorld({ now, seed: makeIssues(5, now), llm: { latencyMs: 300 } })
  }

  it('lets exactly the requests that fit under the cap through; the rest use the heuristic, with one warning', async () => {
    // A run without a cap gives each issue's request, hence its estimate.
    world = await fiveIssues()
    const free = await runAction(world, inputs)
    expect(free.failed).toBeNull()
    const estimates = world.llm.bodies.map(estimateUsd)
    expect(estimates).toHaveLength(5)
    const cap = Number((2 * Math.max(...estimates)).toFixed(4)) + 0.0001
    // Precondition: two requests fit whichever they are, a third never does.
    expect(3 * Math.min(...estimates)).toBeGreaterThan(cap)
    await world.close()

    world = await fiveIssues()
    const run = await runAction(world, { ...inputs, 'max-cost-usd': String(cap) })

    expect(run.failed).toBeNull()
    expect(world.llm.stats.requests).toBe(2)
    const results = JSON.parse(run.outputs.results ?? '[]') as IssueResult[]
    expect(results.filter(r => r.classifier === 'llm')).toHaveLength(2)
    const capped = results.filter(r => r.classifier === 'heuristic')
    expect(capped).toHaveLength(3)
    for (const r of capped) expect(r.reason).toContain(`max-cost-usd (${cap}) reached`)
    const warnings = run.warnings.filter(w => w.includes('max-cost-usd'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(/^LLM spend cap: max-cost-usd \([\d.]+\) reached: /)
    // Neither the estimates of what was sent nor the real cost passed the cap.
    const sent = world.llm.bodies.map(estimateUsd)
    expect(sent.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(cap)
    expect(Number(run.outputs['cost-usd'])).toBeLessThanOrEqual(cap)
    expect(Number(run.outputs['cost-usd'])).toBeGreaterThan(0)
  })

  it('a cap below one request sends nothing to the LLM and still triages everything', async () => {
    world = await fiveIssues()
    const run = await runAction(world, { ...inputs, 'max-cost-usd': '0.01' })
    expect(run.failed).toBeNull()
    expect(world.llm.stats.requests).toBe(0)
    const results = JSON.parse(run.outputs.results ?? '[]') as IssueResult[]
    expect(results).toHaveLength(5)
    expect(results.every(r => r.classifier === 'heuristic' && r.category !== null)).toBe(true)
    expect(run.warnings.filter(w => w.includes('max-cost-usd'))).toHaveLength(1)
  })

  it('says once that a model without a price is not capped, and does not stop it', async () => {
    world = await fiveIssues()
    const run = await runAction(world, { ...inputs, prices: 'other=1', 'max-cost-usd': '0.01' })
    expect(run.failed).toBeNull()
    expect(world.llm.stats.requests).toBe(5)
    const warnings = run.warnings.filter(w => w.includes('max-cost-usd'))
    expect(warnings).toEqual([
      `LLM spend cap: max-cost-usd does not cap model ${MODEL}: it has no price in the prices input, so its cost counts as 0.`
    ])
  })
})
