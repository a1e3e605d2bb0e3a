/** Sentry failures as sentences that name what to fix: the token, its scope, the organization or region. */

/** The scope a 403 means is missing, by what was asked. */
function missingScope(endpoint: string): string {
  if (/\/comments\/$/.test(endpoint))
    return 'event:write (and a user-backed token: an internal integration or a user auth token)'
  if (/^PUT /.test(endpoint) || /external-issues\/$/.test(endpoint))
    return 'event:write (an internal integration token with Issue & Event: Read & Write)'
  if (/sentry-app-installations\/$/.test(endpoint)) return 'org:read (or org:integrations)'
  if (/\/projects\/$/.test(endpoint)) return 'org:read and project:read'
  return 'event:read'
}

export function describeSentryError(
  organization: string,
  status: number,
  endpoint: string,
  baseUrl: string
): string | undefined {
  const org = `organization '${organization}'`
  if (status === 401)
    return `Sentry answered 401 for ${endpoint}: the sentry-token is invalid, expired or revoked`
  if (status === 403)
    return `Sentry answered 403 for ${org} (${endpoint}): the token lacks ${missingScope(endpoint)}`
  if (status === 404 && /^GET \/api\/0\/organizations\/[^/]+\/(issues|projects)\/$/.test(endpoint))
    return `Sentry answered 404: ${org} was not found at ${baseUrl} (check sentry-org, and sentry-url: organizations in the EU live on https://de.sentry.io)`
  if (status === 429)
    return `Sentry kept answering 429 (rate limited) for ${endpoint} after retries`
  return undefined
}
