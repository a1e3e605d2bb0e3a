/**
 * Whether a new issue gets the `fix-candidate` label (SPEC Part 3, "Fix candidates"): its
 * fixability is at least the `fix-candidate` input, and its crash frame's path matches none of
 * `fix-candidate-exclude`. Pure: decided from the classification and the crash frame's path.
 */
import type { Config } from '../config/config.js'
import type { Classification } from '../classify/taxonomy.js'
import { atLeast } from '../classify/fixability.js'

/**
 * A path glob as a regular expression over `/`-separated paths: `**` any directories (none
 * included), `*` any characters but `/`, `?` one. Matched against the whole path.
 */
export function globToRegExp(glob: string): RegExp {
  let out = ''
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i] as string
    if (ch === '*' && glob[i + 1] === '*') {
      const slash = glob[i + 2] === '/'
      // `**/` is zero or more whole directories; a trailing `**` is anything below.
      out += slash ? '(?:[^/]*/)*' : '.*'
      i += slash ? 2 : 1
    } else if (ch === '*') out += '[^/]*'
    else if (ch === '?') out += '[^/]'
    else out += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&')
  }
  return new RegExp(`^${out}$`)
}

/** Whether the path matches one of the globs (a leading `/` or `./` of the path does not count). */
export function matchesGlob(path: string, globs: readonly string[]): string | null {
  const clean = path.replace(/^(\.\/|\/)+/, '')
  return globs.find(g => globToRegExp(g.replace(/^(\.\/|\/)+/, '')).test(clean)) ?? null
}

export interface FixCandidateDecision {
  label: boolean
  /** Why, in words: shown in the log and the body. */
  reason: string
}

/** The decision for one new issue. `crashPath` is the crash frame's repository path, or its file name. */
export function decideFixCandidate(
  c: Pick<Classification, 'fixability'>,
  crashPath: string | null,
  config: Pick<Config, 'fixCandidate' | 'fixCandidateExclude'>
): FixCandidateDecision {
  const threshold = config.fixCandidate
  if (threshold === 'off') return { label: false, reason: 'fix-candidate is off' }
  if (!c.fixability) return { label: false, reason: 'no fixability known' }
  if (!atLeast(c.fixability, threshold))
    return { label: false, reason: `fixability ${c.fixability} is below ${threshold}` }
  const excluded = crashPath ? matchesGlob(crashPath, config.fixCandidateExclude) : null
  if (excluded)
    return {
      label: false,
      reason: `the crash frame ${crashPath} matches fix-candidate-exclude ${excluded}`
    }
  return { label: true, reason: `fixability ${c.fixability} is at least ${threshold}` }
}
