/**
 * What Sentry knows about the issues the plan opens, beyond the listing: Seer's root cause (one GET
 * per issue Seer already ran on, never the billed POST) and the names of Sentry's owners (at most
 * one teams listing and one members listing per run, never one request per issue). Looked up
 * alongside the classifications; a refusal is one warning per kind and never blocks an issue.
 */
import type { TriageDeps } from './deps.js'
import type { Step } from '../plan/steps.js'
import type { SentryIssue } from '../sentry/client.js'
import type { OwnerKind } from '../sentry/signals.js'
import type { NamesOutcome, SeerRootCause } from '../sentry/signals-client.js'
import { eachLimited } from './concurrency.js'

/** One of Sentry's owners with its name: a team's slug or a person's name (never an e-mail). */
export interface NamedOwner {
  kind: OwnerKind | null
  actor: 'team' | 'user'
  /** Null when the listing could not name it. */
  name: string | null
}

/** Sentry's signals of one new issue that need a read of their own. */
export interface IssueSignals {
  seer: SeerRootCause | null
  owners: NamedOwner[]
}

/** Seer reads in flight at once. */
const SEER_CONCURRENCY = 4

export async function sentrySignals(
  deps: TriageDeps,
  creates: Step[],
  dry: boolean
): Promise<Map<string, IssueSignals>> {
  const leads = creates.map(s => s.sentry[0]!)
  // Dry-run shows what would be opened, not its body: nothing beyond the listing is read.
  if (dry || leads.length === 0) return new Map()
  const [seer, names] = await Promise.all([seerRootCauses(deps, leads), ownerNames(deps, leads)])
  const out = new Map<string, IssueSignals>()
  for (const issue of leads) {
    const owners = (issue.signals?.owners ?? []).map(o => ({
      kind: o.kind,
      actor: o.actor,
      name: (o.actor === 'team' ? names.teams : names.members).get(o.id) ?? null
    }))
    out.set(issue.id, { seer: seer.get(issue.id) ?? null, owners })
  }
  return out
}

/** Only where the listing says Seer ran (`seerAutofixLastTriggered`): no request otherwise. */
async function seerRootCauses(
  deps: TriageDeps,
  leads: SentryIssue[]
): Promise<Map<string, SeerRootCause>> {
  const ran = leads.filter(i => i.signals?.seerAutofixLastTriggered)
  const found = new Map<string, SeerRootCause>()
  let refused: string | null = null
  await eachLimited(ran, SEER_CONCURRENCY, async issue => {
    const outcome = await deps.sentry.signals().autofix(issue.id)
    if (!outcome.ok) refused ??= outcome.reason
    else if (outcome.rootCause) found.set(issue.id, outcome.rootCause)
    else deps.log.debug(`Seer has no root cause for ${issue.shortId} yet`)
  })
  if (refused)
    deps.log.warning(
      `Seer's root cause was not read (${refused}): the issues are opened without it. Seer may be off for the organization, or the token lacks event:read.`,
      'Seer'
    )
  return found
}

/** The teams and members that Sentry's owners name, each listed once, and only when needed. */
async function ownerNames(
  deps: TriageDeps,
  leads: SentryIssue[]
): Promise<{ teams: Map<string, string>; members: Map<string, string> }> {
  const owners = leads.flatMap(i => i.signals?.owners ?? [])
  const client = deps.sentry.signals()
  const read = async (
    needed: boolean,
    list: () => Promise<NamesOutcome>,
    what: string,
    scope: string
  ): Promise<Map<string, string>> => {
    if (!needed) return new Map()
    const outcome = await list()
    if (outcome.ok) return outcome.names
    deps.log.warning(
      `Sentry's ${what} were not listed (${outcome.reason}): its owners are named without them. The token needs ${scope}.`,
      "Sentry's owners"
    )
    return new Map()
  }
  const [teams, members] = await Promise.all([
    read(
      owners.some(o => o.actor === 'team'),
      () => client.teams(),
      'teams',
      'org:read'
    ),
    read(
      owners.some(o => o.actor === 'user'),
      () => client.members(),
      'members',
      'member:read'
    )
  ])
  return { teams, members }
}
