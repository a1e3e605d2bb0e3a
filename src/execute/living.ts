/**
 * The living issue, written: the impact block of the action's section re-rendered from the
 * listing's numbers and `stats` (plan/living.ts decides when), the marker recording what it now
 * shows. A body edit inside the section, which notifies nobody; never a comment.
 */
import type { Step } from '../plan/steps.js'
import type { SentryIssue } from '../sentry/client.js'
import type { Marker, Shown } from '../track/marker.js'
import { rewriteSection } from '../track/marker.js'
import { impactOf, renderImpact, replaceImpact } from '../render/impact.js'
import { errorMessage } from '../report/error-message.js'
import type { WriteIO } from './io.js'

export type RefreshStep = Extract<Step, { kind: 'refresh' }>

/**
 * Rewrites the marker (and with `impact` the impact block). The first and latest release come from
 * the issue detail, one read for an issue being written; when it cannot be read, the block says so.
 */
export async function refreshSection(io: WriteIO, step: RefreshStep): Promise<void> {
  const gh = step.target
  const marker: Marker = { ...gh.marker!, ...(step.state ? { state: step.state } : {}) }
  if (step.state === 'open') delete marker.resolvedFor
  let content: ((old: string) => string) | undefined
  if (step.impact) {
    const living = await livingPart(io, step.sentry)
    marker.shown = living.shown
    content = living.content
  }
  const body = rewriteSection(gh.body, marker, content)
  await io.github.updateIssue(gh.number, { body })
  gh.body = body
  gh.marker = marker
  if (step.impact) io.log.info(`Refreshed the impact of ${gh.url}: ${step.impact.why}`)
}

/** The impact part of a section rewrite: what the marker records and the new block. */
export interface Living {
  shown: Shown
  content: (old: string) => string
}

/**
 * The impact block for a write that rewrites the section anyway (escalation, reopen): the same
 * request brings the numbers up to date, so no refresh follows one run later.
 */
export async function livingPart(io: WriteIO, issues: SentryIssue[]): Promise<Living> {
  const lead = issues[0]!
  const releases = await io.sentry.getIssueReleases(lead.id).catch((error: unknown) => {
    io.log.debug(`Releases of ${lead.shortId} not read: ${errorMessage(error)}`)
    return null
  })
  const impact = impactOf(issues, releases ?? { first: null, latest: null })
  const at = new Date(io.now()).toISOString()
  const block = renderImpact(impact, io.redact, at)
  return {
    shown: { events: impact.events, users: impact.users, tier: impact.tier, at },
    content: old => replaceImpact(old, block) ?? old
  }
}
