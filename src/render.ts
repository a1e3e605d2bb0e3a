import type { Classification } from './taxonomy.js'
import type { SentryIssue, EventContext } from './sentry.js'
import type { Route, Tier } from './classify/routing.js'

/** GitHub rejects bodies over 65,536 characters; keep a margin for the marker and the footer. */
const MAX_BODY = 60_000
/** GitHub titles are reported to break past 256 characters. */
const MAX_TITLE = 256
/** Untrusted prose (root cause, action) is capped: a model or an attacker can write a novel. */
export const MAX_PROSE = 1_000
const MAX_CELL = 300

const ZWJ = '\u200D'

/** Control characters and bidirectional overrides and marks: invisible, and used to disguise text. */
const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
/** Same-signature issues listed in a body; the marker still holds every id. */
const MAX_LISTED = 20
/** Longer URLs are shown as their label only: a permalink is never this long. */
const MAX_URL = 800

function cut(text: string, max: number): string {
  if (text.length <= max) return text
  if (max <= 0) return ''
  return `${text.slice(0, max - 1).replace(/[\uD800-\uDBFF]$/, '')}…`
}

/** `@user` and `@org/team` stay readable but cannot notify anyone. */
export function neutraliseMentions(text: string): string {
  return text.replace(/@(?=[A-Za-z0-9_-])/g, `@${ZWJ}`)
}

/**
 * Text from Sentry or the LLM as one line of Markdown: no HTML, no mentions, no cross-references
 * (`#1234`, `GH-12`), no links or images, no table breaks, no code spans.
 */
export function inline(text: string | null | undefined, max = MAX_CELL): string {
  if (text === null || text === undefined || text === '') return '—'
  let out = cut(text.replace(INVISIBLE, '').replace(/\s+/g, ' ').trim(), max)
  out = out.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
  out = out.replace(/([\\`*_[\]|~!])/g, '\\$1')
  out = neutraliseMentions(out)
  // Issue references: `#12`, `GH-12`, `owner/repo#12`.
  out = out.replace(/#(?=\d)/g, `#${ZWJ}`).replace(/\b(GH)-(?=\d)/gi, `$1-${ZWJ}`)
  // Bare URLs would autolink (and cross-reference issues they point at).
  out = out
    .replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, `$1:/${ZWJ}/`)
    .replace(/\bwww\./gi, `www${ZWJ}.`)
  return out
}

/** A fenced code block that untrusted text cannot leave: the fence outgrows any backtick run. */
export function codeBlock(text: string, language = ''): string {
  const clean = text.replace(INVISIBLE, '')
  const longest = Math.max(0, ...Array.from(clean.matchAll(/`+/g), m => m[0].length))
  const fence = '`'.repeat(Math.max(3, longest + 1))
  return `${fence}${language}\n${clean}\n${fence}`
}

/** A link whose target is checked: only http(s) URLs, with the characters Markdown would break on escaped. */
export function link(label: string, url: string | null | undefined): string {
  const safe = safeUrl(url)
  return safe ? `[${label}](${safe})` : label
}

function safeUrl(url: string | null | undefined): string | null {
  if (!url || url.length > MAX_URL) return null
  try {
    const parsed = new URL(url)
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null
    // `|` would split a table cell; the others would end the link or open HTML.
    const safe = parsed
      .toString()
      .replace(/[()<> "'`\\|[\]]/g, c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    return safe.length <= MAX_URL ? safe : null
  } catch {
    return null
  }
}

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

/** The hidden marker a re-run finds: the Sentry issue ids an issue covers and their signature. */
export interface Marker {
  ids: string[]
  sig: string | null
  /** The impact tier when last triaged: a Sentry issue that climbs above it is triaged again. */
  tier?: Tier | null
}

const TIERS: readonly Tier[] = ['critical', 'high', 'medium', 'routine']

const MARKER_PREFIX = '<!-- sentry-triage:v1 '

export function renderMarker(marker: Marker): string {
  const ids = marker.ids.filter(id => /^\d+$/.test(id))
  const sig = marker.sig && /^[a-f0-9]{6,64}$/.test(marker.sig) ? marker.sig : null
  const tier = marker.tier && TIERS.includes(marker.tier) ? marker.tier : undefined
  return `${MARKER_PREFIX}${JSON.stringify({ ids, sig, ...(tier ? { tier } : {}) })} -->`
}

/**
 * Reads the marker from the first line of a body. Only the first line counts: untrusted text further
 * down (even a copied marker inside a code block) can never claim a Sentry issue.
 */
export function parseMarker(body: string | null | undefined): Marker | null {
  if (!body || !body.startsWith(MARKER_PREFIX)) return null
  const firstLine = body.split(/\r?\n/, 1)[0] ?? ''
  const end = firstLine.indexOf(' -->')
  if (end < 0) return null
  try {
    const value = JSON.parse(firstLine.slice(MARKER_PREFIX.length, end)) as unknown
    if (!value || typeof value !== 'object') return null
    const { ids, sig, tier } = value as { ids?: unknown; sig?: unknown; tier?: unknown }
    if (!Array.isArray(ids) || !ids.every(id => typeof id === 'string' && /^\d+$/.test(id)))
      return null
    const known = TIERS.find(t => t === tier)
    return {
      ids: ids as string[],
      sig: typeof sig === 'string' ? sig : null,
      ...(known ? { tier: known } : {})
    }
  } catch {
    return null
  }
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
  /** The code section (`renderCodeSection` of render-code.ts), placed after the stack. */
  codeSection?: string
}

/** The GitHub issue body: the triage first, then the Sentry facts, then the stack, then the marker's twin footer. */
export function renderIssueBody(input: IssueBodyInput): string {
  const { issue, classification: c, route, event, redact } = input
  const r = (s: string | null | undefined) => (s === null || s === undefined ? s : redact(s))
  const lines: string[] = [
    renderMarker({
      ids: [issue.id, ...input.others.map(o => o.id)],
      sig: input.signature,
      tier: route?.tier ?? null
    }),
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
    `| Events | ${number(issue.count)} |`,
    `| Users affected | ${number(issue.userCount)} |`,
    `| First seen | ${inline(issue.firstSeen, 40)} |`,
    `| Last seen | ${inline(issue.lastSeen, 40)} |`,
    `| Classified by | ${classifierText(c, route)} |`
  ]
  if (event?.release) lines.push(`| Release | ${inline(r(event.release), 100)} |`)
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
  const code = input.codeSection ? `${input.codeSection}\n\n` : ''
  const room = MAX_BODY - head.length - code.length - footer.length - 4
  const stack = fittedCodeBlock(frames ? `${exception}\n${frames}` : exception, room)
  const body = `${head}\n${stack}\n\n${code}${footer}`
  if (body.length <= MAX_BODY) return body
  // Only reachable with a head beyond any real issue; the head holds no code fence to leave open.
  return `${body.slice(0, body.lastIndexOf('\n', MAX_BODY))}\n\n_(truncated)_`
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
