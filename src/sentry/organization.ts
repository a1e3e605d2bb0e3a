/** The organization-level shapes the client reads: its projects and its integration installations. */
import { z } from 'zod'

export const installationSchema = z
  .looseObject({
    uuid: z.string(),
    app: z.looseObject({ slug: z.string().nullish() }).nullish()
  })
  .transform(i => ({ uuid: i.uuid, app: i.app?.slug ?? 'unknown' }))

/** A Sentry code mapping: which repository holds a project's code, and where its frames live in it. */
export interface CodeMapping {
  projectId: string
  projectSlug: string
  /** `owner/repo` as Sentry's GitHub integration names it. */
  repoName: string
  provider: string | null
  stackRoot: string
  sourceRoot: string
}

export const codeMappingSchema = z
  .looseObject({
    projectId: z.union([z.string(), z.number()]).transform(String),
    projectSlug: z.string(),
    repoName: z.string(),
    provider: z.looseObject({ key: z.string().nullish() }).nullish(),
    stackRoot: z.string().nullish(),
    sourceRoot: z.string().nullish()
  })
  .transform((m): CodeMapping => ({
    projectId: m.projectId,
    projectSlug: m.projectSlug,
    repoName: m.repoName,
    provider: m.provider?.key ?? null,
    stackRoot: m.stackRoot ?? '',
    sourceRoot: m.sourceRoot ?? ''
  }))

export const projectSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  slug: z.string()
})

/** What a Sentry release says about its commit (`GET /organizations/{org}/releases/{version}/`). */
