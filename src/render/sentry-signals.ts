/**
 * The body's "What Sentry knows" block: fixability (and whether the issue is a fix candidate),
 * Sentry's priority and substatus, Sentry's owners named beside CODEOWNERS, the issue's external
 * links, and Seer's root cause marked as Seer's. Sentry's owners are Sentry identities, not GitHub
 * ones: teams by slug, people by name, never an e-mail address, and never a live mention.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { Classification } from '../classify/taxonomy.js'
import type { CodeContext } from '../code/context.js'
import type { IssueSignals, NamedOwner } from '../pipeline/signals.js'
import type { FixCandidateDecision } from '../plan/fix-candidate.js'
import { MAX_PROSE } from './issue-body.js'
import { inline, link } from './markdown.js'

/** External links listed at most; Sentry may hold more. */
const MAX_LINKS = 5
/** Sentry's owners named at most. */
const MAX_OWNERS = 10

export interface SignalsSectionInput {
  issue: SentryIssue
  classification: Classification
  signals: IssueSignals | null | undefined
  code: CodeContext | null | undefined
  fixCandidate: FixCandidateDecision | null
  redact: (s: string) => string
}

const WHY: Record<string, string> = {
  ownershipRule: 'ownership rule',
  codeowners: 'code owners',
  suspectCommit: 'suspect commit'
}

/** A team by slug, a person by name; unnamed ones by what they are. Never pings: not GitHub names. */
function ownerName(o: NamedOwner, redact: (s: string) => string): string {
  if (o.actor === 'team') return o.name ? `team ${inline(`#${o.name}`, 100)}` : 'a Sentry team'
  return o.name ? inline(redact(o.name), 100) : 'a Sentry member'
}

function ownersLines(input: SignalsSectionInput): string[] {
  const owners = input.signals?.owners ?? []
  if (owners.length === 0) return []
  const named = owners
    .slice(0, MAX_OWNERS)
    .map(o => `${ownerName(o, input.redact)}${o.kind ? ` (${WHY[o.kind]})` : ''}`)
  const lines = [`**Sentry's owners:** ${named.join(', ')}`]
  // CODEOWNERS had nothing for the crash frame: the team Sentry's ownership rule names stands in.
  const crash = input.code?.crash
  const rule = owners.find(o => o.kind === 'ownershipRule' && o.actor === 'team' && o.name)
  if (rule && !input.code?.owners)
    lines.push(
      `**Owners** (Sentry ownership rule; CODEOWNERS names no owner${crash?.path ? ` for ${inline(crash.path, 200)}` : ''}): ${ownerName(rule, input.redact)}`
    )
  return lines
}

function fixabilityLine(c: Classification, fix: FixCandidateDecision | null): string | null {
  if (!c.fixability) return null
  const by =
    c.fixabilitySource === 'seer'
      ? 'Seer'
      : c.fixabilitySource === 'llm'
        ? 'the LLM'
        : 'the heuristic'
  const reason = c.fixabilityReason ? `: ${inline(c.fixabilityReason, 200)}` : ''
  const label = fix?.label ? ' · labelled `fix-candidate`' : ''
  return `**Fixability:** ${c.fixability} (by ${by}${reason})${label}`
}

function sentryLine(issue: SentryIssue): string | null {
  const s = issue.signals
  const parts = [
    s?.priority ? `priority ${s.priority}` : null,
    issue.isUnhandled === true ? 'unhandled' : issue.isUnhandled === false ? 'handled' : null,
    issue.substatus ? inline(issue.substatus.replace(/_/g, ' '), 40) : null
  ].filter((p): p is string => p !== null)
  return parts.length > 0 ? `**Sentry:** ${parts.join(' · ')}` : null
}

/** The block, or '' when there is nothing to say. */
export function renderSentrySignals(input: SignalsSectionInput): string {
  const { issue, redact } = input
  const links = (issue.signals?.links ?? [])
    .slice(0, MAX_LINKS)
    .map(l => link(inline(redact(l.title), 100), l.url))
  const lines = [
    fixabilityLine(input.classification, input.fixCandidate),
    sentryLine(issue),
    ...ownersLines(input),
    links.length > 0 ? `**Linked in Sentry:** ${links.join(', ')}` : null
  ].filter((l): l is string => l !== null)
  const seer = input.signals?.seer
  const blocks = lines.length > 0 ? [lines.map(l => `${l}  `).join('\n')] : []
  if (seer)
    blocks.push(
      `**Seer's root cause** _(Sentry's Seer${seer.status ? `, ${inline(seer.status.toLowerCase(), 20)}` : ''}; not this action's)_: ${inline(redact(seer.text), MAX_PROSE)}`
    )
  if (blocks.length === 0) return ''
  return ['### What Sentry knows', '', ...blocks.flatMap((b, i) => (i > 0 ? ['', b] : [b]))].join(
    '\n'
  )
}
