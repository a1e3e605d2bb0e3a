import { afterAll, beforeAll, describe, expect, it } from '@jest/globals'
import { startFakeSentry, type FakeSentry } from './fakes/sentry.js'
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
