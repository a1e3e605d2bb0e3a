/**
 * Floods, decided (SPEC Part 3 "Floods and the living issue"): a bad deploy's dozens of new Sentry
 * issues become ONE release issue. Pure functions of what intake and the follow-up read:
 * - intake: new issues of one release, at least `flood-threshold` in one run, open a release issue;
 *   the `flood-max-issues` most urgent groups (tier, then users, then events) get issues of their
 *   own, attached as sub-issues; the rest are tracked by the release issue's marker. New issues of a
 *   release that already has a release issue join it, whatever their number.
 * - follow-up: a tracked issue whose tier climbs to high or critical is promoted to a sub-issue of
 *   its own; rows that moved are rewritten (resolved ones struck through); the release issue closes
 *   when every Sentry issue of it is resolved.
 */
import type { SentryIssue } from '../sentry/client.js'
import type { GitHubIssue } from '../github/client.js'
import type { Config } from '../config/config.js'
import type { ReleaseRow } from '../track/marker.js'
import { compareImpact, impactTier, TIER_RANK } from '../classify/routing.js'
import { issueSignature } from '../classify/signature.js'
import { hasTriageLabels } from '../track/labels.js'
import { idsPart, stepKey, type Step } from './steps.js'

export type FloodConfig = Pick<
  Config,
  'floodThreshold' | 'floodMaxIssues' | 'groupSimilar' | 'createIssues'
>

/** What intake read that floods need beyond its candidates. */
export interface FloodRead {
  /** The release of each new Sentry issue: its latest event's (read only when a flood is possible). */
  releaseOf: ReadonlyMap<string, string>
  /** The release issue (open or closed) of a version, when the action opened one. */
  releaseIssue: (version: string) => GitHubIssue | undefined
  /** The open issue a new Sentry issue of this signature joins (group-similar). */
  forSignature: (signature: string | null) => GitHubIssue | undefined
}

export interface FloodPlan {
  /** Creates of the flood's own issues, then the release steps, then the sub-issue steps. */
  steps: Step[]
  /** The candidates floods left to intake's usual decisions. */
  rest: SentryIssue[]
  /** Classifications the floods asked for (own issues and one per tracked group): out of max-issues. */
  classifications: number
}

/** The high and critical tiers: a tracked issue that climbs there gets an issue of its own. */
const PROMOTE_AT = TIER_RANK.high

/**
 * Intake's floods. `pending` are the candidates intake would act on (unlinked and linked alike);
 * only unlinked ones with a known release and no open issue of their signature can be flooded.
 * `budget`: classifications left for tracked groups (max-issues); groups past it are classified
 * by the offline heuristic when the release issue is written.
 */
export function decideFloods(
  pending: SentryIssue[],
  linked: ReadonlySet<string>,
  read: FloodRead,
  config: FloodConfig,
  repo: string,
  budget: number
): FloodPlan {
  const byRelease = new Map<string, SentryIssue[]>()
  const rest: SentryIssue[] = []
  for (const issue of pending) {
    const version = read.releaseOf.get(issue.id)
    const shared = read.forSignature(signatureOf(issue, config))
    const joins = shared !== undefined && hasTriageLabels(shared)
    if (!version || linked.has(issue.id) || joins || !config.createIssues) rest.push(issue)
    else byRelease.set(version, [...(byRelease.get(version) ?? []), issue])
  }
  const creates: Step[] = []
  const releases: Step[] = []
  const attaches: Step[] = []
  let classifications = 0
  for (const [version, members] of byRelease) {
    const existing = read.releaseIssue(version)
    const flood = config.floodThreshold > 0 && members.length >= config.floodThreshold
    if (!existing && !flood) {
      rest.push(...members)
      continue
    }
    const one = floodOf(version, members, existing ?? null, config, repo, budget - classifications)
    classifications += one.classifications
    creates.push(...one.own)
    releases.push(one.release)
    attaches.push(...one.own.map(c => attach(c, one.release, existing ?? null, repo)))
  }
  return { steps: [...creates, ...releases, ...attaches], rest, classifications }
}

/**
 * One release's flood: its most urgent groups opened on their own (none when it has a release
 * issue already), the release step tracking the rest, one lead per tracked group classified while
 * `budget` lasts.
 */
function floodOf(
  version: string,
  members: SentryIssue[],
  existing: GitHubIssue | null,
  config: FloodConfig,
  repo: string,
  budget: number
): { own: Array<Extract<Step, { kind: 'create' }>>; release: Step; classifications: number } {
  const groups = groupsByImpact(members, config)
  const ownGroups = existing ? [] : groups.slice(0, config.floodMaxIssues)
  const trackedGroups = groups.slice(ownGroups.length)
  const own = ownGroups.map(g =>
    createOf(
      g,
      signatureOf(g[0]!, config),
      repo,
      `one of the ${config.floodMaxIssues} most urgent of a flood in ${version}`
    )
  )
  const leads = trackedGroups.slice(0, Math.max(0, budget - own.length)).map(g => g[0]!)
  const release: Step = {
    kind: 'release',
    repo,
    target: existing,
    version,
    track: trackedGroups.flat(),
    own: own.flatMap(c => c.sentry.map(issue => ({ issue, createKey: c.key }))),
    current: [],
    leads,
    sentry: members,
    rule: existing
      ? `new Sentry issues of release ${version}, which has a release issue (#${existing.number})`
      : `${members.length} new Sentry issues of release ${version} in one run (flood-threshold ${config.floodThreshold})`,
    key: existing
      ? stepKey('release', existing.number, idsPart(members))
      : stepKey('release', version)
  }
  return { own, release, classifications: own.length + leads.length }
}

function signatureOf(issue: SentryIssue, config: Pick<Config, 'groupSimilar'>): string | null {
  return config.groupSimilar ? issueSignature(issue) : null
}

/** Groups of one signature (each its own with group-similar off), the most urgent group first. */
function groupsByImpact(members: SentryIssue[], config: FloodConfig): SentryIssue[][] {
  const sorted = [...members].sort(compareImpact)
  const groups = new Map<string, SentryIssue[]>()
  for (const issue of sorted) {
    const key = signatureOf(issue, config) ?? `id:${issue.id}`
    groups.set(key, [...(groups.get(key) ?? []), issue])
  }
  return [...groups.values()]
}

function createOf(
  group: SentryIssue[],
  signature: string | null,
  repo: string,
  rule: string
): Extract<Step, { kind: 'create' }> {
  return {
    kind: 'create',
    repo,
    target: null,
    sentry: group,
    classify: group[0]!,
    signature,
    rule,
    key: stepKey('create', idsPart(group))
  }
}

function attach(child: Step, parent: Step, existing: GitHubIssue | null, repo: string): Step {
  return {
    kind: 'sub-issue',
    repo,
    target: null,
    childKey: child.key,
    parent: existing,
    ...(existing ? {} : { parentKey: parent.key }),
    sentry: child.sentry,
    rule: `attached to the release issue (${parent.rule})`,
    key: stepKey('sub-issue', existing?.number ?? parent.key, idsPart(child.sentry))
  }
}

const isResolved = (s: SentryIssue) => s.status === 'resolved' || s.status === 'ignored'

/** A row moved when Sentry resolved (or revived) it, its tier changed, or its events or users doubled. */
function rowMoved(row: ReleaseRow, now: SentryIssue): boolean {
  const doubled = (current: number, before: number) => current > before && current >= 2 * before
  return (
    isResolved(now) !== row.resolved ||
    impactTier(now).tier !== row.tier ||
    doubled(now.count, row.events) ||
    doubled(now.userCount, row.users)
  )
}

/**
 * The follow-up of one release issue, given the current state of the Sentry issues its rows name
 * (absent ones count as last shown). Steps in the order the executor needs them: the promotions'
 * creates, the release update, the promotions' sub-issue steps. Nothing when nothing moved.
 */
export function decideReleaseFollowUp(
  gh: GitHubIssue,
  current: SentryIssue[],
  options: { repo: string; createIssues: boolean }
): Step[] {
  const record = gh.marker?.release
  if (!record) return []
  const now = new Map(current.map(s => [s.id, s]))
  const promote = record.rows.filter(row => {
    const s = now.get(row.id)
    if (!s || row.issue || isResolved(s) || !options.createIssues || gh.state !== 'open')
      return false
    const tier = TIER_RANK[impactTier(s).tier]
    return tier <= PROMOTE_AT && tier < TIER_RANK[row.tier]
  })
  const moved = record.rows.filter(row => {
    const s = now.get(row.id)
    return s !== undefined && rowMoved(row, s)
  })
  const resolved = (row: ReleaseRow) => {
    const s = now.get(row.id)
    return s ? isResolved(s) : row.resolved
  }
  const close = gh.state === 'open' && record.rows.length > 0 && record.rows.every(resolved)
  if (promote.length === 0 && moved.length === 0 && !close) return []
  const creates = promote.map(row =>
    createOf(
      [now.get(row.id)!],
      null,
      options.repo,
      `tracked by release issue #${gh.number}; its tier climbed from ${row.tier} to ${impactTier(now.get(row.id)!).tier}`
    )
  )
  const touched = moved.map(row => now.get(row.id)!)
  const release: Step = {
    kind: 'release',
    repo: options.repo,
    target: gh,
    version: record.version,
    track: [],
    own: creates.map(c => ({ issue: c.sentry[0]!, createKey: c.key })),
    current: touched,
    leads: [],
    ...(close ? { close: true } : {}),
    sentry: [
      ...new Map([...touched, ...creates.flatMap(c => c.sentry)].map(s => [s.id, s])).values()
    ],
    rule: close
      ? `every Sentry issue of release ${record.version} is resolved`
      : `${moved.length} row(s) of release ${record.version} moved${promote.length ? `, ${promote.length} promoted` : ''}`,
    key: stepKey(
      'release',
      gh.number,
      close ? 'close' : undefined,
      idsPart(touched),
      touched.map(s => `${s.status}:${s.count}:${s.userCount}`).join(',')
    )
  }
  return [...creates, release, ...creates.map(c => attach(c, release, gh, options.repo))]
}

/**
 * One step per release issue a run: intake's new arrivals and the follow-up's updates of the same
 * release issue become one step, placed where the later one was (after every create it names).
 */
export function mergeReleaseSteps(steps: Step[]): Step[] {
  const merged = new Map<number, Extract<Step, { kind: 'release' }>>()
  const last = new Map<number, number>()
  steps.forEach((s, i) => {
    if (s.kind === 'release' && s.target) last.set(s.target.number, i)
  })
  const out: Step[] = []
  steps.forEach((s, i) => {
    if (s.kind !== 'release' || !s.target) return out.push(s)
    const before = merged.get(s.target.number)
    const both = before ? joinRelease(before, s) : s
    merged.set(s.target.number, both)
    if (last.get(s.target.number) === i) out.push(both)
  })
  return out
}

function joinRelease(
  a: Extract<Step, { kind: 'release' }>,
  b: Extract<Step, { kind: 'release' }>
): Extract<Step, { kind: 'release' }> {
  const unique = (list: SentryIssue[]) => [...new Map(list.map(s => [s.id, s])).values()]
  const track = unique([...a.track, ...b.track])
  return {
    ...a,
    track,
    own: [...a.own, ...b.own],
    current: unique([...a.current, ...b.current]),
    leads: unique([...a.leads, ...b.leads]),
    // New arrivals are live: the release issue stays open.
    ...(track.length === 0 && (a.close || b.close) ? { close: true } : { close: false }),
    sentry: unique([...a.sentry, ...b.sentry]),
    rule: `${a.rule}; ${b.rule}`,
    key: `${a.key}+${b.key}`
  }
}
