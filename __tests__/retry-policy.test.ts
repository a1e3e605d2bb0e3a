/**
 * Which failures are retried, over real HTTP against the fakes: only 408, 429 and 5xx answers and
 * network-level failures (connection reset, a timed-out attempt). Any other 4xx is the request's
 * fault and is sent once; `createIssue`'s own re-send waits between attempts and stops at the budget.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubClient } from '../src/github/client.js'
import { Budget } from '../src/http/retry.js'
import { renderSection } from '../src/track/marker.js'
import { createOnce } from '../src/execute/create.js'
import type { WriteIO } from '../src/execute/io.js'
import { startFakeGitHub, type FakeGitHub } from './fakes/github.js'
import { GITHUB_TOKEN, runAction, startWorld, type World } from './fakes/world.js'
import { TestClock } from './support/clock.js'
import { isIssueCreate, isSentryListing } from './support/world-checks.js'

const GITHUB_LISTING = { method: 'GET', path: /\/repos\/acme\/shop\/issues$/ }
const SENTRY_LISTING = { method: 'GET', path: /\/organizations\/acme\/issues\/$/ }
const isGitHubListing = (r: { method: string; path: string }) =>
  r.method === 'GET' && /\/repos\/acme\/shop\/issues$/.test(r.path)

let worlds: World[] = []
let fakes: FakeGitHub[] = []
afterEach(async () => {
  await Promise.all([...worlds.map(w => w.close()), ...fakes.map(f => f.close())])
  worlds = []
  fakes = []
})
async function world(): Promise<World> {
  const w = await startWorld()
  worlds.push(w)
  return w
}

/** 4xx answers that are the request's fault: none may be sent twice (407: fetch turns it into a failure). */
const NOT_RETRIED = [406, 407, 411, 414, 416, 417, 418, 423, 424, 425, 426, 428, 431]

describe('GitHub: only 408, 429 and 5xx are retried', () => {
  it.each(NOT_RETRIED)('asks the listing once when GitHub answers %i', async status => {
    const w = await world()
    w.github.fault(GITHUB_LISTING, { status, times: 10, body: { message: `status ${status}` } })

    const run = await runAction(w)

    expect(w.github.requests.filter(isGitHubListing)).toHaveLength(1)
    expect(run.failed).toMatch(
      new RegExp(
        `GitHub request failed while listing issues to find the linked ones(?: \\(${status}\\)|: the request failed before GitHub answered)`
      )
    )
  })

  it('leaves a 421 to fetch, which re-sends it once on a new connection (Fetch standard): two requests, not eight', async () => {
    const w = await world()
    w.github.fault(GITHUB_LISTING, { status: 421, times: 10, body: { message: 'Misdirected' } })

    const run = await runAction(w)

    expect(w.github.requests.filter(isGitHubListing)).toHaveLength(2)
    expect(run.failed).toMatch(/listing issues to find the linked ones \(421\)/)
  })

  it.each([408, 500, 502, 503])(
    'retries the listing when GitHub answers %i, and completes the run',
    async status => {
      const w = await world()
      w.github.fault(GITHUB_LISTING, { status, times: 2, body: { message: 'try again' } })

      const run = await runAction(w)

      expect(run.failed).toBeNull()
      // Two faulted answers, then the real listing (and later listings by the duplicate check).
      expect(w.github.requests.filter(isGitHubListing).length).toBeGreaterThanOrEqual(3)
    }
  )

  it('sends an issue creation answered 406 once: the issue fails, no re-list, no re-send', async () => {
    const w = await world()
    w.github.fault({ method: 'POST', path: /\/issues$/ }, { status: 406, times: 1 })

    const run = await runAction(w)

    expect(run.report?.failed).toBe(1)
    // Every issue opened once, plus the one refused create: never a second try for it.
    expect(w.github.requests.filter(isIssueCreate)).toHaveLength(10)
  })
})

describe('Sentry: only 408, 429 and 5xx are retried', () => {
  it.each([406, 407, 418, 421, 431])(
    'asks the listing once when Sentry answers %i',
    async status => {
      const w = await world()
      w.sentry.fault(SENTRY_LISTING, { status, times: 10, body: { detail: `status ${status}` } })

      const run = await runAction(w)

      expect(w.sentry.requests.filter(isSentryListing)).toHaveLength(1)
      expect(run.failed).toMatch(new RegExp(`Sentry answered ${status}`))
    }
  )

  it.each([408, 500])('retries the listing when Sentry answers %i', async status => {
    const w = await world()
    w.sentry.fault(SENTRY_LISTING, { status, times: 1, body: { detail: 'try again' } })
    const clock = new TestClock()

    const run = await runAction(w, {}, { clock })

    expect(run.failed).toBeNull()
    expect(w.sentry.requests.filter(isSentryListing)).toHaveLength(2)
    // No Retry-After: one jittered backoff below the first step (500 ms), on the run's clock.
    expect(clock.sleeps).toHaveLength(1)
    expect(clock.sleeps[0]).toBeLessThan(500)
  })
})

describe("createIssue's own re-send", () => {
  async function client(retryAfterBaseMs: number, budgetMs = 60_000) {
    const fake = await startFakeGitHub({ owner: 'acme', repo: 'shop', token: GITHUB_TOKEN })
    fakes.push(fake)
    const github = new GitHubClient({
      token: GITHUB_TOKEN,
      apiUrl: fake.url,
      owner: 'acme',
      repo: 'shop',
      timeoutMs: 5_000,
      budget: new Budget(budgetMs),
      writeSpacingMs: 0,
      notifySpacingMs: 0,
      retryAfterBaseMs
    })
    return { fake, github }
  }
  const issue = {
    title: 'Deadlock in checkout',
    body: renderSection({ ids: ['4711'], sig: null }, 'body'),
    labels: [],
    assignees: [],
    sentryId: '4711'
  }
  const creates = (fake: FakeGitHub) => fake.requests.filter(isIssueCreate)
  /** What the executor hands createOnce: the client, real waits, the run's budget. */
  const writeIO = (
    github: GitHubClient,
    retryBaseMs: number,
    budgetMs: number,
    createdAfter: string
  ): WriteIO =>
    ({
      github,
      createdAfter,
      retryBaseMs,
      budget: new Budget(budgetMs),
      self: null,
      sleep: (ms: number) => new Promise(resolve => setTimeout(resolve, ms)),
      now: () => Date.now()
    }) as unknown as WriteIO

  it('waits between attempts after a dropped connection (backoff), then opens the issue once', async () => {
    const { fake, github } = await client(200)
    fake.fault({ method: 'POST', path: /\/issues$/ }, { reset: true, times: 2 })

    const opened = await createOnce(
      writeIO(github, 200, 60_000, new Date(Date.now() - 60_000).toISOString()),
      issue
    )

    expect(opened.marker?.ids).toEqual(['4711'])
    const [first, second, third] = creates(fake)
    expect(creates(fake)).toHaveLength(3)
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(190)
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(second!.at - first!.at)
    expect(fake.issues.filter(i => i.title === issue.title)).toHaveLength(1)
  })

  it('does not wait past the time budget: one attempt, then a clear failure', async () => {
    const { fake, github } = await client(1_000, 500)
    fake.fault({ method: 'POST', path: /\/issues$/ }, { reset: true, times: 3 })

    await expect(
      createOnce(writeIO(github, 1_000, 500, new Date().toISOString()), issue)
    ).rejects.toThrow(/creating the issue for Sentry issue 4711/)
    expect(creates(fake)).toHaveLength(1)
    // A wait would have been followed by a re-list for the marker: there was none.
    expect(fake.requests.filter(isGitHubListing)).toHaveLength(0)
  })

  it('does not re-send when the answer is not a network failure or a 5xx (a 2xx of the wrong shape)', async () => {
    const { fake, github } = await client(10)
    // A proxy answering HTML with 201: nothing says the issue did not land, nothing says it did.
    fake.fault(
      { method: 'POST', path: /\/issues$/ },
      { status: 201, body: '<html><body>Created</body></html>' }
    )

    await expect(
      createOnce(writeIO(github, 10, 10_000, new Date().toISOString()), issue)
    ).rejects.toThrow(/unexpected response for POST \/repos\/\{owner\}\/\{repo\}\/issues/)
    expect(creates(fake)).toHaveLength(1)
    expect(fake.requests.filter(isGitHubListing)).toHaveLength(0)
  })
})
