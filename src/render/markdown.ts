/**
 * Untrusted text (from Sentry, the LLM or a person) made safe for GitHub Markdown: no mentions,
 * no HTML, no cross-references, no fence or table it could leave open. Every renderer uses these.
 */

/** Table cells and one-line fields are cut here unless the caller says otherwise. */
const MAX_CELL = 300

export const ZWJ = '\u200D'

/** Control characters and bidirectional overrides and marks: invisible, and used to disguise text. */
export const INVISIBLE =
  // eslint-disable-next-line no-control-regex -- stripping control characters is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
/** Longer URLs are shown as their label only: a permalink is never this long. */
const MAX_URL = 800

export function cut(text: string, max: number): string {
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
