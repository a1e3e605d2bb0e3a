/**
 * Realistic seed data for the fakes: Sentry projects, issues and latest events.
 *
 * `seedScenario({ now })` – 13 issues in 3 projects (12 first seen within 24 h of `now`, 1 older
 *   than 7 days), covering every category, a similar-signature pair, a Sentry-GitHub annotation
 *   and one issue full of hostile text.
 * `makeIssues(n, now)` – n distinct realistic issues (+ events) for benchmarks.
 */
import {
  buildSentryEvent,
  buildSentryIssue,
  type SentryEvent,
  type SentryEventInput,
  type SentryExceptionInput,
  type SentryIssue,
  type SentryProjectRef
} from './sentry.js'

export type Category =
  | 'Authentication'
  | 'Database'
  | 'Network'
  | 'Logic'
  | 'External Service'
  | 'Infrastructure'
  | 'Unknown'
export type Severity = 'Critical' | 'High' | 'Medium' | 'Low'

export interface Seed {
  projects: SentryProjectRef[]
  issues: SentryIssue[]
  /** latest event by issue id */
  events: Record<string, SentryEvent>
}

export interface ScenarioSeed extends Seed {
  /** issue ids by scenario name */
  ids: Record<ScenarioName, string>
  /** what the fake LLM's default responder answers for each issue id (from level/count/users and keywords) */
  expected: Record<string, { category: Category; severity: Severity }>
}

export type ScenarioName =
  | 'deadlock'
  | 'stripe'
  | 'jwt'
  | 'reactTypeError'
  | 'oom'
  | 'dns'
  | 'keyError'
  | 'fatal'
  | 'warning'
  | 'similarA'
  | 'similarB'
  | 'hostile'
  | 'old'

// secrets are assembled at runtime so that secret scanners don't flag this file
export const HOSTILE = {
  mention: '@octocat',
  teamMention: '@acme/security',
  html: '</details><img src=x onerror=alert(1)>',
  script: '<script>alert(document.cookie)</script>',
  fence: '```',
  pipe: '|',
  orderRef: 'order #1234 failed',
  email: 'jane.doe@example.com',
  ipv4: '203.0.113.42',
  jwt: [
    'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9',
    'eyJzdWIiOiJ1c2VyXzQyIiwiZXhwIjoxNzAwMDAwMDAwfQ',
    'c2lnbmF0dXJlX25vdF9yZWFsX2F0X2FsbA'
  ].join('.'),
  awsKey: ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('')
} as const

export const SEED_PROJECTS: readonly SentryProjectRef[] = [
  { id: '4508123400000001', slug: 'checkout-api', name: 'checkout-api', platform: 'node' },
  { id: '4508123400000002', slug: 'payments-worker', name: 'payments-worker', platform: 'python' },
  { id: '4508123400000003', slug: 'web-frontend', name: 'web-frontend', platform: 'javascript' }
]

const P = {
  checkout: SEED_PROJECTS[0] as SentryProjectRef,
  payments: SEED_PROJECTS[1] as SentryProjectRef,
  web: SEED_PROJECTS[2] as SentryProjectRef
}

const H = 3_600_000
const MIN = 60_000

interface Spec {
  id: string
  shortId: string
  project: SentryProjectRef
  level: 'fatal' | 'error' | 'warning' | 'info'
  count: number
  userCount: number
  firstSeenAgoMs: number
  lastSeenAgoMs: number
  culprit: string
  exceptions: SentryExceptionInput[]
  /** overrides `${type}: ${value}` */
  title?: string | undefined
  environments?: string[] | undefined
  annotations?: Array<{ displayName: string; url: string }> | undefined
  isUnhandled?: boolean | undefined
  release?: string | undefined
  event?: Partial<Omit<SentryEventInput, 'issue' | 'exceptions' | 'release'>> | undefined
}

const NODE_SDK = { name: 'sentry.javascript.node', version: '8.47.0' }
const PY_SDK = { name: 'sentry.python.django', version: '2.19.2' }
const BROWSER_SDK = { name: 'sentry.javascript.react', version: '8.47.0' }

function sdkFor(p: SentryProjectRef): { name: string; version: string } {
  return p.platform === 'python' ? PY_SDK : p.platform === 'javascript' ? BROWSER_SDK : NODE_SDK
}

function contextsFor(p: SentryProjectRef, traceSeed: string): Record<string, unknown> {
  const trace = {
    type: 'trace',
    trace_id: traceSeed.padEnd(32, '0').slice(0, 32),
    span_id: traceSeed.padEnd(16, '1').slice(0, 16),
    op: 'http.server',
    status: 'internal_error'
  }
  if (p.platform === 'python')
    return {
      runtime: { type: 'runtime', name: 'CPython', version: '3.12.7' },
      os: { type: 'os', name: 'Linux', version: '6.1.0' },
      trace
    }
  if (p.platform === 'javascript')
    return {
      browser: { type: 'browser', name: 'Chrome', version: '131.0.0' },
      os: { type: 'os', name: 'Windows', version: '10' },
      trace: { ...trace, op: 'pageload' }
    }
  return {
    runtime: { type: 'runtime', name: 'node', version: 'v20.18.1' },
    os: { type: 'os', name: 'Linux', version: '6.1.0' },
    trace
  }
}

function titleOf(s: Spec): string {
  const outer = s.exceptions[s.exceptions.length - 1]
  if (s.title) return s.title
  if (!outer) return '<unlabeled event>'
  const first = outer.value.split('\n')[0] ?? ''
  return `${outer.type}: ${first}`
}

function build(spec: Spec, now: Date, org: string): { issue: SentryIssue; event: SentryEvent } {
  const outer = spec.exceptions[spec.exceptions.length - 1]
  const crash = outer?.frames[outer.frames.length - 1]
  const lastInApp = outer ? [...outer.frames].reverse().find(f => f.inApp) : undefined
  const issue = buildSentryIssue({
    id: spec.id,
    shortId: spec.shortId,
    title: titleOf(spec),
    project: spec.project,
    org,
    culprit: spec.culprit,
    level: spec.level,
    count: spec.count,
    userCount: spec.userCount,
    firstSeen: new Date(now.getTime() - spec.firstSeenAgoMs),
    lastSeen: new Date(now.getTime() - spec.lastSeenAgoMs),
    now,
    metadata: outer
      ? {
          type: outer.type,
          value: outer.value.split('\n')[0] ?? '',
          filename: (lastInApp ?? crash)?.filename,
          function: (lastInApp ?? crash)?.function,
          in_app_frame_mix: outer.frames.every(f => f.inApp)
            ? 'in-app-only'
            : outer.frames.some(f => f.inApp)
              ? 'mixed'
              : 'system-only',
          display_title_with_tree_label: false,
          initial_priority: spec.level === 'fatal' ? 75 : spec.level === 'error' ? 50 : 25,
          sdk: {
            name: sdkFor(spec.project).name,
            name_normalized: sdkFor(spec.project).name,
            integrations: [],
            packages: []
          },
          severity: 0.1,
          severity_reason: 'ml'
        }
      : { title: titleOf(spec) },
    annotations: spec.annotations ?? [],
    isUnhandled: spec.isUnhandled ?? false,
    environments: spec.environments ?? ['production'],
    priority: spec.level === 'fatal' ? 'high' : spec.level === 'error' ? 'medium' : 'low'
  })
  const ev = spec.event ?? {}
  const event = buildSentryEvent({
    issue,
    exceptions: spec.exceptions,
    dateCreated: new Date(now.getTime() - spec.lastSeenAgoMs),
    sdk: sdkFor(spec.project),
    contexts: ev.contexts ?? contextsFor(spec.project, spec.id),
    release: spec.release ?? `${spec.project.slug}@2.14.0`,
    user: ev.user ?? {
      id: `u_${spec.id.slice(-4)}`,
      email: null,
      username: null,
      ip_address: null,
      name: null,
      geo: { country_code: 'DE', city: 'Berlin', region: 'Germany' },
      data: null
    },
    ...(ev.breadcrumbs ? { breadcrumbs: ev.breadcrumbs } : {}),
    ...(ev.request ? { request: ev.request } : {}),
    ...(ev.tags ? { tags: ev.tags } : {}),
    ...(ev.message ? { message: ev.message } : {}),
    ...(ev.environment ? { environment: ev.environment } : {})
  })
  return { issue, event }
}

// ---------------------------------------------------------------------------------------------

function scenarioSpecs(): Array<{
  name: ScenarioName
  spec: Spec
  expected: { category: Category; severity: Severity }
}> {
  return [
    {
      name: 'deadlock',
      expected: { category: 'Database', severity: 'High' },
      spec: {
        id: '6012345001',
        shortId: 'CHECKOUT-API-3K',
        project: P.checkout,
        level: 'error',
        count: 342,
        userCount: 87,
        firstSeenAgoMs: 20 * H,
        lastSeenAgoMs: 4 * MIN,
        culprit: 'src/db/orders in OrderRepository.reserveStock',
        environments: ['production', 'staging'],
        exceptions: [
          {
            type: 'error',
            value:
              'deadlock detected\nDETAIL: Process 4412 waits for ShareLock on transaction 998120; blocked by process 4409.',
            module: null,
            mechanism: { type: 'generic', handled: true },
            frames: [
              {
                filename: 'node:internal/process/task_queues',
                function: 'process.processTicksAndRejections',
                lineNo: 95,
                colNo: 5,
                inApp: false,
                module: 'task_queues'
              },
              {
                filename: 'src/routes/checkout.ts',
                absPath: '/app/src/routes/checkout.ts',
                function: 'handleCheckout',
                lineNo: 58,
                colNo: 22,
                inApp: true,
                module: 'src.routes:checkout',
                line: '    const reservation = await orders.reserveStock(cart.items, tx);'
              },
              {
                filename: 'src/db/orders.ts',
                absPath: '/app/src/db/orders.ts',
                function: 'OrderRepository.reserveStock',
                lineNo: 131,
                colNo: 18,
                inApp: true,
                module: 'src.db:orders',
                line: "      await tx.query('UPDATE inventory SET reserved = reserved + $1 WHERE sku = $2', [item.qty, item.sku]);"
              },
              {
                filename: 'node_modules/pg/lib/client.js',
                absPath: '/app/node_modules/pg/lib/client.js',
                function: 'Client._handleErrorMessage',
                lineNo: 336,
                colNo: 19,
                inApp: false,
                module: 'pg.lib:client'
              }
            ]
          }
        ],
        event: {
          breadcrumbs: [
            {
              category: 'http',
              type: 'http',
              message: null,
              data: { method: 'POST', url: '/v1/checkout', status_code: 200 }
            },
            { category: 'query', type: 'query', message: 'BEGIN' },
            {
              category: 'query',
              type: 'query',
              message: 'UPDATE inventory SET reserved = reserved + $1 WHERE sku = $2'
            }
          ],
          request: {
            url: 'https://api.acme.shop/v1/checkout',
            method: 'POST',
            headers: [['Content-Type', 'application/json']]
          },
          tags: { 'db.system': 'postgresql', transaction: 'POST /v1/checkout' }
        }
      }
    },
    {
      name: 'stripe',
      expected: { category: 'External Service', severity: 'High' },
      spec: {
        id: '6012345002',
        shortId: 'PAYMENTS-WORKER-1Z',
        project: P.payments,
        level: 'error',
        count: 57,
        userCount: 31,
        firstSeenAgoMs: 6 * H,
        lastSeenAgoMs: 12 * MIN,
        culprit: 'payments.gateways.stripe_gateway in create_payment_intent',
        exceptions: [
          {
            type: 'APIError',
            module: 'stripe._error',
            value:
              'Request req_8XbTq2LmZ0: 502 Bad Gateway from api.stripe.com (read timed out after 30s)',
            mechanism: { type: 'celery', handled: false },
            frames: [
              {
                filename: 'celery/app/trace.py',
                absPath: '/usr/local/lib/python3.12/site-packages/celery/app/trace.py',
                function: 'trace_task',
                lineNo: 453,
                inApp: false,
                module: 'celery.app.trace'
              },
              {
                filename: 'payments/tasks.py',
                absPath: '/srv/payments/payments/tasks.py',
                function: 'charge_invoice',
                lineNo: 88,
                inApp: true,
                module: 'payments.tasks',
                line: '    intent = gateway.create_payment_intent(invoice.amount_cents, invoice.currency)'
              },
              {
                filename: 'payments/gateways/stripe_gateway.py',
                absPath: '/srv/payments/payments/gateways/stripe_gateway.py',
                function: 'create_payment_intent',
                lineNo: 41,
                inApp: true,
                module: 'payments.gateways.stripe_gateway',
                line: '        return stripe.PaymentIntent.create(amount=amount, currency=currency, idempotency_key=key)'
              },
              {
                filename: 'stripe/_api_requestor.py',
                absPath: '/usr/local/lib/python3.12/site-packages/stripe/_api_requestor.py',
                function: 'request',
                lineNo: 197,
                inApp: false,
                module: 'stripe._api_requestor'
              },
              {
                filename: 'stripe/_api_requestor.py',
                absPath: '/usr/local/lib/python3.12/site-packages/stripe/_api_requestor.py',
                function: '_interpret_response',
                lineNo: 862,
                inApp: false,
                module: 'stripe._api_requestor'
              }
            ]
          }
        ],
        event: {
          breadcrumbs: [
            {
              category: 'httplib',
              type: 'http',
              message: null,
              level: 'error',
              data: {
                method: 'POST',
                url: 'https://api.stripe.com/v1/payment_intents',
                status_code: 502
              }
            }
          ],
          tags: { 'celery.task_name': 'payments.tasks.charge_invoice', vendor: 'stripe' }
        }
      }
    },
    {
      name: 'jwt',
      expected: { category: 'Authentication', severity: 'Medium' },
      spec: {
        id: '6012345003',
        shortId: 'CHECKOUT-API-3M',
        project: P.checkout,
        level: 'warning',
        count: 1840,
        userCount: 212,
        firstSeenAgoMs: 15 * H,
        lastSeenAgoMs: 1 * MIN,
        culprit: 'src/middleware/auth in verifyAccessToken',
        annotations: [
          { displayName: 'GitHub: acme/shop#7', url: 'https://github.com/acme/shop/issues/7' }
        ],
        exceptions: [
          {
            type: 'TokenExpiredError',
            value: 'jwt expired',
            mechanism: { type: 'generic', handled: true },
            frames: [
              {
                filename: 'node_modules/express/lib/router/layer.js',
                function: 'Layer.handle [as handle_request]',
                lineNo: 95,
                colNo: 5,
                inApp: false,
                module: 'express.lib.router:layer'
              },
              {
                filename: 'src/middleware/auth.ts',
                absPath: '/app/src/middleware/auth.ts',
                function: 'verifyAccessToken',
                lineNo: 27,
                colNo: 21,
                inApp: true,
                module: 'src.middleware:auth',
                line: '  const claims = jwt.verify(token, publicKey, { algorithms: ["RS256"] });'
              },
              {
                filename: 'node_modules/jsonwebtoken/verify.js',
                function: 'module.exports [as verify]',
                lineNo: 190,
                colNo: 21,
                inApp: false,
                module: 'jsonwebtoken:verify'
              }
            ]
          }
        ],
        event: {
          request: {
            url: 'https://api.acme.shop/v1/orders',
            method: 'GET',
            headers: [['Authorization', '[Filtered]']]
          },
          tags: { transaction: 'GET /v1/orders', 'http.status_code': '401' }
        }
      }
    },
    {
      name: 'reactTypeError',
      expected: { category: 'Logic', severity: 'High' },
      spec: {
        id: '6012345004',
        shortId: 'WEB-FRONTEND-9D',
        project: P.web,
        level: 'error',
        count: 96,
        userCount: 41,
        firstSeenAgoMs: 3 * H,
        lastSeenAgoMs: 9 * MIN,
        culprit: 'src/components/CartSummary in CartSummary',
        isUnhandled: true,
        release: 'web-frontend@5.2.1',
        exceptions: [
          {
            type: 'TypeError',
            value: "Cannot read properties of undefined (reading 'map')",
            mechanism: { type: 'onerror', handled: false },
            frames: [
              {
                filename: '/static/js/vendor.3f9c1a.js',
                absPath: 'https://shop.acme.com/static/js/vendor.3f9c1a.js',
                function: 'renderWithHooks',
                lineNo: 2,
                colNo: 58123,
                inApp: false
              },
              {
                filename: './src/pages/Checkout.tsx',
                absPath: 'webpack:///./src/pages/Checkout.tsx',
                function: 'Checkout',
                lineNo: 44,
                colNo: 11,
                inApp: true,
                line: '      <CartSummary cart={cart} promo={promo} />'
              },
              {
                filename: './src/components/CartSummary.tsx',
                absPath: 'webpack:///./src/components/CartSummary.tsx',
                function: 'CartSummary',
                lineNo: 19,
                colNo: 32,
                inApp: true,
                line: '  const rows = cart.lineItems.map((li) => <Row key={li.id} item={li} />);'
              }
            ]
          }
        ],
        event: {
          request: {
            url: 'https://shop.acme.com/checkout',
            method: 'GET',
            headers: [['User-Agent', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) Chrome/131.0.0.0']]
          },
          breadcrumbs: [
            {
              category: 'navigation',
              type: 'navigation',
              message: null,
              data: { from: '/cart', to: '/checkout' }
            },
            { category: 'ui.click', type: 'default', message: 'button.checkout-cta' }
          ],
          tags: { browser: 'Chrome 131.0.0', url: 'https://shop.acme.com/checkout' }
        }
      }
    },
    {
      name: 'oom',
      expected: { category: 'Infrastructure', severity: 'Medium' },
      spec: {
        id: '6012345005',
        shortId: 'PAYMENTS-WORKER-22',
        project: P.payments,
        level: 'error',
        count: 12,
        userCount: 0,
        firstSeenAgoMs: 11 * H,
        lastSeenAgoMs: 47 * MIN,
        culprit: 'payments.tasks.reconcile_ledger',
        exceptions: [
          {
            type: 'WorkerLostError',
            module: 'billiard.exceptions',
            value: 'Worker exited prematurely: signal 9 (SIGKILL) Job: 1423.',
            mechanism: { type: 'celery', handled: false },
            frames: [
              {
                filename: 'billiard/pool.py',
                absPath: '/usr/local/lib/python3.12/site-packages/billiard/pool.py',
                function: '_join_exited_workers',
                lineNo: 1265,
                inApp: false,
                module: 'billiard.pool'
              },
              {
                filename: 'billiard/pool.py',
                absPath: '/usr/local/lib/python3.12/site-packages/billiard/pool.py',
                function: 'mark_as_worker_lost',
                lineNo: 1733,
                inApp: false,
                module: 'billiard.pool'
              }
            ]
          }
        ],
        isUnhandled: true,
        event: {
          breadcrumbs: [
            {
              category: 'celery',
              message: 'Task payments.tasks.reconcile_ledger[8c1f] received',
              level: 'info'
            },
            {
              category: 'resource',
              message: 'worker rss 1.94 GiB of 2.00 GiB container limit',
              level: 'warning'
            }
          ],
          tags: {
            'celery.task_name': 'payments.tasks.reconcile_ledger',
            'k8s.pod': 'payments-worker-7d9f8c6b5-x2m4q'
          }
        }
      }
    },
    {
      name: 'dns',
      expected: { category: 'Network', severity: 'Medium' },
      spec: {
        id: '6012345006',
        shortId: 'CHECKOUT-API-3N',
        project: P.checkout,
        level: 'error',
        count: 23,
        userCount: 19,
        firstSeenAgoMs: 2 * H,
        lastSeenAgoMs: 30 * MIN,
        culprit: 'src/cache/redis in connectRedis',
        exceptions: [
          {
            type: 'Error',
            value: 'getaddrinfo ENOTFOUND redis-master.internal.acme.net',
            mechanism: { type: 'generic', handled: true },
            frames: [
              {
                filename: 'src/cache/redis.ts',
                absPath: '/app/src/cache/redis.ts',
                function: 'connectRedis',
                lineNo: 14,
                colNo: 9,
                inApp: true,
                module: 'src.cache:redis',
                line: '  await client.connect();'
              },
              {
                filename: 'node_modules/ioredis/built/Redis.js',
                function: 'Redis.connect',
                lineNo: 121,
                colNo: 17,
                inApp: false,
                module: 'ioredis.built:Redis'
              },
              {
                filename: 'node:dns',
                function: 'GetAddrInfoReqWrap.onlookup [as oncomplete]',
                lineNo: 107,
                colNo: 26,
                inApp: false,
                module: 'dns'
              }
            ]
          }
        ]
      }
    },
    {
      name: 'keyError',
      expected: { category: 'Logic', severity: 'Medium' },
      spec: {
        id: '6012345007',
        shortId: 'PAYMENTS-WORKER-23',
        project: P.payments,
        level: 'error',
        count: 8,
        userCount: 5,
        firstSeenAgoMs: 9 * H,
        lastSeenAgoMs: 2 * H,
        culprit: 'payments.views.refunds in refund_detail',
        exceptions: [
          {
            type: 'KeyError',
            value: "'currency'",
            mechanism: { type: 'django', handled: false },
            frames: [
              {
                filename: 'django/core/handlers/base.py',
                absPath: '/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py',
                function: '_get_response',
                lineNo: 197,
                inApp: false,
                module: 'django.core.handlers.base'
              },
              {
                filename: 'payments/views/refunds.py',
                absPath: '/srv/payments/payments/views/refunds.py',
                function: 'refund_detail',
                lineNo: 63,
                inApp: true,
                module: 'payments.views.refunds',
                line: "    amount = format_money(refund.payload['amount'], refund.payload['currency'])",
                vars: { refund_id: '981' }
              }
            ]
          }
        ],
        isUnhandled: true,
        event: {
          request: {
            url: 'https://payments.acme.com/admin/refunds/981/',
            method: 'GET',
            query: [['tab', 'details']]
          },
          tags: {
            transaction: '/admin/refunds/<int:pk>/',
            url: 'https://payments.acme.com/admin/refunds/981/'
          }
        }
      }
    },
    {
      name: 'fatal',
      expected: { category: 'Logic', severity: 'Critical' },
      spec: {
        id: '6012345008',
        shortId: 'CHECKOUT-API-3P',
        project: P.checkout,
        level: 'fatal',
        count: 4210,
        userCount: 1523,
        firstSeenAgoMs: 1 * H,
        lastSeenAgoMs: 2 * MIN,
        culprit: 'src/pricing/applyDiscounts in applyDiscounts',
        isUnhandled: true,
        release: 'checkout-api@2.15.0',
        exceptions: [
          {
            type: 'RangeError',
            value: 'Maximum call stack size exceeded',
            mechanism: { type: 'onuncaughtexception', handled: false },
            frames: [
              {
                filename: 'src/routes/cart.ts',
                absPath: '/app/src/routes/cart.ts',
                function: 'priceCart',
                lineNo: 73,
                colNo: 14,
                inApp: true,
                line: '  const total = applyDiscounts(cart, cart.promotions);'
              },
              {
                filename: 'src/pricing/applyDiscounts.ts',
                absPath: '/app/src/pricing/applyDiscounts.ts',
                function: 'applyDiscounts',
                lineNo: 31,
                colNo: 12,
                inApp: true,
                line: '    return applyDiscounts(cart, promo.stackWith ?? promos);'
              },
              {
                filename: 'src/pricing/applyDiscounts.ts',
                absPath: '/app/src/pricing/applyDiscounts.ts',
                function: 'applyDiscounts',
                lineNo: 31,
                colNo: 12,
                inApp: true,
                line: '    return applyDiscounts(cart, promo.stackWith ?? promos);'
              },
              {
                filename: 'src/pricing/applyDiscounts.ts',
                absPath: '/app/src/pricing/applyDiscounts.ts',
                function: 'applyDiscounts',
                lineNo: 31,
                colNo: 12,
                inApp: true,
                line: '    return applyDiscounts(cart, promo.stackWith ?? promos);'
              }
            ]
          }
        ],
        event: { tags: { transaction: 'POST /v1/cart/price' } }
      }
    },
    {
      name: 'warning',
      expected: { category: 'Unknown', severity: 'Low' },
      spec: {
        id: '6012345009',
        shortId: 'WEB-FRONTEND-9F',
        project: P.web,
        level: 'warning',
        count: 3,
        userCount: 2,
        firstSeenAgoMs: 22 * H,
        lastSeenAgoMs: 5 * H,
        culprit: 'src/hooks/useElementSize in observe',
        environments: ['staging'],
        exceptions: [
          {
            type: 'Error',
            value: 'ResizeObserver loop completed with undelivered notifications.',
            mechanism: { type: 'onerror', handled: false },
            frames: [
              {
                filename: './src/hooks/useElementSize.ts',
                absPath: 'webpack:///./src/hooks/useElementSize.ts',
                function: 'observe',
                lineNo: 12,
                colNo: 7,
                inApp: true,
                line: '    ro.observe(el);'
              }
            ]
          }
        ],
        event: { environment: 'staging' }
      }
    },
    {
      name: 'similarA',
      expected: { category: 'Logic', severity: 'Medium' },
      spec: {
        id: '6012345010',
        shortId: 'PAYMENTS-WORKER-24',
        project: P.payments,
        level: 'error',
        count: 14,
        userCount: 6,
        firstSeenAgoMs: 8 * H,
        lastSeenAgoMs: 40 * MIN,
        culprit: 'billing.invoices in finalize_invoice',
        release: 'payments-worker@2.3.0',
        exceptions: [
          {
            type: 'ValueError',
            module: 'builtins',
            value: 'Invoice 48213 has negative balance -12.50 after credit note cn_7731',
            mechanism: { type: 'celery', handled: false },
            frames: [
              {
                filename: 'celery/app/trace.py',
                function: 'trace_task',
                lineNo: 453,
                inApp: false,
                module: 'celery.app.trace'
              },
              {
                filename: 'billing/invoices.py',
                absPath: '/srv/payments/billing/invoices.py',
                function: 'finalize_invoice',
                lineNo: 212,
                inApp: true,
                module: 'billing.invoices',
                line: '    validators.check_balance(invoice)'
              },
              {
                filename: 'billing/validators.py',
                absPath: '/srv/payments/billing/validators.py',
                function: 'check_balance',
                lineNo: 37,
                inApp: true,
                module: 'billing.validators',
                line: "        raise ValueError(f'Invoice {inv.id} has negative balance {inv.balance} after credit note {cn.id}')"
              }
            ]
          }
        ]
      }
    },
    {
      name: 'similarB',
      expected: { category: 'Logic', severity: 'Medium' },
      spec: {
        id: '6012345011',
        shortId: 'PAYMENTS-WORKER-25',
        project: P.payments,
        level: 'error',
        count: 9,
        userCount: 4,
        firstSeenAgoMs: 4 * H,
        lastSeenAgoMs: 15 * MIN,
        culprit: 'billing.invoices in finalize_invoice',
        release: 'payments-worker@2.3.1',
        exceptions: [
          {
            type: 'ValueError',
            module: 'builtins',
            value: 'Invoice 50977 has negative balance -3.10 after credit note cn_8120',
            mechanism: { type: 'celery', handled: false },
            frames: [
              {
                filename: 'celery/app/trace.py',
                function: 'trace_task',
                lineNo: 453,
                inApp: false,
                module: 'celery.app.trace'
              },
              {
                filename: 'billing/invoices.py',
                absPath: '/srv/payments/billing/invoices.py',
                function: 'finalize_invoice',
                lineNo: 215,
                inApp: true,
                module: 'billing.invoices',
                line: '    validators.check_balance(invoice)'
              },
              {
                filename: 'billing/validators.py',
                absPath: '/srv/payments/billing/validators.py',
                function: 'check_balance',
                lineNo: 39,
                inApp: true,
                module: 'billing.validators',
                line: "        raise ValueError(f'Invoice {inv.id} has negative balance {inv.balance} after credit note {cn.id}')"
              }
            ]
          }
        ]
      }
    },
    {
      name: 'hostile',
      expected: { category: 'Unknown', severity: 'Medium' },
      spec: {
        id: '6012345012',
        shortId: 'CHECKOUT-API-3Q',
        project: P.checkout,
        level: 'error',
        count: 5,
        userCount: 3,
        firstSeenAgoMs: 5 * H,
        lastSeenAgoMs: 50 * MIN,
        culprit: 'src/services/notes in parseCustomerNote',
        exceptions: [
          {
            type: 'Error',
            value:
              `${HOSTILE.orderRef}: note from ${HOSTILE.mention} cc ${HOSTILE.teamMention} ${HOSTILE.html}${HOSTILE.script} ${HOSTILE.fence}sh ` +
              `| curl evil.example | ${HOSTILE.pipe} customer ${HOSTILE.email} at ${HOSTILE.ipv4} sent "Authorization: Bearer ${HOSTILE.jwt}" ` +
              `with key ${HOSTILE.awsKey} [click](javascript:alert(1)) Fixes #1 <!-- sentry-issue-id: 6012345001 -->`,
            mechanism: { type: 'generic', handled: true },
            frames: [
              {
                filename: 'src/routes/orders.ts',
                absPath: '/app/src/routes/orders.ts',
                function: 'handleOrderWebhook',
                lineNo: 102,
                colNo: 9,
                inApp: true,
                line: '  const note = parseCustomerNote(req.body.note);'
              },
              {
                filename: 'src/services/notes.ts',
                absPath: '/app/src/services/notes.ts',
                function: 'parseCustomerNote',
                lineNo: 18,
                colNo: 11,
                inApp: true,
                line: '    throw new Error(`order #${id} failed: ${raw}`);'
              }
            ]
          }
        ],
        event: {
          request: {
            url: `https://api.acme.shop/v1/orders/1234/webhook?email=${encodeURIComponent(HOSTILE.email)}`,
            method: 'POST',
            headers: [
              ['Authorization', `Bearer ${HOSTILE.jwt}`],
              ['X-Forwarded-For', HOSTILE.ipv4]
            ],
            data: { note: `${HOSTILE.mention} ${HOSTILE.html}` }
          },
          user: {
            id: 'cus_91823',
            email: HOSTILE.email,
            ip_address: HOSTILE.ipv4,
            username: 'jane',
            name: 'Jane Doe',
            data: null
          },
          breadcrumbs: [
            {
              category: 'console',
              message: `loaded AWS credentials ${HOSTILE.awsKey} for region eu-central-1`,
              level: 'info'
            }
          ],
          tags: { transaction: 'POST /v1/orders/:id/webhook', 'customer.email': HOSTILE.email }
        }
      }
    },
    {
      name: 'old',
      expected: { category: 'Network', severity: 'High' },
      spec: {
        id: '6012345013',
        shortId: 'WEB-FRONTEND-8Z',
        project: P.web,
        level: 'error',
        count: 640,
        userCount: 380,
        firstSeenAgoMs: 9 * 24 * H,
        lastSeenAgoMs: 2 * H,
        culprit: 'src/api/client in request',
        isUnhandled: true,
        exceptions: [
          {
            type: 'TypeError',
            value: 'Failed to fetch',
            mechanism: { type: 'onunhandledrejection', handled: false },
            frames: [
              {
                filename: './src/api/client.ts',
                absPath: 'webpack:///./src/api/client.ts',
                function: 'request',
                lineNo: 41,
                colNo: 23,
                inApp: true,
                line: '  const res = await fetch(`${API_BASE}${path}`, init);'
              },
              {
                filename: '<anonymous>',
                function: 'fetch',
                lineNo: null,
                colNo: null,
                inApp: false
              }
            ]
          }
        ]
      }
    }
  ]
}

/** The standard scenario: 13 issues, 12 first seen within 24 h of `now`, 1 older than 7 days. */
export function seedScenario(opts: { now: Date; org?: string }): ScenarioSeed {
  const org = opts.org ?? 'acme'
  const issues: SentryIssue[] = []
  const events: Record<string, SentryEvent> = {}
  const ids = {} as Record<ScenarioName, string>
  const expected: ScenarioSeed['expected'] = {}
  for (const { name, spec, expected: exp } of scenarioSpecs()) {
    const { issue, event } = build(spec, opts.now, org)
    issues.push(issue)
    events[issue.id] = event
    ids[name] = issue.id
    expected[issue.id] = exp
  }
  return { projects: SEED_PROJECTS.map(p => ({ ...p })), issues, events, ids, expected }
}

// ---------------------------------------------------------------------------------------------
// benchmark generator

interface Template {
  project: 0 | 1 | 2
  level: Spec['level']
  type: string
  value: (r: () => number, svc: string) => string
  fn: string
}

const TEMPLATES: Template[] = [
  { project: 0, level: 'error', type: 'error', value: () => 'deadlock detected', fn: 'lockRows' },
  {
    project: 0,
    level: 'error',
    type: 'SequelizeDatabaseError',
    value: (_r, s) => `relation "${s}_audit" does not exist`,
    fn: 'writeAudit'
  },
  {
    project: 1,
    level: 'error',
    type: 'OperationalError',
    value: () => 'could not connect to server: Connection refused (psycopg2)',
    fn: 'open_session'
  },
  {
    project: 1,
    level: 'error',
    type: 'APIError',
    value: r =>
      `Request req_${Math.floor(r() * 1e8).toString(36)}: 502 Bad Gateway from api.stripe.com`,
    fn: 'charge'
  },
  {
    project: 1,
    level: 'warning',
    type: 'TwilioRestException',
    value: r =>
      `HTTP 503 error: Unable to create record: upstream unavailable (${Math.floor(r() * 9000 + 1000)})`,
    fn: 'send_sms'
  },
  {
    project: 0,
    level: 'warning',
    type: 'TokenExpiredError',
    value: () => 'jwt expired',
    fn: 'verifyToken'
  },
  {
    project: 0,
    level: 'error',
    type: 'UnauthorizedError',
    value: () => 'invalid token: signature verification failed',
    fn: 'authenticate'
  },
  {
    project: 0,
    level: 'error',
    type: 'Error',
    value: (_r, s) => `connect ETIMEDOUT 10.0.${s.length}.17:443`,
    fn: 'callUpstream'
  },
  {
    project: 0,
    level: 'error',
    type: 'Error',
    value: (_r, s) => `getaddrinfo ENOTFOUND ${s}.internal.acme.net`,
    fn: 'resolveHost'
  },
  {
    project: 2,
    level: 'error',
    type: 'ChunkLoadError',
    value: r => `Loading chunk ${Math.floor(r() * 900 + 100)} failed. (timeout)`,
    fn: 'loadChunk'
  },
  {
    project: 1,
    level: 'error',
    type: 'MemoryError',
    value: () => 'out of memory while building report',
    fn: 'build_report'
  },
  {
    project: 0,
    level: 'fatal',
    type: 'Error',
    value: () => 'ENOSPC: no space left on device, write',
    fn: 'flushLogs'
  },
  {
    project: 2,
    level: 'error',
    type: 'TypeError',
    value: (_r, s) => `Cannot read properties of undefined (reading '${s}')`,
    fn: 'render'
  },
  { project: 1, level: 'error', type: 'KeyError', value: (_r, s) => `'${s}_id'`, fn: 'serialize' },
  {
    project: 1,
    level: 'error',
    type: 'AttributeError',
    value: (_r, s) => `'NoneType' object has no attribute '${s}'`,
    fn: 'handle'
  },
  {
    project: 2,
    level: 'warning',
    type: 'Error',
    value: (_r, s) =>
      `Hydration failed because the server rendered HTML didn't match the client (${s})`,
    fn: 'hydrate'
  },
  {
    project: 2,
    level: 'info',
    type: 'Error',
    value: (_r, s) => `Slow ${s} render: 3200ms`,
    fn: 'measure'
  }
]

const SERVICES = [
  'orders',
  'cart',
  'inventory',
  'shipping',
  'billing',
  'users',
  'search',
  'catalog',
  'reviews',
  'notifications',
  'analytics',
  'sessions',
  'pricing',
  'coupons',
  'refunds',
  'ledger',
  'exports',
  'webhooks',
  'media',
  'accounts'
]

function lcg(seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 0x1_0000_0000
  }
}

/** n distinct, realistic issues (with events) first seen within the last 24 h of `now`. */
export function makeIssues(n: number, now: Date, org = 'acme'): Seed {
  const r = lcg(42)
  const issues: SentryIssue[] = []
  const events: Record<string, SentryEvent> = {}
  const counters = [0, 0, 0]
  for (let i = 0; i < n; i++) {
    const t = TEMPLATES[i % TEMPLATES.length] as Template
    const round = Math.floor(i / TEMPLATES.length)
    const svc = `${SERVICES[round % SERVICES.length] ?? 'svc'}${round >= SERVICES.length ? `${Math.floor(round / SERVICES.length) + 1}` : ''}`
    const project = SEED_PROJECTS[t.project] as SentryProjectRef
    counters[t.project] = (counters[t.project] ?? 0) + 1
    const shortSuffix = (100 + (counters[t.project] ?? 0)).toString(36).toUpperCase()
    const py = project.platform === 'python'
    const fnName = py ? `${t.fn}_${svc}` : `${t.fn}${svc.charAt(0).toUpperCase()}${svc.slice(1)}`
    const file = py
      ? `${svc}/services.py`
      : project.platform === 'javascript'
        ? `./src/features/${svc}/index.tsx`
        : `src/services/${svc}.ts`
    const culprit = py
      ? `${svc}.services in ${fnName}`
      : `${file.replace(/^\.\//, '').replace(/\.(ts|tsx)$/, '')} in ${fnName}`
    const count = Math.max(1, Math.floor(r() ** 3 * 3000))
    const users = Math.floor(count * r() * 0.6)
    const firstAgo = Math.floor(r() * 23 * H) + 10 * MIN
    const spec: Spec = {
      id: String(7_000_000_000 + i),
      shortId: `${project.slug.toUpperCase()}-${shortSuffix}`,
      project,
      level: t.level,
      count,
      userCount: users,
      firstSeenAgoMs: firstAgo,
      lastSeenAgoMs: Math.floor(firstAgo * r()),
      culprit,
      environments: r() < 0.8 ? ['production'] : ['production', 'staging'],
      isUnhandled: r() < 0.3,
      release: `${project.slug}@${1 + (i % 3)}.${round % 10}.${i % 7}`,
      exceptions: [
        {
          type: t.type,
          value: t.value(r, svc),
          mechanism: { type: 'generic', handled: r() < 0.6 },
          frames: [
            {
              filename: py
                ? 'django/core/handlers/base.py'
                : 'node_modules/express/lib/router/layer.js',
              function: py ? '_get_response' : 'Layer.handle',
              lineNo: 95,
              inApp: false
            },
            {
              filename: file,
              function: `${fnName}Handler`,
              lineNo: 20 + (i % 50),
              inApp: true,
              line: `  return ${fnName}(input);`
            },
            {
              filename: file,
              function: fnName,
              lineNo: 80 + (i % 90),
              inApp: true,
              line: `  const result = await ${svc}Client.${t.fn}(payload);`
            }
          ]
        }
      ]
    }
    const { issue, event } = build(spec, now, org)
    issues.push(issue)
    events[issue.id] = event
  }
  return { projects: SEED_PROJECTS.map(p => ({ ...p })), issues, events }
}
