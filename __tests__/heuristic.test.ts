import { describe, it, expect } from '@jest/globals'
import { classifyHeuristically, heuristicSeverity } from '../src/classify/heuristic.js'
import type { SentryIssue } from '../src/sentry/client.js'
import type { Category } from '../src/classify/taxonomy.js'
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
    ['ZeroDivisionError', 'ZeroDivisionError', 'division by zero', 'Logic'],
    // The misses listed in issue 10.
    ['DNS of a Redis host', 'Error', 'getaddrinfo ENOTFOUND redis-master', 'Network'],
    [
      'missing GRANT (SQLSTATE 42501)',
      'InsufficientPrivilege',
      'permission denied for table orders',
      'Database'
    ],
    ['React mount', 'Error', 'Target container is not a DOM element.', 'Logic'],
    ['axios 5xx', 'AxiosError', 'Request failed with status code 500', 'External Service'],
    // Decisions documented in eval/README.md.
    [
      'database login (SQLSTATE 28P01)',
      'OperationalError',
      'connection to server at "10.0.0.5", port 5432 failed: FATAL:  password authentication failed for user "app"',
      'Database'
    ],
    [
      'socket error on a database port',
      '*net.OpError',
      'read tcp 10.0.1.5:43122->10.0.3.9:5432: read: connection reset by peer',
      'Network'
    ],
    [
      'pool exhaustion',
      'SQLTransientConnectionException',
      'HikariPool-1 - Connection is not available, request timed out after 30000ms.',
      'Database'
    ],
    [
      '429 from a provider',
      'AxiosError',
      'Request failed with status code 429',
      'External Service'
    ],
    ['403 status family', 'AxiosError', 'Request failed with status code 403', 'Authentication'],
    [
      'AWS credentials',
      'ClientError',
      'An error occurred (ExpiredToken) when calling the AssumeRole operation: The security token included in the request is expired',
      'Authentication'
    ],
    [
      'AWS throttling',
      'ClientError',
      'An error occurred (ThrottlingException) when calling the PutRecord operation: Rate exceeded',
      'External Service'
    ],
    [
      'filesystem permission',
      'PermissionError',
      "[Errno 13] Permission denied: '/var/app/uploads/a.png'",
      'Infrastructure'
    ],
    ['stale deploy chunk', 'ChunkLoadError', 'Loading chunk 712 failed.', 'Infrastructure'],
    ['ORM not-found', 'DoesNotExist', 'Order matching query does not exist.', 'Logic'],
    ['opaque browser error', 'Error', 'Script error.', 'Unknown'],
    ['a bare RuntimeError', 'RuntimeError', 'unhandled exception', 'Unknown'],
    [
      'a non-Error rejection',
      'UnhandledRejection',
      'Non-Error promise rejection captured with value: undefined',
      'Unknown'
    ]
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

  it('takes the module path of the crashing frames as evidence when the message says nothing', () => {
    const opaque = sentryIssue({
      exceptionType: 'Error',
      exceptionValue: 'Request failed',
      title: 'Error: Request failed',
      culprit: null,
      filename: null,
      function: null
    })
    const from = (filename: string) =>
      classifyHeuristically(
        opaque,
        eventContext({
          exceptions: [{ type: 'Error', value: 'Request failed' }],
          frames: [stackFrame({ filename, function: 'request', inApp: false })]
        })
      ).category
    expect(from('/usr/lib/python3.12/site-packages/stripe/_api_requestor.py')).toBe(
      'External Service'
    )
    expect(from('node_modules/pg/lib/client.js')).toBe('Database')
    expect(from('lib/worker.js')).toBe('Unknown')
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

describe('heuristicSeverity: impact from the Sentry facts (eval/README.md rubric)', () => {
  it.each<[string, Partial<SentryIssue>, string]>([
    ['fatal, 100 users', { level: 'fatal', count: 100, userCount: 100 }, 'Critical'],
    ['fatal, 1 user', { level: 'fatal', count: 1, userCount: 1 }, 'High'],
    ['1000 users', { level: 'info', count: 1, userCount: 1000 }, 'Critical'],
    ['999 users', { level: 'info', count: 1, userCount: 999 }, 'High'],
    ['100 users', { level: 'warning', count: 1, userCount: 100 }, 'High'],
    ['error with 1000 events', { level: 'error', count: 1000, userCount: 1 }, 'High'],
    ['error with 999 events', { level: 'error', count: 999, userCount: 1 }, 'Medium'],
    ['error with 1 event', { level: 'error', count: 1, userCount: 1 }, 'Medium'],
    ['warning with 100 events', { level: 'warning', count: 100, userCount: 1 }, 'Medium'],
    ['warning with 99 events and 99 users', { level: 'warning', count: 99, userCount: 99 }, 'Low'],
    ['info with 10 events', { level: 'info', count: 10, userCount: 10 }, 'Low']
  ])('%s → %s', (_label, facts, severity) => {
    const issue = sentryIssue(facts)
    expect(heuristicSeverity(issue)).toBe(severity)
    // A plain TypeError says nothing about its nature: the impact stands.
    expect(classifyHeuristically(issue, null).severity).toBe(severity)
  })
})

describe('classifyHeuristically: severity moves one step for the nature of the error', () => {
  const atError = { level: 'error', count: 20, userCount: 5, isUnhandled: true } as const

  it('goes up for money, data loss and outages', () => {
    // Medium by impact in each case.
    expect(
      classifyHeuristically(
        issueWith('StripeAPIError', 'An unknown error occurred', {
          ...atError,
          culprit: 'src/payments/charge.ts in chargeCustomer'
        }),
        null
      ).severity
    ).toBe('High')
    expect(
      classifyHeuristically(
        issueWith(
          'QueryFailedError',
          'null value in column "customer_id" of relation "orders" violates not-null constraint',
          atError
        ),
        null
      ).severity
    ).toBe('High')
    expect(
      classifyHeuristically(
        issueWith('OperationalError', 'FATAL:  sorry, too many clients already', atError),
        null
      ).severity
    ).toBe('High')
    // A fatal infrastructure fault: High by impact, the process is down → Critical.
    expect(
      classifyHeuristically(
        issueWith('Error', "Cannot find module '/app/dist/server.js'", {
          level: 'fatal',
          count: 3,
          userCount: 0
        }),
        null
      ).severity
    ).toBe('Critical')
  })

  it('goes down for expected outcomes and the user’s own side, and for handled transient faults', () => {
    const highByUsers = { level: 'warning', count: 900, userCount: 500, isUnhandled: false }
    expect(
      classifyHeuristically(issueWith('TokenExpiredError', 'jwt expired', highByUsers), null)
        .severity
    ).toBe('Medium')
    expect(
      classifyHeuristically(
        issueWith('StripeCardError', 'Your card was declined.', highByUsers),
        null
      ).severity
    ).toBe('Medium')
    expect(
      classifyHeuristically(issueWith('TypeError', 'Failed to fetch', highByUsers), null).severity
    ).toBe('Medium')
    // Handled and at level warning: a retried serialization failure is Low even at 100 events.
    expect(
      classifyHeuristically(
        issueWith('SerializationFailure', 'could not serialize access due to concurrent update', {
          level: 'warning',
          count: 120,
          userCount: 9,
          isUnhandled: false
        }),
        null
      ).severity
    ).toBe('Low')
  })

  it('keeps known browser noise Low whatever the volume', () => {
    const loud = { level: 'error', count: 5000, userCount: 2500 }
    expect(classifyHeuristically(issueWith('Error', 'Script error.', loud), null).severity).toBe(
      'Low'
    )
    expect(
      classifyHeuristically(
        issueWith('Error', 'ResizeObserver loop completed with undelivered notifications.', loud),
        null
      ).severity
    ).toBe('Low')
  })
})
