/**
 * `npx tsx bench/relay.ts [N]`: the webhook relay's latency on this machine. N signed Sentry
 * `issue.created` webhooks (default 200), one after another, to the relay under Node on 127.0.0.1,
 * which forwards each to the fake GitHub's dispatches endpoint and answers 202 once GitHub has.
 * Prints the median and p95 from the request to the relay's answer (the dispatch included), and the
 * part of it spent waiting for GitHub. Then SLOW webhooks (default 5) to a GitHub that takes 1.5 s to
 * answer each dispatch: the relay's answer time (its 800 ms bound, under Sentry's 1 s timeout) and
 * how many of those dispatches GitHub had accepted once the relay closed.
 */
import { performance } from 'node:perf_hooks'
import { startFakeGitHub } from '../__tests__/fakes/github.js'
import { GITHUB_TOKEN } from '../__tests__/fakes/world.js'
import { createRelay } from '../src/relay/handler.js'
import { serveRelay } from '../src/relay/server.js'
import { signBody } from '../src/webhook/hmac.js'

const N = Number(process.argv[2] ?? 200)
const SLOW = 5
const GITHUB_SLOW_MS = 1500
const SECRET = 'bench-client-secret-0123456789abcdef'

const github = await startFakeGitHub({ owner: 'acme', repo: 'shop', token: GITHUB_TOKEN })
const relay = await serveRelay(
  createRelay({
    SENTRY_CLIENT_SECRET: SECRET,
    GITHUB_TOKEN,
    GITHUB_REPOSITORY: 'acme/shop',
    GITHUB_API_URL: github.url
  }),
  { port: 0, host: '127.0.0.1' }
)
const quantile = (values: number[], q: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(q * values.length))]!

function deliver(i: number): Promise<Response> {
  const body = JSON.stringify({
    action: 'created',
    data: { issue: { id: String(6_000_000_000 + i), shortId: `SHOP-${i}`, title: 'TypeError' } }
  })
  return signBody(SECRET, body).then(signature =>
    fetch(relay.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'sentry-hook-resource': 'issue',
        'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
        'sentry-hook-signature': signature
      },
      body
    })
  )
}

let closed = false
try {
  const total: number[] = []
  for (let i = 0; i < N + 10; i++) {
    const started = performance.now()
    const response = await deliver(i)
    await response.text()
    if (response.status !== 202) throw new Error(`relay answered ${response.status}`)
    if (i >= 10) total.push(performance.now() - started) // the first 10 warm up
  }
  // GitHub's share: the same dispatch sent straight to the fake GitHub.
  const direct: number[] = []
  for (let i = 0; i < N; i++) {
    const started = performance.now()
    const response = await fetch(`${github.url}/repos/acme/shop/dispatches`, {
      method: 'POST',
      headers: { authorization: `Bearer ${GITHUB_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ event_type: 'sentry-triage', client_payload: { body: '{}' } })
    })
    await response.text()
    direct.push(performance.now() - started)
  }
  const fastDispatches = github.dispatches.length - N

  // A slow GitHub: the relay answers at its bound, the dispatches complete in the background.
  github.fault({ method: 'POST', path: '/dispatches' }, { delayMs: GITHUB_SLOW_MS, times: SLOW })
  const before = github.dispatches.length
  const slow: number[] = []
  for (let i = 0; i < SLOW; i++) {
    const started = performance.now()
    const response = await deliver(N + 10 + i)
    await response.text()
    if (response.status !== 202) throw new Error(`relay answered ${response.status}`)
    slow.push(performance.now() - started)
  }
  await relay.close() // waits for the dispatches still under way
  closed = true
  const slowArrived = github.dispatches.length - before

  const ms = (v: number) => `${v.toFixed(2)} ms`
  process.stdout.write(
    `relay, request → 202 after GitHub accepted the dispatch (${N} requests, ${process.version}): ` +
      `median ${ms(quantile(total, 0.5))}, p95 ${ms(quantile(total, 0.95))}, max ${ms(Math.max(...total))}\n` +
      `of which the fake GitHub alone (same dispatch sent directly): median ${ms(quantile(direct, 0.5))}, p95 ${ms(quantile(direct, 0.95))}\n` +
      `dispatches recorded: ${fastDispatches}\n` +
      `GitHub taking ${GITHUB_SLOW_MS} ms per dispatch (${SLOW} requests): request → 202 median ${ms(quantile(slow, 0.5))}, max ${ms(Math.max(...slow))}; ` +
      `dispatches GitHub accepted by the time the relay closed: ${slowArrived}/${SLOW}\n`
  )
} finally {
  if (!closed) await relay.close()
  await github.close()
}
