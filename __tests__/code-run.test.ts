/**
 * Code context in a whole run, over HTTP: new issues carry permalinks, owners and the suspect
 * commit; `assign` assigns; a token without `contents: read` opens every issue all the same, with
 * one warning; `code-links: false` with no `assign` costs no request; a same-named file elsewhere
 * in the repository gives no link, owner, suspect or assignee.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { startWorld, runAction, type World } from './fakes/world.js'
import { seedScenario, type ScenarioSeed } from './fakes/seed.js'
import { DEMO_CODEOWNERS, seedCode } from './fakes/seed-code.js'
import type { CodeCommitSeed } from './fakes/github-code.js'
import { markerIds } from './support/world-checks.js'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

const CODE_PATH = /\/(git\/trees|contents|commits)\/|\/graphql$/
const issueOf = (w: World, sentryId: string) =>
  w.github.issues.find(i => markerIds(i.body).includes(sentryId))!

describe('code context in a run', () => {
  it('puts permalinks, owners and the suspect commit in new issues and assigns by codeowners and suspect-commit', async () => {
    world = await startWorld()
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, {
      classifier: 'heuristic',
      assign: 'codeowners, suspect-commit'
    })
    expect(run.failed).toBeNull()
    const deadlock = issueOf(world, ids.deadlock)
    expect(deadlock.body).toMatch(
      /\]\(https:\/\/github\.com\/acme\/shop\/blob\/[0-9a-f]{40}\/checkout-api\/src\/db\/orders\.ts#L\d+\)/
    )
    // Named, never pinged: a zero-width joiner follows each @ in the body.
    expect(deadlock.body).toContain('**Owners**')
    expect(deadlock.body).not.toMatch(/@alice\b/)
    expect(deadlock.assignees.map(a => a.login)).toEqual(['alice'])
    const row = run.report!.results.find(r => r.sentryId === ids.deadlock)!
    expect(row.owners).toEqual(expect.arrayContaining(['@alice', '@acme/checkout']))
    expect(row.suspectCommit).toMatch(/^[0-9a-f]{40}$/)
    expect(JSON.parse(run.outputs.results!)[0]).toHaveProperty('suspectCommit')
  })

  it('without contents: read opens every issue, without code context, with one warning for the run', async () => {
    const seed = seedScenario({ now: new Date() })
    const { code } = seedCode(seed)
    world = await startWorld({ seed, github: { code: { ...code, forbidden: true } } })
    const run = await runAction(world, { classifier: 'heuristic', assign: 'codeowners' })
    expect(run.failed).toBeNull()
    expect(run.outputs.created).toBe('10')
    const codeWarnings = run.warnings.filter(w => w.startsWith('Code context'))
    expect(codeWarnings).toHaveLength(1)
    expect(codeWarnings[0]).toMatch(/Add `contents: read` to the workflow's permissions/)
    expect(world.github.issues.some(i => (i.body ?? '').includes('/blob/'))).toBe(false)
    expect(world.github.issues.every(i => i.assignees.length === 0)).toBe(true)
  })

  it('makes no code request with code-links: false and assign empty', async () => {
    world = await startWorld()
    const run = await runAction(world, { classifier: 'heuristic', 'code-links': 'false' })
    expect(run.failed).toBeNull()
    expect(run.outputs.created).toBe('10')
    // The one GraphQL query such a run may make is who the token is (viewer), never blame.
    const code = world.github.requests.filter(
      r => CODE_PATH.test(r.path) && !/viewer \{ login \}/.test(JSON.stringify(r.body))
    )
    expect(code).toEqual([])
    expect(world.sentry.requests.filter(r => r.path.includes('/releases/'))).toEqual([])
  })

  it('links nothing when the crash file is absent and only a same-named file elsewhere exists', async () => {
    const seed = seedScenario({ now: new Date() })
    const { code } = seedCode(seed)
    const crash = 'checkout-api/src/pricing/applyDiscounts.ts'
    const legacy = 'tools/legacy/applyDiscounts.ts'
    const mallory = 'ab'.repeat(20)
    // The crash file is gone: only tools/legacy/applyDiscounts.ts has its name, owned and last changed
    // by someone who has nothing to do with the crash.
    const moved = (c: CodeCommitSeed): CodeCommitSeed => {
      const files = { ...c.files }
      const content = files[crash]
      expect(content).toBeDefined()
      delete files[crash]
      files[legacy] = content as string
      files['.github/CODEOWNERS'] = `${DEMO_CODEOWNERS}/tools/legacy/ @mallory\n`
      const blame = { ...c.blame }
      delete blame[crash]
      blame[legacy] = [{ start: 1, end: 500, commit: mallory }]
      return { ...c, files, blame }
    }
    const commits = code.commits.map(moved)
    commits.splice(1, 0, {
      ...(commits[0] as CodeCommitSeed),
      sha: mallory,
      author: 'mallory',
      pr: 99,
      message: 'Legacy copy'
    })
    world = await startWorld({ seed, github: { code: { ...code, commits } } })
    const { ids } = world.seed as ScenarioSeed
    const run = await runAction(world, {
      classifier: 'heuristic',
      assign: 'codeowners, suspect-commit'
    })
    expect(run.failed).toBeNull()
    const fatal = issueOf(world, ids.fatal)
    expect(fatal.body).toContain('src/pricing/applyDiscounts.ts')
    expect(fatal.body).not.toContain(legacy)
    expect(fatal.body).not.toContain('**Owners**')
    expect(fatal.body).not.toContain('**Suspect commit**')
    expect(fatal.body).not.toMatch(/mallory|pull\/99/)
    expect(fatal.assignees).toEqual([])
    const row = run.report!.results.find(r => r.sentryId === ids.fatal)!
    expect(row.owners ?? []).toEqual([])
    expect(row.suspectCommit ?? null).toBeNull()
    // An issue whose crash file is where its frame says still links, owns and assigns.
    expect(issueOf(world, ids.deadlock).assignees.map(a => a.login)).toEqual(['alice'])
  })
})
