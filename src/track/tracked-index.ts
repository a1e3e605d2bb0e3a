/**
 * The GitHub issues the action tracks, indexed: by the Sentry ids their markers list, by signature
 * and by number. Built from the run's listings; intake finds links here, the follow-up its work.
 */
import type { GitHubClient, GitHubIssue } from '../github/client.js'
import type { SentryIssue } from '../sentry/client.js'
import { believe } from './trust.js'

export class TrackedIndex {
  private readonly byId = new Map<string, GitHubIssue>()
  private readonly bySignature = new Map<string, GitHubIssue>()
  private readonly byNumber = new Map<number, GitHubIssue>()
  private readonly annotation: RegExp

  /** `self`: the token's own login, whose markers are believed (track/trust.ts). */
  constructor(
    issues: GitHubIssue[],
    private readonly github: GitHubClient,
    repositoryUrl: string,
    private readonly self: string | null
  ) {
    this.annotation = new RegExp(`^${escapeRegExp(repositoryUrl)}/issues/(\\d+)/?$`, 'i')
    for (const gh of issues) this.byNumber.set(gh.number, believe(gh, self))
    // Open issues win over closed ones, then the newest: after `on-regression: new` the regression
    // issue is the one linked; between two open ones (a race) the oldest, as the race check keeps it.
    const ordered = [...this.byNumber.values()].sort(
      (a, b) =>
        Number(a.state === 'closed') - Number(b.state === 'closed') ||
        (a.state === 'open' ? a.number - b.number : b.number - a.number)
    )
    for (const gh of ordered) this.add(gh)
  }

  private add(gh: GitHubIssue): void {
    for (const id of gh.marker?.ids ?? []) if (!this.byId.has(id)) this.byId.set(id, gh)
    if (gh.marker?.sig && gh.state === 'open' && !this.bySignature.has(gh.marker.sig))
      this.bySignature.set(gh.marker.sig, gh)
  }

  /** Every tracked issue that carries a trusted marker. */
  marked(): GitHubIssue[] {
    return [...this.byNumber.values()].filter(gh => gh.marker !== null)
  }

  byMarker(sentryId: string): GitHubIssue | undefined {
    return this.byId.get(sentryId)
  }

  /** The open issue a new Sentry issue of this signature joins. */
  forSignature(signature: string | null): GitHubIssue | undefined {
    return signature ? this.bySignature.get(signature) : undefined
  }

  /**
   * The issue whose believed marker lists this Sentry id, by one marker search (every result page):
   * for a run about one Sentry issue whose GitHub issue was closed long ago, outside the listing.
   */
  async findByMarker(sentryId: string): Promise<GitHubIssue | null> {
    const found = (await this.github.searchMarker(sentryId))
      .map(gh => believe(gh, this.self))
      .filter(gh => gh.marker?.ids.includes(sentryId))
      .sort(
        (a, b) => Number(a.state === 'closed') - Number(b.state === 'closed') || b.number - a.number
      )[0]
    if (found) this.remember(found)
    return found ?? null
  }

  /** A new or changed issue this run made: later lookups see it. */
  remember(gh: GitHubIssue): void {
    this.byNumber.set(gh.number, gh)
    for (const id of gh.marker?.ids ?? []) this.byId.set(id, gh)
    if (gh.marker?.sig && gh.state === 'open') this.bySignature.set(gh.marker.sig, gh)
  }

  /**
   * The GitHub issue a Sentry issue is linked to: a marker that lists it, or an annotation by
   * Sentry's own GitHub integration (read once, when outside the listing).
   */
  async linkOf(issue: SentryIssue): Promise<GitHubIssue | null> {
    const marked = this.byId.get(issue.id)
    if (marked) return marked
    for (const annotation of issue.annotations) {
      const number = Number(this.annotation.exec(annotation.url)?.[1])
      if (!number) continue
      const read = this.byNumber.get(number) ? null : await this.github.getIssue(number)
      const gh = this.byNumber.get(number) ?? (read && believe(read, this.self))
      // Several Sentry issues may point at one GitHub issue: they share one object, read once.
      if (gh) {
        this.byNumber.set(number, gh)
        return gh
      }
    }
    return null
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
