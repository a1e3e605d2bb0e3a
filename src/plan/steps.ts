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
  /**
   * All the tracked issue's Sentry issues, when a step that rewrites the section anyway (escalate,
   * reopen) also brings its impact block up to date (`refresh`): no refresh follows a run later.
   */
  living?: SentryIssue[]
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
  /**
   * Only the action's section is rewritten: a body edit that notifies nobody. The marker always;
   * with `impact`, the section's impact block too (the living issue, plan/living.ts).
   */
  | (Base & {
      kind: 'refresh'
      target: GitHubIssue
      state?: 'open'
      ids?: string[]
      impact?: { moved: number; why: string }
    })
  | (Base & { kind: 'resolve'; target: GitHubIssue; inNextRelease: boolean })
  /**
   * A flood's release issue (plan/floods.ts): opened (target null) or brought up to date. `sentry`
   * holds every Sentry issue the step touches; `track` the new ones it starts tracking, `own` those
   * with an issue of their own opened earlier in the plan (by the create step whose key is given),
   * `current` the tracked ones as Sentry has them now.
   */
  | (Base & {
      kind: 'release'
      target: GitHubIssue | null
      version: string
      track: SentryIssue[]
      own: Array<{ issue: SentryIssue; createKey: string }>
      current: SentryIssue[]
      /** One Sentry issue a signature group among `track`, classified once for the whole group. */
      leads: SentryIssue[]
      /** Every Sentry issue of the release is resolved: the release issue closes. */
      close?: boolean
    })
  /**
   * A child attached to its release issue (GitHub's sub-issues API; a task list in the parent's
   * section where it answers 404). Either side may be opened earlier in the same plan: then its
   * step's key names it and the executor hands the issue over once it exists.
   */
  | (Base & {
      kind: 'sub-issue'
      /** The child, when it exists before the run. */
      target: GitHubIssue | null
      childKey?: string
      parent: GitHubIssue | null
      parentKey?: string
    })

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
