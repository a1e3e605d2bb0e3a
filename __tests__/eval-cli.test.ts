import { describe, it, expect, beforeAll, afterAll } from '@jest/globals'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startFakeLlm, messageText, type FakeLlm } from './fakes/llm.js'
import { runEvalCli } from '../eval/cli.js'
import { loadDataset, parseDataset } from '../eval/dataset.js'
import { CATEGORIES, SEVERITIES } from '../src/classify/taxonomy.js'

const KEY = 'sk-eval-test-0123456789abcdef'

/** Run the CLI, collecting what it prints. */
async function run(argv: string[], env: Record<string, string | undefined> = {}) {
  let out = ''
  const result = await runEvalCli(argv, env, text => {
    out += text
  })
  return { ...result, out }
}

interface Spec {
  id: string
  split: 'tune' | 'holdout'
  round: number
  label: [string, string]
  alternative?: { category?: string; severity?: string }
  level: string
  events: number
  users: number
  type: string
  value: string
}

/** One eval line as Sentry's endpoints send the issue and its latest event. */
function line(s: Spec, n: number): string {
  return JSON.stringify({
    id: s.id,
    split: s.split,
    round: s.round,
    category: s.label[0],
    severity: s.label[1],
    ambiguous: s.alternative !== undefined,
    ...(s.alternative ? { alternative: s.alternative } : {}),
    reason: s.alternative ? 'Ambiguous: a test item with an alternative.' : 'A test item.',
    issue: {
      id: String(100 + n),
      shortId: `T-${n}`,
      title: `${s.type}: ${s.value}`,
      culprit: 'app/handler.py in handle',
      permalink: `https://acme.sentry.io/issues/${100 + n}/`,
      status: 'unresolved',
      substatus: 'new',
      firstSeen: '2026-12-01T00:00:00.000Z',
      lastSeen: '2026-12-02T00:00:00.000Z',
      level: s.level,
      platform: 'python',
      count: String(s.events),
      userCount: s.users,
      isUnhandled: true,
      project: { id: '1', slug: 'api', name: 'api' },
      metadata: { type: s.type, value: s.value }
    },
    event: {
      entries: [
        {
          type: 'exception',
          data: { values: [{ type: s.type, value: s.value, stacktrace: { frames: [] } }] }
        }
      ]
    }
  })
}

// Six items whose heuristic answers are known by reading the rules (src/classify/heuristic-rules.ts)
// and the rubric's impact table, not by running the heuristic:
//   t1  ECONNREFUSED → Network; level error, 10 events, 2 users → Medium. Labelled
//       Network / High.                                                                right / wrong
//   t2  TokenExpiredError "jwt expired" → Authentication; 500 users → High, and "jwt
//       expired" is expected (one step down) → Medium.                                 right / right
//   t3  KeyError → Logic; level error → Medium. Labelled Database / High.             wrong / wrong
//   h1  "Script error." → no rule → Unknown; browser noise → Low.                      right / right
//   h2  getaddrinfo ENOTFOUND → Network; 1500 users → Critical. Labelled Database /
//       Critical, alternative Network.                                 wrong (alt right) / right
//   h3  "Cannot read properties" TypeError → Logic; error, 200 events, 50 users →
//       Medium. Labelled Logic / High, alternative severity Medium.   right / wrong (alt right)
// tune (t1-t3): category 2/3, severity 1/3; with alternatives the same (none in tune).
// holdout (h1-h3): category 2/3, severity 2/3; with alternatives 3/3 and 3/3.
// all: 4/6 and 3/6 strict; 5/6 and 4/6 with alternatives.
const SPECS: Spec[] = [
  {
    id: 't1',
    split: 'tune',
    round: 1,
    label: ['Network', 'High'],
    level: 'error',
    events: 10,
    users: 2,
    type: 'Error',
    value: 'connect ECONNREFUSED 10.0.0.1:8080'
  },
  {
    id: 't2',
    split: 'tune',
    round: 1,
    label: ['Authentication', 'Medium'],
    level: 'warning',
    events: 50,
    users: 500,
    type: 'TokenExpiredError',
    value: 'jwt expired'
  },
  {
    id: 't3',
    split: 'tune',
    round: 1,
    label: ['Database', 'High'],
    level: 'error',
    events: 5,
    users: 1,
    type: 'KeyError',
    value: "'user_id'"
  },
  {
    id: 'h1',
    split: 'holdout',
    round: 2,
    label: ['Unknown', 'Low'],
    level: 'error',
    events: 4000,
    users: 2500,
    type: 'Error',
    value: 'Script error.'
  },
  {
    id: 'h2',
    split: 'holdout',
    round: 2,
    label: ['Database', 'Critical'],
    alternative: { category: 'Network' },
    level: 'error',
    events: 2000,
    users: 1500,
    type: 'Error',
    value: 'getaddrinfo ENOTFOUND db.internal'
  },
  {
    id: 'h3',
    split: 'holdout',
    round: 2,
    label: ['Logic', 'High'],
    alternative: { severity: 'Medium' },
    level: 'error',
    events: 200,
    users: 50,
    type: 'TypeError',
    value: "Cannot read properties of undefined (reading 'id')"
  }
]

let dir = ''
let dataset = ''
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'eval-cli-'))
  dataset = join(dir, 'small.jsonl')
  writeFileSync(dataset, `${SPECS.map(line).join('\n')}\n`)
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('the eval set', () => {
  const items = loadDataset()

  it('has at least 150 items, every category and severity, both splits, and ambiguous items with alternatives', () => {
    expect(items.length).toBeGreaterThanOrEqual(150)
    for (const c of CATEGORIES) expect(items.some(i => i.category === c)).toBe(true)
    for (const s of SEVERITIES) expect(items.some(i => i.severity === s)).toBe(true)
    const holdout = items.filter(i => i.split === 'holdout').length
    expect(holdout / items.length).toBeGreaterThan(0.25)
    expect(holdout / items.length).toBeLessThan(0.5)
    const ambiguous = items.filter(i => i.ambiguous)
    expect(ambiguous.length).toBeGreaterThan(0)
    expect(ambiguous.every(i => /ambiguous/i.test(i.reason) && i.alternative !== undefined)).toBe(
      true
    )
    // The latest round was written after the rules were last changed: all of it is holdout.
    const latest = Math.max(...items.map(i => i.round))
    expect(items.filter(i => i.round === latest).every(i => i.split === 'holdout')).toBe(true)
  })

  it('requires an alternative exactly on ambiguous items, and one that differs from the label', () => {
    const [t1, , , , h2] = SPECS as [Spec, Spec, Spec, Spec, Spec]
    // The helper derives `ambiguous` from the alternative, so these lines are edited by hand.
    const ambiguous = JSON.parse(line(h2, 0)) as Record<string, unknown>
    delete ambiguous.alternative
    expect(() => parseDataset(JSON.stringify(ambiguous))).toThrow(
      /line 1 \(h2\): alternative is required on an ambiguous item/
    )
    const plain = JSON.parse(line(t1, 0)) as Record<string, unknown>
    expect(() =>
      parseDataset(JSON.stringify({ ...plain, alternative: { severity: 'Low' } }))
    ).toThrow(/alternative is only for ambiguous items/)
    expect(() => parseDataset(line({ ...h2, alternative: { category: 'Database' } }, 0))).toThrow(
      /alternative repeats the label/
    )
    expect(() => parseDataset(line({ ...h2, alternative: {} }, 0))).toThrow(
      /must name a category or a severity/
    )
  })
})

describe('npm run eval: the heuristic', () => {
  it('scores a small set whose figures are worked out by hand, strictly and with alternatives', async () => {
    const { exitCode, report, out } = await run(['--dataset', dataset])
    expect(exitCode).toBe(0)
    expect(report?.splits.tune).toEqual({
      items: 3,
      category: 2 / 3,
      severity: 1 / 3,
      categoryWithAlternative: 2 / 3,
      severityWithAlternative: 1 / 3
    })
    expect(report?.splits.holdout).toEqual({
      items: 3,
      category: 2 / 3,
      severity: 2 / 3,
      categoryWithAlternative: 1,
      severityWithAlternative: 1
    })
    expect(report?.splits.all).toEqual({
      items: 6,
      category: 4 / 6,
      severity: 3 / 6,
      categoryWithAlternative: 5 / 6,
      severityWithAlternative: 4 / 6
    })
    expect(report?.fallbacks).toBe(0)
    expect(out).toContain('sentry-triage eval: heuristic on 6 items (3 tune, 3 holdout)')
    expect(out).toContain(
      '| split      | items | category | severity | category or alt. | severity or alt. |'
    )
    expect(out).toContain(
      '| tune       |     3 |   66.7 % |   33.3 % |           66.7 % |           33.3 % |'
    )
    expect(out).toContain(
      '| all        |     6 |   66.7 % |   50.0 % |           83.3 % |           66.7 % |'
    )
    expect(out).toContain(
      '| r1 tune    |     3 |   66.7 % |   33.3 % |           66.7 % |           33.3 % |'
    )
    expect(out).toContain(
      '| r2 holdout |     3 |   66.7 % |   66.7 % |          100.0 % |          100.0 % |'
    )
    expect(out).toContain('Category confusion matrix')
    expect(out).toContain('Severity confusion matrix')
  })

  it('lists the misses of a split on request, and rejects bad arguments with a usage line', async () => {
    const { out } = await run(['--dataset', dataset, '--misses', 'tune'])
    expect(out).toContain('Misses on tune (2):')
    expect(out).toMatch(/ {2}t1 +severity High → Medium\n/)
    expect(out).toMatch(/ {2}t3 +category Database → Logic; severity High → Medium/)
    const bad = await run(['--misses', 'everything'])
    expect(bad.exitCode).toBe(2)
    expect(bad.out).toMatch(
      /--misses must be tune or holdout, got 'everything'\nusage: npm run eval/
    )
    const noKey = await run(['--llm'])
    expect(noKey.exitCode).toBe(2)
    expect(noKey.out).toContain('--llm needs the HOLYSHEEP_API_KEY environment variable')
  })

  it('prints a row for every round of the real set, the latest holdout included', async () => {
    const items = loadDataset()
    const latest = Math.max(...items.map(i => i.round))
    const fresh = items.filter(i => i.round === latest).length
    const { exitCode, out } = await run([])
    expect(exitCode).toBe(0)
    expect(out).toMatch(new RegExp(`\\| r${latest} holdout \\| +${fresh} \\| +\\d+\\.\\d % \\|`))
  })
})

describe('npm run eval -- --llm against the fake LLM', () => {
  let llm: FakeLlm
  beforeAll(async () => {
    llm = await startFakeLlm({
      apiKey: KEY,
      // A "model" that always answers Database/High, except an unusable answer for the KeyError
      // item (t3), which falls back to the heuristic (Logic/Medium, as above).
      responder: body => {
        const prompt = messageText(
          body.messages[body.messages.length - 1] ?? { role: 'user', content: '' }
        )
        if (prompt.includes('KeyError')) return 'I think this is probably a validation problem.'
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
      [
        '--dataset',
        dataset,
        '--llm',
        '--model',
        'gpt-4.1',
        '--base-url',
        llm.url,
        '--concurrency',
        '3'
      ],
      { HOLYSHEEP_API_KEY: KEY }
    )
    expect(exitCode).toBe(0)
    expect(llm.stats.requests).toBe(6)
    expect(llm.stats.byModel).toEqual({ 'gpt-4.1': 6 })
    // The prompt is the action's own: it carries the issue's facts.
    expect(llm.bodies.some(b => b.messages.some(m => messageText(m).includes('db.internal')))).toBe(
      true
    )
    // By hand: Database/High for all but t3 (fallback Logic/Medium).
    //   tune: t1 Net/High → severity right; t2 Auth/Med wrong; t3 DB/High, answered Logic/Medium
    //   by the fallback, wrong → category 0/3, severity 1/3.
    //   holdout: h1 Unk/Low wrong; h2 DB/Critical → category right, severity wrong;
    //            h3 Logic/High (alt Medium) → category wrong, severity right → 1/3 and 1/3,
    //            and with alternatives still 1/3 and 1/3: h2's alternative is Network (Database
    //            was answered), h3's is Medium (High was answered).
    expect(report?.splits.tune).toEqual({
      items: 3,
      category: 0,
      severity: 1 / 3,
      categoryWithAlternative: 0,
      severityWithAlternative: 1 / 3
    })
    expect(report?.splits.holdout).toEqual({
      items: 3,
      category: 1 / 3,
      severity: 1 / 3,
      categoryWithAlternative: 1 / 3,
      severityWithAlternative: 1 / 3
    })
    // Database: carried by t3 and h2 (support 2), predicted for 5 items, right for h2 only.
    expect(report?.categories.all.Database).toEqual({
      support: 2,
      predicted: 5,
      truePositives: 1,
      precision: 1 / 5,
      recall: 1 / 2
    })
    expect(report?.categories.all.Network.recall).toBe(0)
    expect(predictions.filter(p => p.classifier === 'llm')).toHaveLength(5)
    expect(report?.fallbacks).toBe(1)
    expect(out).toMatch(/1 of 6 items fell back to the heuristic; first reason: unusable answer/)
    expect(out).toMatch(/\n6 LLM requests, \d+ tokens/)
    expect(out).not.toContain(KEY)
  })

  it('fails (exit 1) when the gateway rejects the key, and still reports, all from the heuristic', async () => {
    const { exitCode, report, out } = await run(
      ['--dataset', dataset, '--llm', '--base-url', llm.url],
      {
        HOLYSHEEP_API_KEY: 'sk-wrong-key-000000000000'
      }
    )
    expect(exitCode).toBe(1)
    expect(report?.fallbacks).toBe(6)
    // All from the heuristic: the hand-worked heuristic figures above.
    expect(report?.splits.all.category).toBe(4 / 6)
    expect(report?.splits.all.severity).toBe(3 / 6)
    expect(out).toMatch(/warning: LLM circuit breaker open: LLM gateway answered 401/)
    expect(out).toContain('No item was classified by the LLM: these are the heuristic’s figures.')
  })
})
