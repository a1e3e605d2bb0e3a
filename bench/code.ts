/**
 * GitHub requests per new issue spent on owners and code context (SPEC Part 2, issue #8), with the
 * stage on (`code-links: true`, `assign: codeowners, suspect-commit`) and off (`code-links: false`,
 * `assign` empty), against the fakes (the demo's repository, see __tests__/fakes/seed-code.ts).
 * `npx tsx bench/code.ts`; `codeContextFigures()` is what `npm run bench` can print.
 */
import { GITHUB_TOKEN, SENTRY_TOKEN, startWorld } from '../__tests__/fakes/world.js'
import { makeIssues, seedScenario, type Seed } from '../__tests__/fakes/seed.js'
import { GitHubClient } from '../src/github/client.js'
import { SentryClient } from '../src/sentry/client.js'
import { Budget } from '../src/http/retry.js'
import { resolveCodeContexts, type CodeContextDeps } from '../src/code/context.js'

export interface CodeContextFigure {
  seed: string
  issues: number
  on: { github: number; tree: number; contents: number; graphql: number; sentryReleases: number }
  off: { github: number; sentry: number }
}

async function measure(name: string, seed: Seed): Promise<CodeContextFigure> {
  const world = await startWorld({ seed })
  try {
    const budget = new Budget(600_000)
    const github = new GitHubClient({
      token: GITHUB_TOKEN,
      apiUrl: world.github.url,
      owner: 'acme',
      repo: 'shop',
      timeoutMs: 10_000,
      budget,
      writeSpacingMs: 0
    })
    const sentry = new SentryClient({
      baseUrl: world.sentry.url,
      token: SENTRY_TOKEN,
      org: 'acme',
      timeoutMs: 10_000,
      budget
    })
    const items = await Promise.all(
      seed.issues.map(async i => ({
        sentryId: i.id,
        event: await sentry.getLatestEvent(i.id, null)
      }))
    )
    const deps = (on: boolean): CodeContextDeps => ({
      config: {
        assign: on ? ['codeowners', 'suspect-commit'] : [],
        codeLinks: on,
        code: { owner: 'acme', repo: 'shop' },
        githubServerUrl: 'https://github.com'
      },
      octokit: github.octokit,
      sentry
    })
    const mark = () => ({
      github: world.github.requests.length,
      sentry: world.sentry.requests.length
    })
    const before = mark()
    await resolveCodeContexts(deps(false), items)
    const mid = mark()
    await resolveCodeContexts(deps(true), items)
    const on = world.github.requests.slice(mid.github)
    const kind = (re: RegExp) => on.filter(r => re.test(r.path)).length
    return {
      seed: name,
      issues: items.length,
      off: { github: mid.github - before.github, sentry: mid.sentry - before.sentry },
      on: {
        github: on.length,
        tree: kind(/\/git\/trees\//),
        contents: kind(/\/contents\//),
        graphql: kind(/graphql$/),
        sentryReleases: world.sentry.requests
          .slice(mid.sentry)
          .filter(r => r.path.includes('/releases/')).length
      }
    }
  } finally {
    await world.close()
  }
}

export async function codeContextFigures(): Promise<CodeContextFigure[]> {
  const now = new Date()
  return [
    await measure('demo (13 issues)', seedScenario({ now })),
    await measure('generated (100 issues)', makeIssues(100, now))
  ]
}

export function renderCodeContextFigures(figures: CodeContextFigure[]): string[] {
  return [
    '| seed | new issues | GitHub requests, code context off | on | per new issue (on) | trees | CODEOWNERS reads | GraphQL blame | Sentry release lookups |',
    '|---|---|---|---|---|---|---|---|---|',
    ...figures.map(
      f =>
        `| ${f.seed} | ${f.issues} | ${f.off.github} | ${f.on.github} | ${(f.on.github / f.issues).toFixed(2)} | ${f.on.tree} | ${f.on.contents} | ${f.on.graphql} | ${f.on.sentryReleases} |`
    )
  ]
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const figures = await codeContextFigures()
  process.stdout.write(`${renderCodeContextFigures(figures).join('\n')}\n`)
}
