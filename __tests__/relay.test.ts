/**
 * The webhook relay over real HTTP: a signed Sentry request → the relay under Node (relay-server.ts)
 * → the fake GitHub's `dispatches` endpoint.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startFakeGitHub, type FakeGitHub } from './fakes/github.js'
import { GITHUB_TOKEN } from './fakes/world.js'
import { createRelay, MAX_PAYLOAD_BYTES, RelayConfigError } from '../src/relay/handler.js'
import { serveRelay, type RelayServer } from '../src/relay/server.js'
import { signBody, verifyBody } from '../src/webhook/hmac.js'
import { webhookSubject } from '../src/webhook/payload.js'

const SECRET = 'a6f1c0ffee5ecret0123456789abcdef0123456789abcdef0123456789abcdef'

let github: FakeGitHub | undefined
let relay: RelayServer | undefined
afterEach(async () => {
  await relay?.close()
  await github?.close()
  relay = undefined
  github = undefined
})

async function start(env: Record<string, string> = {}): Promise<{ url: string; log: string[] }> {
  github = await startFakeGitHub({ owner: 'acme', repo: 'shop', token: GITHUB_TOKEN })
  const log: string[] = []
  const handler = createRelay(
    {
      SENTRY_CLIENT_SECRET: SECRET,
      GITHUB_TOKEN,
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_API_URL: github.url,
      ...env
    },
    { log: line => void log.push(line) }
  )
  relay = await serveRelay(handler, { port: 0, host: '127.0.0.1' })
  return { url: relay.url, log }
}

const issueBody = (action: string, id = '4711', extra: Record<string, unknown> = {}) =>
  JSON.stringify({
    action,
    installation: { uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' },
    data: {
      issue: {
        id,
        shortId: 'SHOP-4F',
        title: 'TypeError: cart is undefined',
        status: 'unresolved'
      },
      ...extra
    },
    actor: { type: 'application', id: 'sentry', name: 'Sentry' }
  })

interface Delivery {
  resource?: string
  signature?: string | null
  timestamp?: number | null
  method?: string
}

async function deliver(url: string, body: string, options: Delivery = {}) {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'sentry-hook-resource': options.resource ?? 'issue',
    'request-id': 'a1b2c3'
  }
  const signature =
    options.signature === undefined ? await signBody(SECRET, body) : options.signature
  if (signature !== null) headers['sentry-hook-signature'] = signature
  const timestamp = options.timestamp === undefined ? Date.now() / 1000 : options.timestamp
  if (timestamp !== null) headers['sentry-hook-timestamp'] = String(Math.floor(timestamp))
  const response = await fetch(url, {
    method: options.method ?? 'POST',
    headers,
    body: options.method === 'GET' ? undefined : body
  })
  return { status: response.status, text: await response.text() }
}

describe('relay: signed Sentry webhook → repository_dispatch', () => {
  it('forwards an issue webhook with Sentry’s own body and signature, answering 202 after GitHub', async () => {
    const { url, log } = await start()
    const body = issueBody('created')
    const res = await deliver(url, body)
    expect(res.status).toBe(202)
    expect(github!.dispatches).toHaveLength(1)
    const [dispatch] = github!.dispatches
    expect(dispatch!.event_type).toBe('sentry-triage')
    expect(dispatch!.client_payload).toEqual({
      resource: 'issue',
      body,
      signature: await signBody(SECRET, body)
    })
    const request = github!.requests.find(r => r.path === '/repos/acme/shop/dispatches')!
    expect(request.headers.authorization).toBe(`Bearer ${GITHUB_TOKEN}`)
    expect(log).toEqual(['issue.created 4711: 202, dispatched'])
  })

  it('forwards resolved, event_alert and error webhooks with the issue they name', async () => {
    const { url } = await start()
    const alert = JSON.stringify({
      action: 'triggered',
      data: { event: { event_id: 'ab12', issue_id: '4712', title: 'boom' }, triggered_rule: 'r' }
    })
    const error = JSON.stringify({
      action: 'created',
      data: { error: { event_id: 'cd34', issue_id: 4713 } }
    })
    expect((await deliver(url, issueBody('resolved'))).status).toBe(202)
    expect((await deliver(url, alert, { resource: 'event_alert' })).status).toBe(202)
    expect((await deliver(url, error, { resource: 'error' })).status).toBe(202)
    const subjects = github!.dispatches.map(d =>
      webhookSubject(String(d.client_payload.resource), JSON.parse(String(d.client_payload.body)))
    )
    expect(subjects).toEqual([
      { resource: 'issue', action: 'resolved', issueId: '4711' },
      { resource: 'event_alert', action: 'triggered', issueId: '4712' },
      { resource: 'error', action: 'created', issueId: '4713' }
    ])
  })

  it('answers 401 and forwards nothing on a bad or missing signature', async () => {
    const { url } = await start()
    const body = issueBody('created')
    const wrongKey = await deliver(url, body, {
      signature: await signBody('another-secret', body)
    })
    const tampered = await deliver(url, body.replace('4711', '4712'), {
      signature: await signBody(SECRET, body)
    })
    const truncated = await deliver(url, body, {
      signature: (await signBody(SECRET, body)).slice(0, 32)
    })
    const missing = await deliver(url, body, { signature: null })
    for (const res of [wrongKey, tampered, truncated, missing]) {
      expect(res.status).toBe(401)
      expect(res.text).toMatch(/Sentry-Hook-Signature/)
    }
    expect(github!.dispatches).toHaveLength(0)
    expect(github!.requests).toHaveLength(0)
  })

  it('answers 401 to a timestamp older than 5 minutes, or none, and forwards nothing', async () => {
    const { url } = await start()
    const body = issueBody('created')
    const stale = await deliver(url, body, { timestamp: Date.now() / 1000 - 6 * 60 })
    const future = await deliver(url, body, { timestamp: Date.now() / 1000 + 6 * 60 })
    const none = await deliver(url, body, { timestamp: null })
    for (const res of [stale, future, none]) {
      expect(res.status).toBe(401)
      expect(res.text).toMatch(/Sentry-Hook-Timestamp/)
    }
    expect(github!.requests).toHaveLength(0)
    // Four minutes old is still fresh.
    expect((await deliver(url, body, { timestamp: Date.now() / 1000 - 4 * 60 })).status).toBe(202)
  })

  it('replaces a body too large for a dispatch by a minimal one it signs with the same secret', async () => {
    const { url, log } = await start()
    const timestamp = Math.floor(Date.now() / 1000)
    const body = issueBody('created', '4711', { event: { breadcrumbs: 'x'.repeat(100_000) } })
    expect(Buffer.byteLength(body)).toBeGreaterThan(MAX_PAYLOAD_BYTES)
    expect((await deliver(url, body, { timestamp })).status).toBe(202)
    const payload = github!.dispatches[0]!.client_payload as Record<string, string>
    expect(JSON.parse(payload.body!)).toEqual({
      resource: 'issue',
      action: 'created',
      issueId: '4711',
      timestamp
    })
    expect(await verifyBody(SECRET, payload.body!, payload.signature)).toBe(true)
    expect(await verifyBody(SECRET, body, payload.signature)).toBe(false)
    expect(log).toEqual(['issue.created 4711: 202, dispatched (minimal body)'])
  })

  it('answers 204 to other resources and issue actions, forwarding nothing', async () => {
    const { url } = await start()
    const installation = JSON.stringify({ action: 'created', data: { installation: {} } })
    expect((await deliver(url, installation, { resource: 'installation' })).status).toBe(204)
    expect((await deliver(url, '{}', { resource: 'comment' })).status).toBe(204)
    expect((await deliver(url, issueBody('assigned'))).status).toBe(204)
    expect(github!.requests).toHaveLength(0)
    expect((await deliver(url, '', { method: 'GET' })).status).toBe(405)
  })

  it('answers 502 with GitHub’s status, never the token, when GitHub refuses', async () => {
    const { url } = await start({ GITHUB_REPOSITORY: 'acme/elsewhere' })
    const res = await deliver(url, issueBody('created'))
    expect(res.status).toBe(502)
    expect(res.text).toMatch(/GitHub refused the dispatch: HTTP 404 \(Not Found\)/)
    await relay!.close()
    relay = await serveRelay(
      createRelay({
        SENTRY_CLIENT_SECRET: SECRET,
        GITHUB_TOKEN: 'ghs_wrongTokenWrongTokenWrongToken01',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_API_URL: github!.url
      }),
      { port: 0, host: '127.0.0.1' }
    )
    const bad = await deliver(relay.url, issueBody('created'))
    expect(bad.status).toBe(502)
    expect(bad.text).toMatch(/HTTP 401 \(Bad credentials\)/)
    expect(bad.text).not.toContain('ghs_wrongToken')
    expect(github!.dispatches).toHaveLength(0)
  })

  it('refuses to start without its configuration, naming each missing variable', () => {
    expect(() => createRelay({})).toThrow(RelayConfigError)
    expect(() => createRelay({})).toThrow(
      /SENTRY_CLIENT_SECRET is not set; GITHUB_TOKEN is not set; GITHUB_REPOSITORY is not set/
    )
    const base = { SENTRY_CLIENT_SECRET: SECRET, GITHUB_TOKEN, GITHUB_REPOSITORY: 'acme/shop' }
    expect(() => createRelay({ ...base, GITHUB_TOKEN: ' ' })).toThrow(/GITHUB_TOKEN is not set/)
    expect(() => createRelay({ ...base, GITHUB_REPOSITORY: 'shop' })).toThrow(
      /GITHUB_REPOSITORY must be owner\/repo/
    )
    expect(() => createRelay({ ...base, GITHUB_API_URL: 'http://api.example.com' })).toThrow(
      /GITHUB_API_URL must be an https:\/\/ URL/
    )
    expect(() => createRelay(base)).not.toThrow()
  })

  it('is dependency-free: its modules import nothing but each other', () => {
    for (const file of ['relay/handler.ts', 'webhook/hmac.ts', 'webhook/payload.ts']) {
      const source = readFileSync(join(process.cwd(), 'src', file), 'utf8')
      const imports = [...source.matchAll(/\bfrom '([^']+)'/g)].map(m => m[1])
      for (const specifier of imports)
        expect([
          '../webhook/hmac.js',
          '../webhook/payload.js',
          './hmac.js',
          './payload.js'
        ]).toContain(specifier)
      expect(source).not.toMatch(/\bprocess\.|\bBuffer\b|require\(/)
    }
  })
})

describe('the README’s repository_dispatch workflow', () => {
  it('is examples/sentry-webhook.yml, the file the workflow linter checks', () => {
    const readme = readFileSync(join(process.cwd(), 'README.md'), 'utf8')
    const example = readFileSync(join(process.cwd(), 'examples', 'sentry-webhook.yml'), 'utf8')
    expect(readme).toContain(`\`\`\`yaml\n${example}\`\`\``)
    expect(example).toMatch(/repository_dispatch:\n {4}types: \[sentry-triage\]/)
    expect(example).toContain('sentry-webhook-secret: ${{ secrets.SENTRY_CLIENT_SECRET }}')
  })
})
