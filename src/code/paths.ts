import type { EventFrame } from '../sentry/event.js'

/**
 * Library and runtime locations: a frame there is not the application's, whatever Sentry says,
 * and a same-named file in the repository would be the wrong link.
 */
const NOT_APP =
  /(^|\/)(node_modules|site-packages|dist-packages|bower_components|vendor\/bundle|\.bundle|gems|\.rvm|\.rbenv|go\/pkg\/mod|\.cargo\/registry|\.m2\/repository|\.nuget)\/|^(node|internal|native|bun):|^<|^\[|(^|\/)webpack\/(bootstrap|runtime)|^\/usr\/(local\/)?(lib|go)\//

/** Compiled JavaScript whose TypeScript source sits at the same relative path (lines differ). */
const COMPILED = /\.(m|c)?js$/
const SOURCE_EXTENSIONS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts']
}
const BUILD_DIRS = new Set(['dist', 'build', 'out', 'lib'])

/** Where a frame is in the repository. */
export interface MappedPath {
  path: string
  /** False when only the file is known (a compiled file mapped to its source): link without a line. */
  lineKnown: boolean
}

/** The repository's files by base name, so that one frame costs a lookup, not a scan. */
export class PathIndex {
  private readonly byName = new Map<string, string[]>()

  constructor(paths: Iterable<string>) {
    for (const path of paths) {
      const name = path.slice(path.lastIndexOf('/') + 1)
      const list = this.byName.get(name)
      if (list) list.push(path)
      else this.byName.set(name, [path])
    }
  }

  /**
   * The one path sharing the most trailing segments with `candidate` (at least the file name), or
   * null when none does or two tie: an ambiguous match links nothing rather than the wrong file.
   */
  match(candidate: string): string | null {
    const wanted = candidate.split('/').filter(Boolean)
    const name = wanted.at(-1)
    if (!name) return null
    let best: string | null = null
    let bestScore = 0
    let tie = false
    for (const path of this.byName.get(name) ?? []) {
      const score = commonSuffix(path.split('/'), wanted)
      if (score > bestScore) {
        best = path
        bestScore = score
        tie = false
      } else if (score === bestScore) tie = true
    }
    return tie ? null : best
  }
}

function commonSuffix(a: string[], b: string[]): number {
  let n = 0
  while (n < a.length && n < b.length && a[a.length - 1 - n] === b[b.length - 1 - n]) n++
  return n
}

/**
 * A frame path as a plain relative path: no scheme or host (`webpack://app/`, `app:///`,
 * `https://host/`), no drive letter or backslashes (.NET build machines), no `./` segments, no query.
 */
export function normalisePath(raw: string): string {
  let path = raw.trim().replace(/\\/g, '/')
  path = path.replace(/[?#].*$/, '')
  path = path.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '') // scheme and authority (host or webpack project)
  path = path.replace(/^[A-Za-z]:\//, '/')
  return path
    .split('/')
    .filter(segment => segment !== '' && segment !== '.' && segment !== '~')
    .join('/')
}

/** Java, Kotlin, Scala, Groovy: the file sits in its package's directory (`io/sentry/example/`). */
const JVM_SOURCE = /\.(java|kt|kts|scala|groovy)$/

function jvmPath(frame: EventFrame): string | null {
  const file = frame.filename
  if (!file || file.includes('/') || !JVM_SOURCE.test(file) || !frame.module) return null
  const segments = frame.module.replace(/\$.*$/, '').split('.')
  if (segments.length < 2) return null
  return [...segments.slice(0, -1), file].join('/')
}

/** The paths a frame names, most specific first. */
function candidates(frame: EventFrame): string[] {
  const raw = [jvmPath(frame), frame.absPath, frame.filename].filter(
    (p): p is string => typeof p === 'string' && p !== ''
  )
  // One library location is enough: `puma/server.rb` next to a gems path is the gem's, not the app's.
  if (raw.some(path => NOT_APP.test(path.replace(/\\/g, '/')))) return []
  const out: string[] = []
  for (const path of raw) {
    const normal = normalisePath(path)
    if (normal && !out.includes(normal)) out.push(normal)
  }
  return out
}

/** `app/dist/routes/cart.js` → `app/routes/cart.ts`, `…tsx`: the source of a compiled file. */
function sourcesOf(path: string): string[] {
  const ext = /\.(m|c)?js$/.exec(path)?.[0] ?? ''
  const segments = path.slice(0, -ext.length).split('/')
  const build = segments.findLastIndex(s => BUILD_DIRS.has(s))
  const rest = build >= 0 ? [...segments.slice(0, build), ...segments.slice(build + 1)] : segments
  return (SOURCE_EXTENSIONS[ext] ?? []).map(e => `${rest.join('/')}${e}`)
}

/**
 * The repository path of a frame by the longest unique path-suffix match; null for library and
 * runtime frames, for a file the repository does not have, and for an ambiguous match.
 */
export function mapFrame(frame: EventFrame, index: PathIndex): MappedPath | null {
  const all = candidates(frame)
  if (all.length === 0) return null
  // Every named path is tried; the one agreeing on the most segments wins.
  let found: { path: string; score: number } | null = null
  for (const candidate of all) {
    const path = index.match(candidate)
    if (!path) continue
    const score = commonSuffix(path.split('/'), candidate.split('/'))
    if (!found || score > found.score) found = { path, score }
  }
  if (found) return { path: found.path, lineKnown: true }
  for (const candidate of all.filter(c => COMPILED.test(c))) {
    for (const source of sourcesOf(candidate)) {
      const path = index.match(source)
      if (path) return { path, lineKnown: false }
    }
  }
  return null
}
