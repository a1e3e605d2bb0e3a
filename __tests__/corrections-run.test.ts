/**
 * Corrections end to end, over HTTP: a person changes the labels the action applied; the next run
 * sees the correction in the listing it makes anyway, teaches it (prompt examples, heuristic
 * override for the same signature), reports it, and never touches the person's labels.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { startWorld, runAction, type World } from './fakes/world.js'
import type { ScenarioSeed } from './fakes/seed.js'
import { markerIds } from './support/world-checks.js'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/** Files similarA alone, then has a person relabel it; similarB (same signature) is held back. */
async function correctedWorld(): Promise<{ w: World; number: number; ids: ScenarioSeed['ids'] }> {
  const w = await startWorld()
  const { ids } = w.seed as ScenarioSeed
  const held = w.sentry.issues.findIndex(i => i.id === ids.similarB)
  const [similarB] = w.sentry.issues.splice(held, 1)
  const first = await runAction(w, { classifier: 'heuristic' })
  expect(first.outputs.corrections).toBe('0')
  const issue = w.github.issues.find(i => markerIds(i.body).includes(ids.similarA))!
  expect(issue.labels.map(l => l.name)).not.toContain('category:database')
  w.github.editAsPerson(issue.number, {
    login: 'alice',
    setLabels: ['category:database', 'severity:critical', 'sentry']
  })
  w.sentry.issues.push(similarB!)
  return { w, number: issue.number, ids }
}

describe('learning from corrections', () => {
  it('gives a Sentry issue of a corrected signature the person’s labels under the heuristic, and reports the correction', async () => {
    const { w, number, ids } = await correctedWorld()
    world = w
    const run = await runAction(w, { classifier: 'heuristic', 'group-similar': 'false' })
    expect(run.failed).toBeNull()
    expect(run.outputs.corrections).toBe('1')
    const row = run.report!.results.find(r => r.sentryId === ids.similarB)!
    expect(row).toMatchObject({ action: 'created', category: 'Database', severity: 'Critical' })
    expect(run.summary).toMatch(/1 correction\(s\) by people seen; 1 used/)
    // The person's labels stay exactly as they set them.
    expect(
      w.github
        .issue(number)!
        .labels.map(l => l.name)
        .sort()
    ).toEqual(['category:database', 'sentry', 'severity:critical'])
  })

  it('puts the corrected example in the LLM prompt, inside the untrusted data', async () => {
    const { w, ids } = await correctedWorld()
    world = w
    const before = w.llm.bodies.length
    const run = await runAction(w, { 'group-similar': 'false' })
    expect(run.failed).toBeNull()
    const similarB = w.sentry.issues.find(i => i.id === ids.similarB)!
    const prompt = w.llm.bodies
      .slice(before)
      .map(b => JSON.stringify(b.messages))
      .find(text => text.includes(similarB.shortId) || text.includes(similarB.title.slice(0, 20)))
    expect(prompt).toBeDefined()
    expect(prompt).toMatch(/pastDecisions/)
    expect(prompt).toMatch(/Database\/Critical/)
    // The system prompt (first message) never carries the examples: it stays byte-identical.
    const systems = new Set(w.llm.bodies.slice(before).map(b => JSON.stringify(b.messages[0])))
    expect(systems.size).toBe(1)
    expect([...systems][0]).not.toMatch(/Database\/Critical/)
  })

  it('learns nothing with learn-from-corrections: false', async () => {
    const { w, ids } = await correctedWorld()
    world = w
    const run = await runAction(w, {
      classifier: 'heuristic',
      'group-similar': 'false',
      'learn-from-corrections': 'false'
    })
    expect(run.outputs.corrections).toBe('0')
    const row = run.report!.results.find(r => r.sentryId === ids.similarB)!
    expect(row.category).not.toBe('Database')
  })
})
