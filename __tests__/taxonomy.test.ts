import { describe, it, expect } from '@jest/globals'
import {
  CATEGORIES,
  SEVERITIES,
  categoryLabel,
  severityLabel,
  toCategory,
  toSeverity,
  type Category,
  type Severity
} from '../src/classify/taxonomy.js'

describe('toCategory', () => {
  it.each(CATEGORIES.map(c => [c]))('accepts the enum value %s as itself', category => {
    expect(toCategory(category)).toBe(category)
  })

  // Every synonym SPEC.md lists, plus the enum spellings.
  it.each<[string, Category]>([
    ['auth', 'Authentication'],
    ['authn', 'Authentication'],
    ['authz', 'Authentication'],
    ['permission', 'Authentication'],
    ['db', 'Database'],
    ['sql', 'Database'],
    ['net', 'Network'],
    ['timeout', 'Network'],
    ['dns', 'Network'],
    ['connection', 'Network'],
    ['bug', 'Logic'],
    ['code', 'Logic'],
    ['external', 'External Service'],
    ['third-party', 'External Service'],
    ['upstream', 'External Service'],
    ['infra', 'Infrastructure'],
    ['server', 'Infrastructure'],
    ['config', 'Infrastructure']
  ])('maps the synonym %s to %s', (synonym, category) => {
    expect(toCategory(synonym)).toBe(category)
  })

  it.each<[string, Category]>([
    ['AUTH', 'Authentication'],
    ['Db', 'Database'],
    ['  DNS  ', 'Network'],
    ['Third-Party', 'External Service'],
    ['"Database"', 'Database'],
    ['**Logic**', 'Logic'],
    ['Infrastructure.', 'Infrastructure'],
    ['external   service', 'External Service'],
    ['external-service', 'External Service'],
    ['external_service', 'External Service']
  ])('is case- and decoration-insensitive: %p → %s', (given, category) => {
    expect(toCategory(given)).toBe(category)
  })

  it.each([
    'Cosmic Rays',
    'database error',
    'network/timeout',
    '',
    'Critical',
    'category:database'
  ])('rejects %p', value => {
    expect(toCategory(value)).toBeNull()
  })

  it.each([null, undefined, 3, {}, ['Database'], true])('rejects the non-string %p', value => {
    expect(toCategory(value)).toBeNull()
  })

  it('does not resolve inherited object keys', () => {
    expect(toCategory('constructor')).toBeNull()
    expect(toCategory('__proto__')).toBeNull()
    expect(toSeverity('toString')).toBeNull()
  })
})

describe('toSeverity', () => {
  it.each(SEVERITIES.map(s => [s]))('accepts the enum value %s as itself', severity => {
    expect(toSeverity(severity)).toBe(severity)
  })

  it.each<[string, Severity]>([
    ['p0', 'Critical'],
    ['fatal', 'Critical'],
    ['blocker', 'Critical'],
    ['p1', 'High'],
    ['p2', 'Medium'],
    ['p3', 'Low'],
    ['p4', 'Low'],
    ['minor', 'Low']
  ])('maps the synonym %s to %s', (synonym, severity) => {
    expect(toSeverity(synonym)).toBe(severity)
  })

  it.each<[string, Severity]>([
    ['P0', 'Critical'],
    ['FATAL', 'Critical'],
    ['HIGH', 'High'],
    [' medium ', 'Medium'],
    ["'Low'", 'Low'],
    ['Minor', 'Low']
  ])('is case-insensitive: %p → %s', (given, severity) => {
    expect(toSeverity(given)).toBe(severity)
  })

  it.each(['Urgent', 'p5', 'Database', '', 'very high'])('rejects %p', value => {
    expect(toSeverity(value)).toBeNull()
  })

  it.each([null, undefined, 0, {}])('rejects the non-string %p', value => {
    expect(toSeverity(value)).toBeNull()
  })
})

describe('labels', () => {
  it.each<[Category, string]>([
    ['Authentication', 'category:authentication'],
    ['Database', 'category:database'],
    ['Network', 'category:network'],
    ['Logic', 'category:logic'],
    ['External Service', 'category:external-service'],
    ['Infrastructure', 'category:infrastructure'],
    ['Unknown', 'category:unknown']
  ])('labels the category %s as %s', (category, label) => {
    expect(categoryLabel(category)).toBe(label)
  })

  it.each<[Severity, string]>([
    ['Critical', 'severity:critical'],
    ['High', 'severity:high'],
    ['Medium', 'severity:medium'],
    ['Low', 'severity:low']
  ])('labels the severity %s as %s', (severity, label) => {
    expect(severityLabel(severity)).toBe(label)
  })

  it('produces only kebab-case labels within GitHub’s 50-character limit', () => {
    for (const label of [...CATEGORIES.map(categoryLabel), ...SEVERITIES.map(severityLabel)]) {
      expect(label).toMatch(/^(category|severity):[a-z]+(-[a-z]+)*$/)
      expect(label.length).toBeLessThanOrEqual(50)
    }
  })
})
