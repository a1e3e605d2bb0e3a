/**
 * A GitHub issue as the run reads it, validated at the boundary. The client reads no marker: which
 * markers are believed is a product rule (track/trust.ts), applied where the run reads issues.
 */
import { z } from 'zod'
import type { Marker } from '../track/marker.js'

/** A GitHub issue as the sync needs it. */
export interface GitHubIssue {
  number: number
  /** GitHub's id of the issue (not its number): what the sub-issues API takes. */
  id?: number
  url: string
  title: string
  state: 'open' | 'closed'
  /** How it was closed (`completed`, `not_planned`, `duplicate`) or `reopened`; null when never closed. */
  stateReason: string | null
  closedAt: string | null
  labels: string[]
  /** The action's marker when it is believed (track/trust.ts); null as the client returns it. */
  marker: Marker | null
  /** Who opened it: whose marker may be believed. */
  author: { login: string; type: string | null; association: string | null }
  /** How many comments it has (a step's key is looked for only where there are some). */
  comments: number
  createdAt: string
  updatedAt: string
  /** Kept so that extending a shared issue's marker needs no second read. */
  body: string
}

export const issueSchema = z
  .looseObject({
    id: z.number().nullish(),
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
    user: z.looseObject({ login: z.string().nullish(), type: z.string().nullish() }).nullish(),
    comments: z.number().nullish(),
    author_association: z.string().nullish(),
    labels: z.array(z.union([z.string(), z.looseObject({ name: z.string().nullish() })]))
  })
  .transform(raw => ({
    isPull: raw.pull_request !== undefined,
    issue: {
      number: raw.number,
      ...(typeof raw.id === 'number' ? { id: raw.id } : {}),
      url: raw.html_url,
      title: raw.title ?? '',
      state: raw.state,
      stateReason: raw.state_reason ?? null,
      closedAt: raw.closed_at ?? null,
      labels: raw.labels.map(l => (typeof l === 'string' ? l : (l.name ?? ''))).filter(Boolean),
      marker: null,
      author: {
        login: raw.user?.login ?? '',
        type: raw.user?.type ?? null,
        association: raw.author_association ?? null
      },
      comments: raw.comments ?? 0,
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

/** What one update changes: the body, the whole label set, the state. */
export interface IssueChange {
  body?: string
  labels?: string[]
  state?: 'open' | 'closed'
  reason?: 'completed' | 'not_planned' | 'duplicate'
}

export interface NewIssue {
  title: string
  body: string
  labels: string[]
  assignees: string[]
  /** The Sentry id whose marker identifies the issue, to find it again if the answer is lost. */
  sentryId: string
}

export const repositorySchema = z.looseObject({
  permissions: z
    .looseObject({
      admin: z.boolean().optional(),
      maintain: z.boolean().optional(),
      push: z.boolean().optional(),
      triage: z.boolean().optional()
    })
    .nullish()
})
export const commentSchema = z.looseObject({ body: z.string().nullish() })
export const issueEventSchema = z.looseObject({
  event: z.string(),
  label: z.looseObject({ name: z.string() }).nullish(),
  actor: z.looseObject({ login: z.string() }).nullish()
})
