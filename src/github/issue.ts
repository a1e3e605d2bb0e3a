/** A GitHub issue as the run reads it, validated at the boundary; only trusted markers are kept. */
import { z } from 'zod'
import { trustedMarker, type Marker } from '../track/marker.js'

/** A GitHub issue as the sync needs it. */
export interface GitHubIssue {
  number: number
  url: string
  title: string
  state: 'open' | 'closed'
  /** How it was closed (`completed`, `not_planned`, `duplicate`) or `reopened`; null when never closed. */
  stateReason: string | null
  closedAt: string | null
  labels: string[]
  marker: Marker | null
  createdAt: string
  updatedAt: string
  /** Kept so that extending a shared issue's marker needs no second read. */
  body: string
}

export const issueSchema = z
  .looseObject({
    number: z.number(),
    html_url: z.string(),
    title: z.string().nullish(),
    state: z.enum(['open', 'closed']),
    state_reason: z.string().nullish(),
    closed_at: z.string().nullish(),
    body: z.string().nullish(),
    created_at: z.string(),
    updated_at: z.string().nullish(),
    pull_request: z.unknown().optional(),
    user: z.looseObject({ type: z.string().nullish() }).nullish(),
    author_association: z.string().nullish(),
    labels: z.array(z.union([z.string(), z.looseObject({ name: z.string().nullish() })]))
  })
  .transform(raw => ({
    isPull: raw.pull_request !== undefined,
    issue: {
      number: raw.number,
      url: raw.html_url,
      title: raw.title ?? '',
      state: raw.state,
      stateReason: raw.state_reason ?? null,
      closedAt: raw.closed_at ?? null,
      labels: raw.labels.map(l => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
      marker: trustedMarker(raw.body, {
        userType: raw.user?.type,
        association: raw.author_association
      }),
      createdAt: raw.created_at,
      updatedAt: raw.updated_at ?? raw.created_at,
      body: raw.body ?? ''
    } satisfies GitHubIssue
  }))

export const labelSchema = z.looseObject({ name: z.string() })

/** Validates a GitHub answer; a wrong shape is a short sentence naming the endpoint, not a dump. */
export function parseAnswer<T>(schema: z.ZodType<T>, data: unknown, endpoint: string): T {
  const parsed = schema.safeParse(data)
  if (parsed.success) return parsed.data
  throw new Error(
    `GitHub sent an unexpected response for ${endpoint}: ${z.prettifyError(parsed.error).split('\n').slice(0, 4).join(' ').slice(0, 300)}`
  )
}
