/** Release → commit (SPEC Part 2, API-NOTES F3) over real HTTP against the fake Sentry and GitHub. */
import { afterEach, describe, expect, it } from '@jest/globals'
import { GitHubClient } from '../src/github/client.js'
import { SentryClient } from '../src/sentry/client.js'
import { Budget } from '../src/http/retry.js'
import { refsFromVersion, resolveReleaseCommit } from '../src/code/commit.js'
import { RepoReader } from '../src/code/repo.js'
import { startFakeGitHub, type FakeGitHub } from './fakes/github.js'
import { startFakeSentry } from './fakes/sentry.js'
import type { SentryReleaseInput } from './fakes/sentry-releases.js'

const GH = 'ghs_commitTestToken0123456789abcdef'
const SN = 'sntryu_commitTest'
const [A, B, C, HEAD] = ['a', 'b', 'c', 'd'].map(x => x.repeat(40)) as [
  string,
  string,
  string,
  string
]

const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  await Promise.all(closers.splice(0).map(c => c()))
})

async function setup(releases: SentryReleaseInput[] = []) {
  const github = await startFakeGitHub({
    owner: 'acme',
    repo: 'shop',
    token: GH,
    code: {
      defaultBranch: 'trunk',
      commits: [A, B, C, HEAD].map(sha => ({ sha, files: { 'a.ts': 'x\n' } })),
      refs: { 'v2.15.0': B, 'web@1.0.0': C }
    }
  })
  const sentry = await startFakeSentry({ token: SN, org: 'acme', releases })
  closers.push(
    () => github.close(),
    () => sentry.close()
  )
  const budget = new Budget(60_000)
  const octokit = new GitHubClient({
    token: GH,
    apiUrl: github.url,
    owner: 'acme',
    repo: 'shop',
    timeoutMs: 5_000,
    budget
  }).octokit
  const client = new SentryClient({
    baseUrl: sentry.url,
    token: SN,
    org: 'acme',
    timeoutMs: 5_000,
    budget
  })
  return { github, reader: new RepoReader(octokit, 'acme', 'shop'), sentry: client }
}

const gets = (g: FakeGitHub) =>
  g.requests.filter(r => r.method === 'GET').map(r => decodeURIComponent(r.path))

describe('resolveReleaseCommit', () => {
  it("Sentry's lastCommit for this repository first, with no GitHub request", async () => {
    const s = await setup([
      { version: 'api@2.15.0', lastCommit: { id: A, repository: 'acme/shop' } }
    ])
    expect(await resolveReleaseCommit(s.reader, s.sentry, 'api@2.15.0')).toEqual({
      sha: A,
      source: 'sentry-release',
      moved: false,
      branch: null
    })
    expect(s.github.requests).toHaveLength(0)
  })

  it("a lastCommit of another repository is not this one's: the version is tried instead", async () => {
    const s = await setup([
      { version: 'api@2.15.0', lastCommit: { id: A, repository: 'acme/other' } }
    ])
    expect(await resolveReleaseCommit(s.reader, s.sentry, 'api@2.15.0')).toMatchObject({
      sha: B,
      source: 'release-version'
    })
    expect(gets(s.github)).toEqual([
      '/repos/acme/shop/commits/api@2.15.0',
      '/repos/acme/shop/commits/2.15.0',
      '/repos/acme/shop/commits/v2.15.0'
    ])
  })

  it('a release that is a (short) SHA or a tag of the repository', async () => {
    const s = await setup()
    expect(await resolveReleaseCommit(s.reader, s.sentry, 'ccccccc')).toMatchObject({
      sha: C,
      source: 'release-version'
    })
    expect(await resolveReleaseCommit(s.reader, s.sentry, 'web@1.0.0')).toMatchObject({
      sha: C,
      moved: false
    })
  })

  it('else the default branch head, flagged as moved', async () => {
    const s = await setup()
    expect(await resolveReleaseCommit(s.reader, s.sentry, 'nightly build 7')).toEqual({
      sha: HEAD,
      source: 'default-branch',
      moved: true,
      branch: 'trunk'
    })
    expect(await resolveReleaseCommit(s.reader, s.sentry, null)).toMatchObject({
      sha: HEAD,
      moved: true
    })
    // The default branch is read once per run.
    expect(gets(s.github).filter(p => p === '/repos/acme/shop')).toHaveLength(1)
  })

  it('refsFromVersion: the version, its bare version, and v-prefixed; nothing git cannot name', () => {
    expect(refsFromVersion('checkout-api@2.15.0')).toEqual([
      'checkout-api@2.15.0',
      '2.15.0',
      'v2.15.0'
    ])
    expect(refsFromVersion('v1.2.3')).toEqual(['v1.2.3'])
    expect(refsFromVersion('deadbeef1')).toEqual(['deadbeef1'])
    expect(refsFromVersion('a b..c')).toEqual([])
  })
})
