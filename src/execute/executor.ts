/**
 * The one place that writes. It takes the checked plan and makes each step, one at a time, in the
 * plan's order, while the classifications the steps need run ahead of it (max-concurrency at a
 * time). Dry-run is its only branch: the same steps become `would-…` rows and `[dry-run]` lines.
 * A step that fails costs its own Sentry issues (reported, retried next run), never the others.
 */
import type { GitHubIssue } from '../github/client.js'
import type { SentryIssue } from '../sentry/client.js'
import type { Classified, ClassificationStage } from '../classify/stage.js'
import type { CodeContext } from '../code/context.js'
import type { IssueSignals } from '../pipeline/signals.js'
import type { Step } from '../plan/steps.js'
import { failAll, row, type IssueResult } from '../report/results.js'
import { isPermissionDenied } from '../github/errors.js'
import { errorMessage } from '../report/error-message.js'
import { eachLimited } from '../pipeline/concurrency.js'
import { SentrySide, type WriteIO } from './io.js'
import { writeStep } from './write-step.js'
import { previewStep } from './preview.js'

export interface ExecutorDeps {
  io: WriteIO
  dry: boolean
  stage: ClassificationStage
  /** Code context of the issues the plan opens, by lead Sentry id (looked up alongside). */
  code: Promise<Map<string, CodeContext>>
  /** What Sentry knows of the issues the plan opens beyond the listing, by lead Sentry id. */
  signals?: Promise<Map<string, IssueSignals>>
  /** The run's time budget: once spent, no step that needs a classification is started. */
  budget?: { readonly exhausted: boolean }
  maxConcurrency: number
  /** One repository of several (repository-map): a repository the token cannot write waits. */
  oneOfMany?: boolean
  /** After each intake classification: how many are done (the CLI's progress line). */
  onProgress?: (done: number, total: number) => void
}

export interface Executed {
  rows: IssueResult[]
  /** The issues this run opened, for the race check and so that nothing follows them up at once. */
  created: GitHubIssue[]
  /** The steps made (in dry-run: reported), for the summary's floods and refreshes. */
  made: Step[]
  /** The issues opened, by the key of the step that opened them. */
  opened: ReadonlyMap<string, GitHubIssue>
}

/** What a step's writer gets beside the step: its classification and, for a new issue, its code. */
export interface StepInputs {
  classified: Classified | null
  code: CodeContext | null | undefined
  /** Seer's root cause and the names of Sentry's owners (new issues only). */
  signals?: IssueSignals | null
  /** The release a reopen came back in (the latest event knows), or null. */
  release: string | null
  /** A release step's signature-group leads, classified (those that could be). */
  leads?: ReadonlyMap<string, Classified>
  /** An issue an earlier step of this plan opened, by that step's key. */
  planned?: (key: string) => GitHubIssue | undefined
}

export class Executor {
  private readonly side: SentrySide

  constructor(private readonly deps: ExecutorDeps) {
    this.side = new SentrySide(deps.io)
  }

  /** Makes (or, in dry-run, reports) every step; the rows say what happened to each Sentry issue. */
  async execute(steps: Step[]): Promise<Executed> {
    const classified = this.classifyAhead(steps)
    const rows: IssueResult[] = []
    const created: GitHubIssue[] = []
    // The same lines in a real run and in dry-run: the plan, step by step, before it is made.
    for (const step of steps) this.deps.io.log.info(`Plan: ${planLine(step)}`)
    let denied: string | null = null
    const made: Step[] = []
    // Sub-issues and release rows name issues an earlier step opens: handed over by its key.
    const byKey = new Map<string, GitHubIssue>()
    const planned = (key: string) => byKey.get(key)
    for (const step of steps) {
      // Once GitHub refused a write for want of permission, the rest of this repository's steps
      // make no request: every write would be refused.
      if (denied) {
        rows.push(...this.refused(step, denied))
        continue
      }
      const inputs = await this.inputsOf(step, classified)
      if (inputs instanceof Error) {
        rows.push(...failAll(this.deps.io, step.sentry, `classification failed: ${inputs.message}`))
        continue
      }
      inputs.planned = planned
      try {
        if (this.deps.dry) {
          rows.push(...previewStep(this.deps.io, step, inputs))
          made.push(step)
          continue
        }
        const done = await writeStep(this.deps.io, this.side, step, inputs)
        rows.push(...done.rows)
        made.push(step)
        if (done.created) {
          created.push(done.created)
          byKey.set(step.key, done.created)
        }
      } catch (error) {
        if (isPermissionDenied(error)) {
          denied = `not written: the token cannot write to ${step.repo} (${errorMessage(error)})`
          if (this.deps.oneOfMany)
            this.deps.io.log.warning(
              `GitHub refused to let the token write to ${step.repo}: its Sentry issues wait. GITHUB_TOKEN reaches only the workflow's own repository; for others use a GitHub App installation token installed on them. (${errorMessage(error)})`,
              'Repository not writable'
            )
          rows.push(...this.refused(step, denied))
          continue
        }
        rows.push(
          ...failAll(this.deps.io, step.sentry, `${failureContext(step)}${errorMessage(error)}`)
        )
      }
    }
    return { rows, created, made, opened: byKey }
  }

  /**
   * A step not made because GitHub refused an earlier write for want of permission: no request.
   * One repository of many waits (skipped, the others go on); the only one fails the run.
   */
  private refused(step: Step, reason: string): IssueResult[] {
    if (!this.deps.oneOfMany) return failAll(this.deps.io, step.sentry, reason)
    return step.sentry.map(issue =>
      row(issue, this.deps.io.redact, {
        action: 'skipped',
        githubIssue: step.target?.url ?? null,
        reason
      })
    )
  }

  /**
   * The classifications the plan needs, one per Sentry issue named (a group's steps name its lead),
   * started at once, max-concurrency at a time, in plan order: the first steps' answers come first,
   * so writing starts while the rest are classified.
   */
  private classifyAhead(steps: Step[]): Map<string, Promise<Classified | Error>> {
    const { stage, maxConcurrency, budget, onProgress } = this.deps
    const leads = new Map<string, { issue: SentryIssue; intake: boolean }>()
    for (const step of steps)
      for (const issue of [
        ...(step.classify ? [step.classify] : []),
        ...(step.kind === 'release' ? step.leads : [])
      ])
        if (!leads.has(issue.id))
          leads.set(issue.id, {
            issue,
            intake: step.kind === 'create' || step.kind === 'label' || step.kind === 'release'
          })
    const answers = new Map<string, Promise<Classified | Error>>()
    const settle = new Map<string, (answer: Classified | Error) => void>()
    for (const id of leads.keys()) answers.set(id, new Promise(resolve => settle.set(id, resolve)))
    const intake = [...leads.values()].filter(l => l.intake).length
    // The latest events are fetched ahead of the LLM slots (memoised, so never twice): no slot
    // waits on Sentry before it asks the LLM.
    void eachLimited([...leads.values()], maxConcurrency, async ({ issue }) => {
      if (!budget?.exhausted) await stage.event(issue)
    })
    let done = 0
    void eachLimited([...leads.values()], maxConcurrency, async ({ issue, intake: counted }) => {
      if (budget?.exhausted)
        return settle.get(issue.id)!(
          new Error('the time budget was spent before it was classified')
        )
      const answer = await stage
        .classify(issue)
        .catch((error: unknown) => (error instanceof Error ? error : new Error(String(error))))
      if (counted) onProgress?.(++done, intake)
      settle.get(issue.id)!(answer)
    })
    return answers
  }

  private async inputsOf(
    step: Step,
    classified: Map<string, Promise<Classified | Error>>
  ): Promise<StepInputs | Error> {
    const pending = step.classify ? classified.get(step.classify.id) : undefined
    const answer = pending ? await pending : null
    // A reopen happens whether or not its escalation could be classified (that waits a run).
    if (answer instanceof Error && !(step.kind === 'reopen' || step.kind === 'upgrade'))
      return answer
    const ok = answer instanceof Error ? null : answer
    const code =
      step.kind === 'create' && !this.deps.dry
        ? ((await this.deps.code).get(step.sentry[0]!.id) ?? null)
        : undefined
    const release =
      step.kind === 'reopen'
        ? (ok?.event?.release ?? (await this.deps.stage.event(step.sentry[0]!))?.release ?? null)
        : null
    const signals =
      step.kind === 'create' && this.deps.signals
        ? ((await this.deps.signals).get(step.sentry[0]!.id) ?? null)
        : null
    if (step.kind !== 'release') return { classified: ok, code, signals, release }
    // A tracked group whose classification failed falls to the heuristic when its row is written.
    const leads = new Map<string, Classified>()
    for (const lead of step.leads) {
      const answer = await classified.get(lead.id)
      if (answer && !(answer instanceof Error)) leads.set(lead.id, answer)
    }
    return { classified: ok, code, signals, release, leads }
  }
}

function failureContext(step: Step): string {
  return step.target ? `${step.kind} of ${step.target.url} failed: ` : ''
}

/** One step as the log shows it: kind, target, Sentry issues, the rule that chose it, its key. */
export function planLine(step: Step): string {
  const target = step.target ? step.target.url : `${step.repo} (new issue)`
  const sentry = step.sentry.map(i => i.shortId).join(', ')
  return `${step.kind} ${target}${sentry ? ` for ${sentry}` : ''} — ${step.rule} [${step.key}]`
}
