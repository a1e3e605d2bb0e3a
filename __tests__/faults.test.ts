/**
 * Fault injection against the local fakes (real HTTP, nothing mocked): under every fault the action
 * finishes the work it can, loses nothing and writes nothing twice.
 *
 * Each test ends with the same two questions: did every Sentry candidate end up in the report
 * exactly once, and is there at most (and, when the step passed, exactly) one open GitHub issue
 * per Sentry issue?
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import {
  GITHUB_TOKEN,
  runAction as runInWorld,
  startWorld,
  type RunRecord,
  type World,
  type WorldOptions
} from './fakes/world.js'
import { TestClock } from './support/clock.js'
import {
  classifyPrompt,
  constant,
  fencedJson,
  messageText,
  httpError,
  keyValueText,
  proseAroundJson,
  reasoningPreamble,
  refusal,
  truncatedJson,
  type ChatMessage,
  type Responder
} from './fakes/llm.js'
import type { RecordedRequest } from './fakes/server.js'
import { seedScenario } from './fakes/seed.js'
import {
  actionOf,
  candidateIds,
  expectEveryCandidateReportedOnce,
  expectNoTwoOpenIssuesPerSentryId,
  expectScenarioTriagedOnce,
  idOf,
  isChat,
  isIssueCreate,
  isSentryListing,
  isWrite,
  markerIds,
  openIssuesFor,
  since,
  theIssueFor
} from './support/world-checks.js'

/** 12 candidates; the similarA/similarB pair shares a signature, so one healthy run makes 11 LLM requests. */
const CLASSIFICATIONS = 11
/** 12 candidates, `jwt` is linked to #7 and the similar pair shares one issue: 10 issues are opened. */
const OPENED = 10

const SENTRY_LISTING = { method: 'GET', path: /\/organizations\/acme\/issues\/$/ }
const GITHUB_ISSUES = /\/repos\/acme\/shop\/issues$/

let worlds: World[] = []
async function world(options: WorldOptions = {}): Promise<World> {
  const w = await startWorld(options)
  worlds.push(w)
  return w
}
afterEach(async () => {
  await Promise.all(worlds.map(w => w.close()))
  worlds = []
})

/** The retry policy's backoff: full jitter below 500 ms, doubled each retry (src/http/retry.ts). */
const backoffCap = (retry: number): number => 500 * 2 ** retry

/**
 * Every run of this suite waits on a test clock: a retry wait costs no wall time, and the run's
 * record says which waits the action asked for (Sentry and the LLM; Octokit's waits are its own).
 */
async function runAction(
  w: World,
  inputs: Record<string, string> = {},
  options: Parameters<typeof runInWorld>[2] = {}
): Promise<RunRecord & { clock: TestClock }> {
  const clock = new TestClock()
  const run = await runInWorld(w, inputs, { clock, ...options })
  return Object.assign(run, { clock })
}

const messageTextOf = (r: RecordedRequest): string =>
  ((r.body as { messages?: ChatMessage[] } | undefined)?.messages ?? [])
    .map(m => messageText(m))
    .join('\n')
const titleOf = (r: RecordedRequest): string =>
  String((r.body as { title?: unknown } | undefined)?.title ?? '')
const shortId = (w: World, name: Parameters<typeof idOf>[1]): string =>
  w.seed.issues.find(i => i.id === idOf(w, name))?.shortId as string

/**
 * Opens an issue on the fake GitHub as another writer would (another run, or GitHub acting on a request
 * whose answer is lost), marked with `header` so the fault that triggered it ignores it.
 */
function createBehindTheAction(w: World, body: string, header: string): Promise<Response> {
  return fetch(`${w.github.url}/repos/acme/shop/issues`, {
    method: 'POST',
    headers: {
      authorization: `token ${GITHUB_TOKEN}`,
      'content-type': 'application/json',
      [header]: '1'
    },
    body
  })
}

/** A healthy, complete run: nothing failed, every candidate reported once, one open issue each. */
function expectCompleteRun(w: World, run: RunRecord): void {
  expect(run.failed).toBeNull()
  expectEveryCandidateReportedOnce(w, run)
  expect(run.report?.failed).toBe(0)
  expectScenarioTriagedOnce(w)
}

/** A re-run over the same Sentry state: classifies nothing, writes nothing. */
async function expectQuietRerun(w: World): Promise<void> {
  const gh = w.github.requests.length
  const llm = w.llm.requests.length
  const again = await runAction(w)
  expect(again.failed).toBeNull()
  expect(since(w.github.requests, gh).filter(isWrite)).toEqual([])
  expect(since(w.llm.requests, llm)).toEqual([])
  expect(again.report?.results.every(r => r.action === 'skipped')).toBe(true)
  expectScenarioTriagedOnce(w)
}

// ---------------------------------------------------------------------------------------------

describe('Sentry faults', () => {
  it('waits out a 429 until X-Sentry-Rate-Limit-Reset (Sentry sends no Retry-After), then completes the run', async () => {
    const w = await world()
    w.sentry.rateLimit(1, SENTRY_LISTING, 2)

    const run = await runAction(w)

    const listings = w.sentry.requests.filter(isSentryListing)
    expect(listings).toHaveLength(2)
    const [limited] = listings as [RecordedRequest, RecordedRequest]
    // The fake's reset: the second the 429 was sent, plus 2. The run's only wait ends exactly there.
    const resetMs = (Math.floor(limited.at / 1000) + 2) * 1000
    expect(run.clock.sleeps).toEqual([resetMs - run.clock.start])
    expect(run.clock.sleeps[0]).toBeGreaterThan(1000)
    expectCompleteRun(w, run)
  })

  it('retries a 502 and then a dropped connection (ECONNRESET) on the listing, and completes the run', async () => {
    const w = await world()
    w.sentry.fault(SENTRY_LISTING, {
      status: 502,
      body: '<html><body><h1>502 Bad Gateway</h1></body></html>'
    })
    w.sentry.fault(SENTRY_LISTING, { reset: true })

    const run = await runAction(w)

    expect(w.sentry.requests.filter(isSentryListing)).toHaveLength(3)
    // No Retry-After on either failure: two jittered backoffs, the second from a doubled step.
    expect(run.clock.sleeps).toHaveLength(2)
    expect(run.clock.sleeps[0]).toBeLessThan(backoffCap(0))
    expect(run.clock.sleeps[1]).toBeLessThan(backoffCap(1))
    expectCompleteRun(w, run)
    expect(w.github.issues.filter(i => markerIds(i.body).length > 0)).toHaveLength(OPENED)
  })

  it('fails the step with a clear message and writes nothing anywhere when the listing keeps failing; the next run triages everything once', async () => {
    const w = await world()
    w.sentry.fault(SENTRY_LISTING, { status: 500, times: 4, body: { detail: 'Internal Error' } })

    const run = await runAction(w)

    expect(run.failed).toMatch(
      /Sentry answered 500 for GET \/api\/0\/organizations\/acme\/issues\/: Internal Error/
    )
    expect(run.failed).not.toMatch(/undefined/)
    expect(w.sentry.requests.filter(isSentryListing)).toHaveLength(4)
    expect(run.clock.sleeps).toHaveLength(3)
    run.clock.sleeps.forEach((ms, retry) => expect(ms).toBeLessThan(backoffCap(retry)))
    expect(w.github.requests).toEqual([])
    expect(w.llm.requests).toEqual([])
    expect(w.sentry.requests.filter(isWrite)).toEqual([])

    const rerun = await runAction(w)
    expectCompleteRun(w, rerun)
  })

  it('fails with an error naming the endpoint when Sentry answers with the wrong shape (never an undefined crash)', async () => {
    const w = await world()
    w.sentry.fault(SENTRY_LISTING, { status: 200, body: { issues: 'not a list' } })

    const run = await runAction(w)

    expect(run.failed).toMatch(
      /Sentry sent an unexpected response for GET \/api\/0\/organizations\/acme\/issues\//
    )
    expect(run.failed).not.toMatch(/undefined|Cannot read/)
    expect(w.github.requests.filter(isWrite)).toEqual([])
  })

  it('does not fail the step when the Sentry note cannot be posted (token without a user behind it)', async () => {
    const w = await world({ sentry: { userToken: false } })

    const run = await runAction(w, { 'sentry-comment': 'true' })

    expectCompleteRun(w, run)
    expect(w.sentry.comments).toEqual([])
    expect(
      run.warnings.filter(m => /Could not comment on Sentry issue/.test(m)).length
    ).toBeGreaterThan(0)
  })

  it('still triages an issue whose latest event cannot be fetched (the issue alone is enough)', async () => {
    const w = await world()
    const deadlock = idOf(w, 'deadlock')
    w.sentry.fault(
      { method: 'GET', path: `/issues/${deadlock}/events/latest/` },
      { status: 500, times: 10 }
    )

    const run = await runAction(w)

    expectCompleteRun(w, run)
    expect(actionOf(run, deadlock)).toBe('created')
    // Four attempts at the event, three backoffs between them: the only waits of the run.
    const eventReads = w.sentry.requests.filter(r =>
      r.path.endsWith(`/issues/${deadlock}/events/latest/`)
    )
    expect(eventReads).toHaveLength(4)
    expect(run.clock.sleeps).toHaveLength(3)
    run.clock.sleeps.forEach((ms, retry) => expect(ms).toBeLessThan(backoffCap(retry)))
  })
})

// ---------------------------------------------------------------------------------------------

describe('LLM faults', () => {
  it('retries a 429 after its retry-after (7 s → a 7000 ms wait) and classifies everything with the LLM', async () => {
    const w = await world()
    w.llm.rateLimit(1, 7)

    const run = await runAction(w)

    const chats = w.llm.requests.filter(isChat)
    expect(chats).toHaveLength(CLASSIFICATIONS + 1)
    const first = chats[0] as RecordedRequest
    expect(chats.slice(1).filter(r => r.rawBody === first.rawBody)).toHaveLength(1)
    // retry-after: 7 (and retry-after-ms: 7000) → the run's only wait is 7000 ms.
    expect(run.clock.sleeps).toEqual([7000])
    expect(run.report?.results.every(r => r.classifier === 'llm')).toBe(true)
    expect(run.warnings).toEqual([])
    expectCompleteRun(w, run)
  })

  it('opens the circuit breaker after 3 consecutive failures when every request answers 500: the heuristic classifies the rest, the step passes with a warning, the issues say heuristic', async () => {
    const w = await world()
    w.llm.setResponder(httpError(500))

    const run = await runAction(w)

    expectCompleteRun(w, run)
    expect(
      run.warnings.filter(m => /circuit breaker open: 3 consecutive LLM failures/.test(m))
    ).toHaveLength(1)
    expect(run.report?.breakerReason).toMatch(/3 consecutive LLM failures.*500/)
    // At most max-concurrency (4) issues were in flight, plus the two started after the first two
    // failures; once the breaker opened nothing more reached the LLM (in-flight retries stopped too).
    const asked = new Set(w.llm.requests.filter(isChat).map(r => r.rawBody))
    expect(asked.size).toBeGreaterThanOrEqual(3)
    expect(asked.size).toBeLessThanOrEqual(4 + 2)
    expect(w.llm.requests.filter(isChat).length).toBeLessThanOrEqual(asked.size * 4)
    expect(run.report?.results.every(r => r.classifier === 'heuristic')).toBe(true)
    expect(
      run.report?.results.filter(r => /circuit breaker open/.test(r.reason ?? '')).length
    ).toBeGreaterThanOrEqual(CLASSIFICATIONS - 6)
    expect(run.outputs.tokens).toBe('0')
    for (const issue of w.github.issues.filter(i => markerIds(i.body).length > 0)) {
      expect(issue.body).toMatch(/\| Classified by \| heuristic rules \(LLM unavailable: /)
    }
    expect(run.summary).toMatch(/The LLM was abandoned for the rest of the run/)
  })

  it('abandons an LLM request still in flight when the breaker opens, instead of waiting for it', async () => {
    const w = await world()
    // One request hangs for 10 s; every other one is refused at once (400: not retried).
    let hung: string | null = null
    let hungAnswered = false
    w.llm.fault(
      {
        method: 'POST',
        path: '/chat/completions',
        when: req => {
          hung = messageTextOf(req)
          return true
        }
      },
      { delayMs: 10_000 }
    )
    w.llm.setResponder(body => {
      if (body.messages.map(messageText).join('\n') !== hung)
        return httpError(400, 'bad request')(body)
      hungAnswered = true
      return JSON.stringify(classifyPrompt(body))
    })

    const run = await runAction(w)

    // The run was over before the hung request was answered: it did not wait for it.
    expect(hung).not.toBeNull()
    expect(hungAnswered).toBe(false)
    expectCompleteRun(w, run)
    expect(run.report?.breakerReason).toMatch(/^3 consecutive LLM failures/)
    expect(run.report?.results.every(r => r.classifier === 'heuristic')).toBe(true)
    expect(w.llm.requests.filter(isChat).length).toBeLessThanOrEqual(4 + 2)
  })

  it('does not retry insufficient_quota: one request, the breaker opens at once, the heuristic triages everything', async () => {
    const w = await world()
    w.llm.quotaExceeded(100)

    const run = await runAction(w, { 'max-concurrency': '1' })

    expect(w.llm.requests.filter(isChat)).toHaveLength(1)
    expectCompleteRun(w, run)
    expect(run.warnings.join('\n')).toMatch(/insufficient_quota: the account is out of credit/)
    expect(run.report?.results.every(r => r.classifier === 'heuristic')).toBe(true)
  })

  it('falls back to the heuristic when the LLM never answers within request-timeout', async () => {
    const w = await world()
    w.llm.fault({ method: 'POST', path: '/chat/completions' }, { delayMs: 10_000, times: 1000 })

    const run = await runAction(w, { 'request-timeout': '400ms' })

    expectCompleteRun(w, run)
    expect(run.report?.breakerReason).toMatch(/timed out after 400 ms/)
    // At most max-concurrency (4) issues plus the two started after the first two failures, four
    // attempts each; between attempts only backoffs (no answer, so no Retry-After), never past the
    // third step.
    expect(w.llm.requests.filter(isChat).length).toBeLessThanOrEqual((4 + 2) * 4)
    expect(run.clock.sleeps.length).toBeGreaterThan(0)
    expect(run.clock.sleeps.every(ms => ms < backoffCap(2))).toBe(true)
    expect(run.report?.results.every(r => r.classifier === 'heuristic')).toBe(true)
  })

  const usable: Array<[string, Responder]> = [
    ['JSON inside a ```json fence', fencedJson()],
    ['JSON wrapped in prose', proseAroundJson()],
    ['a <think> preamble before the JSON', reasoningPreamble()],
    ['Key: value lines instead of JSON', keyValueText()],
    [
      'synonyms instead of enum values (db / P1)',
      constant(
        '{"category": "db", "severity": "P1", "rootCause": "Lock order.", "suggestedAction": "Fix it."}'
      )
    ]
  ]
  it.each(usable)('reads %s as an LLM classification', async (_name, responder) => {
    const w = await world()
    w.llm.setResponder(responder)

    const run = await runAction(w)

    expectCompleteRun(w, run)
    expect(run.report?.results.filter(r => r.classifier === 'llm')).toHaveLength(
      candidateIds(w).length
    )
    expect(run.report?.breakerReason).toBeNull()
  })

  const unusable: Array<[string, Responder, RegExp]> = [
    ['a truncated answer (finish_reason length)', truncatedJson(), /truncated/],
    ['a refusal', refusal(), /refused/],
    ['an empty answer', constant(''), /empty answer/],
    [
      'a category outside the enum',
      constant(
        '{"category": "Cosmic", "severity": "High", "rootCause": "x", "suggestedAction": "y"}'
      ),
      /category "Cosmic" is not one of the allowed values/
    ],
    [
      'prose without any classification',
      constant('I think this is probably fine, nothing to worry about.'),
      /no JSON object/
    ],
    [
      'a gateway error body in a 200',
      () => ({ status: 200, body: { error: { message: 'upstream model overloaded' } } }),
      /unexpected response/
    ]
  ]
  it.each(unusable)(
    'falls back to the heuristic on %s, and the step passes',
    async (_name, responder, reason) => {
      const w = await world()
      w.llm.setResponder(responder)

      const run = await runAction(w)

      expectCompleteRun(w, run)
      expect(run.report?.results.every(r => r.classifier === 'heuristic')).toBe(true)
      expect(run.report?.breakerReason).toMatch(reason)
      for (const issue of w.github.issues.filter(i => markerIds(i.body).length > 0)) {
        expect(issue.labels.map(l => l.name)).toEqual(expect.arrayContaining(['sentry']))
        expect(
          issue.labels
            .map(l => l.name)
            .every(n =>
              /^(sentry|category:(authentication|database|network|logic|external-service|infrastructure|unknown)|severity:(critical|high|medium|low))$/.test(
                n
              )
            )
        ).toBe(true)
      }
    }
  )
})

// ---------------------------------------------------------------------------------------------

describe('GitHub faults', () => {
  const SECONDARY = {
    message:
      'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. If you reach out to GitHub Support for help, please include the request ID C0DE:1A2B:3C4D5E:6F7A8B:67000000.',
    documentation_url:
      'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
    status: '403'
  }

  it('retries an issue creation that hit the secondary rate limit, and opens exactly one issue', async () => {
    const w = await world()
    w.github.fault(
      { method: 'POST', path: GITHUB_ISSUES },
      { status: 403, headers: { 'retry-after': '1' }, body: SECONDARY }
    )

    const run = await runAction(w)

    expect(w.github.requests.filter(isIssueCreate)).toHaveLength(OPENED + 1)
    expect(run.warnings.join('\n')).toMatch(/secondary rate limit/)
    expectCompleteRun(w, run)
  })

  it('waits out a primary rate limit (x-ratelimit-remaining 0) on the listing', async () => {
    const w = await world()
    w.github.primaryRateLimit(1)

    const run = await runAction(w)

    expectCompleteRun(w, run)
  })

  it('retries a GitHub request that timed out: the timeout is per attempt, not per request', async () => {
    const w = await world()
    // The linked-issue listing answers too slowly once, then normally.
    w.github.fault({ method: 'GET', path: /\/issues$/ }, { delayMs: 1500 })

    const run = await runAction(w, { 'request-timeout': '1s' })

    expectCompleteRun(w, run)
    expect(
      w.github.requests.filter(r => r.method === 'GET' && /\/issues$/.test(r.path)).length
    ).toBeGreaterThanOrEqual(2)
  })

  it('retries a write after a secondary rate limit that outlasts request-timeout', async () => {
    const w = await world()
    // Octokit's wait runs on its own timers (not the clock): 1 s, still longer than request-timeout.
    w.github.secondaryRateLimit(1, 1)

    // Label-only mode: the first write (creating #7's labels) is the one that gets limited.
    const run = await runAction(
      w,
      { 'request-timeout': '800ms', 'create-issues': 'false' },
      { githubRetryAfterBaseMs: 1000 }
    )

    expect(run.failed).toBeNull()
    expect(run.outputs).toMatchObject({ labeled: '1', failed: '0' })
    expect(w.github.issue(7)!.labels.some(l => l.name.startsWith('severity:'))).toBe(true)
  })

  it('creates the issue once when the connection drops before GitHub acted (the re-list finds nothing, then retries)', async () => {
    const w = await world()
    w.github.fault({ method: 'POST', path: GITHUB_ISSUES }, { reset: true })

    const run = await runAction(w)

    expectCompleteRun(w, run)
    expect(w.github.requests.filter(isIssueCreate)).toHaveLength(OPENED + 1)
  })

  const lostAnswers: Array<[string, { reset: true } | { status: number; body: unknown }]> = [
    ['the connection dies before the answer', { reset: true }],
    ['GitHub answers 502 after all', { status: 502, body: { message: 'Server Error' } }]
  ]
  it.each(lostAnswers)(
    'does not open a second issue when GitHub created it but %s (the re-list finds the marker)',
    async (_name, loss) => {
      const w = await world()
      const target = shortId(w, 'deadlock')
      let fired = false
      // GitHub acts on the request (the issue lands), then the answer is lost.
      w.github.fault(
        {
          method: 'POST',
          path: GITHUB_ISSUES,
          when: req => {
            if (fired || req.headers['x-test-landing'] || !titleOf(req).includes(target))
              return false
            fired = true
            void createBehindTheAction(w, req.rawBody, 'x-test-landing')
            return true
          }
        },
        { delayMs: 300, ...loss }
      )

      const run = await runAction(w)

      expect(fired).toBe(true)
      expectCompleteRun(w, run)
      const deadlock = theIssueFor(w, idOf(w, 'deadlock'))
      expect(run.report?.results.find(r => r.sentryId === idOf(w, 'deadlock'))).toMatchObject({
        action: 'created',
        githubIssue: deadlock.html_url
      })
      expect(w.github.issues.filter(i => i.title.includes(target))).toHaveLength(1)
    }
  )

  it('reports one Sentry issue as failed when its creation keeps dropping, opens the others, and the next run opens only that one', async () => {
    const w = await world()
    const target = shortId(w, 'dns')
    w.github.fault(
      { method: 'POST', path: GITHUB_ISSUES, when: req => titleOf(req).includes(target) },
      { reset: true, times: 3 }
    )

    const run = await runAction(w)

    expect(run.failed).toMatch(
      new RegExp(
        `1 Sentry issue\\(s\\) could not be triaged[\\s\\S]*- ${target}: GitHub request failed while creating the issue`
      )
    )
    expect(run.report?.failed).toBe(1)
    expect(actionOf(run, idOf(w, 'dns'))).toBe('failed')
    expectEveryCandidateReportedOnce(w, run)
    expect(openIssuesFor(w, idOf(w, 'dns'))).toEqual([])
    expect(w.github.issues.filter(i => markerIds(i.body).length > 0)).toHaveLength(OPENED - 1)
    expectNoTwoOpenIssuesPerSentryId(w)

    const gh = w.github.requests.length
    const rerun = await runAction(w)
    expect(since(w.github.requests, gh).filter(isIssueCreate).map(titleOf)).toEqual([
      expect.stringContaining(target)
    ])
    expect(actionOf(rerun, idOf(w, 'dns'))).toBe('created')
    expectCompleteRun(w, rerun)
  })

  it('treats 422 already_exists from a label another run created a moment ago as success', async () => {
    const w = await world()
    // Another run creates `category:database` between our label listing and our create.
    let raced = false
    w.github.fault(
      {
        method: 'POST',
        path: /\/labels$/,
        when: req => {
          const name = (req.body as { name?: string } | undefined)?.name
          if (!raced && name === 'category:database') {
            raced = true
            w.github.labels.push({
              id: 999_001,
              node_id: 'LA_race',
              url: `${w.github.url}/repos/acme/shop/labels/category:database`,
              name,
              color: '5319e7',
              default: false,
              description: 'created by another run'
            })
          }
          return false
        }
      },
      { status: 500 }
    )

    const run = await runAction(w)

    expect(raced).toBe(true)
    expectCompleteRun(w, run)
    expect(w.github.labels.filter(l => l.name === 'category:database')).toHaveLength(1)
    expect(theIssueFor(w, idOf(w, 'deadlock')).labels.map(l => l.name)).toContain(
      'category:database'
    )
  })

  it('treats the real GitHub 422 already_exists body on label creation as success', async () => {
    const w = await world()
    w.github.fault(
      { method: 'POST', path: /\/labels$/ },
      {
        status: 422,
        times: 3,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'Label', code: 'already_exists', field: 'name' }],
          documentation_url: 'https://docs.github.com/rest/issues/labels#create-a-label',
          status: '422'
        }
      }
    )

    const run = await runAction(w)

    expectCompleteRun(w, run)
  })

  it('creates nothing when the linked-issue listing fails after its retries (dedup fails closed), and the next run triages once', async () => {
    const w = await world()
    w.github.fault(
      { method: 'GET', path: GITHUB_ISSUES },
      { status: 500, times: 50, body: { message: 'Server Error' } }
    )

    const run = await runAction(w)

    expect(run.failed).toMatch(
      /GitHub request failed while listing issues to find the linked ones \(500\)/
    )
    expect(
      w.github.requests.filter(r => r.method === 'GET' && GITHUB_ISSUES.test(r.path)).length
    ).toBeGreaterThan(1)
    expect(w.github.requests.filter(isWrite)).toEqual([])
    expect(w.llm.requests).toEqual([])

    w.github.server.clearFaults()
    const rerun = await runAction(w)
    expectCompleteRun(w, rerun)
  })

  it('fails clearly, naming what it was doing, when the GitHub listing has the wrong shape', async () => {
    const w = await world()
    w.github.fault(
      { method: 'GET', path: GITHUB_ISSUES },
      { status: 200, body: [{ number: 'seven', title: 42 }] }
    )

    const run = await runAction(w)

    expect(run.failed).toMatch(/listing issues/)
    expect(run.failed).not.toMatch(/Cannot read|of undefined/)
    // One readable sentence, not a dump of the validator's internals.
    expect(run.failed?.length).toBeLessThan(600)
    expect(run.failed).not.toMatch(/"code":/)
    expect(w.github.requests.filter(isWrite)).toEqual([])
  })

  it('isolates one Sentry issue that GitHub rejects (422): the others are opened, the step fails listing it, the next run opens only that one', async () => {
    const w = await world()
    const target = shortId(w, 'reactTypeError')
    w.github.fault(
      { method: 'POST', path: GITHUB_ISSUES, when: req => titleOf(req).includes(target) },
      {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [
            {
              resource: 'Issue',
              code: 'custom',
              field: 'body',
              message: 'body is too long (maximum is 65536 characters)'
            }
          ],
          documentation_url: 'https://docs.github.com/rest/issues/issues#create-an-issue',
          status: '422'
        }
      }
    )

    const run = await runAction(w)

    expect(run.failed).toMatch(
      /^1 Sentry issue\(s\) could not be triaged \(they are retried next run\):\n- WEB-FRONTEND-9D: .*422.*body is too long/
    )
    expect(run.failed?.split('\n').filter(l => l.startsWith('- '))).toHaveLength(1)
    expect(run.outputs.failed).toBe('1')
    expect(run.outputs.created).toBe(String(OPENED - 1))
    expect(run.summary).toMatch(/failed \*\*1\*\*/)
    expectEveryCandidateReportedOnce(w, run)
    // 422 is not retried: exactly one attempt for it.
    expect(
      w.github.requests.filter(r => isIssueCreate(r) && titleOf(r).includes(target))
    ).toHaveLength(1)
    expect(openIssuesFor(w, idOf(w, 'reactTypeError'))).toEqual([])
    expectNoTwoOpenIssuesPerSentryId(w)

    const gh = w.github.requests.length
    const llm = w.llm.requests.length
    const rerun = await runAction(w)
    expect(since(w.github.requests, gh).filter(isIssueCreate).map(titleOf)).toEqual([
      expect.stringContaining(target)
    ])
    expect(since(w.llm.requests, llm).filter(isChat)).toHaveLength(1)
    expect(rerun.report?.results.filter(r => r.action === 'created').map(r => r.shortId)).toEqual([
      target
    ])
    expectCompleteRun(w, rerun)
  })
})

// ---------------------------------------------------------------------------------------------

describe('idempotency under re-runs and racing runs', () => {
  it('a re-run over the same Sentry state makes no LLM request and no GitHub write', async () => {
    const w = await world()
    expectCompleteRun(w, await runAction(w))
    await expectQuietRerun(w)
  })

  it('two runs at once never leave two open issues for one Sentry issue: the later one is closed with a link to the first', async () => {
    const w = await world()

    const [a, b] = await Promise.all([runAction(w), runAction(w)])

    for (const run of [a, b]) {
      expect(run.failed).toBeNull()
      expectEveryCandidateReportedOnce(w, run)
    }
    // The race is real: both runs listed GitHub's issues (open ones, then closed ones) before
    // either opened one, so each opened an issue for every group, and every group has a duplicate.
    const firstCreate = w.github.requests.findIndex(isIssueCreate)
    expect(
      w.github.requests
        .slice(0, firstCreate)
        .filter(r => r.method === 'GET' && GITHUB_ISSUES.test(r.path))
        .map(r => r.query.get('state'))
        .sort()
    ).toEqual(['closed', 'closed', 'open', 'open'])
    expect(w.github.requests.filter(isIssueCreate)).toHaveLength(2 * OPENED)
    // Exactly one open issue per Sentry id; the other of each pair is closed.
    expectScenarioTriagedOnce(w)
    const closed = w.github.issues.filter(i => i.state === 'closed' && markerIds(i.body).length > 0)
    expect(closed).toHaveLength(OPENED)
    expect((a.report?.duplicatesClosed ?? 0) + (b.report?.duplicatesClosed ?? 0)).toBe(OPENED)
    for (const dup of closed) {
      const [original, ...others] = openIssuesFor(w, markerIds(dup.body)[0] as string)
      expect(others).toEqual([])
      // The later one is closed as not planned, with a comment linking the earlier one.
      expect(dup.number).toBeGreaterThan(original!.number)
      expect(dup.state_reason).toBe('not_planned')
      expect(w.github.comments.filter(c => c.issue_number === dup.number).map(c => c.body)).toEqual(
        [expect.stringContaining(`Duplicate of #${original!.number}`)]
      )
    }
    // Every result points at the issue that stayed open.
    const open = new Set(w.github.issues.filter(i => i.state === 'open').map(i => i.html_url))
    for (const r of [...(a.report?.results ?? []), ...(b.report?.results ?? [])]) {
      if (r.githubIssue) expect(open.has(r.githubIssue)).toBe(true)
    }
    await expectQuietRerun(w)
  })

  it('before closing its duplicate, adds the Sentry ids only ours covered to the original, so none is left without an open issue', async () => {
    const w = await world()
    const a = shortId(w, 'similarA')
    const b = shortId(w, 'similarB')
    let raced = false
    w.github.fault(
      {
        method: 'POST',
        path: GITHUB_ISSUES,
        when: req => {
          const title = titleOf(req)
          if (raced || req.headers['x-test-other-run'] || !(title.includes(a) || title.includes(b)))
            return false
          raced = true
          // The other run grouped nothing: its issue covers only the lead Sentry issue.
          const body = req.body as { body: string }
          const lead = /"ids":\["(\d+)"/.exec(body.body)![1]!
          const single = body.body.replace(/"ids":\[[^\]]*\]/, `"ids":["${lead}"]`)
          void createBehindTheAction(
            w,
            JSON.stringify({ ...(req.body as object), body: single }),
            'x-test-other-run'
          )
          return true
        }
      },
      { delayMs: 300 }
    )

    const run = await runAction(w)

    expect(raced).toBe(true)
    expect(run.failed).toBeNull()
    const both = w.github.issues
      .filter(i => i.title.includes(a) || i.title.includes(b))
      .sort((x, y) => x.number - y.number)
    expect(both.map(i => i.state)).toEqual(['open', 'closed'])
    const original = both[0]!
    expect(original.body).toContain(`"${idOf(w, 'similarA')}"`)
    expect(original.body).toContain(`"${idOf(w, 'similarB')}"`)
    expectNoTwoOpenIssuesPerSentryId(w)
  })

  it('closes its own issue as the duplicate when a concurrent writer opened one for the same Sentry issue while ours was in flight', async () => {
    const w = await world()
    const target = shortId(w, 'stripe')
    let raced = false
    w.github.fault(
      {
        method: 'POST',
        path: GITHUB_ISSUES,
        when: req => {
          if (raced || req.headers['x-test-other-run'] || !titleOf(req).includes(target))
            return false
          raced = true
          // The other run's identical create lands first; ours proceeds 300 ms later.
          void createBehindTheAction(w, req.rawBody, 'x-test-other-run')
          return true
        }
      },
      { delayMs: 300 }
    )

    const run = await runAction(w)

    expect(raced).toBe(true)
    expectCompleteRun(w, run)
    const both = w.github.issues
      .filter(i => i.title.includes(target))
      .sort((x, y) => x.number - y.number)
    expect(both.map(i => i.state)).toEqual(['open', 'closed'])
    const [first, ours] = both as [(typeof both)[0], (typeof both)[0]]
    expect(w.github.comments.filter(c => c.issue_number === ours.number).map(c => c.body)).toEqual([
      expect.stringContaining(`Duplicate of #${first.number}`)
    ])
    expect(run.report?.duplicatesClosed).toBe(1)
    expect(run.report?.results.find(r => r.sentryId === idOf(w, 'stripe'))?.githubIssue).toBe(
      first.html_url
    )
    expect(run.warnings.join('\n')).toMatch(/Closed .* as a duplicate of/)
  })

  it('labels an open issue that already carries the marker instead of opening another', async () => {
    const now = new Date()
    const oom = seedScenario({ now }).ids.oom
    const w = await world({
      now,
      github: {
        issues: [
          {
            number: 7,
            title: 'JWT expired errors in checkout',
            body: 'Opened by the Sentry GitHub integration.',
            created_at: now.toISOString()
          },
          {
            number: 40,
            title: 'OOM in the ledger worker (opened by an earlier run)',
            body: `<!-- sentry-triage:v1 {"ids":["${oom}"],"sig":null} -->\nLabels were lost.`,
            created_at: now.toISOString()
          }
        ]
      }
    })

    const run = await runAction(w)

    expectCompleteRun(w, run)
    expect(actionOf(run, oom)).toBe('labeled')
    expect(openIssuesFor(w, oom).map(i => i.number)).toEqual([40])
    expect(
      w.github
        .issue(40)
        ?.labels.map(l => l.name)
        .filter(n => /^(category|severity):/.test(n))
    ).toHaveLength(2)
    expect(w.github.requests.filter(isIssueCreate)).toHaveLength(OPENED - 1)
  })
})

// ---------------------------------------------------------------------------------------------

describe('time budget', () => {
  it('stops waiting for a Sentry rate limit that resets after the time budget, and fails clearly', async () => {
    const w = await world()
    w.sentry.rateLimit(10, SENTRY_LISTING, 60)

    const run = await runAction(w, { 'time-budget': '3s' })

    // A 60 s wait does not fit in 3 s: none is started, the listing is not sent again.
    expect(run.clock.sleeps).toEqual([])
    expect(w.sentry.requests.filter(isSentryListing)).toHaveLength(1)
    expect(run.failed).toMatch(/Sentry .*429/)
    expect(w.github.requests.filter(isWrite)).toEqual([])
  })

  it('gives up on an LLM that asks to wait past the budget: the heuristic triages and the run completes in time', async () => {
    const w = await world()
    w.llm.rateLimit(1000, 120)

    const run = await runAction(w, { 'time-budget': '5s' })

    // A 120 s Retry-After does not fit in 5 s: no wait is started.
    expect(run.clock.sleeps).toEqual([])
    expectCompleteRun(w, run)
    expect(run.report?.results.every(r => r.classifier === 'heuristic')).toBe(true)
    // One attempt per issue that reached the LLM: no retry was worth the budget.
    const bodies = w.llm.requests.filter(isChat).map(r => r.rawBody)
    expect(new Set(bodies).size).toBe(bodies.length)
  })

  it('gives up on a GitHub secondary rate limit that asks to wait past the budget: that issue fails, the rest are opened, the next run opens it', async () => {
    const w = await world()
    const target = shortId(w, 'stripe')
    w.github.fault(
      { method: 'POST', path: GITHUB_ISSUES, when: req => titleOf(req).includes(target) },
      {
        status: 403,
        times: 5,
        headers: { 'retry-after': '120' },
        body: {
          message:
            'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.',
          documentation_url:
            'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits'
        }
      }
    )

    const run = await runAction(w, { 'time-budget': '20s' }, { githubRetryAfterBaseMs: 1000 })

    // 120 s does not fit in 20 s: the throttling plugin is told to give up, the create is sent once.
    expect(
      w.github.requests.filter(r => isIssueCreate(r) && titleOf(r).includes(target))
    ).toHaveLength(1)
    expect(run.warnings.join('\n')).toMatch(/secondary rate limit on POST .*: giving up/)
    expect(run.failed).toMatch(new RegExp(`- ${target}: .*secondary rate limit`))
    expect(openIssuesFor(w, idOf(w, 'stripe'))).toEqual([])
    expectEveryCandidateReportedOnce(w, run)
    expectNoTwoOpenIssuesPerSentryId(w)

    w.github.server.clearFaults()
    const rerun = await runAction(w)
    expect(actionOf(rerun, idOf(w, 'stripe'))).toBe('created')
    expectCompleteRun(w, rerun)
  })
})
