/**
 * A plan step: one write the run has decided to make, as data. Decisions (plan/intake.ts,
 * plan/followup.ts, plan/race.ts) return steps; the checks (check/rules.ts) drop the ones that break
 * a rule; the executor (execute/executor.ts) makes them, or in dry-run reports them. A step names its
 * target, the rule that chose it and a key that is the same in every run that would decide it, so
 * that a write whose answer was lost is found again instead of made twice.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { Tier } from '../classify/routing.js'

interface Base {
  /** `owner/repo` the step writes to. */
  repo: string
  /** The Sentry issues the step is about (the lead first). */
  sentry: SentryIssue[]
  /** Why: the rule that chose the step, in words (shown in dry-run and the log). */
  rule: string
  /** The idempotency key, stable across runs for the same decision. */
  key: string
  /** The Sentry issue whose classification the step needs, when it needs one (it is asked once). */
  classify?: SentryIssue
  /** The signature the group shares, when grouped. */
  signature?: string | null
}

export type Step =
  /** Open a GitHub issue for unlinked Sentry issues (one group of a signature). */
  | (Base & { kind: 'create'; target: null })
  /** Add the triage labels a linked issue lacks. */
  | (Base & { kind: 'label'; target: GitHubIssue })
  /** Add Sentry issues of a known signature to the open issue that tracks it. */
  | (Base & { kind: 'join'; target: GitHubIssue })
  | (Base & {
      kind: 'close'
      target: GitHubIssue
      reason: 'completed' | 'not_planned' | 'duplicate'
      /** For a duplicate a racing run opened: the issue that stays. */
      original?: GitHubIssue
    })
  | (Base & { kind: 'reopen'; target: GitHubIssue; escalate?: { from: Tier; to: Tier } })
  /** `on-regression: new`: a new issue that links the closed one. */
  | (Base & { kind: 'regression-issue'; target: GitHubIssue })
  | (Base & { kind: 'escalate'; target: GitHubIssue; from: Tier; to: Tier })
  | (Base & { kind: 'upgrade'; target: GitHubIssue })
  /** Only the action's section (its marker) is rewritten: a body edit that notifies nobody. */
  | (Base & { kind: 'refresh'; target: GitHubIssue; state?: 'open'; ids?: string[] })
  | (Base & { kind: 'resolve'; target: GitHubIssue; inNextRelease: boolean })

export type StepKind = Step['kind']

/** A key from its parts: kind, target and what makes the decision unique. */
export function stepKey(
  kind: StepKind,
  ...parts: Array<string | number | null | undefined>
): string {
  return [kind, ...parts.filter(p => p !== null && p !== undefined && p !== '')].join(':')
}

/** The ids of a step's Sentry issues, sorted: a key part that does not depend on order. */
export function idsPart(issues: SentryIssue[]): string {
  return issues
    .map(i => i.id)
    .sort()
    .join(',')
}
