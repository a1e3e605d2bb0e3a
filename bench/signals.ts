/**
 * Issue #16, what Sentry already knows: requests and LLM tokens per new issue of a whole run, before
 * and after. "Before" is the same run against a Sentry that knows none of it (an older server: no
 * priority, owners, Seer or committers), where the action does what it did before these signals:
 * GitHub's blame for every crash line. "After" is a Sentry that has the checkout-api releases'
 * commits (its committers endpoint names the suspect), owners on three issues and Seer's run on one.
 * Both on the demo's seed (__tests__/fakes/seed.ts), LLM classifier, the fake LLM's token counts.
 * `npm run bench -- --only signals`.
 */
import { startWorld, runAction, type World } from '../__tests__/fakes/world.js'
import { seedScenario } from '../__tests__/fakes/seed.js'
import { seedCode, CODE_COMMITS } from '../__tests__/fakes/seed-code.js'
import type { SentrySignalsSeed } from '../__tests__/fakes/sentry-signals.js'

export interface SignalsFigure {
  name: string
  newIssues: number
  sentry: number
  committers: number
  autofix: number
  teamsAndMembers: number
  githubGraphql: number
  blameAliases: number
  github: number
  tokens: number
  classifications: number
}

const SIGNALS: SentrySignalsSeed = {
  owners: {
    '6012345001': [
      { type: 'ownershipRule', owner: 'team:51' },
      { type: 'suspectCommit', owner: 'user:7' }
    ],
    '6012345002': [{ type: 'ownershipRule', owner: 'team:52' }],
    '6012345006': [{ type: 'codeowners', owner: 'team:51' }]
  },
  teams: [
    { id: '51', slug: 'checkout-team', name: 'Checkout' },
    { id: '52', slug: 'payments-team', name: 'Payments' }
  ],
  fixability: { '6012345001': 0.7, '6012345008': 0.5 },
  autofix: { '6012345001': { rootCause: 'Two workers lock orders rows in opposite order.' } },
  committers: {
    '6012345001': { sha: CODE_COMMITS.checkoutFix, author: { name: 'Alice', email: 'a@x.test' } },
    '6012345006': { sha: CODE_COMMITS.checkoutFix, author: { name: 'Alice', email: 'a@x.test' } },
    '6012345008': { sha: CODE_COMMITS.checkoutFix, author: { name: 'Alice', email: 'a@x.test' } },
    '6012345012': { sha: CODE_COMMITS.checkoutFix, author: { name: 'Alice', email: 'a@x.test' } }
  }
}

async function measure(
  name: string,
  signals: SentrySignalsSeed,
  everyRelease = false
): Promise<SignalsFigure> {
  const now = new Date()
  const seed = seedScenario({ now })
  const { releases } = seedCode(seed)
  // Sentry has the commits of checkout-api's releases, or of every release of the seed.
  const versions = everyRelease
    ? [
        ...new Set(
          Object.values(seed.events).map(
            e => (e.release as { version?: string } | null)?.version ?? ''
          )
        )
      ].filter(Boolean)
    : ['checkout-api@2.14.0']
  const withCommits = versions
    .filter(v => !releases.some(r => r.version === v))
    .map(version => ({ version, lastCommit: { id: CODE_COMMITS.head, repository: 'acme/shop' } }))
  const world: World = await startWorld({
    now,
    seed,
    sentry: { signals, releases: [...releases, ...withCommits] }
  })
  try {
    const run = await runAction(world)
    if (!run.report) throw new Error(`the ${name} run failed: ${run.failed}`)
    const sentry = world.sentry.requests
    const graphql = world.github.requests.filter(r => r.path.endsWith('/graphql'))
    const blame = graphql.filter(r => /blame\(path/.test(JSON.stringify(r.body ?? '')))
    return {
      name,
      newIssues: Number(run.outputs.created),
      sentry: sentry.length,
      committers: sentry.filter(r => r.path.endsWith('/committers/')).length,
      autofix: sentry.filter(r => r.path.endsWith('/autofix/')).length,
      teamsAndMembers: sentry.filter(r => /\/(teams|members)\/$/.test(r.path)).length,
      githubGraphql: graphql.length,
      blameAliases: blame.reduce(
        (n, r) =>
          n +
          Object.keys((r.body as { variables?: object }).variables ?? {}).filter(k =>
            /^path\d+$/.test(k)
          ).length,
        0
      ),
      github: world.github.requests.length,
      tokens: Number(run.outputs.tokens),
      classifications: world.llm.stats.requests
    }
  } finally {
    await world.close()
  }
}

/** Sentry names a suspect for every new issue (every release's commits are associated). */
function everySuspect(seedIds: string[]): SentrySignalsSeed {
  const alice = { name: 'Alice', email: 'a@x.test' }
  return {
    ...SIGNALS,
    committers: Object.fromEntries(
      seedIds.map(id => [id, { sha: CODE_COMMITS.checkoutFix, author: alice }])
    )
  }
}

export async function signalsFigures(): Promise<SignalsFigure[]> {
  const ids = Object.values(seedScenario({ now: new Date() }).ids)
  return [
    await measure('before: Sentry knows none of it (an older server)', { olderServer: true }),
    await measure("after: owners, Seer, checkout-api's release commits", SIGNALS),
    await measure("after: owners, Seer, every release's commits", everySuspect(ids), true)
  ]
}

export function renderSignalsFigures(figures: SignalsFigure[]): string[] {
  const per = (n: number, f: SignalsFigure) => (n / Math.max(1, f.newIssues)).toFixed(2)
  const before = figures[0]
  return [
    ...(before
      ? [
          `Before these signals the action made the "before" run's requests less its ${before.committers} committers requests (the older server answers them 404): ${before.sentry - before.committers} Sentry requests, ${before.blameAliases} blamed lines.`,
          ''
        ]
      : []),
    '| run | new issues | Sentry requests (per new issue) | of them committers | Seer reads | teams/members listings | GitHub requests (per new issue) | GraphQL requests | blamed lines | LLM tokens per classification |',
    '|---|---|---|---|---|---|---|---|---|---|',
    ...figures.map(
      f =>
        `| ${f.name} | ${f.newIssues} | ${f.sentry} (${per(f.sentry, f)}) | ${f.committers} | ${f.autofix} | ${f.teamsAndMembers} | ${f.github} (${per(f.github, f)}) | ${f.githubGraphql} | ${f.blameAliases} | ${Math.round(f.tokens / Math.max(1, f.classifications))} |`
    )
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  process.stdout.write(`${renderSignalsFigures(await signalsFigures()).join('\n')}\n`)
}
