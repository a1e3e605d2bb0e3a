/**
 * Reading an answer the same way for every service: headers as one lower-cased string each, a body
 * that is JSON when it parses (else the text, so an HTML error page still says something), and a
 * one-line excerpt of an error body for messages.
 */

/** Lower-cased header names, repeated headers joined with `, `. */
export function flattenHeaders(
  raw: Record<string, string | string[] | undefined>
): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const [key, value] of Object.entries(raw)) {
    if (value !== undefined)
      headers[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value
  }
  return headers
}

/** The body as JSON, or the text itself when it is not JSON; null when empty. */
export function parseJson(text: string): unknown {
  if (text === '') return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/** A short, single-line excerpt of an error body (`detail`, `message` or `error.message`). */
export function errorDetail(body: unknown): string {
  let detail: unknown
  if (body && typeof body === 'object') {
    const record = body as Record<string, unknown>
    const nested = record.error as Record<string, unknown> | undefined
    detail =
      record.detail ??
      record.message ??
      (nested && typeof nested === 'object' ? nested.message : record.error)
  } else {
    detail = body
  }
  if (typeof detail !== 'string' || detail === '') return ''
  return `: ${detail.replace(/\s+/g, ' ').slice(0, 200)}`
}
