/** One step made: the writer for its kind, with what it needs. Only the executor calls this. */
import type { GitHubIssue } from '../github/client.js'
import type { Step } from '../plan/steps.js'
import type { IssueResult } from '../report/results.js'
import type { SentrySide, WriteIO } from './io.js'
import type { StepInputs } from './executor.js'
import { createIssue } from './create.js'
import { joinShared, labelLinked } from './label.js'
import {
  closeDuplicate,
  closeIssue,
  pointToRegression,
  refreshMarker,
  reopenIssue,
  resolveAfterClose
} from './state.js'
import {
  assignIfRaisedToCritical,
  escalate,
  escalation,
  escalationRow,
  upgrade
} from './relabel.js'
import { labelSpec } from '../track/labels.js'
import { livingPart, refreshSection } from './living.js'
import { writeRelease } from './release.js'
import { attachSubIssue } from './sub-issue.js'

const none = () => undefined

export async function writeStep(
  io: WriteIO,
  side: SentrySide,
  step: Step,
  inputs: StepInputs
): Promise<{ rows: IssueResult[]; created?: GitHubIssue }> {
  const { classified } = inputs
  const need = () => {
    if (!classified) throw new Error('no classification')
    return classified
  }
  switch (step.kind) {
    case 'create':
      return createIssue(io, side, {
        issues: step.sentry,
        classified: need(),
        signature: step.signature ?? null,
        code: inputs.code ?? null,
        signals: inputs.signals ?? null
      })
    case 'label': {
      const c = need()
      return {
        rows: await labelLinked(io, side, step.sentry, step.target, c.classification, c.route.tier)
      }
    }
    case 'join':
      return { rows: await joinShared(io, side, step.sentry, step.target) }
    case 'close':
      if (step.reason === 'duplicate') {
        await closeDuplicate(io, step.target, step.original!, step.key)
        return { rows: [] }
      }
      return { rows: await closeIssue(io, step.target, step.sentry, step.reason, step.key) }
    case 'reopen':
      return { rows: [await reopenWithEscalation(io, side, step, inputs)] }
    case 'regression-issue': {
      const made = await createIssue(io, side, {
        issues: step.sentry,
        classified: need(),
        signature: step.signature ?? null,
        regressionOf: step.target.number
      })
      await pointToRegression(io, step.target, made.created.url, step.key)
      return made
    }
    case 'escalate': {
      const c = need().classification
      const living = step.living ? await livingPart(io, step.living) : undefined
      return { rows: [await escalate(io, side, step.sentry[0]!, step.target, c, step, living)] }
    }
    case 'upgrade': {
      // Only an answer from the LLM itself is worth the write; a failed one is recorded, so the
      // next runs do not ask again every time (a day later they do).
      if (classified?.classification.classifier !== 'llm') {
        await refreshMarker(io, step.target, { upgradeTriedAt: new Date(io.now()).toISOString() })
        return { rows: [] }
      }
      return {
        rows: [await upgrade(io, side, step.sentry[0]!, step.target, classified.classification)]
      }
    }
    case 'resolve':
      return {
        rows: await resolveAfterClose(
          io,
          side,
          step.target,
          step.sentry,
          step.inNextRelease,
          step.key
        )
      }
    case 'refresh':
      await refreshSection(io, step)
      return { rows: [] }
    case 'release':
      return writeRelease(io, step, inputs.leads ?? new Map(), inputs.planned ?? none)
    case 'sub-issue':
      await attachSubIssue(io, step, inputs.planned ?? none)
      return { rows: [] }
  }
}

/** A reopen; a burst that climbed a tier is escalated in the same request, not one run later. */
async function reopenWithEscalation(
  io: WriteIO,
  side: SentrySide,
  step: Extract<Step, { kind: 'reopen' }>,
  inputs: StepInputs
): Promise<IssueResult> {
  const issue = step.sentry[0]!
  const c = inputs.classified?.classification
  const living = step.living ? await livingPart(io, step.living) : undefined
  if (!step.escalate || !c)
    return reopenIssue(io, step.target, issue, inputs.release, step.key, living ? { living } : {})
  const e = escalation(step.target, c, step.escalate)
  if (e.added) await io.github.ensureLabels([labelSpec(e.added)])
  const reopened = await reopenIssue(io, step.target, issue, inputs.release, step.key, {
    marker: e.marker,
    ...(living ? { living } : {}),
    ...(e.raised ? { labels: e.labels } : {})
  })
  await assignIfRaisedToCritical(io, step.target, e)
  await side.noteClassification(issue, { ...c, severity: e.target ?? c.severity }, step.target.url)
  const raised = escalationRow(io, issue, step.target, c, step.escalate, e)
  return { ...raised, action: 'reopened', reason: `${reopened.reason}; ${raised.reason}` }
}
