import { describe, it, expect } from '@jest/globals'
import { ConfigError, DEFAULTS, readConfig, type Config } from '../src/config/config.js'

const SENTRY_TOKEN = 'sntrys_eyJpYXQiOjE3MDAwMDAwMDB9_supersecretvalue'
const GITHUB_TOKEN = 'ghs_0123456789abcdefghijABCDEFGHIJ012345'
const LLM_KEY = 'hs-live-9f8e7d6c5b4a3210'

/** The smallest set of inputs a user must give. */
const REQUIRED: Record<string, string> = {
  'sentry-token': SENTRY_TOKEN,
  'sentry-org': 'acme',
  'holysheep-api-key': LLM_KEY,
  'github-token': GITHUB_TOKEN,
  repository: 'acme/shop'
}

function reader(inputs: Record<string, string>) {
  return (name: string): string => inputs[name] ?? ''
}

function configWith(overrides: Record<string, string> = {}, env: NodeJS.ProcessEnv = {}): Config {
  return readConfig(reader({ ...REQUIRED, ...overrides }), env)
}

/** The ConfigError's message for these inputs; fails the test when no error is thrown. */
function errorFor(overrides: Record<string, string>, env: NodeJS.ProcessEnv = {}): string {
  try {
    configWith(overrides, env)
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError)
    return (error as Error).message
  }
  throw new Error(`expected a ConfigError for ${JSON.stringify(overrides)}`)
}

describe('Part 2 inputs', () => {
  it('reads each Part 2 input in its documented form', () => {
    const config = configWith({
      'on-regression': 'New',
      'resolve-in-sentry': 'true',
      'sentry-link': 'true',
      'sentry-app-installation': '6F2C1D3A-1B2C-4D5E-8F90-123456789ABC',
      assign: 'codeowners, suspect-commit',
      'code-links': 'false',
      'code-repository': 'acme/backend',
      'mention-owners': 'true',
      'max-cost-usd': '0.50',
      'learn-from-corrections': 'false'
    })
    expect(config).toMatchObject({
      onRegression: 'new',
      resolveInSentry: true,
      sentryLink: true,
      sentryAppInstallation: '6f2c1d3a-1b2c-4d5e-8f90-123456789abc',
      assign: ['codeowners', 'suspect-commit'],
      codeLinks: false,
      code: { owner: 'acme', repo: 'backend' },
      mentionOwners: true,
      maxCostUsd: 0.5,
      learnFromCorrections: false
    })
  })

  it('names each bad Part 2 input and the form it expects, all at once', () => {
    const message = errorFor({
      'on-regression': 'close',
      'sentry-app-installation': 'my-app',
      assign: 'codeowners, blame',
      'code-repository': 'backend',
      'max-cost-usd': '-1',
      'mention-owners': 'yes'
    })
    expect(message).toContain("Input 'on-regression' must be reopen, new or ignore (got 'close')")
    expect(message).toContain("Input 'sentry-app-installation' must be the uuid")
    expect(message).toContain("Input 'assign' each entry must be codeowners or suspect-commit")
    expect(message).toContain("Input 'code-repository' must be owner/repo")
    expect(message).toContain("Input 'max-cost-usd' must be a positive amount of US dollars")
    expect(message).toContain("Input 'mention-owners' must be true or false")
  })

  it('takes no cap for an empty max-cost-usd and rejects a zero one', () => {
    expect(configWith({ 'max-cost-usd': '' }).maxCostUsd).toBeNull()
    expect(errorFor({ 'max-cost-usd': '0' })).toContain("Input 'max-cost-usd'")
  })
})

describe('readConfig defaults', () => {
  it('applies every default when only the required inputs are given', () => {
    const expected: Partial<Config> = {
      sentryToken: SENTRY_TOKEN,
      sentryOrg: 'acme',
      sentryProjects: [],
      sentryUrl: 'https://sentry.io',
      sentryQuery: 'is:unresolved',
      since: { text: '24h', ms: 24 * 3_600_000 },
      environment: null,
      maxIssues: 50,
      holysheepApiKey: LLM_KEY,
      holysheepBaseUrl: 'https://api.holysheep.ai/v1',
      classifier: 'llm',
      models: {
        routine: 'deepseek-v3.2',
        medium: 'gemini-2.5-flash',
        high: 'claude-sonnet-4.5',
        critical: 'gpt-4.1'
      },
      routing: true,
      maxConcurrency: 4,
      redact: true,
      githubToken: GITHUB_TOKEN,
      owner: 'acme',
      repo: 'shop',
      githubApiUrl: 'https://api.github.com',
      githubServerUrl: 'https://github.com',
      createIssues: true,
      labels: ['sentry'],
      sentryComment: false,
      dryRun: false,
      closeResolved: false,
      groupSimilar: true,
      sentryIssue: null,
      sentryWebhookSecret: null,
      criticalAssignees: [],
      prices: {
        'deepseek-v3.2': 0.42,
        'gemini-2.5-flash': 2.5,
        'gpt-4.1': 8,
        'claude-sonnet-4.5': 15
      },
      requestTimeoutMs: 30_000,
      timeBudgetMs: 600_000,
      onRegression: 'reopen',
      resolveInSentry: false,
      sentryLink: false,
      sentryAppInstallation: null,
      assign: [],
      codeLinks: true,
      codeRepository: null,
      code: { owner: 'acme', repo: 'shop' },
      mentionOwners: false,
      maxCostUsd: null,
      learnFromCorrections: true
    }
    expect(configWith()).toMatchObject(expected)
  })

  it('treats an empty or blank input as its default', () => {
    const config = configWith({
      'sentry-url': '',
      since: '   ',
      'max-issues': '',
      classifier: ' ',
      model: '',
      routing: '',
      labels: '',
      prices: ''
    })
    expect(config.sentryUrl).toBe(DEFAULTS['sentry-url'])
    expect(config.since.text).toBe('24h')
    expect(config.maxIssues).toBe(50)
    expect(config.classifier).toBe('llm')
    expect(config.models.routine).toBe('deepseek-v3.2')
    expect(config.routing).toBe(true)
    expect(config.labels).toEqual(['sentry'])
    expect(config.prices['gpt-4.1']).toBe(8)
  })

  it('reads each input by its action.yml name', () => {
    const asked: string[] = []
    readConfig(name => {
      asked.push(name)
      return REQUIRED[name] ?? ''
    }, {})
    expect(asked).toEqual(
      expect.arrayContaining([
        'sentry-token',
        'sentry-org',
        'max-issues',
        'holysheep-base-url',
        'dry-run',
        'model-critical'
      ])
    )
  })
})

describe('readConfig parsing of valid values', () => {
  it('splits projects, labels and assignees on commas and newlines', () => {
    const config = configWith({
      'sentry-projects': 'checkout-api, web\nworker_1\n',
      labels: 'sentry,\n triage , bug',
      'critical-assignees': '@alice, bob-smith'
    })
    expect(config.sentryProjects).toEqual(['checkout-api', 'web', 'worker_1'])
    expect(config.labels).toEqual(['sentry', 'triage', 'bug'])
    expect(config.criticalAssignees).toEqual(['alice', 'bob-smith'])
  })

  it('parses durations, numbers, booleans and the classifier case-insensitively', () => {
    const config = configWith({
      since: '30m',
      'max-issues': ' 7 ',
      'max-concurrency': '32',
      'dry-run': 'TRUE',
      routing: 'False',
      classifier: 'Heuristic',
      'holysheep-api-key': ''
    })
    expect(config.since).toEqual({ text: '30m', ms: 30 * 60_000 })
    expect(config.maxIssues).toBe(7)
    expect(config.maxConcurrency).toBe(32)
    expect(config.dryRun).toBe(true)
    expect(config.routing).toBe(false)
    expect(config.classifier).toBe('heuristic')
    expect(config.holysheepApiKey).toBeNull()
  })

  it('accepts the longest window Sentry keeps (90d) and weeks', () => {
    expect(configWith({ since: '90d' }).since.ms).toBe(90 * 86_400_000)
    expect(configWith({ since: '2w' }).since.ms).toBe(14 * 86_400_000)
  })

  it('parses prices into a model → USD map', () => {
    expect(configWith({ prices: 'deepseek-v3.2=0.42, my-model = 3' }).prices).toEqual({
      'deepseek-v3.2': 0.42,
      'my-model': 3
    })
  })

  it('keeps optional text inputs, or null when empty', () => {
    const config = configWith({
      environment: ' production ',
      'sentry-issue': 'CHECKOUT-API-1A',
      'sentry-webhook-secret': 'whsecret'
    })
    expect(config.environment).toBe('production')
    expect(config.sentryIssue).toBe('CHECKOUT-API-1A')
    expect(config.sentryWebhookSecret).toBe('whsecret')
    expect(configWith({ 'sentry-issue': '4501' }).sentryIssue).toBe('4501')
  })

  it('trims the model names', () => {
    expect(configWith({ 'model-high': '  claude-opus  ' }).models.high).toBe('claude-opus')
  })

  it('accepts a label of exactly 50 characters', () => {
    expect(configWith({ labels: 'x'.repeat(50) }).labels).toEqual(['x'.repeat(50)])
  })
})

describe('readConfig base URLs', () => {
  it.each([
    ['http://127.0.0.1:9000', 'http://127.0.0.1:9000'],
    ['http://localhost', 'http://localhost'],
    ['http://localhost:8080/', 'http://localhost:8080'],
    ['http://[::1]:1', 'http://[::1]:1'],
    ['https://de.sentry.io/', 'https://de.sentry.io'],
    ['https://sentry.example.com/self-hosted//', 'https://sentry.example.com/self-hosted']
  ])('accepts sentry-url %s as %s (trailing slashes dropped)', (input, expected) => {
    expect(configWith({ 'sentry-url': input }).sentryUrl).toBe(expected)
  })

  it('drops the trailing slash of holysheep-base-url', () => {
    expect(
      configWith({ 'holysheep-base-url': 'https://gateway.example.com/v1/' }).holysheepBaseUrl
    ).toBe('https://gateway.example.com/v1')
  })

  it.each([
    'http://example.com',
    'http://10.0.0.5:9000',
    'http://localhost.evil.com',
    'ftp://x',
    'sentry.io',
    'not a url'
  ])('rejects sentry-url %s, naming the input and the https form', value => {
    const message = errorFor({ 'sentry-url': value })
    expect(message).toContain("Input 'sentry-url'")
    expect(message).toMatch(/https:\/\//)
  })

  it('explains that http:// is only for loopback hosts', () => {
    expect(errorFor({ 'sentry-url': 'http://example.com' })).toMatch(
      /http:\/\/ is allowed only for localhost, 127\.0\.0\.1 and \[::1\]/
    )
  })

  it('rejects credentials, queries and fragments in a base URL', () => {
    expect(errorFor({ 'sentry-url': 'https://user:pw@sentry.io' })).toMatch(
      /'sentry-url' must not carry credentials/
    )
    expect(errorFor({ 'holysheep-base-url': 'https://gw.example.com/v1?x=1' })).toMatch(
      /'holysheep-base-url' must not carry/
    )
  })

  it('reads GITHUB_API_URL and GITHUB_SERVER_URL (GitHub Enterprise Server), without trailing slashes', () => {
    const config = configWith(
      {},
      {
        GITHUB_API_URL: 'https://ghe.example.com/api/v3/',
        GITHUB_SERVER_URL: 'https://ghe.example.com/'
      }
    )
    expect(config.githubApiUrl).toBe('https://ghe.example.com/api/v3')
    expect(config.githubServerUrl).toBe('https://ghe.example.com')
  })

  it('falls back to github.com when GITHUB_API_URL and GITHUB_SERVER_URL are empty', () => {
    const config = configWith({}, { GITHUB_API_URL: '', GITHUB_SERVER_URL: '' })
    expect(config.githubApiUrl).toBe('https://api.github.com')
    expect(config.githubServerUrl).toBe('https://github.com')
  })

  it('rejects a plain-http GITHUB_API_URL or GITHUB_SERVER_URL on a remote host, naming the variable', () => {
    const message = errorFor(
      {},
      {
        GITHUB_API_URL: 'http://ghe.example.com/api/v3',
        GITHUB_SERVER_URL: 'http://ghe.example.com'
      }
    )
    expect(message).toMatch(/GITHUB_API_URL must be an https:\/\/ URL/)
    expect(message).toMatch(/GITHUB_SERVER_URL must be an https:\/\/ URL/)
  })

  it('allows a loopback GITHUB_API_URL for local runs', () => {
    expect(configWith({}, { GITHUB_API_URL: 'http://127.0.0.1:3000/' }).githubApiUrl).toBe(
      'http://127.0.0.1:3000'
    )
  })
})

describe('readConfig rejects bad values with the input name and the expected form', () => {
  it('requires sentry-org', () => {
    const message = errorFor({ 'sentry-org': '' })
    expect(message).toContain("Input 'sentry-org' is required")
    expect(message).toContain('organization slug')
  })

  it('requires sentry-token', () => {
    expect(errorFor({ 'sentry-token': '' })).toContain(
      "Input 'sentry-token' is required: a Sentry auth token"
    )
  })

  it('rejects a sentry-org that is not a slug', () => {
    expect(errorFor({ 'sentry-org': 'acme inc' })).toMatch(
      /Input 'sentry-org' must be a Sentry organization slug.*\(got 'acme inc'\)/
    )
  })

  it('rejects a bad project slug', () => {
    expect(errorFor({ 'sentry-projects': 'web, bad slug!' })).toMatch(
      /Input 'sentry-projects' each entry must be a Sentry project slug/
    )
  })

  it.each([
    ['abc', /Input 'max-issues' must be a whole number from 1 to 1000 \(got 'abc'\)/],
    ['0', /Input 'max-issues' must be a whole number from 1 to 1000 \(got '0'\)/],
    ['1001', /Input 'max-issues' must be a whole number from 1 to 1000/],
    ['-3', /Input 'max-issues' must be a whole number from 1 to 1000/],
    ['2.5', /Input 'max-issues' must be a whole number from 1 to 1000/]
  ])('rejects max-issues: %s', (value, pattern) => {
    expect(errorFor({ 'max-issues': value })).toMatch(pattern)
  })

  it('rejects max-concurrency outside 1..32', () => {
    expect(errorFor({ 'max-concurrency': '33' })).toMatch(
      /Input 'max-concurrency' must be a whole number from 1 to 32/
    )
  })

  it.each(['yesterday', '24', '1.5h', '0m', '-1d', '24 hours'])(
    'rejects since: %s with the accepted form',
    value => {
      expect(errorFor({ since: value })).toMatch(
        /Input 'since' must be a number followed by m, h, d, w \(e\.g\. 30m, 6h, 24h, 7d\)/
      )
    }
  )

  it('rejects since: 91d because Sentry keeps 90 days', () => {
    expect(errorFor({ since: '91d' })).toMatch(/Input 'since' must be at most 90d \(got '91d'\)/)
  })

  it('rejects an unknown classifier', () => {
    expect(errorFor({ classifier: 'gpt' })).toMatch(
      /Input 'classifier' must be llm or heuristic \(got 'gpt'\)/
    )
  })

  it.each([
    'dry-run',
    'routing',
    'redact',
    'create-issues',
    'sentry-comment',
    'close-resolved',
    'group-similar'
  ])('rejects %s: yes (only true or false)', name => {
    expect(errorFor({ [name]: 'yes' })).toContain(
      `Input '${name}' must be true or false (got 'yes')`
    )
  })

  it.each(['gpt-4.1', 'gpt-4.1=', 'gpt-4.1=abc', '=3', 'gpt-4.1=-1'])(
    'rejects prices pair %s',
    value => {
      const message = errorFor({ prices: `deepseek-v3.2=0.42, ${value}` })
      expect(message).toContain("Input 'prices'")
      expect(message).toContain('must be model=USD-per-million-tokens, e.g. deepseek-v3.2=0.42')
    }
  )

  it('requires holysheep-api-key when the classifier is llm', () => {
    const message = errorFor({ 'holysheep-api-key': '' })
    expect(message).toContain("Input 'holysheep-api-key' is required when classifier is llm")
    expect(message).toContain('classifier: heuristic')
  })

  it('does not need holysheep-api-key with the heuristic classifier', () => {
    const config = configWith({ 'holysheep-api-key': '', classifier: 'heuristic' })
    expect(config.classifier).toBe('heuristic')
    expect(config.holysheepApiKey).toBeNull()
  })

  it('rejects a label longer than 50 characters', () => {
    expect(errorFor({ labels: `sentry, ${'x'.repeat(51)}` })).toMatch(
      /Input 'labels' each label must be at most 50 characters/
    )
  })

  it('rejects a malformed repository', () => {
    expect(errorFor({ repository: 'just-a-name' })).toMatch(
      /Input 'repository' must be owner\/repo/
    )
    expect(errorFor({ repository: 'a/b/c' })).toMatch(/Input 'repository' must be owner\/repo/)
  })

  it('rejects a critical-assignees entry that is not a GitHub login', () => {
    expect(errorFor({ 'critical-assignees': 'alice, bob smith' })).toMatch(
      /Input 'critical-assignees' each entry must be a GitHub login/
    )
  })

  it('rejects a sentry-issue that is neither an id nor a shortId', () => {
    expect(errorFor({ 'sentry-issue': 'https://sentry.io/issues/1' })).toMatch(
      /Input 'sentry-issue' must be a Sentry issue id \(digits\) or shortId/
    )
  })

  it('rejects bad request-timeout and time-budget durations', () => {
    const message = errorFor({ 'request-timeout': '30 seconds', 'time-budget': '5d' })
    expect(message).toMatch(/Input 'request-timeout' must be a number followed by ms, s, m/)
    expect(message).toMatch(/Input 'time-budget' must be a number followed by s, m, h/)
  })

  it('reports several bad inputs together, one line each', () => {
    const message = errorFor({
      'sentry-org': '',
      'max-issues': 'abc',
      since: 'yesterday',
      'dry-run': 'yes',
      'sentry-url': 'ftp://x'
    })
    expect(message.startsWith('Invalid inputs:\n- ')).toBe(true)
    for (const name of ['sentry-org', 'max-issues', 'since', 'dry-run', 'sentry-url'])
      expect(message).toContain(`Input '${name}'`)
    expect(message.split('\n').filter(line => line.startsWith('- '))).toHaveLength(5)
  })

  it('reports a missing holysheep-api-key together with other bad inputs', () => {
    const message = errorFor({ 'holysheep-api-key': '', 'max-issues': '0' })
    expect(message).toContain("Input 'max-issues'")
    expect(message).toContain("Input 'holysheep-api-key' is required when classifier is llm")
  })

  it('reports bad environment URLs together with bad inputs', () => {
    const message = errorFor({ since: 'yesterday' }, { GITHUB_SERVER_URL: 'ftp://ghe' })
    expect(message).toContain("Input 'since'")
    expect(message).toContain('GITHUB_SERVER_URL')
  })

  it('cuts long bad values in the message', () => {
    const message = errorFor({ 'sentry-org': `bad org ${'x'.repeat(500)}` })
    expect(message.length).toBeLessThan(400)
    expect(message).toContain('...')
  })
})

describe('readConfig never echoes secrets', () => {
  it.each([
    ['sentry-token', 'sntrys_Zq81xK def0Pl\nghiUu-7777'],
    ['github-token', 'ghp_Wq7Vn31 Xk9Rr00 Tz4Y'],
    ['holysheep-api-key', 'hs-Kp2Lm9\tQw8Er7']
  ])('rejects a malformed %s without printing it', (name, value) => {
    const message = errorFor({ [name]: value })
    expect(message).toContain(
      `Input '${name}' must be a single token without spaces, line breaks or control characters`
    )
    for (const part of value.split(/\s+/)) expect(message).not.toContain(part)
  })

  it('does not print any of the tokens when other inputs are bad', () => {
    const message = errorFor({ 'max-issues': 'abc', classifier: 'nope' })
    for (const secret of [SENTRY_TOKEN, GITHUB_TOKEN, LLM_KEY])
      expect(message).not.toContain(secret)
  })

  it('trims surrounding whitespace from tokens', () => {
    const config = configWith({
      'sentry-token': `  ${SENTRY_TOKEN}\n`,
      'github-token': ` ${GITHUB_TOKEN} `,
      'holysheep-api-key': `${LLM_KEY} `
    })
    expect(config.sentryToken).toBe(SENTRY_TOKEN)
    expect(config.githubToken).toBe(GITHUB_TOKEN)
    expect(config.holysheepApiKey).toBe(LLM_KEY)
  })
})

describe('readConfig environment fallbacks', () => {
  it('takes repository from GITHUB_REPOSITORY when the input is empty', () => {
    const config = configWith({ repository: '' }, { GITHUB_REPOSITORY: 'octo-org/web-app' })
    expect(config.owner).toBe('octo-org')
    expect(config.repo).toBe('web-app')
  })

  it('prefers the repository input over GITHUB_REPOSITORY', () => {
    const config = configWith(
      { repository: 'acme/issues' },
      { GITHUB_REPOSITORY: 'octo-org/web-app' }
    )
    expect(`${config.owner}/${config.repo}`).toBe('acme/issues')
  })

  it('fails naming repository when neither the input nor GITHUB_REPOSITORY is set', () => {
    expect(errorFor({ repository: '' })).toMatch(
      /Input 'repository' must be owner\/repo.*GITHUB_REPOSITORY/
    )
  })

  it('takes github-token from GITHUB_TOKEN when the input is empty', () => {
    expect(
      configWith({ 'github-token': '' }, { GITHUB_TOKEN: 'ghs_fromEnvironment123' }).githubToken
    ).toBe('ghs_fromEnvironment123')
  })

  it('prefers the github-token input over GITHUB_TOKEN', () => {
    expect(configWith({}, { GITHUB_TOKEN: 'ghs_fromEnvironment123' }).githubToken).toBe(
      GITHUB_TOKEN
    )
  })

  it('requires a GitHub token when neither the input nor GITHUB_TOKEN is set', () => {
    expect(errorFor({ 'github-token': '' })).toContain("Input 'github-token' is required")
  })
})

describe('readConfig under @github/local-action (action.yml defaults passed unexpanded)', () => {
  it('treats an unexpanded ${{ github.token }} as unset and takes GITHUB_TOKEN', () => {
    const config = configWith(
      { 'github-token': '${{ github.token }}' },
      { GITHUB_TOKEN: 'ghs_fromEnvironment123' }
    )
    expect(config.githubToken).toBe('ghs_fromEnvironment123')
  })

  it('says to set GITHUB_TOKEN or the input, not that the token has spaces', () => {
    const message = errorFor({ 'github-token': '${{ github.token }}' })
    expect(message).toContain(
      "Input 'github-token' is required: a GitHub token with issues: write (or set GITHUB_TOKEN)"
    )
    expect(message).not.toMatch(/single token without spaces/)
    expect(message).not.toContain('${{')
  })

  it('gives any other unexpanded expression its default', () => {
    const config = configWith({ since: '${{ inputs.since }}', 'max-issues': ' ${{ vars.MAX }} ' })
    expect(config.since.text).toBe(DEFAULTS.since)
    expect(config.maxIssues).toBe(Number(DEFAULTS['max-issues']))
    // Text that merely contains an expression is the user's value, checked as usual.
    expect(errorFor({ since: '${{ x }}h' })).toMatch(/Input 'since' must be a number/)
  })
})

describe('Part 3 flood and refresh inputs', () => {
  it('defaults to floods of 10 with 3 issues of their own, and 20 refreshes a run', () => {
    expect(configWith()).toMatchObject({
      floodThreshold: 10,
      floodMaxIssues: 3,
      refresh: true,
      maxRefreshWrites: 20
    })
  })

  it('reads each in its documented form; 0 turns floods off', () => {
    expect(
      configWith({
        'flood-threshold': '0',
        'flood-max-issues': '5',
        refresh: 'False',
        'max-refresh-writes': '0'
      })
    ).toMatchObject({ floodThreshold: 0, floodMaxIssues: 5, refresh: false, maxRefreshWrites: 0 })
  })

  it('names each bad one and the form it expects, all at once', () => {
    const message = errorFor({
      'flood-threshold': '1',
      'flood-max-issues': 'three',
      refresh: 'sometimes',
      'max-refresh-writes': '-5'
    })
    expect(message).toContain(
      "Input 'flood-threshold' must be 0 (floods off) or a whole number from 2 to 1000 (got '1')"
    )
    expect(message).toContain("Input 'flood-max-issues' must be a whole number from 0 to 50")
    expect(message).toContain("Input 'refresh' must be true or false (got 'sometimes')")
    expect(message).toContain("Input 'max-refresh-writes' must be a whole number from 0 to 500")
  })
})
