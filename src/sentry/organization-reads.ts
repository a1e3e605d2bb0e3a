/**
 * The organization's own reads: its projects, code mappings, releases and integration
 * installations — what routing, code context and sentry-link need beside the issues.
 */
import { z } from 'zod'
import { SentryApi } from './api.js'
import {
  releaseCommitSchema,
  releaseSchema,
  type ReleaseCommit,
  type SentryRelease
} from './release.js'
import {
  codeMappingSchema,
  installationSchema,
  projectSchema,
  type CodeMapping
} from './organization.js'

export class SentryOrganizationReads extends SentryApi {
  /** Maps project slugs to ids (the issues endpoint wants ids); an unknown slug is an error naming it. */
  async resolveProjectIds(slugs: string[]): Promise<string[]> {
    if (slugs.length === 0) return []
    const known = new Map<string, string>()
    for (const project of await this.listProjects())
      known.set(project.slug.toLowerCase(), project.id)
    const missing = slugs.filter(slug => !known.has(slug.toLowerCase()))
    if (missing.length > 0) {
      throw new Error(
        `Input 'sentry-projects': organization '${this.org}' has no project ${missing.map(s => `'${s}'`).join(', ')} that this token can see (known: ${[...known.keys()].slice(0, 20).join(', ') || 'none'})`
      )
    }
    return slugs.map(slug => known.get(slug.toLowerCase()) as string)
  }
  /** Every project of the organization the token sees (id and slug), every page. */
  async listProjects(): Promise<Array<{ id: string; slug: string }>> {
    const { items } = await this.allPages(
      'projects/',
      new URLSearchParams({ per_page: '100' }),
      z.array(projectSchema)
    )
    return items
  }
  /**
   * The organization's code mappings (project → repository, stack root → source root; API-NOTES G3),
   * or null when Sentry will not say (a private endpoint: 403/404 when the token or plan cannot).
   */
  async listCodeMappings(): Promise<CodeMapping[] | null> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`code-mappings/?${new URLSearchParams({ per_page: '100' })}`),
      schema: z.unknown(),
      acceptStatus: [403, 404]
    })
    if (response.status === 403 || response.status === 404) return null
    const items = Array.isArray(response.data) ? response.data : []
    return items.flatMap(item => {
      const parsed = codeMappingSchema.safeParse(item)
      return parsed.success ? [parsed.data] : []
    })
  }
  /**
   * A release's commits as Sentry knows them (API-NOTES F3), or null when Sentry has no such
   * release or will not say (a token without project:read): the commit is then found elsewhere.
   */
  async getRelease(version: string): Promise<SentryRelease | null> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`releases/${encodeURIComponent(version)}/`),
      schema: z.union([releaseSchema, z.unknown().transform(() => null)]),
      acceptStatus: [403, 404]
    })
    if (response.status !== 200 || response.data === null) {
      this.debug(`Sentry has no readable release '${version}' (${response.status})`)
      return null
    }
    return response.data
  }
  /**
   * The release's commits, newest first as Sentry lists them (first page: enough for a release
   * issue), or null when Sentry has none or will not say (403/404).
   */
  async getReleaseCommits(version: string): Promise<ReleaseCommit[] | null> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath(`releases/${encodeURIComponent(version)}/commits/`),
      schema: z.union([z.array(releaseCommitSchema), z.unknown().transform(() => null)]),
      acceptStatus: [403, 404]
    })
    return response.status === 200 ? response.data : null
  }
  /** The uuids of the integration installations this token sees (for `sentry-link`). */
  async listInstallations(): Promise<Array<{ uuid: string; app: string }>> {
    const response = await this.http.request({
      method: 'GET',
      url: this.orgPath('sentry-app-installations/'),
      schema: z.array(installationSchema)
    })
    return response.data
  }
}
