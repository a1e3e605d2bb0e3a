/**
 * A whole world on 127.0.0.1: fake Sentry, GitHub and LLM servers, plus the inputs and environment
 * that point the real action at them. Shared by the tests, the demo and the benchmark.
 */
import { startFakeSentry, type FakeSentry, type FakeSentryOptions } from './sentry.js'
import { startFakeGitHub, type FakeGitHub, type FakeGitHubOptions } from './github.js'
import { startFakeLlm, type FakeLlm, type FakeLlmOptions } from './llm.js'
import {
  startFakeGitHubHost,
  type FakeGitHubHost,
  type FakeGitHubHostOptions,
  type HostedRepositoryOptions
} from './github-host.js'
import { seedScenario, type Seed } from './seed.js'
import { seedCode } from './seed-code.js'
import { run, type ActionIO, type RunOptions } from '../../src/main.js'
import type { TriageReport } from '../../src/pipeline/triage.js'

export const SENTRY_TOKEN = 'sntryu_fake0123456789abcdef0123456789abcdef'
export const GITHUB_TOKEN = 'ghs_fakeGitHubToken0123456789abcdefABCD'
export const LLM_KEY = 'sk-holysheep-fake-0123456789abcdefghij'
export const SECRETS = [SENTRY_TOKEN, GITHUB_TOKEN, LLM_KEY]

export interface World {
  now: Date
  seed: Seed
  sentry: FakeSentry
  /** the primary repository (`repository`, GITHUB_REPOSITORY); hosted when `githubRepositories` is set */
  github: FakeGitHub
  /** with `githubRepositories`: the one GitHub API serving the primary and the extra repositories */
  githubHost?: FakeGitHubHost | undefined
  llm: FakeLlm
  /** Inputs by action.yml name, pointing at the fakes. */
  inputs: Record<string, string>
  /** GITHUB_* variables as the runner sets them. */
  env: Record<string, string>
  close(): Promise<void>
}

export interface WorldOptions {
  now?: Date
  seed?: Seed
  sentry?: Partial<FakeSentryOptions>
  github?: Partial<FakeGitHubOptions>
  /**
   * More repositories on the same GitHub API (a fake GitHub host, github-host.ts): the world's
   * `github` is then the primary repository's handle on it, `githubHost` the host. The token's
   * settings in `github` (serverUrl, apiPrefix, botLogin, rateLimit, searchPerMinute, latencyMs)
   * apply to the host; `readOnly` becomes the primary repository's `access: 'read'`.
   */
  githubRepositories?: HostedRepositoryOptions[]
  /** with `githubRepositories`: more of the host's options (tokenKind, creationSpacingMs, …) */
  githubHost?: Partial<Omit<FakeGitHubHostOptions, 'token' | 'repositories'>>
  llm?: Partial<FakeLlmOptions>
}

export async function startWorld(options: WorldOptions = {}): Promise<World> {
  const now = options.now ?? new Date()
  const seed = options.seed ?? seedScenario({ now })
  // The code repository behind the seeded issues (permalinks, CODEOWNERS, blame) and its releases.
  const code = seedCode(seed)
  const sentry = await startFakeSentry({
    token: SENTRY_TOKEN,
    org: 'acme',
    projects: seed.projects,
    issues: seed.issues,
    events: seed.events,
    releases: code.releases,
    now: () => now,
    ...options.sentry
  })
  const primary: FakeGitHubOptions = {
    owner: 'acme',
    repo: 'shop',
    token: GITHUB_TOKEN,
    // The issue Sentry's own GitHub integration opened (the seed's `jwt` issue points at it).
    issues: [
      {
        number: 7,
        title: 'JWT expired errors in checkout',
        body: 'Opened by the Sentry GitHub integration.',
        created_at: now.toISOString()
      }
    ],
    code: code.code,
    ...options.github
  }
  const githubHost = options.githubRepositories
    ? await startHost(primary, options.githubRepositories, options.githubHost)
    : undefined
  const github = githubHost
    ? githubHost.repository(`${primary.owner}/${primary.repo}`)
    : await startFakeGitHub(primary)
  const llm = await startFakeLlm({ apiKey: LLM_KEY, ...options.llm })
  return {
    now,
    seed,
    sentry,
    github,
    githubHost,
    llm,
    inputs: {
      'sentry-token': SENTRY_TOKEN,
      'sentry-org': 'acme',
      'sentry-url': sentry.url,
      'holysheep-api-key': LLM_KEY,
      'holysheep-base-url': llm.url,
      'github-token': GITHUB_TOKEN,
      repository: 'acme/shop'
    },
    env: {
      GITHUB_REPOSITORY: 'acme/shop',
      GITHUB_API_URL: github.url,
      GITHUB_SERVER_URL: github.serverUrl
    },
    close: async () => {
      await Promise.all([sentry.close(), github.close(), llm.close()])
    }
  }
}

/** The primary repository and the extra ones behind one GitHub API; the token's settings go to the host. */
function startHost(
  primary: FakeGitHubOptions,
  extra: HostedRepositoryOptions[],
  more: WorldOptions['githubHost']
): Promise<FakeGitHubHost> {
  const {
    token,
    serverUrl,
    apiPrefix,
    botLogin,
    now,
    rateLimit,
    searchPerMinute,
    latencyMs,
    readOnly,
    ...seeds
  } = primary
  return startFakeGitHubHost({
    token,
    serverUrl,
    apiPrefix,
    botLogin,
    now,
    rateLimit,
    searchPerMinute,
    latencyMs,
    repositories: [{ ...seeds, access: readOnly ? 'read' : 'write' }, ...extra],
    ...more
  })
}

/** Everything one run said: outputs, log lines, warnings, the failure message and the summary. */
export interface RunRecord {
  report: TriageReport | undefined
  outputs: Record<string, string>
  info: string[]
  warnings: string[]
  failed: string | null
  summary: string
  secretsMasked: string[]
  /** Every text the run emitted, for greps. */
  all(): string
}

/** Runs the real `run()` against the world, capturing what it tells the runner. */
export async function runAction(
  world: World,
  inputs: Record<string, string> = {},
  options: Omit<RunOptions, 'io' | 'env'> = {}
): Promise<RunRecord> {
  const all = { ...world.inputs, ...inputs }
  const record: RunRecord = {
    report: undefined,
    outputs: {},
    info: [],
    warnings: [],
    failed: null,
    summary: '',
    secretsMasked: [],
    all() {
      return [
        ...this.info,
        ...this.warnings,
        this.failed ?? '',
        this.summary,
        ...Object.values(this.outputs)
      ].join('\n')
    }
  }
  const io: Partial<ActionIO> = {
    getInput: name => all[name] ?? '',
    setSecret: value => void record.secretsMasked.push(value),
    setOutput: (name, value) => void (record.outputs[name] = value),
    setFailed: message => void (record.failed = message),
    info: message => void record.info.push(message),
    warning: (message, title) =>
      void record.warnings.push(title ? `${title}: ${message}` : message),
    debug: message => void record.info.push(`[debug] ${message}`),
    group: async (_name, fn) => fn(),
    writeSummary: async markdown => void (record.summary += markdown)
  }
  record.report = await run({
    io,
    env: { ...world.env },
    githubWriteSpacingMs: 0,
    githubNotifySpacingMs: 0,
    githubRetryAfterBaseMs: 10,
    ...options
  })
  return record
}
