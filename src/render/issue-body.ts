import type { Classification } from '../classify/taxonomy.js'
import type { SentryIssue, EventContext } from '../sentry/client.js'
import type { Route } from '../classify/routing.js'
import { ZWJ, INVISIBLE, codeBlock, cut, inline, link, neutraliseMentions } from './markdown.js'
import { renderSection, type Marker } from '../track/marker.js'
import { impactOf, renderImpact } from './impact.js'

/** GitHub rejects bodies over 65,536 characters; keep a margin for the marker and the footer. */
const MAX_BODY = 60_000
/** GitHub titles are reported to break past 256 characters. */
const MAX_TITLE = 256
/** Untrusted prose (root cause, action) is capped: a model or an attacker can write a novel. */
export const MAX_PROSE = 1_000

/** The section's begin and end lines and its marker (ids of up to 300 grouped issues) fit in this. */
const SECTION_ROOM = 7_000
/** Same-signature issues listed in a body; the marker still holds every id. */
const MAX_LISTED = 20

/** A plain-text title: GitHub does not render Markdown there, but mentions are still neutralised. */
export function renderTitle(issue: SentryIssue, redact: (s: string) => string): string {
  const title = redact(`[${issue.shortId}] ${issue.title}`)
    .replace(INVISIBLE, '')
    .replace(/\s+/g, ' ')
    .trim()
  // Titles are plain text, so entities would show literally: a zero-width joiner breaks references
  // (`#1234` in a title cross-references issue 1234) and tags (notifications show titles raw).
  const safe = neutraliseMentions(title)
    .replace(/#(?=\d)/g, `#${ZWJ}`)
    .replace(/\b(GH)-(?=\d)/gi, `$1-${ZWJ}`)
    .replace(/<(?=[A-Za-z/!?])/g, `<${ZWJ}`)
  return cut(safe, MAX_TITLE)
}

const SEVERITY_ICON = { Critical: '🔴', High: '🟠', Medium: '🟡', Low: '🔵' } as const

export function classifierText(c: Classification, route: Route | null): string {
  if (c.classifier === 'llm') {
    return `LLM \`${inline(c.model, 80).replace(/`/g, '')}\`${route ? ` (${route.tier} tier: ${route.reason})` : ''}`
  }
  return `heuristic rules${c.fallbackReason ? ` (LLM unavailable: ${inline(c.fallbackReason, 200)})` : ''}`
}

function number(n: number): string {
  return n.toLocaleString('en-US')
}

export interface IssueBodyInput {
  issue: SentryIssue
  /** Further Sentry issues of the same signature that this GitHub issue covers. */
  others: SentryIssue[]
  classification: Classification
  route: Route | null
  event: EventContext | null
  signature: string | null
  redact: (s: string) => string
  /** The closed GitHub issue this one reopens in spirit (`on-regression: new`). */
  regressionOf?: number
  /** The code section (`renderCodeSection` of render-code.ts), placed after the stack. */
  codeSection?: string
  /** What Sentry knows (`renderSentrySignals` of sentry-signals.ts), placed before the code section. */
  signalsSection?: string
  /** The issue is labelled `fix-candidate`: the marker records it, so that it is never re-added. */
  fixCandidate?: boolean
  /** The issue's first and latest release (the latest event's release stands in for the latest when absent). */
  releases?: { first: string | null; latest: string | null }
  /** When the impact is shown: the marker records it, so the follow-up knows when to refresh. */
  now?: string
}

/** The GitHub issue body, all of it the action's section: the triage first, then the Sentry facts, then the stack. */
export function renderIssueBody(input: IssueBodyInput): string {
  const { issue, classification: c, route, event, redact } = input
  const r = (s: string | null | undefined) => (s === null || s === undefined ? s : redact(s))
  const impact = impactOf([issue, ...input.others], {
    first: input.releases?.first ?? null,
    latest: input.releases?.latest ?? event?.release ?? null
  })
  const shownAt = input.now ?? issue.lastSeen ?? ''
  const marker: Marker = {
    ids: [issue.id, ...input.others.map(o => o.id)],
    sig: input.signature,
    tier: route?.tier ?? null,
    applied: { category: c.category, severity: c.severity, classifier: c.classifier },
    ...(input.fixCandidate ? { fixCandidate: true as const } : {}),
    ...(input.now
      ? { shown: { events: impact.events, users: impact.users, tier: impact.tier, at: input.now } }
      : {})
  }
  const lines: string[] = [
    ...(input.regressionOf
      ? [
          `> Regression of #${input.regressionOf}: the Sentry issue came back after that issue was closed.`,
          ''
        ]
      : []),
    `## ${SEVERITY_ICON[c.severity]} ${c.severity} · ${c.category}`,
    '',
    `**Root cause:** ${inline(r(c.rootCause), MAX_PROSE)}`,
    '',
    `**Suggested action:** ${inline(r(c.suggestedAction), MAX_PROSE)}`,
    '',
    '| Sentry | |',
    '|---|---|',
    `| Issue | ${link(inline(issue.shortId, 80), issue.permalink)} |`,
    `| Project | ${inline(issue.project.slug, 100)} |`,
    `| Level | ${inline(issue.level, 20)} |`,
    `| Platform | ${inline(issue.platform, 40)} |`,
    `| Culprit | ${inline(r(issue.culprit))} |`,
    `| Classified by | ${classifierText(c, route)} |`,
    '',
    renderImpact(impact, redact, shownAt)
  ]
  if (input.others.length > 0) {
    const all = [issue, ...input.others]
    lines.push('', `### Same signature (${all.length} Sentry issues)`, '')
    for (const other of all.slice(0, MAX_LISTED)) {
      lines.push(
        `- ${link(inline(other.shortId, 80), other.permalink)} · ${inline(other.project.slug, 100)} · ${number(other.count)} events · ${number(other.userCount)} users`
      )
    }
    if (all.length > MAX_LISTED) lines.push(`- … and ${all.length - MAX_LISTED} more`)
  }
  const exception = [
    ...(event?.exceptions ?? []).map(e => `${e.type ?? 'Error'}: ${e.value ?? ''}`),
    ...(event?.exceptions?.length ? [] : [issue.title])
  ]
    .map(line => cut(r(line) ?? '', 500))
    .join('\n')
  const frames = (event?.frames ?? [])
    .map(f => {
      const where = `${f.filename ?? '?'}${f.lineNo ? `:${f.lineNo}` : ''}`
      return cut(
        r(`  at ${f.function ?? '?'} (${where})${f.line ? `\n      ${f.line}` : ''}`) ?? '',
        400
      )
    })
    .join('\n')
  const head = [...lines, '', '### Exception', ''].join('\n')
  const footer =
    '<sub>Opened by sentry-triage. Text from Sentry and the LLM is shown as data; labels come only from fixed lists.</sub>'
  // The stack takes what is left, so the body is never cut inside its code fence.
  const code = `${input.signalsSection ? `${input.signalsSection}\n\n` : ''}${input.codeSection ? `${input.codeSection}\n\n` : ''}`
  const room = MAX_BODY - head.length - code.length - footer.length - SECTION_ROOM
  const stack = fittedCodeBlock(frames ? `${exception}\n${frames}` : exception, room)
  const content = `${head}\n${stack}\n\n${code}${footer}`
  if (content.length <= MAX_BODY - SECTION_ROOM) return renderSection(marker, content)
  // Only reachable with a head beyond any real issue; the head holds no code fence to leave open.
  const cutAt = content.lastIndexOf('\n', MAX_BODY - SECTION_ROOM)
  return renderSection(marker, `${content.slice(0, cutAt)}\n\n_(truncated)_`)
}

/** A code block of at most `room` characters: the text is cut until the block (fences included) fits. */
function fittedCodeBlock(text: string, room: number): string {
  const omitted = '_(stack omitted: the issue body is at its size limit)_'
  let content = cut(text, room)
  for (;;) {
    const block = codeBlock(content)
    if (block.length <= room) return block
    if (content === '') return room >= omitted.length ? omitted : ''
    content = cut(content, content.length - (block.length - room))
  }
}

/** The note posted on a Sentry issue (plain text: Sentry renders Markdown in notes). */
export function renderSentryComment(
  c: Classification,
  githubUrl: string | null,
  redact: (s: string) => string
): string {
  return [
    `sentry-triage: ${c.severity} · ${c.category} (${c.classifier === 'llm' ? `LLM ${c.model}` : 'heuristic'})`,
    `Root cause: ${cut(neutraliseMentions(redact(c.rootCause)), MAX_PROSE)}`,
    `Suggested action: ${cut(neutraliseMentions(redact(c.suggestedAction)), MAX_PROSE)}`,
    githubUrl ? `GitHub: ${githubUrl}` : ''
  ]
    .filter(Boolean)
    .join('\n')
}

/** The note posted on a Sentry issue that joined an existing GitHub issue of the same signature. */
export function renderSentryJoinNote(
  githubUrl: string,
  category: string | null,
  severity: string | null
): string {
  const triage = category && severity ? ` (${severity} · ${category})` : ''
  return `sentry-triage: same signature as an issue already tracked${triage}.\nGitHub: ${githubUrl}`
}
