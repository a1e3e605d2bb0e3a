/**
 * `engines.node` in package.json must be the true minimum: at least what every Node API the code
 * calls needs, and what the runtime dependencies declare.
 */
import { describe, expect, it } from '@jest/globals'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

type Version = [number, number, number]

function parseVersion(text: string): Version {
  const [major = 0, minor = 0, patch = 0] = text
    .replace(/^v/, '')
    .split('.')
    .map(n => Number.parseInt(n, 10) || 0)
  return [major, minor, patch]
}
function compare(a: Version, b: Version): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2]
}
/** The lowest version a range such as `>= 20`, `>=18.17`, `^18.17.0 || >=20` admits. */
function rangeMinimum(range: string): Version {
  const minima = range.split('||').map(alternative => {
    const found = /(?:>=|\^|~|=)?\s*v?(\d+(?:\.\d+){0,2})/.exec(alternative.trim())
    return parseVersion(found?.[1] ?? '0')
  })
  return minima.sort(compare)[0] ?? [0, 0, 0]
}

const root = process.cwd()
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  engines?: { node?: string }
}
const engines = pkg.engines?.node ?? ''
const minimum = rangeMinimum(engines)

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap(entry =>
    entry.isDirectory()
      ? sources(join(dir, entry.name))
      : entry.name.endsWith('.ts')
        ? [readFileSync(join(dir, entry.name), 'utf8')]
        : []
  )
}
const code = sources(join(root, 'src')).join('\n')

/** Node APIs newer than Node 16 that the code could call, with the release that brought them. */
const NODE_APIS: Array<[RegExp, string]> = [
  [/\bAbortSignal\.any\b/, '20.3.0'],
  [/\bAbortSignal\.timeout\b/, '17.3.0'],
  [/\bstructuredClone\(/, '17.0.0'],
  [/\.findLast(?:Index)?\(/, '18.0.0'],
  [/\bURL\.canParse\b/, '19.9.0'],
  [/\.to(?:Sorted|Reversed|Spliced)\(/, '20.0.0'],
  [/\bimport\.meta\.(?:dirname|filename)\b/, '20.11.0'],
  [/\b(?:Object|Map)\.groupBy\b/, '21.0.0'],
  [/\bPromise\.withResolvers\b/, '22.0.0'],
  [/\bArray\.fromAsync\b/, '22.0.0'],
  [/\bprocess\.getBuiltinModule\b/, '22.3.0'],
  [/\bIterator\.from\b/, '22.0.0']
]

/**
 * Runtime dependencies whose declared engine is stricter than what they need. content-type 3.1
 * (under @octokit/request) declares `>=22` but is plain ES2020: it parses every GitHub answer in
 * this suite, which runs on Node 20.
 */
const DECLARED_TOO_HIGH = new Set(['node_modules/content-type'])

describe('engines.node', () => {
  it('is a plain lower bound of at least 20.3.0 (AbortSignal.any)', () => {
    expect(engines).toMatch(/^>=\s*\d+\.\d+\.\d+$/)
    expect(compare(minimum, [20, 3, 0])).toBeGreaterThanOrEqual(0)
  })

  it('covers every Node API the code calls', () => {
    const used = NODE_APIS.filter(([pattern]) => pattern.test(code))
    expect(used.map(([pattern]) => pattern.source)).toContain(String.raw`\bAbortSignal\.any\b`)
    for (const [pattern, since] of used) {
      expect({ api: pattern.source, covered: compare(minimum, parseVersion(since)) >= 0 }).toEqual({
        api: pattern.source,
        covered: true
      })
    }
  })

  it('covers what the runtime dependencies declare (but the listed, checked exceptions)', () => {
    const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; engines?: { node?: string } | string[] }>
    }
    const declared = Object.entries(lock.packages).filter(
      ([path, entry]) =>
        path !== '' &&
        !entry.dev &&
        !Array.isArray(entry.engines) &&
        typeof entry.engines?.node === 'string'
    )
    expect(declared.length).toBeGreaterThan(0)
    for (const [path, entry] of declared) {
      if (DECLARED_TOO_HIGH.has(path)) continue
      const needs = rangeMinimum((entry.engines as { node: string }).node)
      expect({ path, covered: compare(minimum, needs) >= 0 }).toEqual({ path, covered: true })
    }
  })

  it('is met by the Node running these tests', () => {
    expect(compare(parseVersion(process.versions.node), minimum)).toBeGreaterThanOrEqual(0)
  })
})
