/**
 * A bad deploy: one release of checkout-api brings many new Sentry issues within the hour, each a
 * different error (distinct signatures), a few of them severe. Used by the floods tests, the demo
 * (a dozen) and the benchmark (two hundred). Ids, short ids and impact are deterministic.
 */
import { buildSentryEvent, buildSentryIssue, type SentryEvent, type SentryIssue } from './sentry.js'
import { SEED_PROJECTS, type Seed } from './seed.js'
import type { SentryReleaseInput } from './sentry-releases.js'

export const BAD_RELEASE = 'checkout-api@2.15.0'

const MIN = 60_000
const CHECKOUT = SEED_PROJECTS[0]!

/** What each new error is: the exception, the file and function it crashed in. */
const ERRORS: Array<{ type: string; value: string; file: string; fn: string }> = [
  {
    type: 'TypeError',
    value: "Cannot read properties of undefined (reading 'currency')",
    file: 'src/pricing/totals.ts',
    fn: 'sumLines'
  },
  { type: 'RangeError', value: 'Invalid time value', file: 'src/shipping/eta.ts', fn: 'formatEta' },
  {
    type: 'ReferenceError',
    value: 'taxRate is not defined',
    file: 'src/pricing/tax.ts',
    fn: 'applyTax'
  },
  {
    type: 'SyntaxError',
    value: 'Unexpected token < in JSON at position 0',
    file: 'src/clients/inventory.ts',
    fn: 'parseStock'
  },
  {
    type: 'TypeError',
    value: 'cart.items.map is not a function',
    file: 'src/routes/cart.ts',
    fn: 'renderCart'
  },
  {
    type: 'Error',
    value: 'Coupon schema validation failed: "stackable" is required',
    file: 'src/coupons/validate.ts',
    fn: 'validateCoupon'
  },
  {
    type: 'TypeError',
    value: "Cannot destructure property 'id' of 'user' as it is undefined.",
    file: 'src/routes/account.ts',
    fn: 'loadAccount'
  },
  {
    type: 'Error',
    value: 'Feature flag "checkout-v2" has no default',
    file: 'src/flags/resolve.ts',
    fn: 'resolveFlag'
  },
  {
    type: 'TypeError',
    value: 'address.lines.join is not a function',
    file: 'src/shipping/label.ts',
    fn: 'printLabel'
  },
  {
    type: 'RangeError',
    value: 'toFixed() digits argument must be between 0 and 100',
    file: 'src/pricing/format.ts',
    fn: 'formatPrice'
  },
  {
    type: 'Error',
    value: 'Missing translation "checkout.pay_now" for locale de',
    file: 'src/i18n/t.ts',
    fn: 'translate'
  },
  {
    type: 'TypeError',
    value: "Cannot read properties of null (reading 'sku')",
    file: 'src/inventory/reserve.ts',
    fn: 'reserveItem'
  }
]

export interface FloodOptions {
  now: Date
  /** new issues in the release (default 12: a dozen) */
  count?: number
  release?: string
  /** id of the first issue (default 6100000001) */
  firstId?: number
  org?: string
}

/** The bad deploy's issues and their latest events (release set); `ids` most urgent first. */
export function seedBadDeploy(opts: FloodOptions): Seed & { ids: string[] } {
  const count = opts.count ?? 12
  const release = opts.release ?? BAD_RELEASE
  const firstId = opts.firstId ?? 6_100_000_001
  const issues: SentryIssue[] = []
  const events: Record<string, SentryEvent> = {}
  for (let i = 0; i < count; i++) {
    const error = ERRORS[i % ERRORS.length]!
    const round = Math.floor(i / ERRORS.length)
    // Distinct signatures: the message carries the round's service name past the first dozen.
    const value =
      round === 0
        ? error.value
        : `${error.value} [svc-${String.fromCharCode(97 + (round % 26))}${round}]`
    // The first two are severe (critical by users, high by events), the rest fall off.
    const users = i === 0 ? 1_450 : Math.max(0, 40 - i * 3 - round)
    const events_ = i === 0 ? 3_200 : i === 1 ? 240 : Math.max(1, 48 - i * 3 - round)
    const issue = buildSentryIssue({
      id: String(firstId + i),
      shortId: `CHECKOUT-API-${(600 + i).toString(36).toUpperCase()}`,
      title: `${error.type}: ${value}`,
      project: CHECKOUT,
      org: opts.org ?? 'acme',
      culprit: `${error.file.replace(/\.ts$/, '')} in ${error.fn}`,
      level: 'error',
      count: events_,
      userCount: users,
      firstSeen: new Date(opts.now.getTime() - (50 - (i % 40)) * MIN),
      lastSeen: new Date(opts.now.getTime() - (i % 5) * MIN),
      now: opts.now,
      metadata: { type: error.type, value, filename: error.file, function: error.fn },
      environments: ['production'],
      isUnhandled: true
    })
    issues.push(issue)
    events[issue.id] = buildSentryEvent({
      issue,
      exceptions: [
        {
          type: error.type,
          value,
          mechanism: { type: 'onunhandledrejection', handled: false },
          frames: [
            { filename: 'src/routes/index.ts', function: 'handle', lineNo: 40, inApp: true },
            { filename: error.file, function: error.fn, lineNo: 12 + i, inApp: true }
          ]
        }
      ],
      dateCreated: issue.lastSeen ?? opts.now.toISOString(),
      release
    })
  }
  return {
    projects: SEED_PROJECTS.map(p => ({ ...p })),
    issues,
    events,
    ids: issues.map(i => i.id)
  }
}

/** The release as Sentry knows it: the deploy's commits (newest first). */
export function badDeployRelease(version = BAD_RELEASE): SentryReleaseInput {
  return {
    version,
    lastCommit: { id: 'f00dbabe'.repeat(5), repository: 'acme/shop' },
    commits: [
      { id: 'f00dbabe'.repeat(5), message: 'Checkout v2: new pricing pipeline', author: 'alice' },
      { id: 'c0ffee00'.repeat(5), message: 'Move shipping ETA to date-fns', author: 'dave' },
      { id: 'decafbad'.repeat(5), message: 'Coupons: stackable flag', author: 'carol' }
    ]
  }
}

/** A seed with the bad deploy added to another (the demo's scenario), ids kept apart. */
export function withBadDeploy<S extends Seed>(seed: S, flood: Seed): S {
  return {
    ...seed,
    issues: [...seed.issues, ...flood.issues],
    events: { ...seed.events, ...flood.events }
  }
}
