/** Sentry's pagination: Link headers with cursors. */
/**
 * The `rel="next"` cursor of a Sentry Link header, only while `results="true"`. Only the cursor is
 * taken, as Sentry's own helper does: the URL in the header is built from Sentry's configured URL
 * prefix, which on a self-hosted install may be another host than the one the action talks to.
 */
export function nextCursor(link: string | undefined): string | null {
  if (!link) return null
  // Sentry's URLs and cursors hold no commas, so splitting on them is safe (as Sentry's own helper does).
  for (const part of link.split(',')) {
    if (!/rel="next"/.test(part) || !/results="true"/.test(part)) continue
    const cursor = /cursor="([^"]+)"/.exec(part)?.[1]
    if (cursor) return cursor
    const url = /<([^>]+)>/.exec(part)?.[1]
    return url ? new URL(url, 'http://cursor.invalid').searchParams.get('cursor') : null
  }
  return null
}
