/**
 * CODEOWNERS as GitHub reads it (GH-DOCS `about-code-owners`, API-NOTES F6): gitignore-style
 * patterns, the last matching line wins, owners are `@user`, `@org/team` or an e-mail.
 *
 * Hand-written rather than the `ignore` package (API-NOTES F7): `ignore` answers "is this path
 * ignored by the file as a whole", with `!` negation and `[ ]` ranges, while CODEOWNERS needs "which
 * line matched last" and has neither; one pattern → one RegExp is about forty lines, no dependency.
 */

/** The places GitHub looks, in its order: the first file found is the only one used. */
export const CODEOWNERS_PATHS = ['.github/CODEOWNERS', 'CODEOWNERS', 'docs/CODEOWNERS'] as const

export interface Owners {
  users: string[]
  teams: string[]
  emails: string[]
}

export interface CodeOwnersRule {
  pattern: string
  line: number
  owners: Owners
  matches(path: string): boolean
}

export interface CodeOwnersFile {
  rules: CodeOwnersRule[]
  /** Lines GitHub would reject too (`!` negation, `[ ]` ranges, unknown owner forms), by line number. */
  problems: string[]
}

const USER = /^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$/
const TEAM = /^@([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))\/([A-Za-z0-9._-]{1,100})$/
const EMAIL = /^[^\s@<>()[\]\\,;:"`]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$/

/** One pattern as a RegExp over a repository path (no leading slash). */
export function patternToRegExp(pattern: string): RegExp {
  let p = pattern
  const directoryOnly = p.endsWith('/')
  if (directoryOnly) p = p.replace(/\/+$/, '')
  // A slash at the start or in the middle anchors the pattern at the root; otherwise any depth.
  const anchored = p.includes('/')
  p = p.replace(/^\/+/, '')
  let source = ''
  const segments = p.split('/')
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1
    if (segment === '**') {
      // `**/x` any depth, `x/**` everything inside, `a/**/b` zero or more directories between.
      source += last ? '.*' : '(?:.*/)?'
      return
    }
    source += segment.replace(/\\(.)|\*+|\?|[.+^${}()|[\]\\]/g, (m, escaped?: string) => {
      if (escaped !== undefined) return escapeRegExp(escaped)
      if (m === '?') return '[^/]'
      if (m.startsWith('*')) return '[^/]*'
      return `\\${m}`
    })
    if (!last) source += '/'
  })
  const lastSegment = segments.at(-1) ?? ''
  // A match names a file or a directory, and a directory owns what is inside it; GitHub's own
  // example makes `docs/*` own only the files directly in docs/, so a trailing wildcard does not.
  const inside = directoryOnly ? '/.*' : lastSegment.includes('*') ? '' : '(?:/.*)?'
  return new RegExp(`^${anchored ? '' : '(?:.*/)?'}${source}${inside}$`)
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
}

/** Splits a line into words, honouring `\ ` and `\#` escapes, and drops a trailing comment. */
function words(line: string): string[] {
  const out: string[] = []
  let current = ''
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string
    if (c === '\\' && i + 1 < line.length) {
      current += c + (line[i + 1] as string)
      i++
    } else if (c === '#' && current === '') break
    else if (/\s/.test(c)) {
      if (current) out.push(current)
      current = ''
    } else current += c
  }
  if (current) out.push(current)
  return out
}

export function parseCodeOwners(content: string): CodeOwnersFile {
  const rules: CodeOwnersRule[] = []
  const problems: string[] = []
  content.split(/\r?\n/).forEach((text, index) => {
    const line = index + 1
    const [pattern, ...names] = words(text)
    if (!pattern) return
    // GitHub documents that `\#` does not escape a leading `#`: whether it then reads the line as a
    // comment or as a pattern no path matches, the line owns nothing, so it is skipped.
    if (pattern.startsWith('\\#')) {
      problems.push(
        `line ${line}: '${pattern}' escapes # with \\, which CODEOWNERS does not support; the line is skipped`
      )
      return
    }
    if (pattern.startsWith('!') || /(^|[^\\])\[/.test(pattern)) {
      problems.push(
        `line ${line}: '${pattern}' uses ${pattern.startsWith('!') ? '!' : '[ ]'}, which CODEOWNERS does not support`
      )
      return
    }
    const owners: Owners = { users: [], teams: [], emails: [] }
    const invalid: string[] = []
    for (const name of names) {
      if (TEAM.test(name)) owners.teams.push(name.slice(1))
      else if (USER.test(name)) owners.users.push(name.slice(1))
      else if (EMAIL.test(name)) owners.emails.push(name)
      else invalid.push(name)
    }
    // A line naming owners none of which is valid is an error GitHub skips; it must not unset the
    // owners an earlier line gave (only a line with no owners at all does that).
    const skipped = invalid.length > 0 && invalid.length === names.length
    for (const name of invalid) {
      problems.push(
        `line ${line}: '${name}' is not @user, @org/team or an e-mail${skipped ? '; the line is skipped, as GitHub skips it' : ''}`
      )
    }
    if (skipped) return
    const re = patternToRegExp(pattern)
    rules.push({ pattern, line, owners, matches: path => re.test(path.replace(/^\/+/, '')) })
  })
  return { rules, problems }
}

/**
 * The owners of a path: the last matching rule's (possibly none: a line without owners unsets them;
 * a line whose owners are all invalid is not a rule, so it unsets nothing).
 */
export function ownersOf(
  file: CodeOwnersFile,
  path: string
): { owners: Owners; rule: CodeOwnersRule } | null {
  for (let i = file.rules.length - 1; i >= 0; i--) {
    const rule = file.rules[i] as CodeOwnersRule
    if (rule.matches(path)) return { owners: rule.owners, rule }
  }
  return null
}
