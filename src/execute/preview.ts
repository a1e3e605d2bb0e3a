/**
 * Dry-run: what each step would write, as `would-…` rows and `[dry-run] Would …` lines. The steps
 * are the ones a real run over the same state makes; only this function stands in for the writers.
 */
import type { Step } from '../plan/steps.js'
import { categoryLabel, severityLabel } from '../classify/taxonomy.js'
import { labelledTriage } from '../track/labels.js'
import { classifiedRow, row, type IssueResult } from '../report/results.js'
import type { WriteIO } from './io.js'
import type { StepInputs } from './executor.js'
import { missingLabels } from './label.js'
import { escalation, escalationRow, upgrading, upgradeRow } from './relabel.js'
import { renderTitle } from '../render/issue-body.js'
import { renderReleaseTitle } from '../render/release.js'
import { RELEASE_LABEL, triageOfTracked } from './release.js'

export function previewStep(io: WriteIO, step: Step, inputs: StepInputs): IssueResult[] {
  const { redact, log, config } = io
  const c = inputs.classified?.classification ?? null
  const tier = inputs.classified?.route.tier
  const say = (what: string) => log.info(`[dry-run] Would ${what} (${step.rule})`)
  switch (step.kind) {
    case 'create':
    case 'regression-issue': {
      if (!c) return []
      const labels = [categoryLabel(c.category), severityLabel(c.severity), ...config.labels]
      say(`create "${renderTitle(step.sentry[0]!, redact)}" with labels ${labels.join(', ')}`)
      const regression = step.kind === 'regression-issue'
      return step.sentry.map(issue =>
        classifiedRow(issue, redact, c, {
          action: regression ? 'would-reopen' : 'would-create',
          ...(tier ? { tier } : {}),
          plannedIssue: step.sentry[0]!.id,
          ...(regression ? { reason: `regression of #${step.target.number}` } : {})
        })
      )
    }
    case 'label': {
      if (!c) return []
      say(
        `label ${step.target.url}: ${missingLabels(step.target, c).join(', ') || 'nothing missing'}`
      )
      return step.sentry.map(issue =>
        classifiedRow(issue, redact, c, {
          action: 'would-label',
          githubIssue: step.target.url,
          ...(tier ? { tier } : {})
        })
      )
    }
    case 'join': {
      const labelled = labelledTriage(step.target.labels)
      say(`add ${step.sentry.map(i => i.shortId).join(', ')} to ${step.target.url}`)
      return step.sentry.map(issue =>
        row(issue, redact, {
          action: 'would-label',
          category: labelled.category ?? null,
          severity: labelled.severity ?? null,
          githubIssue: step.target.url,
          reason: `same signature as ${step.target.url}`
        })
      )
    }
    case 'close': {
      if (step.reason === 'duplicate') return []
      const how = step.reason === 'completed' ? 'resolved' : 'archived'
      say(`close ${step.target.url}`)
      return step.sentry.map(issue =>
        row(issue, redact, {
          action: 'would-close',
          githubIssue: step.target.url,
          reason: `${how} in Sentry; closed as ${step.reason.replace('_', ' ')}`
        })
      )
    }
    case 'reopen': {
      const issue = step.sentry[0]!
      say(`reopen ${step.target.url}`)
      const base = row(issue, redact, {
        action: 'would-reopen',
        githubIssue: step.target.url,
        reason: `${issue.substatus === 'escalating' ? 'escalated out of its archive' : 'regressed'} in Sentry after #${step.target.number} was closed`
      })
      if (!step.escalate || !c) return [base]
      const e = escalation(step.target, c, step.escalate)
      const raised = escalationRow(io, issue, step.target, c, step.escalate, e, 'would-escalate')
      return [{ ...raised, action: 'would-reopen', reason: `${base.reason}; ${raised.reason}` }]
    }
    case 'escalate': {
      if (!c) return []
      const e = escalation(step.target, c, step)
      say(`re-label ${step.target.url}: ${e.reason}`)
      return [escalationRow(io, step.sentry[0]!, step.target, c, step, e, 'would-escalate')]
    }
    case 'upgrade': {
      if (c?.classifier !== 'llm') return []
      say(`upgrade ${step.target.url} to ${c.severity} ${c.category} (LLM)`)
      return [
        upgradeRow(io, step.sentry[0]!, step.target, c, upgrading(step.target, c), 'would-upgrade')
      ]
    }
    case 'resolve':
      say(`resolve ${step.sentry.map(i => i.shortId).join(', ')} in Sentry`)
      return step.sentry.map(issue =>
        row(issue, redact, {
          action: 'skipped',
          githubIssue: step.target.url,
          reason: 'closed as completed on GitHub; would resolve in Sentry'
        })
      )
    case 'refresh':
      say(
        step.impact
          ? `refresh the impact of ${step.target.url}: ${step.impact.why}`
          : `rewrite the marker of ${step.target.url}`
      )
      return []
    case 'release': {
      const triage = triageOfTracked(step, inputs.leads ?? new Map())
      const where = step.target ? `release issue ${step.target.url}` : 'a new release issue'
      say(
        step.target
          ? `update ${where}: ${step.track.length} new, ${step.current.length} moved, ${step.own.length} promoted${step.close ? '; close it' : ''}`
          : `open "${renderReleaseTitle(step.version, step.track.length + step.own.length, redact)}" with labels ${[...new Set([...config.labels, RELEASE_LABEL])].join(', ')}`
      )
      return step.track.map(issue => {
        const t = triage.get(issue.id)
        return classifiedRow(issue, redact, t?.classification ?? null, {
          action: 'skipped',
          githubIssue: step.target?.url ?? null,
          reason: `would be tracked by ${where} for ${redact(step.version)}`
        })
      })
    }
    case 'sub-issue':
      say(`attach the new issue for ${step.sentry[0]!.shortId} as a sub-issue of the release issue`)
      return []
  }
}
