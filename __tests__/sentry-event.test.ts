/**
 * The latest event as Sentry's API returns it (API-NOTES A10, F8), read field by field: over real
 * HTTP against the fake Sentry for the bugs that dropped whole events, and on recorded frame shapes.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { SentryClient } from '../src/sentry/client.js'
import { parseLatestEvent } from '../src/sentry/event.js'
import { Budget } from '../src/http/retry.js'
import {
  buildSentryEvent,
  buildSentryIssue,
  startFakeSentry,
  type FakeSentry,
  type SentryEvent
} from './fakes/sentry.js'

const TOKEN = 'sntryu_test'
const project = { id: '1', slug: 'checkout-api', name: 'Checkout API', platform: 'node' }
const issue = buildSentryIssue({
  id: '4001',
  shortId: 'CHECKOUT-1',
  title: 'TypeError: x is undefined',
  project
})

function baseEvent(): SentryEvent {
  return buildSentryEvent({
    issue,
    release: 'checkout-api@2.15.0',
    exceptions: [
      {
        type: 'TypeError',
        value: 'x is undefined',
        frames: [
          {
            filename: 'node:internal/process/task_queues',
            function: 'process',
            lineNo: 95,
            inApp: false
          },
          {
            filename: 'src/routes/cart.ts',
            absPath: '/app/src/routes/cart.ts',
            function: 'addToCart',
            lineNo: 42,
            colNo: 9,
            inApp: true,
            line: 'const total = cart.items.length'
          }
        ]
      }
    ]
  })
}

let fake: FakeSentry | null = null
afterEach(async () => {
  await fake?.close()
  fake = null
})

async function latest(event: SentryEvent) {
  fake = await startFakeSentry({
    token: TOKEN,
    org: 'acme',
    issues: [issue],
    events: { [issue.id]: event }
  })
  const debug: string[] = []
  const client = new SentryClient({
    baseUrl: fake.url,
    token: TOKEN,
    org: 'acme',
    timeoutMs: 5_000,
    budget: new Budget(60_000),
    debug: m => void debug.push(m)
  })
  return { event: await client.getLatestEvent(issue.id, null), debug }
}

describe('getLatestEvent over HTTP', () => {
  it('reads a normal event: exception, in-app frames, release, environment', async () => {
    const { event, debug } = await latest(baseEvent())
    expect(event?.exceptions).toEqual([{ type: 'TypeError', value: 'x is undefined' }])
    expect(event?.frames).toEqual([
      {
        filename: 'src/routes/cart.ts',
        function: 'addToCart',
        lineNo: 42,
        inApp: true,
        line: 'const total = cart.items.length'
      }
    ])
    expect(event?.release).toBe('checkout-api@2.15.0')
    expect(event?.environment).toBe('production')
    expect(event?.inAppFrames).toBe(true)
    expect(event?.stack.at(-1)).toMatchObject({ absPath: '/app/src/routes/cart.ts', colNo: 9 })
    expect(debug).toEqual([])
  })

  it('keeps the event when its release has a null version (Sentry allows it)', async () => {
    const raw = baseEvent()
    raw.release = { ...(raw.release ?? {}), version: null }
    const { event } = await latest(raw)
    expect(event).not.toBeNull()
    expect(event?.release).toBeNull()
    expect(event?.frames.at(-1)?.function).toBe('addToCart')
  })

  it('keeps the event when a tag has key null, and still finds the environment', async () => {
    const raw = baseEvent()
    raw.tags = [
      { key: null, value: 'odd' } as unknown as { key: string; value: string },
      ...raw.tags
    ]
    const { event } = await latest(raw)
    expect(event).not.toBeNull()
    expect(event?.environment).toBe('production')
  })

  it('leaves out one odd field, names it in a debug line, and keeps the rest', async () => {
    const raw = baseEvent()
    const values = (
      raw.entries[0]?.data as { values: Array<{ stacktrace: { frames: unknown[] } }> }
    ).values
    const frames = values[0]?.stacktrace.frames as Array<Record<string, unknown>>
    ;(frames[1] as Record<string, unknown>).lineNo = 'forty-two'
    const { event, debug } = await latest(raw)
    expect(event?.frames.at(-1)).toMatchObject({ function: 'addToCart', lineNo: null })
    expect(debug.join('\n')).toMatch(/Sentry issue 4001.*a frame lineNo/)
  })
})

describe('parseLatestEvent on recorded shapes (API-NOTES F8)', () => {
  it('reads every chained exception value; the stack is the raised one with in-app frames', () => {
    const { event } = parseLatestEvent({
      entries: [
        {
          type: 'exception',
          data: {
            values: [
              {
                type: 'KeyError',
                value: "'sku'",
                stacktrace: {
                  frames: [
                    {
                      filename: 'shop/cart.py',
                      absPath: '/app/src/shop/cart.py',
                      module: 'shop.cart',
                      function: 'price',
                      lineNo: 10,
                      inApp: true
                    }
                  ]
                }
              },
              {
                type: 'ValueError',
                value: 'bad cart',
                stacktrace: {
                  frames: [
                    {
                      filename: 'django/core/handlers/base.py',
                      absPath:
                        '/usr/local/lib/python3.12/site-packages/django/core/handlers/base.py',
                      function: 'get_response',
                      lineNo: 5,
                      inApp: false
                    }
                  ]
                }
              }
            ]
          }
        }
      ]
    })
    expect(event?.exceptions.map(e => e.type)).toEqual(['KeyError', 'ValueError'])
    expect(event?.stack.map(f => f.module)).toEqual(['shop.cart'])
    expect(event?.inAppFrames).toBe(true)
  })

  it('reads the stacktrace entry of a message event', () => {
    const { event } = parseLatestEvent({
      entries: [
        { type: 'message', data: { formatted: 'Something odd' } },
        {
          type: 'stacktrace',
          data: {
            frames: [
              {
                filename: 'index.js',
                absPath: '/index.js',
                function: 'fetch',
                lineNo: 12,
                colNo: 3,
                inApp: true
              }
            ]
          }
        }
      ]
    })
    expect(event?.exceptions).toEqual([])
    expect(event?.stack).toEqual([
      {
        filename: 'index.js',
        absPath: '/index.js',
        module: null,
        package: null,
        function: 'fetch',
        lineNo: 12,
        colNo: 3,
        inApp: true,
        line: null
      }
    ])
  })

  it("reads the crashed thread's stack", () => {
    const { event } = parseLatestEvent({
      entries: [
        {
          type: 'threads',
          data: {
            values: [
              {
                id: 1,
                crashed: false,
                current: false,
                stacktrace: { frames: [{ function: 'idle', inApp: true }] }
              },
              {
                id: 2,
                crashed: true,
                stacktrace: {
                  frames: [
                    {
                      filename: 'Sources/App/Cart.swift',
                      package: '/private/var/App.app/App',
                      function: 'Cart.total',
                      lineNo: 88,
                      inApp: true
                    }
                  ]
                }
              }
            ]
          }
        }
      ]
    })
    expect(event?.stack).toHaveLength(1)
    expect(event?.stack[0]).toMatchObject({
      function: 'Cart.total',
      package: '/private/var/App.app/App',
      lineNo: 88
    })
  })

  it('says so when no frame is in-app, instead of passing framework frames off as the app', () => {
    // A .NET event: 34 of 35 frames without a line number, none in-app (API-NOTES F8).
    const { event } = parseLatestEvent({
      release: { version: 'web@1.0.0' },
      entries: [
        {
          type: 'exception',
          data: {
            values: [
              {
                type: 'System.DivideByZeroException',
                value: 'Attempted to divide by zero.',
                stacktrace: {
                  frames: [
                    {
                      filename: null,
                      module: 'Microsoft.AspNetCore.Mvc.Infrastructure.ActionMethodExecutor',
                      package: 'Microsoft.AspNetCore.Mvc.Core',
                      function: 'Execute',
                      lineNo: null,
                      inApp: false
                    },
                    {
                      filename: '/app/Pages/Divide-Zero.cs',
                      absPath: '/app/Pages/Divide-Zero.cs',
                      module: 'myWebApp.Pages.DivideZeroModel',
                      package: 'myWebApp',
                      function: 'OnGet',
                      lineNo: 21,
                      inApp: false
                    }
                  ]
                }
              }
            ]
          }
        }
      ]
    })
    expect(event?.inAppFrames).toBe(false)
    expect(event?.frames.every(f => !f.inApp)).toBe(true)
    expect(event?.stack.at(-1)).toMatchObject({
      module: 'myWebApp.Pages.DivideZeroModel',
      package: 'myWebApp'
    })
  })

  it('returns null only for an answer that is not an object', () => {
    expect(parseLatestEvent('nope').event).toBeNull()
    expect(parseLatestEvent({ entries: 'x' })).toEqual({
      event: expect.objectContaining({ exceptions: [], stack: [], inAppFrames: false }),
      skipped: ['entries']
    })
  })
})
