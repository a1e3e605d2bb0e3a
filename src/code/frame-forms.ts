import type { EventFrame } from '../sentry/event.js'

/**
 * The repository paths a stack frame can stand for (SPEC Part 3, "Code context links only what the
 * frame names"). Each form is the frame's whole path with one known prefix stripped: the frame maps
 * to a repository path only when a form is a suffix of it (or, after a checkout root, equal to it).
 * Never a bare file name taken from a frame that says more: that is how a same-named file elsewhere
 * got linked (issue #13).
 */
export interface PathForm {
  path: string
  /** After the build machine's checkout root: the rest is the repository path itself, not a tail. */
  exact: boolean
}

/** The repository whose checkout the build machine's paths may name. */
export interface Checkout {
  owner: string
  repo: string
}

/** Directories the app is deployed or built into; the rest may be a subdirectory's (monorepo). */
const DEPLOY_ROOTS = [['app'], ['usr', 'src', 'app'], ['code'], ['srv'], ['var', 'task']]
/** Python installs packages here; an in-app frame there is the app's own package. */
const PACKAGE_ROOTS = new Set(['site-packages', 'dist-packages'])
/** Azure Pipelines checks out into `…/_work/<n>/s/` (self-hosted) and `D:\a\<n>\s\` (hosted). */
const AGENT_WORK = new Set(['_work', 'work', 'a'])

const JVM_SOURCE = /\.(java|kt|kts|scala|groovy)$/
const DOTNET_SOURCE = /\.(cs|fs|vb)$/
/** A module naming a class: `io.sentry.samples.android.MainActivity$onCreate$1`. */
const CLASS_MODULE = /^[A-Za-z_]\w*(\.[A-Za-z_]\w*)+$/

interface ParsedPath {
  segments: string[]
  /** A file-system path of the machine that ran the code (not relative to a project or URL). */
  absolute: boolean
}

/**
 * A frame path as segments: no scheme or host (`webpack://app/`, `app:///`, `https://host/`), no
 * drive letter or backslashes (.NET build machines), no `.` or empty segments, no query.
 */
function parsePath(raw: string): ParsedPath {
  let path = raw
    .trim()
    .replace(/\\/g, '/')
    .replace(/[?#].*$/, '')
  let absolute = false
  const url = /^[a-z][a-z0-9+.-]*:\/\/[^/]*\/?/i.exec(path)
  if (url) {
    // `webpack:////usr/src/app/x.js` keeps a file-system path after the project root.
    path = path.slice(url[0].length)
    absolute = path.startsWith('/')
  } else if (/^([A-Za-z]:)?\/|^~(\/|$)/.test(path)) {
    absolute = true
    path = path.replace(/^[A-Za-z]:/, '').replace(/^~/, '')
  }
  return { segments: path.split('/').filter(s => s !== '' && s !== '.'), absolute }
}

/** A frame path as a plain relative path (the normalisation alone, no prefix stripped). */
export function normalisePath(raw: string): string {
  return parsePath(raw).segments.join('/')
}

const same = (a: string | undefined, b: string) => a?.toLowerCase() === b.toLowerCase()

function startsWith(segments: string[], prefix: string[]): boolean {
  return prefix.every((p, i) => segments[i] === p) && segments.length > prefix.length
}

/** The whole path, and the path after each known prefix it starts with. */
function formsOfPath(raw: string, checkout: Checkout | undefined): PathForm[] {
  const { segments, absolute } = parsePath(raw)
  if (segments.length === 0) return []
  const out: PathForm[] = [{ path: segments.join('/'), exact: false }]
  const from = (i: number, exact: boolean) => {
    if (i < segments.length) out.push({ path: segments.slice(i).join('/'), exact })
  }
  const packages = segments.findLastIndex(s => PACKAGE_ROOTS.has(s))
  if (packages >= 0) from(packages + 1, false)
  if (absolute) {
    for (const root of DEPLOY_ROOTS) if (startsWith(segments, root)) from(root.length, false)
    if (segments[0] === 'home' || segments[0] === 'Users') from(2, false)
    segments.forEach((s, i) => {
      // The checkout root: a directory named after the repository (`/home/runner/work/shop/shop/`).
      if (checkout && same(s, checkout.repo)) from(i + 1, true)
      if (AGENT_WORK.has(s) && /^\d+$/.test(segments[i + 1] ?? '') && segments[i + 2] === 's')
        from(i + 3, true)
    })
  } else if (checkout) {
    // An import path naming the repository (`github.com/acme/shop/internal/db/orders.go`).
    segments.forEach((s, i) => {
      if (same(s, checkout.owner) && same(segments[i + 1], checkout.repo)) from(i + 2, true)
    })
  }
  return out
}

function baseName(frame: EventFrame): string | null {
  const raw = frame.filename ?? frame.absPath
  return raw ? (parsePath(raw).segments.at(-1) ?? null) : null
}

/**
 * Paths a frame's module gives: a JVM class sits in its package's directory, a .NET type in its
 * namespace's, a Go file in its import path's. Empty when the module names no directory.
 */
function modulePaths(frame: EventFrame): string[] {
  const module = frame.module
  if (!module) return []
  const file = baseName(frame)
  if (file && /\.go$/.test(file)) return module.includes('/') ? [`${module}/${file}`] : []
  // Nested and generated classes: `Outer$Inner`, `Outer$lambda$1` (JVM), `Outer+<Run>d__3`, `Repo`1` (.NET).
  const parts = module.replace(/[$+`].*$/, '').split('.')
  if (!CLASS_MODULE.test(parts.join('.'))) return []
  const dir = parts.slice(0, -1).join('/')
  if (file && (JVM_SOURCE.test(file) || DOTNET_SOURCE.test(file))) return [`${dir}/${file}`]
  if (file) return []
  // No file name at all (a JVM frame without debug info): the class's own file.
  return ['java', 'kt', 'cs'].map(ext => `${dir}/${parts.at(-1)}.${ext}`)
}

/**
 * Every form the frame names. A source whose whole path is a bare file name is dropped when
 * another source or the module names a directory: the name alone would match a file anywhere.
 */
export function frameForms(frame: EventFrame, checkout?: Checkout): PathForm[] {
  const sources = [frame.absPath, frame.filename]
    .filter((p): p is string => typeof p === 'string' && p !== '')
    .map(raw => formsOfPath(raw, checkout))
    .filter(forms => forms.length > 0)
  const fromModule = modulePaths(frame).map(path => formsOfPath(path, checkout))
  const all = [...fromModule, ...sources]
  const named = all.some(forms => forms[0]?.path.includes('/'))
  const out: PathForm[] = []
  for (const forms of all) {
    if (named && !forms[0]?.path.includes('/')) continue
    for (const form of forms)
      if (!out.some(f => f.path === form.path && f.exact === form.exact)) out.push(form)
  }
  return out
}
