/**
 * The action end to end, in-process, against fake Sentry, GitHub and LLM servers on 127.0.0.1.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { startWorld, runAction, type World } from './fakes/world.js'
import { buildSentryIssue } from './fakes/sentry.js'
import type { ScenarioSeed } from './fakes/seed.js'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/** Sentry id → numbers of the OPEN GitHub issues whose first-line marker names it. */
function openIssuesById(w: World): Map<string, number[]> {
  const map = new Map<string, number[]>()
  for (const issue of w.github.issues) {
    const match = /^<!-- sentry-triage:v1 (\{.*?\}) -->$/m.exec(issue.body ?? '')
    if (!match || issue.state !== 'open') continue
    for (const id of (JSON.parse(match[1]!) as { ids: string[] }).ids)
      map.set(id, [...(map.get(id) ?? []), issue.number])
  }
  return map
}

// GraphQL blame is a POST that only reads.
const writes = (w: World) =>
  w.github.requests.filter(r => r.method !== 'GET' && r.path !== '/graphql')
const sentryWrites = (w: World) => w.sentry.requests.filter(r => r.method !== 'GET')
const inWindow = (w: World) => w.seed.issues.filter(i => i.id !== (w.seed as ScenarioSeed).ids.old)

describe('a scheduled run over a night of new Sentry issues', () => {
  it('opens one labelled issue per new Sentry issue, labels the linked one, and a re-run writes nothing', async () => {
    world = await startWorld()
    const w = world
    const { ids } = w.seed as ScenarioSeed
    const run = await runAction(w)
    expect(run.failed).toBeNull()

    // 12 issues in the 24 h window; `jwt` is linked to #7 by Sentry's own integration; similarA/B share one issue.
    expect(run.report!.results).toHaveLength(12)
    expect(run.outputs.created).toBe('10')
    expect(run.outputs.labeled).toBe('1')
    expect(run.outputs.triaged).toBe('12')
    expect(run.outputs.failed).toBe('0')
    expect(run.report!.results.some(r => r.sentryId === ids.old)).toBe(false)

    const open = openIssuesById(w)
    for (const issue of inWindow(w)) {
      if (issue.id === ids.jwt) continue
      expect(open.get(issue.id)).toHaveLength(1)
    }
    expect(open.get(ids.similarA)).toEqual(open.get(ids.similarB))

    // Each new issue came in one request, with its labels; the linked one got the triage labels.
    const creates = writes(w).filter(r => r.method === 'POST' && /\/issues$/.test(r.path))
    expect(creates).toHaveLength(10)
    for (const create of creates) {
      const labels = (create.body as { labels: string[] }).labels
      expect(labels).toEqual(expect.arrayContaining(['sentry']))
      expect(labels.some(l => /^category:[a-z-]+$/.test(l))).toBe(true)
      expect(labels.some(l => /^severity:(critical|high|medium|low)$/.test(l))).toBe(true)
    }
    const seven = w.github.issue(7)!
    expect(seven.labels.map(l => l.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^category:/),
        expect.stringMatching(/^severity:/)
      ])
    )
    // Labels were created once each, with a colour and a description (not GitHub's grey default).
    const labelCreates = writes(w).filter(
      r => r.method === 'POST' && /\/labels$/.test(r.path) && !/issues/.test(r.path)
    )
    const names = labelCreates.map(r => (r.body as { name: string }).name)
    expect(new Set(names).size).toBe(names.length)
    for (const label of w.github.labels) {
      expect(label.color).not.toBe('ededed')
      expect(label.description).toBeTruthy()
    }
    // GitHub writes: one per new issue, one for the linked issue, one per label created.
    expect(writes(w)).toHaveLength(10 + 1 + labelCreates.length)

    const llmBefore = w.llm.stats.requests
    const writesBefore = writes(w).length
    const again = await runAction(w)
    expect(again.failed).toBeNull()
    expect(w.llm.stats.requests).toBe(llmBefore)
    expect(writes(w)).toHaveLength(writesBefore)
    expect(again.outputs).toMatchObject({ created: '0', labeled: '0', triaged: '0', skipped: '12' })
    expect(again.report!.results.every(r => r.action === 'skipped' && r.githubIssue !== null)).toBe(
      true
    )
  })

  it('follows Sentry Link cursors while results="true", even across short pages', async () => {
    world = await startWorld({ sentry: { shortPages: 2 } })
    const run = await runAction(world, { classifier: 'heuristic' })
    // The intake listing (sorted by first seen); the follow-up's reads are separate requests.
    const listings = world.sentry.requests.filter(
      r => /\/organizations\/acme\/issues\/$/.test(r.path) && r.query.get('sort') === 'new'
    )
    expect(listings.length).toBeGreaterThanOrEqual(6)
    expect(listings.slice(1).every(r => r.query.get('cursor'))).toBe(true)
    expect(listings[0]!.query.get('query')).toBe('is:unresolved firstSeen:-24h')
    expect(listings[0]!.query.get('sort')).toBe('new')
    expect(listings[0]!.query.get('limit')).toBe('100')
    expect(run.report!.results).toHaveLength(12)
  })

  it('resolves sentry-projects slugs to ids, and an unknown slug fails before any write', async () => {
    world = await startWorld()
    const run = await runAction(world, { 'sentry-projects': 'payments-worker', 'dry-run': 'true' })
    const listing = world.sentry.requests.find(r => /\/issues\/$/.test(r.path))!
    expect(listing.query.getAll('project')).toEqual(['4508123400000002'])
    // Resolved once a run: the follow-up's regressed listing reuses intake's ids.
    expect(world.sentry.requests.filter(r => /\/projects\/$/.test(r.path))).toHaveLength(1)
    const regressed = world.sentry.requests.find(r =>
      /is:regressed/.test(r.query.get('query') ?? '')
    )!
    expect(regressed.query.getAll('project')).toEqual(['4508123400000002'])
    expect(run.report!.results.length).toBeGreaterThan(0)
    expect(run.report!.results.every(r => r.shortId.startsWith('PAYMENTS-WORKER'))).toBe(true)

    const bad = await runAction(world, { 'sentry-projects': 'checkout-api, no-such-project' })
    expect(bad.failed).toMatch(/sentry-projects.*'no-such-project'/)
    expect(writes(world)).toHaveLength(0)
  })

  it('restricts the listing to one environment', async () => {
    world = await startWorld()
    const run = await runAction(world, { environment: 'staging', 'dry-run': 'true' })
    const listing = world.sentry.requests.find(r => /\/issues\/$/.test(r.path))!
    expect(listing.query.get('environment')).toBe('staging')
    const staging = world.seed.issues.filter(i =>
      (i as { environments?: string[] }).environments?.includes('staging')
    )
    expect(run.report!.results.map(r => r.sentryId).sort()).toEqual(
      staging
        .filter(i => run.report!.results.some(r => r.sentryId === i.id))
        .map(i => i.id)
        .sort()
    )
    expect(run.report!.results.length).toBeLessThan(12)
  })
})

describe('modes', () => {
  it('dry-run reads and classifies, writes nothing anywhere, and says what it would do', async () => {
    world = await startWorld()
    const run = await runAction(world, { 'dry-run': 'true', 'sentry-comment': 'true' })
    expect(run.failed).toBeNull()
    expect(writes(world)).toHaveLength(0)
    expect(sentryWrites(world)).toHaveLength(0)
    expect(world.llm.stats.requests).toBeGreaterThan(0)
    expect(run.outputs.created).toBe('0')
    expect(run.outputs.labeled).toBe('0')
    const actions = run.report!.results.map(r => r.action)
    expect(actions.filter(a => a === 'would-create')).toHaveLength(11)
    expect(actions.filter(a => a === 'would-label')).toHaveLength(1)
    expect(run.summary).toMatch(/dry run/)
    expect(run.summary).toMatch(
      /Would create \*\*10\*\* GitHub issue\(s\) for 11 Sentry issue\(s\)/
    )
    expect(run.info.some(l => l.startsWith('[dry-run] Would create'))).toBe(true)
  })

  it('create-issues: false only labels issues already linked and reports the others', async () => {
    world = await startWorld()
    const run = await runAction(world, { 'create-issues': 'false' })
    expect(run.failed).toBeNull()
    expect(writes(world).filter(r => r.method === 'POST' && /\/issues$/.test(r.path))).toHaveLength(
      0
    )
    expect(run.outputs.labeled).toBe('1')
    expect(world.github.issue(7)!.labels.some(l => l.name.startsWith('severity:'))).toBe(true)
    const others = run.report!.results.filter(r => r.action === 'skipped')
    expect(others).toHaveLength(11)
    expect(others.every(r => /create-issues is false/.test(r.reason ?? ''))).toBe(true)
  })

  it('classifier: heuristic needs no key and makes no LLM request', async () => {
    world = await startWorld()
    const run = await runAction(world, { classifier: 'heuristic', 'holysheep-api-key': '' })
    expect(run.failed).toBeNull()
    expect(world.llm.stats.requests).toBe(0)
    expect(run.outputs.tokens).toBe('0')
    expect(run.report!.results.every(r => r.classifier === 'heuristic' && r.model === null)).toBe(
      true
    )
    expect(
      world.github.issues.filter(i => /Classified by \| heuristic rules/.test(i.body ?? ''))
    ).toHaveLength(10)
  })

  it('max-issues classifies the highest-impact issues first and leaves the rest for the next run', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { 'max-issues': '3', 'dry-run': 'true' })
    const classified = run.report!.results.filter(r => r.classifier !== null)
    expect(classified).toHaveLength(3)
    expect(classified.map(r => r.sentryId)).toContain(ids.fatal)
    expect(classified.every(r => r.tier === 'critical' || r.tier === 'high')).toBe(true)
    const deferred = run.report!.results.filter(r => /over max-issues/.test(r.reason ?? ''))
    expect(deferred).toHaveLength(9)
    expect(run.outputs.skipped).toBe('9')
    expect(run.warnings.some(w => /max-issues/.test(w))).toBe(true)
  })
})

describe('model routing', () => {
  it('sends each impact tier to its model, and everything to `model` when routing is off', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, { 'dry-run': 'true' })
    const byId = new Map(run.report!.results.map(r => [r.sentryId, r]))
    expect(byId.get(ids.fatal)).toMatchObject({
      tier: 'critical',
      model: 'gpt-4.1',
      classifier: 'llm'
    })
    for (const r of run.report!.results) {
      const expected = {
        critical: 'gpt-4.1',
        high: 'claude-sonnet-4.5',
        medium: 'gemini-2.5-flash',
        routine: 'deepseek-v3.2'
      }[r.tier as 'critical']
      expect(r.model).toBe(expected)
    }
    expect(new Set(world.llm.bodies.map(b => b.model)).size).toBeGreaterThanOrEqual(3)

    const before = world.llm.bodies.length
    await runAction(world, { 'dry-run': 'true', routing: 'false', model: 'my-model' })
    const models = world.llm.bodies.slice(before).map(b => b.model)
    expect(models.length).toBeGreaterThan(0)
    expect(new Set(models)).toEqual(new Set(['my-model']))
  })

  it('sends json_object requests whose messages say JSON and carry the issue as delimited data', async () => {
    world = await startWorld()
    await runAction(world, { 'dry-run': 'true' })
    const body = world.llm.bodies[0]!
    expect((body as { response_format?: { type: string } }).response_format).toEqual({
      type: 'json_object'
    })
    expect(body.messages[0]!.role).toBe('system')
    expect(String(body.messages[0]!.content)).toMatch(/untrusted data/)
    const user = String(body.messages[1]!.content)
    const facts = JSON.parse(user.slice(user.indexOf('{'))) as Record<string, unknown>
    // The title, or the exception it repeats (Sentry titles an error `Type: value`).
    expect(facts.title ?? facts.exception).toBeDefined()
    expect(facts).toHaveProperty('level')
    expect(Array.isArray(facts.frames)).toBe(true)
    expect((facts.frames as string[]).length).toBeLessThanOrEqual(8)
  })
})

describe('grouping, comments and assignees', () => {
  it('group-similar classifies identical signatures once and shares one GitHub issue; off, each gets its own', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    await runAction(world)
    const open = openIssuesById(world)
    expect(open.get(ids.similarA)).toEqual(open.get(ids.similarB))
    expect(world.llm.stats.requests).toBe(11)

    await world.close()
    world = await startWorld()
    await runAction(world, { 'group-similar': 'false' })
    const apart = openIssuesById(world)
    expect(apart.get(ids.similarA)).not.toEqual(apart.get(ids.similarB))
    expect(world.llm.stats.requests).toBe(12)
  })

  it('a later Sentry issue with the same signature joins the existing GitHub issue without an LLM request', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    const held = world.sentry.issues.findIndex(i => i.id === ids.similarB)
    const [similarB] = world.sentry.issues.splice(held, 1)
    await runAction(world)
    const number = openIssuesById(world).get(ids.similarA)![0]!
    const llmBefore = world.llm.stats.requests

    world.sentry.issues.push(similarB!)
    const run = await runAction(world)
    expect(run.failed).toBeNull()
    expect(world.llm.stats.requests).toBe(llmBefore)
    expect(run.outputs.created).toBe('0')
    // Joining extends the marker; no label changes, so nothing counts as labelled.
    expect(run.outputs.labeled).toBe('0')
    expect(run.report!.results.find(r => r.sentryId === ids.similarB)?.action).toBe('labeled')
    expect(openIssuesById(world).get(ids.similarB)).toEqual([number])
    expect(world.github.issue(number)!.body).toContain(similarB!.shortId)
  })

  it('a joining Sentry issue gets its note with sentry-comment, and nothing is joined in label-only mode', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    const held = world.sentry.issues.findIndex(i => i.id === ids.similarB)
    const [similarB] = world.sentry.issues.splice(held, 1)
    await runAction(world, { classifier: 'heuristic' })
    const number = openIssuesById(world).get(ids.similarA)![0]!
    world.sentry.issues.push(similarB!)

    const labelOnly = await runAction(world, { 'create-issues': 'false', classifier: 'heuristic' })
    expect(labelOnly.failed).toBeNull()
    expect(world.github.requests.filter(r => r.method === 'PATCH')).toHaveLength(0)
    expect(openIssuesById(world).get(ids.similarB)).toBeUndefined()

    const joined = await runAction(world, { 'sentry-comment': 'true', classifier: 'heuristic' })
    expect(joined.failed).toBeNull()
    expect(openIssuesById(world).get(ids.similarB)).toEqual([number])
    const notes = world.sentry.comments.filter(c => c.issueId === ids.similarB)
    expect(notes).toHaveLength(1)
    expect(notes[0]!.data.text).toContain(`https://github.com/acme/shop/issues/${number}`)
  })

  it('sentry-comment posts one note per Sentry issue with the GitHub link; the re-run posts none', async () => {
    world = await startWorld()
    const run = await runAction(world, { 'sentry-comment': 'true', classifier: 'heuristic' })
    expect(run.failed).toBeNull()
    expect(world.sentry.comments).toHaveLength(12)
    for (const comment of world.sentry.comments) {
      expect(comment.data.text).toMatch(/^sentry-triage: (Critical|High|Medium|Low) · /)
      expect(comment.data.text).toMatch(/GitHub: https:\/\/github\.com\/acme\/shop\/issues\/\d+/)
    }
    await runAction(world, { 'sentry-comment': 'true', classifier: 'heuristic' })
    expect(world.sentry.comments).toHaveLength(12)
  })

  it('assigns critical-assignees to new issues classified Critical, and only to those', async () => {
    world = await startWorld()
    await runAction(world, { 'critical-assignees': 'alice, @bob', classifier: 'heuristic' })
    const critical = world.github.issues.filter(i =>
      i.labels.some(l => l.name === 'severity:critical')
    )
    expect(critical.length).toBeGreaterThan(0)
    for (const issue of world.github.issues) {
      const logins = issue.assignees.map(a => a.login).sort()
      expect(logins).toEqual(critical.includes(issue) ? ['alice', 'bob'] : [])
    }
  })
})

describe('two Sentry issues linked to one GitHub issue', () => {
  it('labels it once, with one category and one severity', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    const deadlock = world.sentry.issues.find(i => i.id === ids.deadlock)!
    deadlock.annotations = [
      { displayName: 'GitHub: acme/shop#7', url: 'https://github.com/acme/shop/issues/7' }
    ]
    const run = await runAction(world, { 'group-similar': 'false' })
    expect(run.failed).toBeNull()
    const names = world.github.issue(7)!.labels.map(l => l.name)
    expect(names.filter(n => n.startsWith('category:'))).toHaveLength(1)
    expect(names.filter(n => n.startsWith('severity:'))).toHaveLength(1)
    expect(run.outputs.labeled).toBe('1')
    const onSeven = run.report!.results.filter(r => r.githubIssue?.endsWith('/issues/7'))
    expect(onSeven.map(r => r.action)).toEqual(['labeled', 'labeled'])
  })
})

describe('a linked Sentry issue that escalates', () => {
  it('is triaged again once its impact tier climbs: severity raised, critical-assignees added, then left alone', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    await runAction(world, { classifier: 'heuristic', 'critical-assignees': 'alice' })
    const number = openIssuesById(world).get(ids.warning)![0]!
    const before = world.github.issue(number)!
    expect(before.labels.map(l => l.name)).not.toContain('severity:critical')
    expect(before.body).toMatch(/"tier":"(medium|routine)"/)

    const warning = world.sentry.issues.find(i => i.id === ids.warning)!
    warning.level = 'fatal'
    warning.userCount = 5000
    const run = await runAction(world, { classifier: 'heuristic', 'critical-assignees': 'alice' })
    expect(run.failed).toBeNull()
    const row = run.report!.results.find(r => r.sentryId === ids.warning)!
    expect(row).toMatchObject({ action: 'escalated', severity: 'Critical' })
    expect(run.outputs.labeled).toBe('1')
    expect(row.reason).toMatch(/escalated from the (medium|routine) to the critical tier/)
    const after = world.github.issue(number)!
    const severities = after.labels.map(l => l.name).filter(n => n.startsWith('severity:'))
    expect(severities).toEqual(['severity:critical'])
    expect(after.assignees.map(a => a.login)).toEqual(['alice'])
    expect(after.body).toMatch(/"tier":"critical"/)
    expect(run.outputs.created).toBe('0')

    const writes = world.github.requests.filter(r => r.method !== 'GET').length
    const again = await runAction(world, { classifier: 'heuristic', 'critical-assignees': 'alice' })
    expect(again.outputs).toMatchObject({ triaged: '0', labeled: '0', created: '0' })
    expect(world.github.requests.filter(r => r.method !== 'GET')).toHaveLength(writes)
  })
})

describe('assignees GitHub refuses', () => {
  it('opens a Critical issue unassigned, with a warning, when a critical-assignees login cannot be assigned', async () => {
    world = await startWorld({ github: { collaborators: ['alice'] } })
    const run = await runAction(world, {
      'critical-assignees': 'alice, bob-left-the-org',
      classifier: 'heuristic'
    })
    expect(run.failed).toBeNull()
    expect(run.outputs.failed).toBe('0')
    const critical = world.github.issues.filter(i =>
      i.labels.some(l => l.name === 'severity:critical')
    )
    expect(critical.length).toBeGreaterThan(0)
    expect(critical.every(i => i.assignees.length === 0)).toBe(true)
    expect(run.warnings.some(w => /bob-left-the-org/.test(w) && /unassigned/.test(w))).toBe(true)
  })
})

describe('one issue on demand, and the GitHub side', () => {
  it('sentry-issue triages exactly that issue, by shortId, whatever since says', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    const old = world.seed.issues.find(i => i.id === ids.old)!
    const run = await runAction(world, { 'sentry-issue': old.shortId })
    expect(run.failed).toBeNull()
    expect(run.report!.results.map(r => r.sentryId)).toEqual([old.id])
    expect(run.outputs.created).toBe('1')

    const byId = await runAction(world, { 'sentry-issue': old.id })
    expect(byId.report!.results).toMatchObject([{ sentryId: old.id, action: 'skipped' }])
  })

  it('works against GitHub Enterprise Server paths and ignores pull requests in the listing', async () => {
    world = await startWorld({
      github: { apiPrefix: '/api/v3', includePulls: true, serverUrl: 'https://ghe.example.com' }
    })
    world.env.GITHUB_SERVER_URL = 'https://ghe.example.com'
    // A pull request quoting a marker must not count as the linked issue.
    const { ids } = world.seed as ScenarioSeed
    world.github.pulls[0]!.body = `<!-- sentry-triage:v1 {"ids":["${ids.deadlock}"],"sig":null} -->\nquoted`
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(openIssuesById(world).get(ids.deadlock)).toHaveLength(1)
    expect(run.failed).toBeNull()
    expect(
      world.github.requests.every(
        r =>
          r.path.startsWith('/api/v3/') ||
          r.path.startsWith('/repositories/') ||
          // GraphQL (blame for code context) lives beside the REST API on Enterprise Server.
          r.path === '/api/graphql'
      )
    ).toBe(true)
    expect(run.outputs.created).toBe('11')
    const pullNumbers = world.github.pulls.map(p => p.number)
    expect(pullNumbers.length).toBeGreaterThan(0)
    const touched = writes(world).map(r => Number(/\/issues\/(\d+)/.exec(r.path)?.[1]))
    expect(touched.filter(n => pullNumbers.includes(n))).toEqual([])
  })

  it('adds a Sentry issue that appears between runs, and only that one', async () => {
    world = await startWorld()
    await runAction(world, { classifier: 'heuristic' })
    const before = world.github.issues.length
    world.sentry.issues.push(
      buildSentryIssue({
        id: '6099999999',
        shortId: 'CHECKOUT-API-9Z',
        title: 'Error: connect ECONNREFUSED 10.0.0.12:5432',
        culprit: 'db/pool in acquire',
        level: 'error',
        count: 3,
        userCount: 1,
        firstSeen: new Date(world.now.getTime() - 10 * 60_000),
        lastSeen: world.now,
        project: world.seed.projects[0]!,
        org: 'acme',
        metadata: { type: 'Error', value: 'connect ECONNREFUSED 10.0.0.12:5432' }
      } as Parameters<typeof buildSentryIssue>[0])
    )
    const run = await runAction(world, { classifier: 'heuristic' })
    expect(run.outputs.created).toBe('1')
    expect(world.github.issues).toHaveLength(before + 1)
    const newest = world.github.issues.at(-1)!
    expect(newest.title).toBe('[CHECKOUT-API-9Z] Error: connect ECONNREFUSED [ip]:5432')
  })
})

describe('outputs and the job summary', () => {
  it('reports counts, tokens and cost from usage and prices, and one results row per Sentry issue', async () => {
    world = await startWorld()
    const run = await runAction(world, {
      prices: 'gpt-4.1=8, claude-sonnet-4.5=15, gemini-2.5-flash=2.5, deepseek-v3.2=0.42'
    })
    const tokens = world.llm.stats.promptTokens + world.llm.stats.completionTokens
    expect(Number(run.outputs.tokens)).toBe(tokens)
    expect(Number(run.outputs['cost-usd'])).toBeGreaterThan(0)
    expect(Number(run.outputs['cost-usd'])).toBeLessThan((tokens * 15) / 1e6)

    const results = JSON.parse(run.outputs.results!) as Array<Record<string, unknown>>
    expect(results).toHaveLength(12)
    for (const r of results) {
      expect(Object.keys(r)).toEqual(
        expect.arrayContaining([
          'sentryId',
          'shortId',
          'title',
          'category',
          'severity',
          'classifier',
          'model',
          'action',
          'githubIssue'
        ])
      )
    }
    expect(run.summary).toMatch(/\| Category \| Issues \|/)
    expect(run.summary).toMatch(/\| Severity \| Issues \|/)
    expect(run.summary).toMatch(/\| Model \| Requests \|/)
    expect(run.summary).toMatch(/\[#\d+\]\(https:\/\/github\.com\/acme\/shop\/issues\/\d+\)/)
    expect(run.summary).toMatch(
      /\[[A-Z-]+\\?-?[A-Z0-9-]*\]\(https:\/\/sentry\.io\/organizations\/acme\/issues\/\d+\/\)/
    )
  })
})

describe('bad inputs', () => {
  const cases: Array<[string, Record<string, string>, RegExp]> = [
    ['missing sentry-org', { 'sentry-org': '' }, /Input 'sentry-org' is required/],
    ['max-issues: abc', { 'max-issues': 'abc' }, /Input 'max-issues' must be a whole number/],
    [
      'since: yesterday',
      { since: 'yesterday' },
      /Input 'since' must be a number followed by m, h, d, w/
    ],
    [
      'sentry-url: ftp://x',
      { 'sentry-url': 'ftp://x' },
      /Input 'sentry-url' must be an https:\/\/ URL/
    ],
    ['unknown classifier', { classifier: 'gpt' }, /Input 'classifier' must be llm or heuristic/],
    [
      'plain http to a remote LLM',
      { 'holysheep-base-url': 'http://api.example.com/v1' },
      /Input 'holysheep-base-url'/
    ],
    ['dry-run: maybe', { 'dry-run': 'maybe' }, /Input 'dry-run' must be true or false/]
  ]
  it.each(cases)(
    '%s fails with a message naming the input, before any request',
    async (_name, inputs, message) => {
      world = await startWorld()
      const run = await runAction(world, inputs)
      expect(run.failed).toMatch(message)
      expect(run.report).toBeUndefined()
      expect(world.sentry.requests).toHaveLength(0)
      expect(world.github.requests).toHaveLength(0)
      expect(world.llm.requests).toHaveLength(0)
    }
  )
})
