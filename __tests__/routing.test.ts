import { describe, it, expect } from '@jest/globals'
import {
  compareImpact,
  impactTier,
  routeIssue,
  TIER_RANK,
  type Tier
} from '../src/classify/routing.js'
import type { Models } from '../src/config/config.js'
import { sentryIssue } from './support/factories.js'

const MODELS: Models = {
  routine: 'm-routine',
  medium: 'm-medium',
  high: 'm-high',
  critical: 'm-critical'
}

describe('impactTier (SPEC: first match wins)', () => {
  it.each<[string, { level: string; count: number; userCount: number }, Tier]>([
    ['fatal, one event', { level: 'fatal', count: 1, userCount: 1 }, 'critical'],
    ['1001 users at level info', { level: 'info', count: 1, userCount: 1001 }, 'critical'],
    [
      'exactly 1000 users, 5 error events',
      { level: 'error', count: 5, userCount: 1000 },
      'routine'
    ],
    [
      'exactly 1000 users, 11 error events',
      { level: 'error', count: 11, userCount: 1000 },
      'medium'
    ],
    ['error with 51 events', { level: 'error', count: 51, userCount: 1 }, 'high'],
    ['error with 50 events', { level: 'error', count: 50, userCount: 1 }, 'medium'],
    ['warning with 51 events', { level: 'warning', count: 51, userCount: 1 }, 'high'],
    ['warning with 50 events', { level: 'warning', count: 50, userCount: 1 }, 'medium'],
    ['warning with 5 events', { level: 'warning', count: 5, userCount: 1 }, 'medium'],
    [
      'info with 51 events (not error or warning)',
      { level: 'info', count: 51, userCount: 1 },
      'medium'
    ],
    ['info with 11 events', { level: 'info', count: 11, userCount: 1 }, 'medium'],
    ['info with 10 events', { level: 'info', count: 10, userCount: 1 }, 'routine'],
    ['error with 10 events', { level: 'error', count: 10, userCount: 1 }, 'routine'],
    ['error with 11 events', { level: 'error', count: 11, userCount: 1 }, 'medium'],
    ['debug with 1 event', { level: 'debug', count: 1, userCount: 0 }, 'routine']
  ])('%s → %s', (_label, facts, tier) => {
    expect(impactTier(sentryIssue(facts)).tier).toBe(tier)
  })

  it('explains the tier', () => {
    expect(impactTier(sentryIssue({ level: 'fatal' })).reason).toBe('level fatal')
    expect(impactTier(sentryIssue({ level: 'error', userCount: 1204 })).reason).toBe(
      '1204 users affected'
    )
    expect(impactTier(sentryIssue({ level: 'warning', count: 70 })).reason).toBe(
      'level warning with 70 events'
    )
    expect(impactTier(sentryIssue({ level: 'warning', count: 2 })).reason).toBe('level warning')
    expect(impactTier(sentryIssue({ level: 'info', count: 12 })).reason).toBe('12 events')
    expect(impactTier(sentryIssue({ level: 'info', count: 1 })).reason).toBe('low impact')
  })
})

describe('routeIssue', () => {
  it.each<[Partial<Parameters<typeof sentryIssue>[0]>, string]>([
    [{ level: 'fatal' }, 'm-critical'],
    [{ level: 'error', count: 51 }, 'm-high'],
    [{ level: 'warning', count: 1 }, 'm-medium'],
    [{ level: 'info', count: 1 }, 'm-routine']
  ])('routes %p to %s', (facts, model) => {
    expect(routeIssue(sentryIssue(facts), MODELS, true).model).toBe(model)
  })

  it('sends everything to `model` when routing is off, keeping the tier', () => {
    for (const facts of [
      { level: 'fatal' },
      { level: 'error', count: 500 },
      { level: 'warning' },
      { level: 'info' }
    ]) {
      const route = routeIssue(sentryIssue(facts), MODELS, false)
      expect(route.model).toBe('m-routine')
      expect(route.reason).toMatch(/routing off$/)
    }
    expect(routeIssue(sentryIssue({ level: 'fatal' }), MODELS, false).tier).toBe('critical')
  })

  it('carries tier and reason', () => {
    expect(routeIssue(sentryIssue({ level: 'fatal' }), MODELS, true)).toEqual({
      tier: 'critical',
      model: 'm-critical',
      reason: 'level fatal'
    })
  })
})

describe('compareImpact', () => {
  it('ranks tiers critical < high < medium < routine', () => {
    expect(TIER_RANK.critical).toBeLessThan(TIER_RANK.high)
    expect(TIER_RANK.high).toBeLessThan(TIER_RANK.medium)
    expect(TIER_RANK.medium).toBeLessThan(TIER_RANK.routine)
  })

  it('orders by tier first, then users, then events', () => {
    const routineManyUsers = sentryIssue({ id: '1', level: 'info', count: 2, userCount: 900 })
    const critical = sentryIssue({ id: '2', level: 'fatal', count: 1, userCount: 1 })
    const high = sentryIssue({ id: '3', level: 'error', count: 60, userCount: 2 })
    const mediumFewUsers = sentryIssue({ id: '4', level: 'warning', count: 3, userCount: 5 })
    const mediumMoreUsers = sentryIssue({ id: '5', level: 'warning', count: 2, userCount: 50 })
    const mediumSameUsersMoreEvents = sentryIssue({
      id: '6',
      level: 'warning',
      count: 40,
      userCount: 5
    })
    const sorted = [
      routineManyUsers,
      mediumFewUsers,
      high,
      mediumSameUsersMoreEvents,
      critical,
      mediumMoreUsers
    ].sort(compareImpact)
    expect(sorted.map(i => i.id)).toEqual(['2', '3', '5', '6', '4', '1'])
  })

  it('is a consistent comparator (antisymmetric, ties broken by id)', () => {
    const a = sentryIssue({ id: '10', level: 'error', count: 3, userCount: 1 })
    const b = sentryIssue({ id: '11', level: 'error', count: 3, userCount: 1 })
    expect(Math.sign(compareImpact(a, b))).toBe(-Math.sign(compareImpact(b, a)))
    expect(compareImpact(a, b)).not.toBe(0)
    expect(compareImpact(a, a)).toBe(0)
  })

  it('puts a fatal issue with one user ahead of a routine issue with many users', () => {
    const fatal = sentryIssue({ id: '1', level: 'fatal', userCount: 1, count: 1 })
    const busy = sentryIssue({ id: '2', level: 'info', userCount: 999, count: 9 })
    expect(compareImpact(fatal, busy)).toBeLessThan(0)
    expect(compareImpact(busy, fatal)).toBeGreaterThan(0)
  })
})
