/**
 * The relay's SENTRY_TRIAGE_REPOSITORY_MAP over real HTTP: a signed Sentry webhook → the relay under
 * Node → one GitHub API that serves several repositories (one fake GitHub per repository, behind a
 * small front on one base URL that passes each `/repos/{owner}/{repo}/…` request to its fake; a
 * repository no fake serves gets the first fake's 404, as GitHub answers a token that cannot see it).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { startFakeGitHub, type FakeGitHub } from './fakes/github.js'
import { GITHUB_TOKEN } from './fakes/world.js'
import { dispatchEnv } from './support/dispatch-event.js'
import {
  createRelay,
  describeDestinations,
  MAX_PAYLOAD_BYTES,
  readRelayConfig,
  RelayConfigError
} from '../src/relay/handler.js'
import { serveRelay, type RelayServer } from '../src/relay/server.js'
import { signBody, verifyBody } from '../src/webhook/hmac.js'
import { readDispatch } from '../src/webhook/dispatch.js'

const SECRET = 'routing-client-secret-0123456789abcdef0123456789abcdef'
const REPOSITORIES = ['acme/shop', 'acme/web', 'acme/api'] as const
type Repository = (typeof REPOSITORIES)[number]

let fakes: Map<Repository, FakeGitHub> | undefined
let front: { url: string; close(): Promise<void> } | undefined
let relay: RelayServer | undefined
afterEach(async () => {
  await relay?.close()
  await front?.close()
  await Promise.all([...(fakes?.values() ?? [])].map(fake => fake.close()))
  relay = undefined
  front = undefined
  fakes = undefined
})

/** One base URL for several fake GitHubs, each serving one repository with the same token. */
async function startFront(
  byRepository: Map<string, FakeGitHub>,
  otherwise: FakeGitHub
): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    void (async () => {
      const chunks: Buffer[] = []
      for await (const chunk of req) chunks.push(chunk as Buffer)
      const match = /^\/repos\/([^/]+)\/([^/]+)\//.exec(req.url ?? '')
      const fake = (match && byRepository.get(`${match[1]}/${match[2]}`.toLowerCase())) || otherwise
      const headers: Record<string, string> = {}
      for (const [name, value] of Object.entries(req.headers))
        if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
          headers[name] = value
      const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined
      const answer = await fetch(`${fake.url}${req.url ?? '/'}`, {
        method: req.method,
        headers,
        body
      })
      const out: Record<string, string> = {}
      answer.headers.forEach((value, name) => {
        if (!['content-length', 'transfer-encoding', 'connection'].includes(name)) out[name] = value
      })
      res.writeHead(answer.status, out)
      res.end(Buffer.from(await answer.arrayBuffer()))
    })().catch(() => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
  })
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', () => resolve()))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve())
        server.closeAllConnections()
      })
  }
}

/** The relay with `env` over the three repositories' fake GitHubs; GITHUB_REPOSITORY unset unless given. */
async function start(env: Record<string, string>): Promise<{ url: string; log: string[] }> {
  fakes = new Map()
  for (const full of REPOSITORIES) {
    const [owner, repo] = full.split('/') as [string, string]
    fakes.set(full, await startFakeGitHub({ owner, repo, token: GITHUB_TOKEN }))
  }
  front = await startFront(fakes as Map<string, FakeGitHub>, fakes.get('acme/shop')!)
  const log: string[] = []
  const handler = createRelay(
    { SENTRY_CLIENT_SECRET: SECRET, GITHUB_TOKEN, GITHUB_API_URL: front.url, ...env },
    { log: line => void log.push(line) }
  )
  relay = await serveRelay(handler, { port: 0, host: '127.0.0.1' })
  return { url: relay.url, log }
}

/** What a forwarded body says its issue is: Sentry's own fields, or the minimal body's `issueId`. */
interface ForwardedBody {
  issueId?: string
  data?: { issue?: { id?: string }; event?: { issue_id?: string }; error?: { issue_id?: string } }
}

/** Each repository's dispatches, as the issue ids of the bodies it received. */
function received(): Record<Repository, string[]> {
  const out = {} as Record<Repository, string[]>
  for (const full of REPOSITORIES)
    out[full] = fakes!.get(full)!.dispatches.map(d => {
      const body = JSON.parse(String(d.client_payload.body)) as ForwardedBody
      const { issue, event, error } = body.data ?? {}
      return String(body.issueId ?? issue?.id ?? event?.issue_id ?? error?.issue_id)
    })
  return out
}

/** Every dispatch request the relay made, by path, whatever GitHub answered. */
const dispatchPaths = () =>
  [...fakes!.values()]
    .flatMap(fake => fake.requests)
    .filter(r => r.method === 'POST' && r.path.endsWith('/dispatches'))
    .map(r => r.path)

async function deliver(
  url: string,
  resource: string,
  body: string,
  timestamp = Math.floor(Date.now() / 1000)
) {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'sentry-hook-resource': resource,
      'sentry-hook-timestamp': String(timestamp),
      'sentry-hook-signature': await signBody(SECRET, body)
    },
    body
  })
  return { status: response.status, text: await response.text() }
}

/** Sentry's `issue` webhook: the project is `data.issue.project` (API-NOTES G6). */
const issueBody = (
  id: string,
  project: unknown,
  action = 'created',
  extra: Record<string, unknown> = {}
) =>
  JSON.stringify({
    action,
    installation: { uuid: '7a485448-a9e2-4c85-8a3c-4f44175783c9' },
    data: { issue: { id, shortId: 'X-1', title: 'TypeError', status: 'unresolved', project } },
    actor: { type: 'application', id: 'sentry', name: 'Sentry' },
    ...extra
  })

const eventUrl = (slug: string, event = 'ab12cd34') =>
  `https://sentry.io/api/0/projects/acme/${slug}/events/${event}/`

/**
 * Sentry's `event_alert` (`data.event`) or `error` (`data.error`) webhook: the project is only the
 * numeric `project` id, and the slug is in the event's API `url` (when `url` is not undefined).
 */
function eventBody(
  resource: 'event_alert' | 'error',
  issueId: string,
  projectId: number,
  url: string | undefined,
  padding = ''
): string {
  const event = {
    event_id: 'ab12cd34',
    issue_id: issueId,
    project: projectId,
    ...(url === undefined ? {} : { url }),
    web_url: `https://acme.sentry.io/issues/${issueId}/events/ab12cd34/`,
    title: 'TypeError: cart is undefined',
    ...(padding ? { breadcrumbs: padding } : {})
  }
  return JSON.stringify(
    resource === 'event_alert'
      ? { action: 'triggered', data: { event, triggered_rule: 'New issue' } }
      : { action: 'created', data: { error: event } }
  )
}

const MAP = ['checkout-web: acme/web', '4508123: acme/api', '# a comment'].join('\n')

describe('relay: SENTRY_TRIAGE_REPOSITORY_MAP routes each webhook by its project', () => {
  it('issue: by data.issue.project slug or numeric id; an unmapped project to GITHUB_REPOSITORY', async () => {
    const { url, log } = await start({
      SENTRY_TRIAGE_REPOSITORY_MAP: MAP,
      GITHUB_REPOSITORY: 'acme/shop'
    })
    const bySlug = issueBody('101', { id: '4508001', slug: 'checkout-web', name: 'Checkout' })
    const byId = issueBody('102', { id: '4508123', slug: 'payments', name: 'Payments' }, 'resolved')
    const numericId = issueBody('103', { id: 4508123, slug: 'payments' })
    const unmapped = issueBody('104', { id: '4508999', slug: 'mobile' })
    for (const body of [bySlug, byId, numericId, unmapped])
      expect((await deliver(url, 'issue', body)).status).toBe(202)
    expect(received()).toEqual({
      'acme/web': ['101'],
      'acme/api': ['102', '103'],
      'acme/shop': ['104']
    })
    // Sentry's own body and signature, untouched, whichever repository gets them.
    const [forwarded] = fakes!.get('acme/web')!.dispatches
    expect(forwarded!.client_payload).toEqual({
      resource: 'issue',
      body: bySlug,
      signature: await signBody(SECRET, bySlug)
    })
    expect(log).toEqual([
      'issue.created 101 → acme/web: 202, dispatched',
      'issue.resolved 102 → acme/api: 202, dispatched',
      'issue.created 103 → acme/api: 202, dispatched',
      'issue.created 104 → acme/shop: 202, dispatched'
    ])
  })

  it('event_alert and error: the slug from the event’s API url, or the numeric project id', async () => {
    const { url } = await start({
      SENTRY_TRIAGE_REPOSITORY_MAP: MAP,
      GITHUB_REPOSITORY: 'acme/shop'
    })
    const deliveries: Array<['event_alert' | 'error', string]> = [
      // slug in the url, id unmapped
      ['event_alert', eventBody('event_alert', '201', 4508001, eventUrl('checkout-web'))],
      ['error', eventBody('error', '202', 4508001, eventUrl('checkout-web'))],
      // slug unmapped, id mapped
      ['event_alert', eventBody('event_alert', '203', 4508123, eventUrl('payments'))],
      ['error', eventBody('error', '204', 4508123, eventUrl('payments'))],
      // neither mapped
      ['event_alert', eventBody('event_alert', '205', 4508999, eventUrl('mobile'))],
      // a self-hosted Sentry under a path, with a query string
      [
        'error',
        eventBody(
          'error',
          '206',
          4508001,
          'https://sentry.acme.internal/sentry/api/0/projects/acme/checkout-web/events/ff00/?x=1'
        )
      ]
    ]
    for (const [resource, body] of deliveries)
      expect((await deliver(url, resource, body)).status).toBe(202)
    expect(received()).toEqual({
      'acme/web': ['201', '202', '206'],
      'acme/api': ['203', '204'],
      'acme/shop': ['205']
    })
  })

  it('event_alert and error with a missing or malformed url: the project id alone; mapped nowhere → 204', async () => {
    const { url, log } = await start({ SENTRY_TRIAGE_REPOSITORY_MAP: MAP })
    const nowhere: Array<[string, 'event_alert' | 'error', string | undefined]> = [
      ['301', 'event_alert', undefined],
      ['302', 'error', 'not a url'],
      // the UI link, not the API url: it names no project slug
      ['303', 'event_alert', 'https://acme.sentry.io/issues/303/events/ab12cd34/'],
      // a slug Sentry cannot have
      ['304', 'error', 'https://sentry.io/api/0/projects/acme/checkout%20web!/events/ab12/'],
      // a path that only ends like the API url
      ['305', 'event_alert', 'https://sentry.io/projects/acme/checkout-web/events/ab12/'],
      // not http(s)
      ['306', 'error', 'javascript:/api/0/projects/acme/checkout-web/events/ab12/']
    ]
    for (const [id, resource, eventUrlValue] of nowhere) {
      const res = await deliver(url, resource, eventBody(resource, id, 4508001, eventUrlValue))
      expect([id, res.status]).toEqual([id, 204])
    }
    expect(dispatchPaths()).toEqual([])
    expect(log).toEqual([
      'event_alert.triggered 301: 204, project 4508001 is mapped nowhere (not in SENTRY_TRIAGE_REPOSITORY_MAP, and GITHUB_REPOSITORY is not set)',
      'error.created 302: 204, project 4508001 is mapped nowhere (not in SENTRY_TRIAGE_REPOSITORY_MAP, and GITHUB_REPOSITORY is not set)',
      'event_alert.triggered 303: 204, project 4508001 is mapped nowhere (not in SENTRY_TRIAGE_REPOSITORY_MAP, and GITHUB_REPOSITORY is not set)',
      'error.created 304: 204, project 4508001 is mapped nowhere (not in SENTRY_TRIAGE_REPOSITORY_MAP, and GITHUB_REPOSITORY is not set)',
      'event_alert.triggered 305: 204, project 4508001 is mapped nowhere (not in SENTRY_TRIAGE_REPOSITORY_MAP, and GITHUB_REPOSITORY is not set)',
      'error.created 306: 204, project 4508001 is mapped nowhere (not in SENTRY_TRIAGE_REPOSITORY_MAP, and GITHUB_REPOSITORY is not set)'
    ])

    // The same deliveries with a mapped project id go by the id alone.
    for (const [id, resource, eventUrlValue] of nowhere)
      expect(
        (await deliver(url, resource, eventBody(resource, id, 4508123, eventUrlValue))).status
      ).toBe(202)
    expect(received()['acme/api']).toEqual(['301', '302', '303', '304', '305', '306'])
  })

  it('issue: a project mapped nowhere, or none named, gets 204 without GITHUB_REPOSITORY', async () => {
    const { url, log } = await start({ SENTRY_TRIAGE_REPOSITORY_MAP: MAP })
    expect(
      (await deliver(url, 'issue', issueBody('401', { id: '9', slug: 'mobile' }))).status
    ).toBe(204)
    expect((await deliver(url, 'issue', issueBody('402', undefined))).status).toBe(204)
    expect(
      (await deliver(url, 'issue', issueBody('403', { id: 'x', slug: 'Not A Slug' }))).status
    ).toBe(204)
    expect(dispatchPaths()).toEqual([])
    expect(log).toEqual([
      'issue.created 401: 204, project mobile (9) is mapped nowhere (not in SENTRY_TRIAGE_REPOSITORY_MAP, and GITHUB_REPOSITORY is not set)',
      'issue.created 402: 204, the webhook names no project, and GITHUB_REPOSITORY is not set',
      'issue.created 403: 204, the webhook names no project, and GITHUB_REPOSITORY is not set'
    ])
  })

  it('`*` takes every other project, ahead of GITHUB_REPOSITORY', async () => {
    const { url } = await start({
      SENTRY_TRIAGE_REPOSITORY_MAP: 'checkout-web: acme/web, *: acme/api',
      GITHUB_REPOSITORY: 'acme/shop'
    })
    await deliver(url, 'issue', issueBody('501', { id: '1', slug: 'checkout-web' }))
    await deliver(url, 'issue', issueBody('502', { id: '2', slug: 'mobile' }))
    await deliver(url, 'error', eventBody('error', '503', 3, undefined))
    expect(received()).toEqual({ 'acme/web': ['501'], 'acme/api': ['502', '503'], 'acme/shop': [] })
  })

  it('a repository the token cannot reach answers 502 naming GitHub’s status, the others still go', async () => {
    const { url } = await start({
      SENTRY_TRIAGE_REPOSITORY_MAP: 'checkout-web: acme/web, payments: acme/elsewhere'
    })
    const refused = await deliver(url, 'issue', issueBody('601', { id: '1', slug: 'payments' }))
    expect(refused.status).toBe(502)
    expect(refused.text).toMatch(/GitHub refused the dispatch: HTTP 404/)
    expect(
      (await deliver(url, 'issue', issueBody('602', { id: '2', slug: 'checkout-web' }))).status
    ).toBe(202)
    expect(dispatchPaths()).toEqual([
      '/repos/acme/elsewhere/dispatches',
      '/repos/acme/web/dispatches'
    ])
  })
})

describe('relay: the minimal body still goes to the project’s repository', () => {
  it('routes an oversized event_alert by its url, and the action reads the dispatch it receives', async () => {
    const { url, log } = await start({ SENTRY_TRIAGE_REPOSITORY_MAP: MAP })
    const timestamp = Math.floor(Date.now() / 1000)
    const big = eventBody(
      'event_alert',
      '701',
      4508001,
      eventUrl('checkout-web'),
      'x'.repeat(80_000)
    )
    expect(Buffer.byteLength(big)).toBeGreaterThan(MAX_PAYLOAD_BYTES)
    const bigIssue = issueBody('702', { id: '4508123', slug: 'payments' }, 'resolved', {
      padding: 'y'.repeat(80_000)
    })
    expect((await deliver(url, 'event_alert', big, timestamp)).status).toBe(202)
    expect((await deliver(url, 'issue', bigIssue)).status).toBe(202)
    expect(received()).toEqual({ 'acme/web': ['701'], 'acme/api': ['702'], 'acme/shop': [] })
    expect(log).toEqual([
      'event_alert.triggered 701 → acme/web: 202, dispatched (minimal body)',
      'issue.resolved 702 → acme/api: 202, dispatched (minimal body)'
    ])

    const payload = fakes!.get('acme/web')!.dispatches[0]!.client_payload as Record<string, string>
    const minimal = JSON.parse(payload.body!) as Record<string, unknown>
    expect(minimal).toEqual({
      resource: 'event_alert',
      action: 'triggered',
      issueId: '701',
      timestamp
    })
    expect(await verifyBody(SECRET, payload.body!, payload.signature)).toBe(true)

    // What the action's workflow in acme/web does with it: the repository_dispatch event file.
    const info: string[] = []
    const logger = {
      info: (line: string) => void info.push(line),
      warning: () => {},
      debug: () => {}
    }
    expect(await readDispatch(dispatchEnv(payload), SECRET, logger)).toEqual({
      mode: 'triage',
      sentryIssueId: '701',
      resource: 'event_alert',
      action: 'triggered'
    })
    const followUp = fakes!.get('acme/api')!.dispatches[0]!.client_payload
    expect(await readDispatch(dispatchEnv(followUp), SECRET, logger)).toEqual({
      mode: 'follow-up',
      sentryIssueId: '702',
      resource: 'issue',
      action: 'resolved'
    })
    expect(info).toContain(
      'repository_dispatch: Sentry event_alert.triggered for issue 701, signature verified'
    )
  })
})

describe('relay: SENTRY_TRIAGE_REPOSITORY_MAP at startup', () => {
  const base = { SENTRY_CLIENT_SECRET: SECRET, GITHUB_TOKEN }

  it('makes GITHUB_REPOSITORY optional, and still checks it when it is set', () => {
    expect(() => createRelay({ ...base, SENTRY_TRIAGE_REPOSITORY_MAP: MAP })).not.toThrow()
    expect(() =>
      createRelay({ ...base, SENTRY_TRIAGE_REPOSITORY_MAP: MAP, GITHUB_REPOSITORY: 'shop' })
    ).toThrow(/GITHUB_REPOSITORY must be owner\/repo/)
    // An empty map is no map: GITHUB_REPOSITORY is required again.
    expect(() => createRelay({ ...base, SENTRY_TRIAGE_REPOSITORY_MAP: ' # nothing ' })).toThrow(
      /GITHUB_REPOSITORY is not set/
    )
  })

  it('refuses `sentry`: the relay has no Sentry token to read code mappings', () => {
    expect(() => createRelay({ ...base, SENTRY_TRIAGE_REPOSITORY_MAP: 'sentry' })).toThrow(
      RelayConfigError
    )
    expect(() => createRelay({ ...base, SENTRY_TRIAGE_REPOSITORY_MAP: ' Sentry ' })).toThrow(
      /SENTRY_TRIAGE_REPOSITORY_MAP cannot be 'sentry'.*no Sentry token/
    )
  })

  it('refuses a malformed map, naming the variable and the bad line', () => {
    const attempt = () =>
      createRelay({
        ...base,
        GITHUB_REPOSITORY: 'acme/shop',
        SENTRY_TRIAGE_REPOSITORY_MAP:
          'checkout-web: acme/web\npayments acme/api\nmobile: not-a-repo'
      })
    expect(attempt).toThrow(RelayConfigError)
    expect(attempt).toThrow(/SENTRY_TRIAGE_REPOSITORY_MAP/)
    expect(attempt).toThrow(/'payments acme\/api' is not 'project-slug: owner\/repo'/)
    expect(attempt).toThrow(/'mobile: not-a-repo'/)
    // Every problem in one error: the map's and the other variables'.
    expect(() =>
      createRelay({ SENTRY_CLIENT_SECRET: SECRET, SENTRY_TRIAGE_REPOSITORY_MAP: 'x' })
    ).toThrow(/GITHUB_TOKEN is not set.*SENTRY_TRIAGE_REPOSITORY_MAP.*'x' is not/)
  })

  it('says where it forwards, for the startup line', () => {
    const line = (env: Record<string, string>) =>
      describeDestinations(readRelayConfig({ ...base, ...env }))
    expect(line({ GITHUB_REPOSITORY: 'acme/shop' })).toBe('acme/shop')
    expect(line({ SENTRY_TRIAGE_REPOSITORY_MAP: MAP })).toBe(
      'acme/web, acme/api by SENTRY_TRIAGE_REPOSITORY_MAP (2 projects), other projects nowhere (204)'
    )
    expect(
      line({
        SENTRY_TRIAGE_REPOSITORY_MAP: 'web: acme/web, app: acme/web',
        GITHUB_REPOSITORY: 'acme/shop'
      })
    ).toBe('acme/web by SENTRY_TRIAGE_REPOSITORY_MAP (2 projects), other projects to acme/shop')
    expect(
      line({
        SENTRY_TRIAGE_REPOSITORY_MAP: 'web: acme/web, *: acme/api',
        GITHUB_REPOSITORY: 'acme/shop'
      })
    ).toBe('acme/web by SENTRY_TRIAGE_REPOSITORY_MAP (1 project), other projects to acme/api')
  })
})
