import type { EventContext, SentryIssue, StackFrame } from '../../src/sentry/client.js'
import type { Classification } from '../../src/classify/taxonomy.js'

/** A plain, well-behaved Sentry issue; tests override only what they are about. */
export function sentryIssue(overrides: Partial<SentryIssue> = {}): SentryIssue {
  return {
    id: '4501',
    shortId: 'CHECKOUT-API-1A',
    title: 'TypeError: x is undefined',
    culprit: 'app/checkout.ts in pay',
    permalink: 'https://acme.sentry.io/issues/4501/',
    level: 'error',
    status: 'unresolved',
    substatus: 'new',
    platform: 'node',
    count: 3,
    userCount: 1,
    firstSeen: '2025-11-28T10:00:00Z',
    lastSeen: '2025-11-29T09:00:00Z',
    project: { id: '11', slug: 'checkout-api', name: 'Checkout API' },
    exceptionType: 'TypeError',
    exceptionValue: 'x is undefined',
    filename: 'app/checkout.ts',
    function: 'pay',
    isUnhandled: true,
    annotations: [],
    ...overrides
  }
}

export function stackFrame(overrides: Partial<StackFrame> = {}): StackFrame {
  return {
    filename: 'app/checkout.ts',
    function: 'pay',
    lineNo: 42,
    inApp: true,
    line: 'const total = cart.items.length',
    ...overrides
  }
}

export function eventContext(overrides: Partial<EventContext> = {}): EventContext {
  return {
    exceptions: [{ type: 'TypeError', value: 'x is undefined' }],
    frames: [stackFrame()],
    release: 'checkout-api@1.4.2',
    environment: 'production',
    request: null,
    stack: [
      {
        filename: 'app/checkout.ts',
        absPath: '/app/app/checkout.ts',
        module: null,
        package: null,
        function: 'pay',
        lineNo: 42,
        colNo: 7,
        inApp: true,
        line: 'const total = cart.items.length'
      }
    ],
    inAppFrames: true,
    ...overrides
  }
}

export function classification(overrides: Partial<Classification> = {}): Classification {
  return {
    category: 'Database',
    severity: 'High',
    rootCause: 'The orders table is locked by a long-running migration.',
    suggestedAction: 'Kill the migration and retry the failed writes.',
    classifier: 'llm',
    model: 'claude-sonnet-4.5',
    ...overrides
  }
}
