import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import {
  buildSentryEvent,
  buildSentryIssue,
  startFakeSentry,
  type FakeSentry,
  type SentryIssue
} from './fakes/sentry.js'
import { startFakeGitHub, type FakeGitHub } from './fakes/github.js'
import {
  classifyPrompt,
  fencedJson,
  startFakeLlm,
  type ChatRequestBody,
  type FakeLlm
} from './fakes/llm.js'
import { HOSTILE, makeIssues, seedScenario } from './fakes/seed.js'
import { startServer } from './fakes/server.js'

const NOW = new Date('2025-11-29T12:00:00Z')
const TOKEN = 'sntryu_test_token'

interface LinkPart {
  url: string
  rel: string
  results?: string
  cursor?: string
}

function parseLink(h: string | null): LinkPart[] {
  if (!h) return []
  return h.split(',').map(part => {
    const url = /<([^>]+)>/.exec(part)?.[1] ?? ''
    const attrs: Record<string, string> = {}
    for (const m of part.matchAll(/;\s*(\w+)="([^"]*)"/g)) attrs[m[1] ?? ''] = m[2] ?? ''
    return { url, rel: attrs.rel ?? '', results: attrs.results, cursor: attrs.cursor }
  })
}

describe('fake Sentry', () => {
  let sentry: FakeSentry
  const seed = seedScenario({ now: NOW })
  const auth = { authorization: `Bearer ${TOKEN}` }

  beforeAll(async () => {
    sentry = await startFakeSentry({
      token: TOKEN,
      org: 'acme',
      projects: seed.projects,
      issues: seed.issues,
      events: seed.events,
      now: () => NOW
    })
  })
  afterAll(async () => {
    await sentry.close()
  })

  it('pages with Link cursors and results flags, count as a string, firstSeen filter', async () => {
    const q = new URLSearchParams({
      query: 'is:unresolved firstSeen:-24h',
      sort: 'new',
      limit: '7',
      statsPeriod: '24h'
    })
    const r1 = await fetch(`${sentry.url}/api/0/organizations/acme/issues/?${q}`, { headers: auth })
    expect(r1.status).toBe(200)
    const page1 = (await r1.json()) as Array<Record<string, unknown>>
    expect(page1).toHaveLength(7)
    expect(typeof page1[0]?.count).toBe('string')
    expect(typeof page1[0]?.userCount).toBe('number')
    expect(page1[0]).not.toHaveProperty('environments')
    expect(r1.headers.get('x-hits')).toBe('12')
    const links1 = parseLink(r1.headers.get('link'))
    expect(links1.map(l => [l.rel, l.results, l.cursor])).toEqual([
      ['previous', 'false', '0:0:1'],
      ['next', 'true', '0:7:0']
    ])
    const next = links1[1]?.url ?? ''
    expect(next.startsWith(`${sentry.url}/api/0/organizations/acme/issues/?`)).toBe(true)
    expect(new URL(next).searchParams.get('query')).toBe('is:unresolved firstSeen:-24h')

    const r2 = await fetch(next, { headers: auth })
    const page2 = (await r2.json()) as Array<{ id: string }>
    expect(page2).toHaveLength(5)
    const links2 = parseLink(r2.headers.get('link'))
    expect(links2.map(l => [l.rel, l.results])).toEqual([
      ['previous', 'true'],
      ['next', 'false']
    ])
    const ids = [...page1.map(i => i.id), ...page2.map(i => i.id)]
    expect(new Set(ids).size).toBe(12)
    expect(ids).not.toContain(seed.ids.old)
  })

  it('short pages still report results="true"', async () => {
    const short = await startFakeSentry({
      token: TOKEN,
      org: 'acme',
      ...seed,
      now: () => NOW,
      shortPages: true
    })
    try {
      const r = await fetch(`${short.url}/api/0/organizations/acme/issues/?query=&limit=100`, {
        headers: auth
      })
      const items = (await r.json()) as unknown[]
      expect(items.length).toBeLessThan(13)
      expect(parseLink(r.headers.get('link'))[1]?.results).toBe('true')
    } finally {
      await short.close()
    }
  })

  it('answers 401 for a bad token, 400 for a slug in project, and the latest event', async () => {
    const bad = await fetch(`${sentry.url}/api/0/organizations/acme/issues/`, {
      headers: { authorization: 'Bearer nope' }
    })
    expect(bad.status).toBe(401)
    expect(await bad.json()).toEqual({ detail: 'Invalid token' })

    const slug = await fetch(
      `${sentry.url}/api/0/organizations/acme/issues/?project=checkout-api`,
      { headers: auth }
    )
    expect(slug.status).toBe(400)
    expect(await slug.json()).toEqual({
      detail: 'Invalid project parameter. Values must be numbers.'
    })

    const ev = await fetch(
      `${sentry.url}/api/0/organizations/acme/issues/${seed.ids.deadlock}/events/latest/`,
      { headers: auth }
    )
    const event = (await ev.json()) as {
      entries: Array<{
        type: string
        data: { values: Array<{ stacktrace: { frames: Array<{ inApp: boolean }> } }> }
      }>
    }
    const exc = event.entries.find(e => e.type === 'exception')
    expect(exc?.data.values[0]?.stacktrace.frames.at(-1)?.inApp).toBe(false)
  })

  it('rate limits with X-Sentry-Rate-Limit-Reset and no Retry-After', async () => {
    sentry.rateLimit(1)
    const r = await fetch(`${sentry.url}/api/0/organizations/acme/issues/`, { headers: auth })
    expect(r.status).toBe(429)
    expect(r.headers.get('retry-after')).toBeNull()
    expect(Number(r.headers.get('x-sentry-rate-limit-reset'))).toBeGreaterThanOrEqual(
      Math.floor(Date.now() / 1000)
    )
    expect(r.headers.get('x-sentry-rate-limit-remaining')).toBe('0')
    const ok = await fetch(`${sentry.url}/api/0/organizations/acme/issues/`, { headers: auth })
    expect(ok.status).toBe(200)
    expect(ok.headers.get('x-sentry-rate-limit-limit')).toBe('40')
  })

  it('rejects a duplicate comment', async () => {
    const url = `${sentry.url}/api/0/organizations/acme/issues/${seed.ids.dns}/comments/`
    const init = {
      method: 'POST',
      headers: { ...auth, 'content-type': 'application/json' },
      body: JSON.stringify({ text: 'triaged' })
    }
    expect((await fetch(url, init)).status).toBe(201)
    const dup = await fetch(url, init)
    expect(dup.status).toBe(400)
    expect(await dup.json()).toEqual({ detail: 'You have already posted that comment.' })
  })
})

describe('fake GitHub', () => {
  let gh: FakeGitHub
  const auth = { authorization: 'token ghs_test', 'content-type': 'application/json' }

  beforeAll(async () => {
    gh = await startFakeGitHub({
      owner: 'acme',
      repo: 'shop',
      token: 'ghs_test',
      labels: [{ name: 'sentry', color: '362d59', description: 'From Sentry' }],
      issues: Array.from({ length: 5 }, (_, i) => ({
        title: `seeded ${i + 1}`,
        labels: ['sentry']
      })),
      includePulls: true
    })
  })
  afterAll(async () => {
    await gh.close()
  })

  it('answers 422 already_exists for an existing label (case-insensitive)', async () => {
    const r = await fetch(`${gh.url}/repos/acme/shop/labels`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ name: 'SENTRY', color: 'ff0000' })
    })
    expect(r.status).toBe(422)
    const body = (await r.json()) as { message: string; errors: Array<Record<string, string>> }
    expect(body.message).toBe('Validation Failed')
    expect(body.errors[0]).toEqual({ resource: 'Label', code: 'already_exists', field: 'name' })
    expect(r.headers.get('x-ratelimit-remaining')).not.toBeNull()
  })

  it('paginates issues with a Link header and returns pull requests too', async () => {
    const r1 = await fetch(`${gh.url}/repos/acme/shop/issues?state=all&per_page=3`, {
      headers: auth
    })
    const links = parseLink(r1.headers.get('link'))
    expect(links.map(l => l.rel)).toEqual(['next', 'last'])
    const items1 = (await r1.json()) as Array<{ number: number; pull_request?: unknown }>
    expect(items1).toHaveLength(3)
    const next = links[0]?.url ?? ''
    expect(new URL(next).searchParams.get('page')).toBe('2')
    const all = [...items1]
    let url: string | undefined = next
    let pages = 1
    let lastRels: string[] = []
    while (url) {
      const r: Response = await fetch(url, { headers: auth })
      all.push(...((await r.json()) as typeof items1))
      pages++
      const l = parseLink(r.headers.get('link'))
      lastRels = l.map(x => x.rel)
      url = l.find(x => x.rel === 'next')?.url
    }
    expect(pages).toBe(3)
    expect(lastRels).toEqual(['prev', 'first'])
    expect(all).toHaveLength(7)
    expect(all.filter(i => i.pull_request).length).toBe(2)

    const labelled = await fetch(`${gh.url}/repos/acme/shop/issues?labels=sentry&per_page=100`, {
      headers: auth
    })
    expect(((await labelled.json()) as unknown[]).length).toBe(5)
  })

  it('creates an issue, auto-creating unknown labels grey, and rejects a too-long body', async () => {
    const r = await fetch(`${gh.url}/repos/acme/shop/issues`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'x', body: 'y', labels: ['category:database'] })
    })
    expect(r.status).toBe(201)
    const issue = (await r.json()) as {
      number: number
      html_url: string
      labels: Array<{ name: string; color: string; description: string | null }>
    }
    expect(issue.html_url).toBe(`https://github.com/acme/shop/issues/${issue.number}`)
    expect(issue.labels[0]).toMatchObject({
      name: 'category:database',
      color: 'ededed',
      description: null
    })

    const long = await fetch(`${gh.url}/repos/acme/shop/issues`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 't', body: 'a'.repeat(65537) })
    })
    expect(long.status).toBe(422)
  })

  it('answers a secondary rate limit on writes only', async () => {
    gh.secondaryRateLimit(1, 2)
    const read = await fetch(`${gh.url}/repos/acme/shop/labels`, { headers: auth })
    expect(read.status).toBe(200)
    const w = await fetch(`${gh.url}/repos/acme/shop/issues`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'z' })
    })
    expect(w.status).toBe(403)
    expect(w.headers.get('retry-after')).toBe('2')
    expect(((await w.json()) as { message: string }).message).toMatch(/secondary rate limit/)
  })
})

describe('fake LLM', () => {
  let llm: FakeLlm
  const auth = { authorization: 'Bearer sk-test', 'content-type': 'application/json' }
  const seed = seedScenario({ now: NOW })

  beforeAll(async () => {
    llm = await startFakeLlm({ apiKey: 'sk-test' })
  })
  afterAll(async () => {
    await llm.close()
  })

  const promptFor = (id: string): ChatRequestBody => {
    const issue = seed.issues.find(i => i.id === id)
    const ev = seed.events[id]
    const exc = ev?.entries.find(e => e.type === 'exception')?.data as
      { values: Array<{ type: string; value: string }> } | undefined
    const facts = {
      title: issue?.title,
      culprit: issue?.culprit,
      level: issue?.level,
      events: Number(issue?.count),
      usersAffected: issue?.userCount,
      exception: exc?.values.map(v => ({ type: v.type, value: v.value }))
    }
    return {
      model: 'deepseek-v3.2',
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: 'You triage Sentry issues. Reply with one JSON object.' },
        {
          role: 'user',
          content: `Classify this Sentry issue. Answer in JSON.\n\n${JSON.stringify(facts)}`
        }
      ]
    }
  }

  it('rejects json_object mode without the word json', async () => {
    const r = await fetch(`${llm.url}/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        model: 'gpt-4.1',
        response_format: { type: 'json_object' },
        messages: [{ role: 'user', content: 'classify this' }]
      })
    })
    expect(r.status).toBe(400)
    const body = (await r.json()) as { error: { message: string } }
    expect(body.error.message).toBe(
      "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'."
    )
  })

  it('answers parseable JSON by default, in the OpenAI shape', async () => {
    const r = await fetch(`${llm.url}/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(promptFor(seed.ids.deadlock))
    })
    expect(r.status).toBe(200)
    const body = (await r.json()) as {
      object: string
      choices: Array<{ message: { role: string; content: string }; finish_reason: string }>
      usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number }
    }
    expect(body.object).toBe('chat.completion')
    expect(body.choices[0]?.finish_reason).toBe('stop')
    const answer = JSON.parse(body.choices[0]?.message.content ?? '') as Record<string, unknown>
    expect(answer).toMatchObject({ category: 'Database', severity: 'High' })
    expect(String(answer.rootCause)).toContain('src/db/orders in OrderRepository.reserveStock')
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens)
    expect(llm.stats.requests).toBeGreaterThanOrEqual(2)
  })

  it('classifies every seeded issue as the seed expects', () => {
    for (const issue of seed.issues) {
      const c = classifyPrompt(promptFor(issue.id))
      expect([issue.shortId, c.category, c.severity]).toEqual([
        issue.shortId,
        seed.expected[issue.id]?.category,
        seed.expected[issue.id]?.severity
      ])
    }
  })

  it('serves helper responders and 401 for a wrong key', async () => {
    llm.setResponder(
      fencedJson({ category: 'Network', severity: 'Low', rootCause: 'r', suggestedAction: 'a' })
    )
    const r = await fetch(`${llm.url}/chat/completions`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify(promptFor(seed.ids.dns))
    })
    const body = (await r.json()) as { choices: Array<{ message: { content: string } }> }
    expect(body.choices[0]?.message.content.startsWith('```json\n')).toBe(true)
    llm.setResponder(undefined)
    const bad = await fetch(`${llm.url}/chat/completions`, {
      method: 'POST',
      headers: { ...auth, authorization: 'Bearer sk-wrong-key-123' },
      body: '{}'
    })
    expect(bad.status).toBe(401)
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('invalid_api_key')
  })
})

describe('harness and seed', () => {
  it('consumes faults in order and can reset the socket', async () => {
    const s = await startServer({
      routes: [
        {
          method: 'GET',
          pattern: '/x/:id',
          handler: ctx => ({ status: 200, body: { id: ctx.params.id } })
        }
      ]
    })
    try {
      s.fault({ path: '/x/' }, { status: 503, times: 2 })
      s.fault({ path: /^\/x\// }, { reset: true })
      expect((await fetch(`${s.url}/x/1`)).status).toBe(503)
      expect((await fetch(`${s.url}/x/1`)).status).toBe(503)
      await expect(fetch(`${s.url}/x/1`)).rejects.toThrow()
      const ok = await fetch(`${s.url}/x/a%20b`)
      expect(await ok.json()).toEqual({ id: 'a b' })
      expect(s.requests).toHaveLength(4)
    } finally {
      await s.close()
    }
  })

  it('seeds hostile text, the annotation, and distinct benchmark issues', () => {
    const seed = seedScenario({ now: NOW })
    const hostile = seed.issues.find(i => i.id === seed.ids.hostile)
    for (const v of [
      HOSTILE.mention,
      HOSTILE.html,
      HOSTILE.fence,
      HOSTILE.email,
      HOSTILE.ipv4,
      HOSTILE.jwt,
      HOSTILE.awsKey
    ])
      expect(hostile?.title).toContain(v)
    expect(seed.issues.find(i => i.id === seed.ids.jwt)?.annotations).toEqual([
      { displayName: 'GitHub: acme/shop#7', url: 'https://github.com/acme/shop/issues/7' }
    ])
    const bench = makeIssues(300, NOW)
    expect(new Set(bench.issues.map(i => i.shortId)).size).toBe(300)
    expect(new Set(bench.issues.map(i => `${i.metadata.type}|${i.culprit}`)).size).toBe(300)
    expect(Object.keys(bench.events)).toHaveLength(300)
  })
})

describe('fake Sentry: follow-up (status, group= batches, PUT, external issues)', () => {
  const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }
  const shop = { id: '11', name: 'Shop', slug: 'shop', platform: 'python' }
  const secret = { id: '12', name: 'Secret', slug: 'secret', platform: 'python' }
  const dayAgo = new Date(NOW.getTime() - 86_400_000 * 3)
  const make = (id: string, project = shop): SentryIssue =>
    buildSentryIssue({
      id,
      shortId: `SHOP-${id}`,
      title: `Error ${id}`,
      project,
      count: 10,
      firstSeen: dayAgo,
      lastSeen: dayAgo
    })
  let sentry: FakeSentry
  const org = (): string => `${sentry.url}/api/0/organizations/acme`
  const get = async (path: string): Promise<Response> => fetch(`${org()}${path}`, { headers: auth })

  beforeAll(async () => {
    const issues = ['101', '102', '103', '104', '105'].map(id => make(id))
    issues.push(make('201', secret))
    sentry = await startFakeSentry({
      token: TOKEN,
      org: 'acme',
      projects: [shop],
      issues,
      events: { '103': buildSentryEvent({ issue: issues[2] as SentryIssue, release: 'shop@1.0' }) },
      now: () => NOW,
      noAccessProjectIds: ['12']
    })
  })
  afterAll(async () => {
    await sentry.close()
  })

  it('changes state by test control and returns group= batches ignoring query', async () => {
    sentry.resolve('101')
    sentry.archive('102', 'archived_forever')
    sentry.regress('103', { events: 4, release: 'shop@2.0' })
    const r = await get('/issues/?group=103&group=101&group=102&group=999&query=is:unresolved')
    expect(r.status).toBe(200)
    expect(r.headers.get('link')).toBeNull()
    const items = (await r.json()) as Array<Record<string, unknown>>
    expect(items.map(i => [i.id, i.status, i.substatus])).toEqual([
      ['101', 'resolved', null],
      ['102', 'ignored', 'archived_forever'],
      ['103', 'unresolved', 'regressed']
    ])
    const regressed = items[2] ?? {}
    expect(regressed.count).toBe('14')
    expect(regressed.lastSeen).toBe('2025-11-29T12:00:00Z')
    expect(regressed.statusDetails).toEqual({})

    const ev = (await (await get('/issues/103/events/latest/')).json()) as {
      release: { version: string }
      tags: Array<{ key: string; value: string }>
    }
    expect(ev.release.version).toBe('shop@2.0')
    expect(ev.tags).toContainEqual({ key: 'release', value: 'shop@2.0' })
    const detail = (await (await get('/issues/103/')).json()) as {
      lastRelease: { version: string }
    }
    expect(detail.lastRelease.version).toBe('shop@2.0')

    sentry.addEvents('104', { events: 90, users: 7 })
    const grown = (await (await get('/issues/?group=104')).json()) as Array<Record<string, unknown>>
    expect(grown[0]).toMatchObject({
      count: '100',
      userCount: 7,
      status: 'unresolved',
      substatus: 'new',
      lastSeen: '2025-11-29T12:00:00Z'
    })
  })

  it('answers 403 for a group in an inaccessible project, 400 above 100 ids or for a non-number', async () => {
    const denied = await get('/issues/?group=104&group=201')
    expect(denied.status).toBe(403)
    const many = Array.from({ length: 101 }, (_, i) => `group=${1000 + i}`).join('&')
    const tooMany = await get(`/issues/?${many}`)
    expect(tooMany.status).toBe(400)
    expect(((await tooMany.json()) as { detail: string }).detail).toMatch(/at most 100/)
    const hundred = Array.from({ length: 99 }, (_, i) => `group=${1000 + i}`).join('&')
    const ok = await get(`/issues/?${hundred}&group=104`)
    expect(ok.status).toBe(200)
    expect(((await ok.json()) as Array<{ id: string }>).map(i => i.id)).toEqual(['104'])
    const notInt = await get('/issues/?group=SHOP-1')
    expect(notInt.status).toBe(400)
    expect(await notInt.json()).toEqual({ detail: 'Group ids must be integers' })
  })

  it('filters on is:resolved, is:archived, is:regressed, lastSeen and is:linked/unlinked', async () => {
    sentry.setStatus('105', 'unresolved', 'ongoing')
    const ids = async (query: string): Promise<string[]> => {
      const r = await get(`/issues/?${new URLSearchParams({ query, statsPeriod: '14d' })}`)
      expect(r.status).toBe(200)
      return ((await r.json()) as Array<{ id: string }>).map(i => i.id).sort()
    }
    expect(await ids('is:resolved')).toEqual(['101'])
    expect(await ids('is:archived')).toEqual(['102'])
    expect(await ids('is:ignored')).toEqual(['102'])
    expect(await ids('is:unresolved is:regressed lastSeen:-1h')).toEqual(['103'])
    expect(await ids('is:unresolved lastSeen:-1h')).toEqual(['103', '104'])
    expect(await ids('is:unresolved is:unlinked')).toEqual(['103', '104', '105'])
    sentry.link('104', {
      webUrl: 'https://github.com/acme/shop/issues/4',
      project: 'acme/shop',
      identifier: '4'
    })
    expect(await ids('is:unresolved is:unlinked')).toEqual(['103', '105'])
    expect(await ids('is:linked')).toEqual(['104'])
  })

  it('updates status by PUT, answers the whole issue and records the update', async () => {
    const put = (id: string, body: unknown, headers = auth): Promise<Response> =>
      fetch(`${org()}/issues/${id}/`, { method: 'PUT', headers, body: JSON.stringify(body) })
    const r = await put('105', { status: 'resolved' })
    expect(r.status).toBe(200)
    const issue = (await r.json()) as Record<string, unknown>
    expect(issue).toMatchObject({ id: '105', status: 'resolved', substatus: null, count: '10' })
    expect(issue).toHaveProperty('shortId', 'SHOP-105')
    expect(sentry.issueUpdates.at(-1)).toMatchObject({
      issueId: '105',
      body: { status: 'resolved' }
    })

    const unres = (await (await put('105', { status: 'unresolved' })).json()) as Record<
      string,
      unknown
    >
    expect([unres.status, unres.substatus]).toEqual(['unresolved', 'ongoing'])
    const ign = (await (await put('105', { status: 'ignored' })).json()) as Record<string, unknown>
    expect([ign.status, ign.substatus]).toEqual(['ignored', 'archived_forever'])
    const esc = (await (
      await put('105', { status: 'ignored', substatus: 'archived_until_escalating' })
    ).json()) as Record<string, unknown>
    expect(esc.substatus).toBe('archived_until_escalating')
    const next = (await (await put('105', { status: 'resolvedInNextRelease' })).json()) as {
      status: string
      statusDetails: Record<string, unknown>
    }
    expect(next.status).toBe('resolved')
    expect(next.statusDetails.inNextRelease).toBe(true)

    const bad = await put('105', { status: 'closed' })
    expect(bad.status).toBe(400)
    expect(await bad.json()).toEqual({ status: ['"closed" is not a valid choice.'] })
    expect(
      (await put('105', { status: 'resolved' }, { ...auth, authorization: 'Bearer x' })).status
    ).toBe(401)
    expect((await put('999', { status: 'resolved' })).status).toBe(404)
    const count = sentry.issueUpdates.length
    expect(count).toBe(5)

    const readOnly = await startFakeSentry({
      token: TOKEN,
      org: 'acme',
      projects: [shop],
      issues: [make('301')],
      scopes: ['event:read', 'org:read']
    })
    try {
      const r403 = await fetch(`${readOnly.url}/api/0/organizations/acme/issues/301/`, {
        method: 'PUT',
        headers: auth,
        body: JSON.stringify({ status: 'resolved' })
      })
      expect(r403.status).toBe(403)
      expect(readOnly.issues[0]?.status).toBe('unresolved')
    } finally {
      await readOnly.close()
    }
  })

  it('lists installations and creates, updates, lists and deletes external issues', async () => {
    const inst = await get('/sentry-app-installations/')
    expect(inst.status).toBe(200)
    const list = (await inst.json()) as Array<{
      uuid: string
      status: string
      app: { slug: string; uuid: string; sentryAppId: number }
      organization: { slug: string }
    }>
    expect(list).toHaveLength(1)
    expect(list[0]).toMatchObject({
      status: 'installed',
      app: { slug: 'sentry-triage' },
      organization: { slug: 'acme' }
    })
    expect(list[0]?.uuid).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/
    )
    const uuid = list[0]?.uuid ?? ''
    const post = (body: unknown, u = uuid): Promise<Response> =>
      fetch(`${sentry.url}/api/0/sentry-app-installations/${u}/external-issues/`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify(body)
      })
    const missing = await post({ issueId: 105, webUrl: 'https://github.com/acme/shop/issues/5' })
    expect(missing.status).toBe(400)
    expect(await missing.json()).toEqual({
      project: ['This field is required.'],
      identifier: ['This field is required.']
    })
    const full = {
      issueId: 105,
      webUrl: 'https://github.com/acme/shop/issues/5',
      project: 'acme/shop',
      identifier: '5'
    }
    expect((await post(full, '00000000-0000-4000-a000-000000000000')).status).toBe(404)
    expect((await post({ ...full, issueId: 99999 })).status).toBe(404)
    const noId = await post({ ...full, issueId: undefined })
    expect(noId.status).toBe(400)
    expect(await noId.json()).toEqual({ detail: 'issueId is required, and must be an integer' })
    const badUrl = await post({ ...full, webUrl: 'not a url' })
    expect(await badUrl.json()).toEqual({ webUrl: ['Enter a valid URL.'] })
    const created = await post(full)
    expect(created.status).toBe(200)
    const link = (await created.json()) as Record<string, string>
    expect(link).toEqual({
      id: link.id,
      issueId: '105',
      serviceType: 'sentry-triage',
      displayName: 'acme/shop#5',
      webUrl: 'https://github.com/acme/shop/issues/5'
    })
    const escaped = (await (
      await post({ ...full, issueId: 104, project: 'a<b>', identifier: '"1"' })
    ).json()) as Record<string, string>
    expect(escaped.displayName).toBe('a&lt;b&gt;#&quot;1&quot;')
    const again = (await (
      await post({ ...full, webUrl: 'https://github.com/acme/shop/issues/6', identifier: '6' })
    ).json()) as Record<string, string>
    expect(again.id).toBe(link.id)
    expect(again.displayName).toBe('acme/shop#6')
    const onIssue = (await (await get('/issues/105/external-issues/')).json()) as unknown[]
    expect(onIssue).toEqual([again])
    const batch = (await (await get('/issues/?group=105&expand=sentryAppIssues')).json()) as Array<{
      annotations: unknown[]
      sentryAppIssues: unknown[]
    }>
    expect(batch[0]?.annotations).toEqual([
      { displayName: 'acme/shop#6', url: 'https://github.com/acme/shop/issues/6' }
    ])
    expect(batch[0]?.sentryAppIssues).toEqual([again])
    const plain = (await (await get('/issues/?group=105')).json()) as Array<Record<string, unknown>>
    expect(plain[0]).not.toHaveProperty('sentryAppIssues')

    const del = await fetch(
      `${sentry.url}/api/0/sentry-app-installations/${uuid}/external-issues/${link.id}/`,
      { method: 'DELETE', headers: auth }
    )
    expect(del.status).toBe(403) // event:admin needed, the default token has event:write
    expect(sentry.externalIssues.filter(e => e.issueId === '105')).toHaveLength(1)

    sentry.setExternalIssueForbidden(true)
    try {
      const denied = await post(full)
      expect(denied.status).toBe(403)
    } finally {
      sentry.setExternalIssueForbidden(false)
    }
  })

  it('seeds zero or several installations and deletes an external issue with event:admin', async () => {
    const none = await startFakeSentry({ token: TOKEN, org: 'acme', installations: 0 })
    const several = await startFakeSentry({
      token: TOKEN,
      org: 'acme',
      projects: [shop],
      issues: [make('401')],
      installations: 3,
      scopes: ['org:read', 'event:read', 'event:write', 'event:admin'],
      externalIssueForbidden: true,
      legacyAnnotations: true
    })
    try {
      const r0 = await fetch(`${none.url}/api/0/organizations/acme/sentry-app-installations/`, {
        headers: auth
      })
      expect(await r0.json()).toEqual([])
      const r3 = await fetch(`${several.url}/api/0/organizations/acme/sentry-app-installations/`, {
        headers: auth
      })
      const list = (await r3.json()) as Array<{ uuid: string; app: { slug: string } }>
      expect(list.map(i => i.app.slug)).toEqual([
        'sentry-triage',
        'sentry-triage-2',
        'sentry-triage-3'
      ])
      expect(new Set(list.map(i => i.uuid)).size).toBe(3)
      const post = await fetch(
        `${several.url}/api/0/sentry-app-installations/${list[1]?.uuid}/external-issues/`,
        {
          method: 'POST',
          headers: auth,
          body: JSON.stringify({
            issueId: 401,
            webUrl: 'https://github.com/acme/shop/issues/1',
            project: 'p',
            identifier: '1'
          })
        }
      )
      expect(post.status).toBe(403)
      const link = several.link('401', {
        webUrl: 'https://github.com/acme/shop/issues/1',
        project: 'acme/shop',
        identifier: '1',
        installationUuid: list[1]?.uuid
      })
      expect(link.serviceType).toBe('sentry-triage-2')
      const listed = (await (
        await fetch(`${several.url}/api/0/organizations/acme/issues/?group=401`, { headers: auth })
      ).json()) as Array<{ annotations: unknown[] }>
      expect(listed[0]?.annotations).toEqual([
        '<a href="https://github.com/acme/shop/issues/1">acme/shop#1</a>'
      ])
      const del = await fetch(
        `${several.url}/api/0/sentry-app-installations/${list[1]?.uuid}/external-issues/${link.id}/`,
        { method: 'DELETE', headers: auth }
      )
      expect(del.status).toBe(204)
      expect(several.externalIssues).toHaveLength(0)
    } finally {
      await none.close()
      await several.close()
    }
  })
})

describe('fake GitHub: follow-up (close/reopen, events, person edits, search)', () => {
  const auth = { authorization: 'token ghs_test', 'content-type': 'application/json' }
  let clock = new Date(NOW.getTime())
  const tick = (minutes: number): Date => {
    clock = new Date(clock.getTime() + minutes * 60_000)
    return clock
  }
  let gh: FakeGitHub
  const repo = (): string => `${gh.url}/repos/acme/shop`
  const patch = (n: number, body: unknown): Promise<Response> =>
    fetch(`${repo()}/issues/${n}`, { method: 'PATCH', headers: auth, body: JSON.stringify(body) })
  const events = async (n: number, qs = ''): Promise<Array<Record<string, unknown>>> => {
    const r = await fetch(`${repo()}/issues/${n}/events${qs}`, { headers: auth })
    expect(r.status).toBe(200)
    return (await r.json()) as Array<Record<string, unknown>>
  }

  beforeAll(async () => {
    gh = await startFakeGitHub({
      owner: 'acme',
      repo: 'shop',
      token: 'ghs_test',
      now: () => clock,
      searchLagMs: 120_000,
      issues: [
        {
          number: 1,
          title: 'bot issue',
          body: 'x\n<!-- sentry-issue-id: 101 -->',
          labels: ['sentry']
        },
        {
          number: 2,
          title: 'by a person',
          body: 'plain',
          user: 'alice',
          author_association: 'CONTRIBUTOR'
        },
        {
          number: 3,
          title: 'closed earlier',
          state: 'closed',
          state_reason: 'not_planned',
          closed_by: 'alice'
        },
        { number: 4, title: 'by another bot', user: 'renovate[bot]' }
      ]
    })
  })
  afterAll(async () => {
    await gh.close()
  })

  it('seeds people and bots with their user type and association, and a closed event', async () => {
    const list = (await (
      await fetch(`${repo()}/issues?state=all`, { headers: auth })
    ).json()) as Array<{
      number: number
      user: { login: string; type: string }
      author_association: string
    }>
    const by = (n: number): (typeof list)[number] | undefined => list.find(i => i.number === n)
    expect(by(1)?.user.type).toBe('Bot')
    expect([by(2)?.user.type, by(2)?.author_association]).toEqual(['User', 'CONTRIBUTOR'])
    expect(by(4)?.user.type).toBe('Bot')
    const ev3 = await events(3)
    expect(ev3.map(e => [e.event, (e.actor as { login: string }).login, e.state_reason])).toEqual([
      ['closed', 'alice', 'not_planned']
    ])
    const ev1 = await events(1)
    expect(ev1.map(e => [e.event, e.label])).toEqual([
      ['labeled', { name: 'sentry', color: 'ededed' }]
    ])
  })

  it('closes and reopens with state_reason, closed_by only on the single GET, events recorded', async () => {
    const before = gh.issue(1)?.updated_at
    const at = tick(5)
    const r = await patch(1, { state: 'closed', state_reason: 'not_planned' })
    expect(r.status).toBe(200)
    const closed = (await r.json()) as Record<string, unknown>
    expect(closed).toMatchObject({ state: 'closed', state_reason: 'not_planned' })
    expect(closed.closed_at).toBe(at.toISOString().replace(/\.\d{3}Z$/, 'Z'))
    expect(closed.updated_at).not.toBe(before)
    const single = (await (await fetch(`${repo()}/issues/1`, { headers: auth })).json()) as {
      closed_by: { login: string; type: string }
    }
    expect(single.closed_by).toMatchObject({ login: 'github-actions[bot]', type: 'Bot' })
    const listed = (await (
      await fetch(`${repo()}/issues?state=closed`, { headers: auth })
    ).json()) as Array<Record<string, unknown>>
    expect(listed.find(i => i.number === 1)).not.toHaveProperty('closed_by')

    tick(1)
    const same = (await (await patch(1, { state: 'closed' })).json()) as Record<string, unknown>
    expect(same.updated_at).toBe(closed.updated_at)
    expect(same.state_reason).toBe('not_planned')

    const bad = await patch(1, { state: 'closed', state_reason: 'wontfix' })
    expect(bad.status).toBe(422)
    expect(((await bad.json()) as { errors: unknown[] }).errors).toEqual([
      { value: 'wontfix', resource: 'Issue', field: 'state_reason', code: 'invalid' }
    ])

    tick(1)
    const reopened = (await (
      await patch(1, { state: 'open', state_reason: 'reopened' })
    ).json()) as Record<string, unknown>
    expect(reopened).toMatchObject({ state: 'open', state_reason: 'reopened', closed_at: null })
    const ev = await events(1)
    expect(ev.map(e => [e.event, e.state_reason, e.commit_id])).toEqual([
      ['labeled', undefined, null],
      ['closed', 'not_planned', null],
      ['reopened', 'reopened', null]
    ])
    expect((ev[1]?.actor as { type: string }).type).toBe('Bot')
    expect(ev[1]).toMatchObject({ commit_url: null })
    expect(ev[1]).not.toHaveProperty('issue_number')
  })

  it('records label and rename events for API writes', async () => {
    tick(1)
    await fetch(`${repo()}/issues/2/labels`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ labels: ['severity:high', 'category:db'] })
    })
    await fetch(`${repo()}/issues/2/labels/severity%3Ahigh`, { method: 'DELETE', headers: auth })
    await patch(2, { title: 'renamed by the bot' })
    const ev = await events(2)
    expect(ev.map(e => [e.event, e.label ?? e.rename])).toEqual([
      ['labeled', { name: 'severity:high', color: 'ededed' }],
      ['labeled', { name: 'category:db', color: 'ededed' }],
      ['unlabeled', { name: 'severity:high', color: 'ededed' }],
      ['renamed', { from: 'by a person', to: 'renamed by the bot' }]
    ])
    const page = await fetch(`${repo()}/issues/2/events?per_page=3`, { headers: auth })
    expect(page.headers.get('link')).toMatch(/rel="next"/)
    expect(((await page.json()) as unknown[]).length).toBe(3)
  })

  it('applies edits by a person: labels, body, close by commit, reopen, with events and updated_at', async () => {
    const since = tick(30)
    const at = tick(1)
    const issue = gh.editAsPerson(2, {
      login: 'bob',
      addLabels: ['severity:low'],
      removeLabels: ['category:db'],
      body: 'plain\nmore text by bob',
      closedByCommit: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678'
    })
    expect(issue.updated_at).toBe(at.toISOString().replace(/\.\d{3}Z$/, 'Z'))
    const ev = (await events(2)).slice(4)
    expect(ev.map(e => [e.event, (e.actor as { login: string; type: string }).login])).toEqual([
      ['unlabeled', 'bob'],
      ['labeled', 'bob'],
      ['closed', 'bob']
    ])
    expect(ev[2]).toMatchObject({
      state_reason: 'completed',
      commit_id: 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678',
      commit_url: `${repo()}/commits/a1b2c3d4e5f60718293a4b5c6d7e8f9012345678`
    })
    expect((ev[2]?.actor as { type: string }).type).toBe('User')

    const recent = (await (
      await fetch(`${repo()}/issues?state=all&sort=updated&since=${since.toISOString()}`, {
        headers: auth
      })
    ).json()) as Array<{ number: number; state: string; body: string }>
    expect(recent.map(i => [i.number, i.state])).toEqual([[2, 'closed']])
    expect(recent[0]?.body).toBe('plain\nmore text by bob')

    tick(1)
    gh.editAsPerson(2, { reopen: true, comment: 'not fixed' })
    expect(gh.issue(2)?.state_reason).toBe('reopened')
    expect(gh.eventsFor(2).at(-1)).toMatchObject({ event: 'reopened', actor: { login: 'octocat' } })
    expect(gh.comments.at(-1)).toMatchObject({ body: 'not fixed', author_association: 'MEMBER' })
    const unchanged = gh.issue(2)?.updated_at
    tick(1)
    gh.editAsPerson(2, { addLabels: ['severity:low'] })
    expect(gh.issue(2)?.updated_at).toBe(unchanged)
  })

  it('searches by marker phrase, in:body, state and repo; lags for new issues', async () => {
    const search = async (q: string): Promise<Response> =>
      fetch(`${gh.url}/search/issues?${new URLSearchParams({ q })}`, { headers: auth })
    const r = await search('repo:acme/shop is:issue in:body "sentry-issue-id: 101"')
    expect(r.status).toBe(200)
    expect(r.headers.get('x-ratelimit-resource')).toBe('search')
    const body = (await r.json()) as {
      total_count: number
      incomplete_results: boolean
      items: Array<Record<string, unknown>>
    }
    expect(body.total_count).toBe(1)
    expect(body.incomplete_results).toBe(false)
    expect(body.items[0]).toMatchObject({ number: 1, score: 1 })
    expect(body.items[0]).not.toHaveProperty('closed_by')
    const count = async (q: string): Promise<number> =>
      ((await (await search(q)).json()) as { total_count: number }).total_count
    expect(await count('repo:acme/shop in:title "sentry-issue-id: 101"')).toBe(0)
    expect(await count('repo:acme/shop "sentry-issue-id: 102"')).toBe(0)
    expect(await count('repo:acme/shop is:closed "sentry-issue-id: 101"')).toBe(0)
    expect(await count('repo:acme/shop is:open "sentry-issue-id: 101"')).toBe(1)
    gh.editAsPerson(2, {
      body: '<!-- sentry-triage:v1 {"ids":["77","4242"],"sig":null} -->\nbody'
    })
    expect(await count('repo:acme/shop is:issue in:body "sentry-triage:v1" 4242')).toBe(1)
    expect(await count('repo:acme/shop is:issue in:body "sentry-triage:v1" "ids 4242"')).toBe(0)
    expect((await search('repo:other/repo is:issue x')).status).toBe(422)
    expect((await fetch(`${gh.url}/search/issues`, { headers: auth })).status).toBe(422)

    const created = await fetch(`${repo()}/issues`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ title: 'new', body: '<!-- sentry-issue-id: 555 -->' })
    })
    expect(created.status).toBe(201)
    expect(await count('repo:acme/shop "sentry-issue-id: 555"')).toBe(0)
    tick(3)
    expect(await count('repo:acme/shop "sentry-issue-id: 555"')).toBe(1)
  })

  it('applies the optional search rate limit', async () => {
    const limited = await startFakeGitHub({
      owner: 'acme',
      repo: 'shop',
      token: 'ghs_test',
      searchPerMinute: 2
    })
    try {
      const url = `${limited.url}/search/issues?q=${encodeURIComponent('repo:acme/shop is:issue x')}`
      expect((await fetch(url, { headers: auth })).status).toBe(200)
      expect((await fetch(url, { headers: auth })).status).toBe(200)
      const third = await fetch(url, { headers: auth })
      expect(third.status).toBe(403)
      expect(third.headers.get('x-ratelimit-remaining')).toBe('0')
    } finally {
      await limited.close()
    }
  })
})
