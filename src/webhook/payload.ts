/**
 * What a Sentry webhook is about, read the same way by the relay (to decide what to forward) and by
 * the action (to decide what to do). No `node:` import: the relay runs on fetch-handler platforms.
 */

/** The event type of the `repository_dispatch` the relay sends and the action answers. */
export const DISPATCH_EVENT_TYPE = 'sentry-triage'

/** Resources forwarded to GitHub; Sentry's others (installation, comment, metric_alert) are not. */
export const FORWARDED_RESOURCES: ReadonlySet<string> = new Set(['issue', 'event_alert', 'error'])

/** `issue` actions that open a triage; every other forwarded resource opens one too. */
export const TRIAGE_ISSUE_ACTIONS: ReadonlySet<string> = new Set(['created'])

/** `issue` actions that change an issue's state: the follow-up's business. */
export const FOLLOW_UP_ISSUE_ACTIONS: ReadonlySet<string> = new Set([
  'resolved',
  'unresolved',
  'archived',
  'ignored'
])

/** The relay's own body when Sentry's does not fit in a dispatch, signed with the same secret. */
export interface MinimalBody {
  resource: string
  action: string
  issueId: string
  /** Sentry-Hook-Timestamp, seconds since the epoch. */
  timestamp: number
}

export interface WebhookSubject {
  resource: string
  action: string
  /** Sentry's numeric issue id, as a string; null when the body names none. */
  issueId: string | null
}

function field(value: unknown, ...path: string[]): unknown {
  let current = value
  for (const key of path) {
    if (typeof current !== 'object' || current === null) return undefined
    current = (current as Record<string, unknown>)[key]
  }
  return current
}

/** A numeric Sentry id (issue or project), as a string; null for anything else. */
function numericIdOf(value: unknown): string | null {
  const text = typeof value === 'number' && Number.isSafeInteger(value) ? String(value) : value
  return typeof text === 'string' && /^\d{1,20}$/.test(text) ? text : null
}

/**
 * The resource, action and issue id of a parsed webhook body: Sentry's own (`data.issue.id`,
 * `data.event.issue_id`, `data.error.issue_id`) or the relay's minimal one (`issueId`).
 */
export function webhookSubject(resource: string, body: unknown): WebhookSubject {
  const action = field(body, 'action')
  const minimal = field(body, 'issueId')
  const id =
    minimal !== undefined
      ? minimal
      : resource === 'issue'
        ? field(body, 'data', 'issue', 'id')
        : resource === 'event_alert'
          ? field(body, 'data', 'event', 'issue_id')
          : resource === 'error'
            ? field(body, 'data', 'error', 'issue_id')
            : undefined
  return {
    resource:
      typeof field(body, 'resource') === 'string' ? String(field(body, 'resource')) : resource,
    action: typeof action === 'string' ? action : '',
    issueId: numericIdOf(id)
  }
}

/** The Sentry project a webhook names: its slug and numeric id, each null when not found valid. */
export interface WebhookProject {
  slug: string | null
  /** Sentry's numeric project id, as a string. */
  id: string | null
}

/** A Sentry project slug as Sentry allows it (lower-case letters, digits, `-` and `_`). */
const SLUG = /^[a-z0-9][a-z0-9_-]{0,99}$/
/**
 * An event's API URL, `…/api/0/projects/{org}/{project-slug}/events/{event-id}/`, possibly under a
 * self-hosted Sentry's path prefix: the slug is its second segment after `projects`.
 */
const EVENT_API_PATH = /\/api\/0\/projects\/[^/]+\/([^/]+)\/events\/[^/]+\/?$/

function slugOf(value: unknown): string | null {
  return typeof value === 'string' && SLUG.test(value) ? value : null
}

/** The project slug in an event's API URL, or null when the URL is missing or not of that shape. */
function slugOfEventUrl(value: unknown): string | null {
  if (typeof value !== 'string' || value.length > 2000) return null
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return null
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return null
  const match = EVENT_API_PATH.exec(url.pathname)
  return match ? slugOf(match[1]) : null
}

/**
 * The project a Sentry webhook names (API-NOTES G6): `issue` → `data.issue.project` `{id, slug}`;
 * `event_alert` and `error` → the numeric `data.event.project` / `data.error.project`, and the slug
 * read from the event's API `url`, the one place it appears (the relay has no Sentry token to ask).
 */
export function webhookProject(resource: string, body: unknown): WebhookProject {
  if (resource === 'issue') {
    const project = field(body, 'data', 'issue', 'project')
    return { slug: slugOf(field(project, 'slug')), id: numericIdOf(field(project, 'id')) }
  }
  const key = resource === 'event_alert' ? 'event' : resource === 'error' ? 'error' : null
  if (!key) return { slug: null, id: null }
  const event = field(body, 'data', key)
  return { slug: slugOfEventUrl(field(event, 'url')), id: numericIdOf(field(event, 'project')) }
}

/** Whether a webhook with this resource and action is worth a dispatch. */
export function isForwarded(resource: string, action: string): boolean {
  if (!FORWARDED_RESOURCES.has(resource)) return false
  return (
    resource !== 'issue' || TRIAGE_ISSUE_ACTIONS.has(action) || FOLLOW_UP_ISSUE_ACTIONS.has(action)
  )
}
