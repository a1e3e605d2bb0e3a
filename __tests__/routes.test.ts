/**
 * Many repositories, as specifications without a server: the map's format, the routing of projects
 * to repositories, the shard a project belongs to, and the inputs' errors.
 */
import { describe, expect, it } from '@jest/globals'
import {
  parseRepositoryMap,
  repositoryFor,
  RepositoryMapError
} from '../src/config/repository-map.js'
import { planRoutes, shardOf, type Project } from '../src/plan/routes.js'
import { readConfig } from '../src/config/config.js'

const projects: Project[] = [
  { id: '101', slug: 'checkout-api' },
  { id: '102', slug: 'web-frontend' },
  { id: '103', slug: 'payments-worker' }
]

describe('repository-map', () => {
  it('reads project lines, a * line, comments and commas', () => {
    const map = parseRepositoryMap(
      'checkout-api: acme/checkout # the API\nweb-frontend: acme/web, *: acme/ops'
    )
    expect(map.kind).toBe('lines')
    expect(repositoryFor(map, ['checkout-api', '101'], 'acme/shop')).toBe('acme/checkout')
    expect(repositoryFor(map, ['WEB-FRONTEND'], 'acme/shop')).toBe('acme/web')
    expect(repositoryFor(map, ['payments-worker', '103'], 'acme/shop')).toBe('acme/ops')
    expect(parseRepositoryMap('sentry')).toEqual({ kind: 'sentry' })
    expect(parseRepositoryMap('  ')).toEqual({ kind: 'none' })
  })

  it('names every bad line and the form it expects', () => {
    expect(() =>
      parseRepositoryMap('checkout-api acme/checkout\nweb: not a repo\nx: a/b, x: a/c')
    ).toThrow(RepositoryMapError)
    expect(() => parseRepositoryMap('checkout-api acme/checkout\nweb: acme')).toThrow(
      "'checkout-api acme/checkout' is not 'project-slug: owner/repo'; 'web: acme': 'acme' is not owner/repo"
    )
  })

  it('is an input error before anything is sent, and so is a bad shard', () => {
    const inputs: Record<string, string> = {
      'sentry-token': 'sntrys_x',
      'sentry-org': 'acme',
      classifier: 'heuristic',
      'github-token': 'ghs_x',
      repository: 'acme/shop',
      'repository-map': 'checkout-api acme/checkout',
      shard: '5/4'
    }
    expect(() => readConfig(name => inputs[name] ?? '', {})).toThrow(
      /repository-map.*project-slug: owner\/repo[\s\S]*shard.*1 ≤ i ≤ n/
    )
  })
})

describe('routing projects to repositories', () => {
  it('sends each project to its line, the rest to *, or to repository', () => {
    const routing = planRoutes({
      projects,
      only: [],
      map: parseRepositoryMap('checkout-api: acme/checkout\nweb-frontend: acme/web'),
      codeMappings: null,
      repository: 'acme/shop',
      shard: null
    })
    expect(routing.routes.map(r => [r.repository, r.projects.map(p => p.slug)])).toEqual([
      ['acme/checkout', ['checkout-api']],
      ['acme/web', ['web-frontend']],
      ['acme/shop', ['payments-worker']]
    ])
    expect(routing.unknown).toEqual([])
  })

  it('names a mapped project the organization does not have', () => {
    const routing = planRoutes({
      projects,
      only: [],
      map: parseRepositoryMap('checkout-apii: acme/checkout'),
      codeMappings: null,
      repository: 'acme/shop',
      shard: null
    })
    expect(routing.unknown).toEqual(['checkout-apii'])
  })

  it('takes Sentry code mappings with repository-map: sentry (GitHub ones), the rest to repository', () => {
    const routing = planRoutes({
      projects,
      only: ['checkout-api', 'web-frontend'],
      map: { kind: 'sentry' },
      codeMappings: [
        {
          projectId: '101',
          projectSlug: 'checkout-api',
          repoName: 'acme/checkout',
          provider: 'github',
          stackRoot: '/app/',
          sourceRoot: 'src/'
        },
        {
          projectId: '102',
          projectSlug: 'web-frontend',
          repoName: 'acme/web',
          provider: 'gitlab',
          stackRoot: '',
          sourceRoot: ''
        }
      ],
      repository: 'acme/shop',
      shard: null
    })
    expect(routing.routes.map(r => [r.repository, r.projects.map(p => p.slug)])).toEqual([
      ['acme/checkout', ['checkout-api']],
      ['acme/shop', ['web-frontend']]
    ])
  })

  it('splits an organization into shards: every project in exactly one, the same every time', () => {
    const many = Array.from({ length: 40 }, (_, i) => ({
      id: String(200 + i),
      slug: `service-${i}`
    }))
    const shards = [1, 2, 3, 4].map(index =>
      planRoutes({
        projects: many,
        only: [],
        map: { kind: 'none' },
        codeMappings: null,
        repository: 'acme/shop',
        shard: { index, count: 4 }
      }).routes.flatMap(r => r.projects.map(p => p.slug))
    )
    expect(shards.flat().sort()).toEqual(many.map(p => p.slug).sort())
    expect(shards.every(s => s.length > 0)).toBe(true)
    // FNV-1a 32-bit: offset basis 0x811c9dc5, prime 0x01000193. For "a": (0x811c9dc5 ^ 0x61) · prime
    // mod 2^32 = 0xe40c292c = 3826002220 (the published test vector), and 3826002220 mod 4 = 0 → shard 1.
    expect(shardOf('a', 4)).toBe(1)
    expect(shardOf('A', 4)).toBe(shardOf('a', 4))
    expect(shardOf('foobar', 1000)).toBe((0xbf9cf968 % 1000) + 1)
  })
})
