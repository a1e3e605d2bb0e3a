import { describe, it, expect } from '@jest/globals'
import { classifyHeuristically, heuristicSeverity } from '../src/classify/heuristic.js'
import type { SentryIssue } from '../src/sentry.js'
import type { Category } from '../src/taxonomy.js'
import { eventContext, sentryIssue, stackFrame } from './support/factories.js'

/** An issue whose only evidence is its exception; the culprit is neutral. */
function issueWith(
  exceptionType: string,
  exceptionValue: string,
  extra: Partial<SentryIssue> = {}
): SentryIssue {
  return sentryIssue({
    exceptionType,
    exceptionValue,
    title: `${exceptionType}: ${exceptionValue}`,
    culprit: 'app/handlers/orders.py in handle',
    filename: 'app/handlers/orders.py',
    function: 'handle',
    ...extra
  })
}

describe('classifyHeuristically: categories from realistic errors', () => {
  it.each<[string, string, string, Category]>([
    [
      'postgres deadlock',
      'OperationalError',
      'deadlock detected DETAIL: Process 4242 waits for ShareLock on transaction 991',
      'Database'
    ],
    [
      'duplicate key',
      'IntegrityError',
      'duplicate key value violates unique constraint "users_email_key"',
      'Database'
    ],
    [
      'Prisma',
      'PrismaClientKnownRequestError',
      'Invalid `prisma.order.create()` invocation',
      'Database'
    ],
    ['node ETIMEDOUT', 'Error', 'connect ETIMEDOUT 10.0.3.7:443', 'Network'],
    ['connection refused', 'Error', 'connect ECONNREFUSED 127.0.0.1:6380', 'Network'],
    ['DNS', 'Error', 'getaddrinfo ENOTFOUND payments.internal', 'Network'],
    ['socket hang up', 'Error', 'socket hang up', 'Network'],
    ['JWT expired', 'TokenExpiredError', 'jwt expired', 'Authentication'],
    ['401', 'HTTPError', 'Request failed with status 401 Unauthorized', 'Authentication'],
    [
      'permission denied',
      'PermissionDenied',
      'You do not have permission to perform this action',
      'Authentication'
    ],
    [
      'Stripe 502',
      'StripeAPIError',
      'Stripe returned 502 Bad Gateway for POST /v1/charges',
      'External Service'
    ],
    [
      'Twilio',
      'TwilioRestException',
      'Unable to create record: service unavailable',
      'External Service'
    ],
    [
      'OOM in node',
      'Error',
      'FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory',
      'Infrastructure'
    ],
    ['Python MemoryError', 'MemoryError', '', 'Infrastructure'],
    ['disk full', 'OSError', '[Errno 28] No space left on device', 'Infrastructure'],
    [
      'missing env',
      'ImproperlyConfigured',
      'The SECRET_KEY setting must not be empty',
      'Infrastructure'
    ],
    ['TypeError', 'TypeError', "Cannot read properties of undefined (reading 'id')", 'Logic'],
    ['KeyError', 'KeyError', "'shipping_address'", 'Logic'],
    [
      'NullPointerException',
      'java.lang.NullPointerException',
      'Cannot invoke "Order.getTotal()" because "order" is null',
      'Logic'
    ],
    ['ZeroDivisionError', 'ZeroDivisionError', 'division by zero', 'Logic']
  ])('%s → %s', (_label, type, value, category) => {
    expect(classifyHeuristically(issueWith(type, value), null).category).toBe(category)
  })

  it('calls gibberish Unknown and asks for a human look', () => {
    const result = classifyHeuristically(
      sentryIssue({
        exceptionType: 'Zorblax',
        exceptionValue: 'frobnicated the quux',
        title: 'Zorblax: frobnicated the quux',
        culprit: 'wibble',
        filename: null,
        function: null
      }),
      null
    )
    expect(result.category).toBe('Unknown')
    expect(result.rootCause).toBe('No rule matched this error in wibble; it needs a human look.')
    expect(result.suggestedAction).toMatch(/read the latest event/)
  })

  it('does not take a number that merely starts with 401/403/502 for a status code', () => {
    expect(
      classifyHeuristically(issueWith('NotFound', 'Order 40312 not found'), null).category
    ).toBe('Unknown')
    expect(
      classifyHeuristically(issueWith('NotFound', 'Invoice 50217 not found'), null).category
    ).toBe('Unknown')
  })

  it('does not take words that merely start like a keyword (nanoid, podcast, heapq) as evidence', () => {
    expect(
      classifyHeuristically(issueWith('Zorblax', 'nanoid collision in podcast feed'), null).category
    ).toBe('Unknown')
    expect(
      classifyHeuristically(
        issueWith('IndexError', 'index out of range', { culprit: 'heapq in heappop' }),
        null
      ).category
    ).toBe('Logic')
  })

  it('uses the latest event’s exception chain and frames as evidence', () => {
    const issue = sentryIssue({
      exceptionType: 'Error',
      exceptionValue: 'Request failed',
      title: 'Error: Request failed',
      culprit: 'worker',
      filename: null,
      function: null
    })
    expect(classifyHeuristically(issue, null).category).toBe('Unknown')
    const event = eventContext({
      exceptions: [{ type: 'SequelizeDatabaseError', value: 'relation "orders" does not exist' }],
      frames: [stackFrame({ filename: 'lib/worker.js', function: 'run' })]
    })
    expect(classifyHeuristically(issue, event).category).toBe('Database')
  })

  it('prefers the more specific rule: a Redis timeout is Network, a Stripe timeout is External Service', () => {
    expect(
      classifyHeuristically(
        issueWith('ConnectionError', 'Redis command timeout after 5000ms'),
        null
      ).category
    ).toBe('Network')
    expect(
      classifyHeuristically(issueWith('StripeConnectionError', 'Request to Stripe timed out'), null)
        .category
    ).toBe('External Service')
  })

  it('names the culprit in the root cause', () => {
    const result = classifyHeuristically(issueWith('OperationalError', 'deadlock detected'), null)
    expect(result.rootCause).toMatch(
      /^A database operation failed .* in app\/handlers\/orders\.py in handle\.$/
    )
    expect(result.suggestedAction.length).toBeGreaterThan(20)
  })

  it('writes a root cause without a culprit when there is none', () => {
    const result = classifyHeuristically(
      issueWith('OperationalError', 'deadlock detected', { culprit: null }),
      null
    )
    expect(result.rootCause).not.toContain(' in ')
    expect(result.rootCause.endsWith('.')).toBe(true)
  })
})

describe('classifyHeuristically: who classified it', () => {
  it('says heuristic, with no model and no fallback reason when it was chosen', () => {
    const result = classifyHeuristically(issueWith('TypeError', 'x is undefined'), null)
    expect(result.classifier).toBe('heuristic')
    expect(result.model).toBeNull()
    expect(result).not.toHaveProperty('fallbackReason')
  })

  it('keeps the reason the LLM was not used', () => {
    const result = classifyHeuristically(
      issueWith('TypeError', 'x is undefined'),
      null,
      'HolySheep answered 503'
    )
    expect(result.fallbackReason).toBe('HolySheep answered 503')
    expect(result.classifier).toBe('heuristic')
  })
})

describe('heuristicSeverity', () => {
  it.each<[string, Partial<SentryIssue>, string]>([
    ['fatal', { level: 'fatal', count: 1, userCount: 1 }, 'Critical'],
    ['1001 users', { level: 'info', count: 1, userCount: 1001 }, 'Critical'],
    ['1000 users', { level: 'info', count: 1, userCount: 1000 }, 'High'],
    ['101 users', { level: 'warning', count: 1, userCount: 101 }, 'High'],
    ['error with 51 events', { level: 'error', count: 51, userCount: 1 }, 'High'],
    ['error with 50 events', { level: 'error', count: 50, userCount: 1 }, 'Medium'],
    ['warning with 51 events', { level: 'warning', count: 51, userCount: 1 }, 'Medium'],
    ['error with 1 event', { level: 'error', count: 1, userCount: 1 }, 'Medium'],
    ['info with 11 events', { level: 'info', count: 11, userCount: 1 }, 'Medium'],
    ['warning with 11 users', { level: 'warning', count: 2, userCount: 11 }, 'Medium'],
    ['warning with 5 events', { level: 'warning', count: 5, userCount: 1 }, 'Low'],
    ['info with 10 events', { level: 'info', count: 10, userCount: 10 }, 'Low']
  ])('%s → %s', (_label, facts, severity) => {
    const issue = sentryIssue(facts)
    expect(heuristicSeverity(issue)).toBe(severity)
    expect(classifyHeuristically(issue, null).severity).toBe(severity)
  })
})
