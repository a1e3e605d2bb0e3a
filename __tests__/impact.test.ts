/**
 * The living issue's rendering, without a server: the 14-day sparkline is plain text (eight block
 * characters, at most 14 of them, no HTML, no image), the impact block adds up a group, the listing's
 * `stats` are read leniently, and the marker round-trips what was shown and a release issue's rows.
 */
import { describe, expect, it } from '@jest/globals'
import {
  IMPACT_BEGIN,
  IMPACT_END,
  impactOf,
  renderImpact,
  replaceImpact,
  sparkline
} from '../src/render/impact.js'
import { issueSchema } from '../src/sentry/issue.js'
import { parseMarker, renderSection, type Marker } from '../src/track/marker.js'
import { renderReleaseTitle } from '../src/render/release.js'
import { createRedactor } from '../src/render/redact.js'
import { sentryIssue } from './support/factories.js'

const redact = createRedactor(true)

describe('the sparkline', () => {
  it('draws one character a day, scaled to the busiest day', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe('▁▂▃▄▅▆▇█')
    expect(sparkline([0, 0, 0])).toBe('▁▁▁')
    expect(sparkline([5, 5])).toBe('██')
    expect(sparkline([])).toBe('')
  })

  it('is at most 14 characters whatever Sentry sent, the latest days kept', () => {
    const days = Array.from({ length: 30 }, (_, i) => (i === 29 ? 100 : 0))
    expect(sparkline(days)).toBe('▁▁▁▁▁▁▁▁▁▁▁▁▁█')
    expect([...sparkline(days)]).toHaveLength(14)
  })

  it('renders as text in a GitHub issue body: block characters in a table cell, no HTML, no image, no link', () => {
    const issue = sentryIssue({ daily14d: [0, 2, 4, 8, 16, 32, 64, 3, 1, 0, 0, 9, 27, 81] })
    const block = renderImpact(
      impactOf([issue], { first: 'shop@1.0', latest: 'shop@1.1' }),
      redact,
      '2026-12-07T12:00:00Z'
    )
    const cell = /^\| Last 14 days \| (.*) \|$/m.exec(block)![1]!
    const spark = cell.split(' ')[0]!
    expect(spark).toMatch(/^[▁▂▃▄▅▆▇█]{1,14}$/)
    expect([...spark]).toHaveLength(14)
    // Nothing in the cell that GitHub would turn into markup: no tag, no image or link, no code span.
    expect(cell).not.toMatch(/[<>`]|!\[|\]\(/)
    const inside = block.split('\n').slice(1, -1).join('\n')
    expect(inside).not.toMatch(/<(?!\/?sub>)/)
  })
})

describe('the impact block', () => {
  it('adds up a group: events, users, the widest seen window, the top tier, the timelines day by day', () => {
    const a = sentryIssue({
      id: '1',
      count: 10,
      userCount: 2,
      firstSeen: '2026-12-01T00:00:00Z',
      lastSeen: '2026-12-05T00:00:00Z',
      daily14d: [1, 2, 3]
    })
    const b = sentryIssue({
      id: '2',
      count: 60,
      userCount: 5,
      firstSeen: '2026-11-30T00:00:00Z',
      lastSeen: '2026-12-06T00:00:00Z',
      daily14d: [4, 5]
    })
    expect(impactOf([a, b], { first: null, latest: null })).toEqual({
      events: 70,
      users: 7,
      firstSeen: '2026-11-30T00:00:00Z',
      lastSeen: '2026-12-06T00:00:00Z',
      firstRelease: null,
      latestRelease: null,
      daily: [1, 6, 8],
      tier: 'high'
    })
  })

  it('is replaced whole inside the section content, the rest kept; a content without one is left alone', () => {
    const block = (n: number) => `${IMPACT_BEGIN}\n| Events | ${n} |\n${IMPACT_END}`
    const content = `## head\n\n${block(1)}\n\n### Exception\n`
    expect(replaceImpact(content, block(2))).toBe(`## head\n\n${block(2)}\n\n### Exception\n`)
    expect(replaceImpact('## legacy body', block(2))).toBeNull()
  })
})

describe("the listing's stats", () => {
  const raw = (stats: unknown) => ({
    id: '1',
    shortId: 'SHOP-1',
    title: 't',
    project: { id: '2', slug: 'shop' },
    stats
  })

  it('reads the 14-day daily timeline, or the last 14 days of the detail’s 30-day one', () => {
    const days = Array.from({ length: 14 }, (_, i) => [1_700_000_000 + i * 86_400, i])
    expect(issueSchema.parse(raw({ '14d': days })).daily14d).toEqual(days.map(d => d[1]))
    const month = Array.from({ length: 30 }, (_, i) => [1_700_000_000 + i * 86_400, i])
    expect(issueSchema.parse(raw({ '30d': month })).daily14d).toEqual(
      month.slice(16).map(d => d[1])
    )
  })

  it.each([
    [undefined],
    [null],
    [{ '24h': [[1, 2]] }],
    [{ '14d': 'x' }],
    [{ '14d': [[1, -3]] }],
    [{ '14d': [['a', 'b']] }]
  ])('takes %j as no timeline, never as a skipped issue', stats => {
    const parsed = issueSchema.parse(raw(stats))
    expect(parsed.id).toBe('1')
    expect(parsed.daily14d).toBeUndefined()
  })
})

describe('the marker records what the living issue and the release issue need', () => {
  it('round-trips what was shown, and a release record with its rows', () => {
    const marker: Marker = {
      ids: ['11'],
      sig: null,
      shown: { events: 5, users: 1, tier: 'routine', at: '2026-12-07T12:00:00.000Z' },
      release: {
        version: 'shop@2.0.0',
        rows: [
          {
            id: '11',
            tier: 'medium',
            events: 20,
            users: 3,
            resolved: false,
            category: 'Logic',
            severity: 'Low'
          },
          {
            id: '12',
            tier: 'high',
            events: 90,
            users: 9,
            resolved: true,
            category: null,
            severity: null,
            issue: 41
          }
        ],
        tasklist: true
      }
    }
    expect(parseMarker(renderSection(marker, 'x'))).toEqual(marker)
  })

  it('a release issue with every Sentry issue promoted still carries a marker (found by its version)', () => {
    const marker: Marker = { ids: [], sig: null, release: { version: 'v1', rows: [] } }
    expect(parseMarker(renderSection(marker, 'x'))).toEqual(marker)
  })

  it.each([
    [
      'a row of another shape',
      '{"ids":["1"],"sig":null,"release":{"v":"v1","rows":[["1","high",1,1,0,"Pwned","High",0]]}}'
    ],
    [
      'a version with a line break',
      '{"ids":["1"],"sig":null,"release":{"v":"v1\\n-->","rows":[]}}'
    ],
    [
      'an id that is no Sentry id',
      '{"ids":[],"sig":null,"release":{"v":"v1","rows":[["x1","high",1,1,0,null,null,0]]}}'
    ]
  ])('refuses %s: no marker at all', (_case, json) => {
    expect(parseMarker(`<!-- sentry-triage:v1 ${json} -->`)).toBeNull()
  })
})

describe('the release issue title', () => {
  it('is `[release] <version>: N new errors`, the version as written (an @ after a letter mentions nobody)', () => {
    expect(renderReleaseTitle('checkout-api@2.15.0', 12, redact)).toBe(
      '[release] checkout-api@2.15.0: 12 new errors'
    )
    expect(renderReleaseTitle('@octocat #12', 1, redact)).toBe(
      '[release] @\u200Doctocat #\u200D12: 1 new error'
    )
  })
})
