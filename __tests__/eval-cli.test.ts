import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { startFakeLlm, messageText, type FakeLlm } from './fakes/llm.js'
import { runEvalCli } from '../eval/cli.js'
import { loadDataset, type EvalItem } from '../eval/dataset.js'
import { classifyHeuristically } from '../src/classify/heuristic.js'
import { CATEGORIES, SEVERITIES } from '../src/classify/taxonomy.js'

const KEY = 'sk-eval-test-0123456789abcdef'
const items = loadDataset()

/** Run the CLI, collecting what it prints. */
async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  let out = ''
  const result = await runEvalCli(argv, env, text => {
    out += text
  })
  return { ...result, out }
}

const share = (list: EvalItem[], ok: (item: EvalItem) => boolean) =>
  list.filter(ok).length / list.length

describe('the eval set', () => {
  it('has at least 150 items, every category and severity, both splits, and ambiguous items', () => {
    expect(items.length).toBeGreaterThanOrEqual(150)
    for (const c of CATEGORIES) expect(items.some(i => i.category === c)).toBe(true)
    for (const s of SEVERITIES) expect(items.some(i => i.severity === s)).toBe(true)
    const holdout = items.filter(i => i.split === 'holdout').length
    expect(holdout / items.length).toBeGreaterThan(0.25)
    expect(holdout / items.length).toBeLessThan(0.5)
    expect(items.filter(i => i.ambiguous).every(i => /ambiguous/i.test(i.reason))).toBe(true)
    expect(items.some(i => i.ambiguous)).toBe(true)
  })
})

describe('npm run eval: the heuristic', () => {
  it('reports the heuristic’s own answers, split by tune and holdout', async () => {
    const { exitCode, report, out } = await run([])
    expect(exitCode).toBe(0)
    const right = (i: EvalItem) => classifyHeuristically(i.issue, i.event).category === i.category
    const tune = items.filter(i => i.split === 'tune')
    const holdout = items.filter(i => i.split === 'holdout')
    expect(report?.splits.tune.items).toBe(tune.length)
    expect(report?.splits.tune.category).toBeCloseTo(share(tune, right), 10)
    expect(report?.splits.holdout.category).toBeCloseTo(share(holdout, right), 10)
    expect(report?.splits.all.category).toBeCloseTo(share(items, right), 10)
    expect(report?.fallbacks).toBe(0)
    expect(out).toMatch(/\| tune {7}\| +\d+ \| +\d+\.\d % \| +\d+\.\d % \|/)
    expect(out).toMatch(/\| holdout {4}\|/)
    // The latest round was written after the rules were last changed: all of it is holdout.
    const latest = Math.max(...items.map(i => i.round))
    const fresh = items.filter(i => i.round === latest)
    expect(fresh.length).toBeGreaterThan(0)
    expect(fresh.every(i => i.split === 'holdout')).toBe(true)
    const row = report?.rounds.find(r => r.round === latest && r.split === 'holdout')
    expect(row?.figures.items).toBe(fresh.length)
    expect(row?.figures.category).toBeCloseTo(share(fresh, right), 10)
    expect(out).toContain(`| r${latest} holdout |`)
    expect(out).toContain('Category confusion matrix')
    expect(out).toContain('Severity confusion matrix')
  })

  it('lists the misses of a split on request, and rejects bad arguments with a usage line', async () => {
    const { out } = await run(['--misses', 'tune'])
    expect(out).toMatch(/Misses on tune \(\d+\):/)
    const bad = await run(['--misses', 'everything'])
    expect(bad.exitCode).toBe(2)
    expect(bad.out).toMatch(
      /--misses must be tune or holdout, got 'everything'\nusage: npm run eval/
    )
    const noKey = await run(['--llm'])
    expect(noKey.exitCode).toBe(2)
    expect(noKey.out).toContain('--llm needs the HOLYSHEEP_API_KEY environment variable')
  })
})

describe('npm run eval -- --llm against the fake LLM', () => {
  let llm: FakeLlm
  beforeAll(async () => {
    llm = await startFakeLlm({
      apiKey: KEY,
      // A "model" that always answers Database/High, except an unusable answer for one issue,
      // so the figures are known exactly and the fallback path is exercised.
      responder: body => {
        const prompt = messageText(
          body.messages[body.messages.length - 1] ?? { role: 'user', content: '' }
        )
        if (prompt.includes('ZodError')) return 'I think this is probably a validation problem.'
        return JSON.stringify({
          category: 'Database',
          severity: 'High',
          rootCause: 'The database refused the query.',
          suggestedAction: 'Check the database.'
        })
      }
    })
  })
  afterAll(() => llm.close())

  it('sends every item through the real prompt and parse ladder and scores the answers', async () => {
    const { exitCode, report, predictions, out } = await run(
      ['--llm', '--model', 'gpt-4.1', '--base-url', llm.url, '--concurrency', '3'],
      { HOLYSHEEP_API_KEY: KEY }
    )
    expect(exitCode).toBe(0)
    expect(llm.stats.requests).toBe(items.length)
    expect(llm.stats.byModel).toEqual({ 'gpt-4.1': items.length })
    // The prompt is the action's own: it carries the issue's facts.
    expect(
      llm.bodies.some(b =>
        b.messages.some(m => messageText(m).includes('too many clients already'))
      )
    ).toBe(true)

    const zod = items.filter(i => i.issue.title.includes('ZodError'))
    expect(zod).toHaveLength(1)
    const fallback = classifyHeuristically(zod[0]!.issue, zod[0]!.event)
    const predicted = (i: EvalItem) =>
      i === zod[0] ? fallback : { category: 'Database', severity: 'High' }
    for (const split of ['tune', 'holdout'] as const) {
      const list = items.filter(i => i.split === split)
      expect(report?.splits[split].category).toBeCloseTo(
        share(list, i => predicted(i).category === i.category),
        10
      )
      expect(report?.splits[split].severity).toBeCloseTo(
        share(list, i => predicted(i).severity === i.severity),
        10
      )
    }
    const database = items.filter(i => i.category === 'Database').length
    expect(report?.categories.all.Database.recall).toBe(1)
    expect(report?.categories.all.Database.support).toBe(database)
    expect(report?.categories.all.Database.precision).toBeCloseTo(database / (items.length - 1), 10)
    expect(report?.categories.all.Network.recall).toBe(0)

    expect(predictions.filter(p => p.classifier === 'llm')).toHaveLength(items.length - 1)
    expect(report?.fallbacks).toBe(1)
    expect(out).toMatch(/1 of \d+ items fell back to the heuristic; first reason: unusable answer/)
    expect(out).toMatch(new RegExp(`${items.length} LLM requests, \\d+ tokens`))
    expect(out).not.toContain(KEY)
  })

  it('fails (exit 1) when the gateway rejects the key, and still reports, all from the heuristic', async () => {
    const { exitCode, report, out } = await run(['--llm', '--base-url', llm.url], {
      HOLYSHEEP_API_KEY: 'sk-wrong-key-000000000000'
    })
    expect(exitCode).toBe(1)
    expect(report?.fallbacks).toBe(items.length)
    expect(out).toMatch(/warning: LLM circuit breaker open: LLM gateway answered 401/)
    expect(out).toContain('No item was classified by the LLM: these are the heuristic’s figures.')
  })
})
