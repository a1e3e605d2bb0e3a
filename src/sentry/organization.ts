/** The organization-level shapes the client reads: its projects and its integration installations. */
import { z } from 'zod'

export const installationSchema = z
  .looseObject({
    uuid: z.string(),
    app: z.looseObject({ slug: z.string().nullish() }).nullish()
  })
  .transform(i => ({ uuid: i.uuid, app: i.app?.slug ?? 'unknown' }))

export const projectSchema = z.looseObject({
  id: z.union([z.string(), z.number()]).transform(String),
  slug: z.string()
})

/** What a Sentry release says about its commit (`GET /organizations/{org}/releases/{version}/`). */
