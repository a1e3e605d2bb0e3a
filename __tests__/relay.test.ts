/**
 * The webhook relay over real HTTP: a signed Sentry request → the relay under Node (relay-server.ts)
 * → the fake GitHub's `dispatches` endpoint.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import { join } from 'node:path'
import { startFakeGitHub, type FakeGitHub } from './fakes/github.js'
import { GITHUB_TOKEN } from './fakes/world.js'
import { KNOWN_ANSWER } from './support/dispatch-event.js'
import {
  createRelay,
  MAX_PAYLOAD_BYTES,
  RelayConfigError,
  type RelayOptions
} from '../src/relay/handler.js'
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

async function start(
  env: Record<string, string> = {},
  options: RelayOptions = {}
): Promise<{ url: string; log: string[] }> {
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
    { log: line => void log.push(line), ...options }
  )
  relay = await serveRelay(handler, { port: 0, host: '127.0.0.1' })
  return { url: relay.url, log }
}

/** Resolves once `done()` holds, checking every 10 ms: for what the relay finishes after its answer. */
async function until(done: () => boolean): Promise<void> {
  while (!done()) await new Promise(resolve => setTimeout(resolve, 10))
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
    for (const file of [
      'relay/handler.ts',
      'relay/forward.ts',
      'relay/config.ts',
      'webhook/hmac.ts',
      'webhook/payload.ts',
      'config/repository-map.ts'
    ]) {
      const source = readFileSync(join(process.cwd(), 'src', file), 'utf8')
      const imports = [...source.matchAll(/\bfrom '([^']+)'/g)].map(m => m[1])
      for (const specifier of imports)
        expect([
          '../webhook/hmac.js',
          '../webhook/payload.js',
          '../config/repository-map.js',
          './config.js',
          './forward.js',
          './hmac.js',
          './payload.js'
        ]).toContain(specifier)
      expect(source).not.toMatch(/\bprocess\.|\bBuffer\b|require\(/)
    }
  })
})

const MiB = 1024 * 1024

/** A Sentry issue webhook padded with breadcrumbs to exactly `bytes` bytes (ASCII). */
function bodyOfSize(bytes: number): string {
  const empty = issueBody('created', '4711', { event: { breadcrumbs: '' } })
  return issueBody('created', '4711', {
    event: { breadcrumbs: 'x'.repeat(bytes - empty.length) }
  })
}

/**
 * A POST through node:http that sends `chunks` and never ends the body: the answer can only come
 * from a relay that refuses without reading the rest. Resolves with the relay's answer.
 */
function postUnfinished(
  url: string,
  headers: Record<string, string>,
  chunks: Uint8Array[]
): Promise<{ status: number | undefined; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', headers }, res => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', chunk => (text += chunk))
      res.on('end', () => {
        resolve({ status: res.statusCode, text })
        req.destroy()
      })
    })
    req.on('error', reject)
    req.flushHeaders()
    for (const chunk of chunks) req.write(chunk)
  })
}

/** A request body that counts the bytes the relay pulls from it, up to `total`. */
function countingBody(total: number, chunk = 64 * 1024) {
  const counter = { pulled: 0 }
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (counter.pulled >= total) return controller.close()
      counter.pulled += chunk
      controller.enqueue(new Uint8Array(chunk).fill(0x20))
    }
  })
  return { stream, counter }
}

const relayEnv = () => ({
  SENTRY_CLIENT_SECRET: SECRET,
  GITHUB_TOKEN,
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_API_URL: github!.url
})

describe('relay: reads at most 1 MiB of a body before it verifies', () => {
  it('accepts a signed body of exactly 1 MiB and answers 413 to one byte more, forwarding nothing', async () => {
    const { url } = await start()
    const fits = bodyOfSize(MiB)
    expect(Buffer.byteLength(fits)).toBe(MiB)
    expect((await deliver(url, fits)).status).toBe(202)
    expect(github!.dispatches).toHaveLength(1)
    const over = bodyOfSize(MiB + 1)
    const res = await deliver(url, over)
    expect(res.status).toBe(413)
    expect(res.text).toMatch(/1 MiB/)
    expect(github!.dispatches).toHaveLength(1)
  })

  it('server: answers 413 on a Content-Length over 1 MiB before the body is sent', async () => {
    const { url, log } = await start()
    const res = await postUnfinished(
      url,
      { 'content-type': 'application/json', 'content-length': String(2 * MiB) },
      []
    )
    expect(res.status).toBe(413)
    expect(github!.requests).toHaveLength(0)
    expect(log).toEqual([])
  })

  it('server: answers 413 once a body without Content-Length passes 1 MiB, before it ends', async () => {
    const { url } = await start()
    const res = await postUnfinished(
      url,
      { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      [new Uint8Array(MiB).fill(0x20), new Uint8Array(64 * 1024).fill(0x20)]
    )
    expect(res.status).toBe(413)
    expect(github!.requests).toHaveLength(0)
  })

  it('handler: stops pulling a streamed body past 1 MiB, and pulls nothing past a Content-Length over it', async () => {
    github = await startFakeGitHub({ owner: 'acme', repo: 'shop', token: GITHUB_TOKEN })
    const handler = createRelay(relayEnv())
    const streamed = countingBody(10 * MiB)
    const res = await handler(
      new Request('http://relay.invalid/', {
        method: 'POST',
        body: streamed.stream,
        duplex: 'half'
      } as RequestInit)
    )
    expect(res.status).toBe(413)
    // 1 MiB, the 64 KiB chunk that crossed it and the one the stream queues ahead; not the 10 MiB.
    expect(streamed.counter.pulled).toBeLessThanOrEqual(MiB + 2 * 64 * 1024)

    const declared = countingBody(2 * MiB)
    const big = await handler(
      new Request('http://relay.invalid/', {
        method: 'POST',
        headers: { 'content-length': String(2 * MiB) },
        body: declared.stream,
        duplex: 'half'
      } as RequestInit)
    )
    expect(big.status).toBe(413)
    expect(declared.counter.pulled).toBeLessThanOrEqual(64 * 1024)
    expect(github.requests).toHaveLength(0)
  })
})

describe('relay: answers within Sentry’s 1 s timeout', () => {
  it('answers 202 before a GitHub that takes 1.5 s has answered, and the dispatch still arrives', async () => {
    const { url, log } = await start()
    github!.fault({ method: 'POST', path: '/dispatches' }, { delayMs: 1500 })
    const body = issueBody('created')
    const res = await deliver(url, body)
    const dispatchedWhenAnswered = github!.dispatches.length
    const answeredAt = Date.now()
    expect(res.status).toBe(202)
    expect(res.text).toMatch(/GitHub has not answered the dispatch yet/)
    expect(dispatchedWhenAnswered).toBe(0)
    // GitHub had the request when the relay answered: the relay did not wait for its answer.
    expect(github!.requests.filter(r => r.path === '/repos/acme/shop/dispatches')).toHaveLength(1)

    await until(() => log.length === 2)
    expect(github!.dispatches).toHaveLength(1)
    expect(github!.dispatches[0]!.at).toBeGreaterThanOrEqual(answeredAt)
    expect(github!.dispatches[0]!.client_payload).toEqual({
      resource: 'issue',
      body,
      signature: await signBody(SECRET, body)
    })
    expect(log).toEqual([
      'issue.created 4711: 202, GitHub had not answered within 800 ms; the dispatch goes on',
      'issue.created 4711: dispatched (GitHub answered after the 202)'
    ])
  })

  it('takes the bound as an option; the Node server finishes a pending dispatch before it closes', async () => {
    const { url, log } = await start({}, { answerWithinMs: 20 })
    github!.fault({ method: 'POST', path: '/dispatches' }, { delayMs: 300 })
    const res = await deliver(url, issueBody('created'))
    expect(res.status).toBe(202)
    expect(github!.dispatches).toHaveLength(0)
    await relay!.close()
    relay = undefined
    expect(github!.dispatches).toHaveLength(1)
    expect(log[1]).toBe('issue.created 4711: dispatched (GitHub answered after the 202)')
  })

  it('on Workers hands a late dispatch to ctx.waitUntil, and logs GitHub’s late refusal without the token', async () => {
    github = await startFakeGitHub({ owner: 'acme', repo: 'shop', token: GITHUB_TOKEN })
    const log: string[] = []
    const handler = createRelay(
      { ...relayEnv(), GITHUB_REPOSITORY: 'acme/elsewhere' },
      { log: line => void log.push(line), answerWithinMs: 20 }
    )
    const body = issueBody('created')
    const request = async () =>
      new Request('http://relay.invalid/', {
        method: 'POST',
        headers: {
          'sentry-hook-resource': 'issue',
          'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
          'sentry-hook-signature': await signBody(SECRET, body)
        },
        body
      })
    const waited: Promise<unknown>[] = []
    const ctx = { waitUntil: (promise: Promise<unknown>) => void waited.push(promise) }

    // In time: GitHub's own answer, nothing left for waitUntil.
    const inTime = await handler(await request(), {}, ctx)
    expect(inTime.status).toBe(502)
    expect(waited).toHaveLength(0)

    github.fault({ method: 'POST', path: '/dispatches' }, { delayMs: 300 })
    const late = await handler(await request(), {}, ctx)
    expect(late.status).toBe(202)
    expect(waited).toHaveLength(1)
    expect(log).toHaveLength(2)
    await waited[0]
    expect(log[2]).toBe(
      'issue.created 4711: GitHub refused the dispatch: HTTP 404 (Not Found). (after the 202)'
    )
    expect(log.join('\n')).not.toContain(GITHUB_TOKEN)
  })
})

describe('Sentry-Hook-Signature: a known answer computed outside the code', () => {
  const { secret, body, signature } = KNOWN_ANSWER

  it('is what signBody (Web Crypto, the relay’s path) computes, for text and for bytes', async () => {
    expect(await signBody(secret, body)).toBe(signature)
    expect(await signBody(secret, new TextEncoder().encode(body))).toBe(signature)
  })

  it('is what verifyBody (the action’s check) accepts, and nothing else', async () => {
    expect(await verifyBody(secret, body, signature)).toBe(true)
    expect(await verifyBody(secret, body, signature.toUpperCase())).toBe(true)
    const flipped = `${signature.slice(0, -1)}${signature.endsWith('5') ? '4' : '5'}`
    expect(await verifyBody(secret, body, flipped)).toBe(false)
    expect(await verifyBody(`${secret}x`, body, signature)).toBe(false)
  })

  it('is accepted by the relay as Sentry-Hook-Signature and forwarded as is', async () => {
    const { url } = await start({ SENTRY_CLIENT_SECRET: secret })
    const res = await deliver(url, body, { signature })
    expect(res.status).toBe(202)
    expect(github!.dispatches[0]!.client_payload).toEqual({ resource: 'issue', body, signature })
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
