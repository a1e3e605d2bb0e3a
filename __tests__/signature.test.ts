import { describe, it, expect } from '@jest/globals'
import { issueSignature, messageShape } from '../src/classify/signature.js'
import { sentryIssue } from './support/factories.js'

function withMessage(
  message: string,
  culprit = 'app/orders.py in load',
  exceptionType: string | null = 'OrderNotFound'
) {
  return sentryIssue({
    exceptionType,
    exceptionValue: message,
    title: `${exceptionType}: ${message}`,
    culprit
  })
}

describe('issueSignature groups the same problem', () => {
  it.each([
    ['numbers', 'Order 1234 not found', 'Order 98 not found'],
    ['decimals', 'Amount 12.50 exceeds limit 10.00', 'Amount 99.99 exceeds limit 50.00'],
    [
      'uuids',
      'Cart 3f2b8c1e-9a4d-4e5f-8b6a-1c2d3e4f5a6b expired',
      'Cart 00000000-aaaa-4bbb-8ccc-dddddddddddd expired'
    ],
    [
      'long hex ids',
      'Document 5f1a2b3c4d5e6f7a8b9c0d1e missing',
      'Document aaaabbbbccccddddeeeeffff missing'
    ],
    ['0x addresses', 'Segfault at 0x7f3a2b1c', 'Segfault at 0xdeadbeef'],
    ['double-quoted values', 'Unknown field "shipping_zip"', 'Unknown field "billing_city"'],
    ['single-quoted values', "KeyError 'user_id'", "KeyError 'tenant'"],
    ['e-mails', 'No account for alice@example.com', 'No account for bob.smith@corp.example.org'],
    [
      'IP addresses and ports',
      'connect ECONNREFUSED 10.0.0.1:5432',
      'connect ECONNREFUSED 192.168.7.20:6379'
    ],
    ['case and whitespace', 'Order 1 NOT   found', 'order 2 not found']
  ])('messages differing only in %s share a signature', (_label, a, b) => {
    expect(issueSignature(withMessage(a))).toBe(issueSignature(withMessage(b)))
  })

  it('ignores numbers in the culprit (line numbers, ids in routes)', () => {
    expect(issueSignature(withMessage('boom', 'GET /orders/123'))).toBe(
      issueSignature(withMessage('boom', 'GET /orders/456'))
    )
  })

  it('ignores the project, the Sentry id, counts and dates', () => {
    const a = withMessage('Order 1 not found')
    const b = {
      ...withMessage('Order 2 not found'),
      id: '9999',
      shortId: 'WEB-7',
      project: { id: '2', slug: 'web', name: null },
      count: 500,
      userCount: 40,
      firstSeen: '2020-01-01T00:00:00Z'
    }
    expect(issueSignature(a)).toBe(issueSignature(b))
  })

  it('falls back to the title when there is no exception value', () => {
    const a = sentryIssue({
      exceptionType: null,
      exceptionValue: null,
      title: 'Slow query took 5012ms',
      level: 'warning'
    })
    const b = sentryIssue({
      exceptionType: null,
      exceptionValue: null,
      title: 'Slow query took 87ms',
      level: 'warning'
    })
    expect(issueSignature(a)).toBe(issueSignature(b))
  })
})

describe('issueSignature separates different problems', () => {
  it('differs when the culprit differs', () => {
    expect(issueSignature(withMessage('Order 1 not found', 'app/orders.py in load'))).not.toBe(
      issueSignature(withMessage('Order 1 not found', 'app/refunds.py in load'))
    )
  })

  it('differs when the exception type differs', () => {
    expect(issueSignature(withMessage('Order 1 not found', 'x', 'OrderNotFound'))).not.toBe(
      issueSignature(withMessage('Order 1 not found', 'x', 'KeyError'))
    )
  })

  it('differs when the words of the message differ', () => {
    expect(issueSignature(withMessage('Order 1 not found'))).not.toBe(
      issueSignature(withMessage('Order 1 cancelled'))
    )
  })

  it('differs by level when there is no exception type', () => {
    const a = sentryIssue({
      exceptionType: null,
      exceptionValue: null,
      title: 'Slow query',
      level: 'warning'
    })
    const b = sentryIssue({
      exceptionType: null,
      exceptionValue: null,
      title: 'Slow query',
      level: 'error'
    })
    expect(issueSignature(a)).not.toBe(issueSignature(b))
  })
})

describe('issueSignature shape', () => {
  it('is 16 lowercase hex characters (fits the marker)', () => {
    expect(issueSignature(withMessage('anything'))).toMatch(/^[a-f0-9]{16}$/)
  })

  it('is stable across calls', () => {
    expect(issueSignature(withMessage('Order 1 not found'))).toBe(
      issueSignature(withMessage('Order 1 not found'))
    )
  })
})

describe('messageShape', () => {
  it('replaces the variable parts with typed placeholders', () => {
    expect(
      messageShape(
        'User 42 (alice@example.com) from 10.1.2.3 sent "hello" to 3f2b8c1e-9a4d-4e5f-8b6a-1c2d3e4f5a6b'
      )
    ).toBe('user <n> (<email>) from <ip> sent <str> to <uuid>')
  })

  it('keeps the words', () => {
    expect(messageShape('  Cannot   read properties of undefined ')).toBe(
      'cannot read properties of undefined'
    )
  })
})
