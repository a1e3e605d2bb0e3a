/**
 * The rules a plan must pass before anything is written. A step that breaks one is dropped and
 * reported, never made. The decisions should never produce such a step: these checks are where the
 * promises are enforced once for every path (schedule, dispatch, webhook), not trusted to each.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { Config } from '../config/config.js'
import type { Step } from '../plan/steps.js'

export interface Dropped {
  step: Step
  /** The rule it broke, in words. */
  rule: string
}

export interface CheckedPlan {
  steps: Step[]
  dropped: Dropped[]
}

type ScopeConfig = Pick<Config, 'sentryProjects' | 'sentryQuery' | 'createIssues'>

export interface CheckContext {
  config: ScopeConfig
}

export function checkPlan(steps: Step[], context: CheckContext): CheckedPlan {
  const kept: Step[] = []
  const dropped: Dropped[] = []
  const targets = new Set<string>()
  const keys = new Set<string>()
  for (const step of steps) {
    const broken =
      scopeProblem(step.sentry, context) ??
      (!context.config.createIssues && (step.kind === 'create' || step.kind === 'regression-issue')
        ? 'create-issues is false: nothing is opened'
        : null) ??
      trustProblem(step) ??
      onceProblem(step, targets, keys)
    if (broken) dropped.push({ step, rule: broken })
    else kept.push(step)
  }
  return { steps: kept, dropped }
}

/** Scope: every Sentry issue a step touches is inside sentry-projects, environment and sentry-query. */
export function scopeProblem(issues: SentryIssue[], context: CheckContext): string | null {
  for (const issue of issues) {
    const why = outOfScope(issue, context)
    if (why) return `scope: ${issue.shortId} ${why}`
  }
  return null
}

/** Why a Sentry issue is outside the run's scope, or null when it is inside. */
export function outOfScope(issue: SentryIssue, context: CheckContext): string | null {
  const { sentryProjects, sentryQuery } = context.config
  const projects = sentryProjects.map(p => p.toLowerCase())
  if (projects.length > 0 && !projects.includes(issue.project.slug.toLowerCase()))
    return `is in project '${issue.project.slug}', not in sentry-projects (${sentryProjects.join(', ')})`
  const level = queryTerm(sentryQuery, 'level')
  if (level && issue.level && !level.includes(issue.level.toLowerCase()))
    return `has level '${issue.level}', outside sentry-query (${sentryQuery})`
  return null
}

/** The values of a `key:value` (or `key:[a,b]`) term of a Sentry query, lower-cased; null if absent. */
function queryTerm(query: string, key: string): string[] | null {
  const match = new RegExp(`(?:^|\\s)${key}:(\\[[^\\]]*\\]|\\S+)`, 'i').exec(query)
  if (!match) return null
  return match[1]!
    .replace(/^\[|\]$/g, '')
    .split(',')
    .map(v => v.trim().toLowerCase())
    .filter(Boolean)
}

/** Trusted markers: a step that follows an issue up acts only where the action's marker is believed. */
function trustProblem(step: Step): string | null {
  if (step.kind === 'label' || step.kind === 'create' || step.kind === 'join') return null
  if (step.kind === 'close' && step.reason === 'duplicate') return null
  // A sub-issue is attached only under a release issue the action's believed marker says is one.
  if (step.kind === 'sub-issue' && step.parent && !step.parent.marker?.release)
    return `trusted markers: #${step.parent.number} carries no believed release marker`
  if (!step.target) return null
  if (step.kind === 'release' && !step.target.marker?.release)
    return `trusted markers: #${step.target.number} carries no believed release marker`
  return step.target.marker
    ? null
    : `trusted markers: #${step.target.number} carries no believed marker`
}

/** Once: at most one step per GitHub issue per run, and no key twice. */
function onceProblem(step: Step, targets: Set<string>, keys: Set<string>): string | null {
  if (keys.has(step.key)) return `once: step ${step.key} is already in the plan`
  keys.add(step.key)
  if (!step.target) return null
  const target = `${step.repo}#${step.target.number}`
  if (targets.has(target)) return `once: ${target} already has a step in this run`
  targets.add(target)
  return null
}
