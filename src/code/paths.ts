import type { EventFrame } from '../sentry/event.js'
import { frameForms, type Checkout, type PathForm } from './frame-forms.js'

export { normalisePath, type Checkout } from './frame-forms.js'

/**
 * Library and runtime locations: a frame there is not the application's, whatever Sentry says,
 * and a same-named file in the repository would be the wrong link. (Python's site-packages is not
 * one: an in-app frame there is the app's own installed package, and its root is stripped.)
 */
const NOT_APP =
  /(^|\/)(node_modules|bower_components|vendor\/bundle|\.bundle|gems|\.rvm|\.rbenv|go\/pkg\/mod|\.cargo\/registry|\.m2\/repository|\.nuget)\/|^(node|internal|native|bun):|^<|^\[|(^|\/)webpack\/(bootstrap|runtime)|^\/usr\/(local\/)?(lib|go)\//
const PACKAGE_ROOT = /^.*\/(site|dist)-packages\//

/** Compiled JavaScript whose TypeScript source sits at the same relative path (lines differ). */
const COMPILED = /\.(m|c)?js$/
const SOURCE_EXTENSIONS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts']
}
const BUILD_DIRS = new Set(['dist', 'build', 'out', 'lib'])

/** A Sentry code mapping's path rule: a frame path starting with `stackRoot` is at `sourceRoot` + the rest. */
export interface CodeRoot {
  stackRoot: string
  sourceRoot: string
}

/** Where a frame is in the repository. */
export interface MappedPath {
  path: string
  /** False when only the file is known (a compiled file mapped to its source): link without a line. */
  lineKnown: boolean
}

/** The repository's files by base name, so that one frame costs a lookup, not a scan. */
export class PathIndex {
  private readonly byName = new Map<string, string[]>()
  private readonly all = new Set<string>()

  /**
   * `checkout` names the repository, so that a build machine's checkout root can be recognised;
   * `roots` are Sentry's code mappings (stack root → source root), tried before the suffix match.
   */
  constructor(
    paths: Iterable<string>,
    readonly checkout?: Checkout,
    readonly roots: readonly CodeRoot[] = []
  ) {
    for (const path of paths) {
      this.all.add(path)
      const name = path.slice(path.lastIndexOf('/') + 1)
      const list = this.byName.get(name)
      if (list) list.push(path)
      else this.byName.set(name, [path])
    }
  }

  /** Every path that `suffix` is the whole tail of (`src/a.ts` ends `app/src/a.ts`, not `app/xsrc/a.ts`). */
  endingWith(suffix: string): string[] {
    const name = suffix.slice(suffix.lastIndexOf('/') + 1)
    return (this.byName.get(name) ?? []).filter(p => p === suffix || p.endsWith(`/${suffix}`))
  }

  has(path: string): boolean {
    return this.all.has(path)
  }
}

/**
 * The one path the forms name: undefined when no form matches any file, null when a form matches
 * several (ambiguous) and none matches one, or when two forms name different files.
 */
function choose(forms: PathForm[], index: PathIndex): string | null | undefined {
  const found = new Set<string>()
  let matched = false
  for (const form of forms) {
    const hits = form.exact
      ? index.has(form.path)
        ? [form.path]
        : []
      : index.endingWith(form.path)
    if (hits.length > 0) matched = true
    if (hits.length === 1) found.add(hits[0] as string)
  }
  if (!matched) return undefined
  return found.size === 1 ? ([...found][0] as string) : null
}

/** `app/dist/routes/cart.js` → `app/routes/cart.ts`, `app/src/routes/cart.ts`, …: its sources. */
function sourcesOf(form: PathForm): PathForm[] {
  const ext = /\.(m|c)?js$/.exec(form.path)?.[0] ?? ''
  const segments = form.path.slice(0, -ext.length).split('/')
  const build = segments.findLastIndex(s => BUILD_DIRS.has(s))
  const bases =
    build >= 0
      ? [
          [...segments.slice(0, build), ...segments.slice(build + 1)],
          [...segments.slice(0, build), 'src', ...segments.slice(build + 1)]
        ]
      : [segments]
  // A compiled file's source is a guess from its name: without a directory it proves nothing.
  return bases
    .filter(base => base.length > 1)
    .flatMap(base => (SOURCE_EXTENSIONS[ext] ?? []).map(e => `${base.join('/')}${e}`))
    .map(path => ({ path, exact: form.exact }))
}

/**
 * Sentry's own rule for a code mapping: the most specific stack root that starts the frame's path
 * is replaced by its source root; the result counts only when the repository has that file.
 */
function byCodeMapping(frame: EventFrame, index: PathIndex): string | null {
  const roots = [...index.roots]
    .filter(r => r.stackRoot !== '')
    .sort((a, b) => b.stackRoot.length - a.stackRoot.length)
  for (const raw of [frame.absPath, frame.filename]) {
    if (!raw) continue
    const path = raw.replace(/\\/g, '/')
    const root = roots.find(r => path.startsWith(r.stackRoot))
    if (!root) continue
    const source = root.sourceRoot.replace(/^\.?\//, '').replace(/\/?$/, root.sourceRoot ? '/' : '')
    const candidate = `${source}${path.slice(root.stackRoot.length).replace(/^\//, '')}`
    if (index.has(candidate)) return candidate
  }
  return null
}

function isLibrary(frame: EventFrame): boolean {
  return [frame.absPath, frame.filename].some(
    raw => !!raw && NOT_APP.test(raw.replace(/\\/g, '/').replace(PACKAGE_ROOT, ''))
  )
}

/**
 * The repository path of a frame: a form of its whole path (known prefixes stripped, or its module's
 * path) that is the tail of exactly one repository path. Null for library and runtime frames, for a
 * file the repository does not have (even when a same-named file is elsewhere), and for an
 * ambiguous match.
 */
export function mapFrame(frame: EventFrame, index: PathIndex): MappedPath | null {
  const rooted = byCodeMapping(frame, index)
  if (rooted) return { path: rooted, lineKnown: true }
  if (isLibrary(frame)) return null
  const forms = frameForms(frame, index.checkout)
  const direct = choose(forms, index)
  if (direct !== undefined) return direct === null ? null : { path: direct, lineKnown: true }
  const source = choose(forms.filter(f => COMPILED.test(f.path)).flatMap(sourcesOf), index)
  return source ? { path: source, lineKnown: false } : null
}
