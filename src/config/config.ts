import { z } from 'zod'
import { parseRepositoryMap } from './repository-map.js'
import {
  MAX_SINCE_MS,
  REPOSITORY,
  baseUrlInput,
  booleanInput,
  durationInput,
  globsInput,
  integerInput,
  labelsInput,
  list,
  loginsInput,
  optionalTokenInput,
  pricesInput,
  required,
  slugsInput,
  tokenInput
} from './inputs.js'

export type { Duration } from './inputs.js'

/** Reads one action input by its action.yml name; `@actions/core`'s getInput in production. */
export type InputReader = (name: string) => string

export type ClassifierMode = 'llm' | 'heuristic'

export interface Models {
  routine: string
  medium: string
  high: string
  critical: string
}

/** Defaults mirror action.yml: an unset or empty input means its default. */
export const DEFAULTS = {
  'sentry-projects': '',
  'sentry-url': 'https://sentry.io',
  'sentry-query': 'is:unresolved',
  since: '24h',
  environment: '',
  'max-issues': '50',
  'holysheep-api-key': '',
  'holysheep-base-url': 'https://api.holysheep.ai/v1',
  classifier: 'llm',
  model: 'deepseek-v3.2',
  'model-medium': 'gemini-2.5-flash',
  'model-high': 'claude-sonnet-4.5',
  'model-critical': 'gpt-4.1',
  routing: 'true',
  'max-concurrency': '4',
  redact: 'true',
  'github-token': '',
  repository: '',
  'create-issues': 'true',
  labels: 'sentry',
  'sentry-comment': 'false',
  'dry-run': 'false',
  'close-resolved': 'false',
  'group-similar': 'true',
  'sentry-issue': '',
  'sentry-webhook-secret': '',
  'critical-assignees': '',
  prices: 'deepseek-v3.2=0.42, gemini-2.5-flash=2.50, gpt-4.1=8, claude-sonnet-4.5=15',
  'request-timeout': '30s',
  'time-budget': '10m',
  'on-regression': 'reopen',
  'resolve-in-sentry': 'false',
  'sentry-link': 'false',
  'sentry-app-installation': '',
  assign: '',
  'code-links': 'true',
  'code-repository': '',
  'mention-owners': 'false',
  'fix-candidate': 'high',
  'fix-candidate-exclude': '**/auth/**, **/billing/**, **/migrations/**',
  'max-cost-usd': '',
  'learn-from-corrections': 'true',
  'repository-map': '',
  shard: '',
  'flood-threshold': '10',
  'flood-max-issues': '3',
  refresh: 'true',
  'max-refresh-writes': '20'
} as const

export class ConfigError extends Error {
  override name = 'ConfigError'
}

const schema = z.object({
  'sentry-token': tokenInput('a Sentry auth token'),
  'sentry-org': required('the Sentry organization slug').regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, {
    error: 'must be a Sentry organization slug (letters, digits, - and _)'
  }),
  'sentry-projects': slugsInput,
  'sentry-url': baseUrlInput,
  'sentry-query': z.string().transform(s => s.trim()),
  since: durationInput(['m', 'h', 'd', 'w'], '30m, 6h, 24h, 7d', MAX_SINCE_MS),
  environment: z.string().transform(s => s.trim() || null),
  'max-issues': integerInput(1, 1000),
  'holysheep-api-key': optionalTokenInput,
  'holysheep-base-url': baseUrlInput,
  classifier: z
    .string()
    .transform(s => s.trim().toLowerCase())
    .pipe(z.enum(['llm', 'heuristic'], { error: 'must be llm or heuristic' })),
  model: z.string().min(1),
  'model-medium': z.string().min(1),
  'model-high': z.string().min(1),
  'model-critical': z.string().min(1),
  routing: booleanInput,
  'max-concurrency': integerInput(1, 32),
  redact: booleanInput,
  'github-token': tokenInput('a GitHub token with issues: write (or set GITHUB_TOKEN)'),
  repository: z
    .string()
    .min(1, { error: 'must be owner/repo (GITHUB_REPOSITORY is not set either)', abort: true })
    .regex(REPOSITORY, {
      error: 'must be owner/repo (or leave it empty to use GITHUB_REPOSITORY)'
    }),
  'create-issues': booleanInput,
  labels: labelsInput,
  'sentry-comment': booleanInput,
  'dry-run': booleanInput,
  'close-resolved': booleanInput,
  'group-similar': booleanInput,
  'sentry-issue': z
    .string()
    .transform(s => s.trim())
    .refine(s => s === '' || /^(\d+|[A-Za-z0-9][A-Za-z0-9_-]*-[A-Za-z0-9]+)$/.test(s), {
      error: 'must be a Sentry issue id (digits) or shortId (e.g. CHECKOUT-API-1A)'
    })
    .transform(s => s || null),
  'sentry-webhook-secret': z.string().transform(s => s || null),
  'critical-assignees': loginsInput,
  prices: pricesInput,
  'request-timeout': durationInput(['ms', 's', 'm'], '30s, 2m'),
  'time-budget': durationInput(['s', 'm', 'h'], '10m, 1h'),
  'on-regression': z
    .string()
    .transform(s => s.trim().toLowerCase())
    .pipe(z.enum(['reopen', 'new', 'ignore'], { error: 'must be reopen, new or ignore' })),
  'resolve-in-sentry': booleanInput,
  'sentry-link': booleanInput,
  'sentry-app-installation': z
    .string()
    .transform(s => s.trim().toLowerCase())
    .refine(
      s => s === '' || /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/.test(s),
      {
        error:
          'must be the uuid of a Sentry integration installation (8-4-4-4-12 hex digits), or empty to discover it'
      }
    )
    .transform(s => s || null),
  assign: z
    .string()
    .transform(value => [...new Set(list(value).map(s => s.toLowerCase()))])
    .pipe(
      z.array(
        z.enum(['codeowners', 'suspect-commit'], {
          error: 'each entry must be codeowners or suspect-commit'
        })
      )
    ),
  'code-links': booleanInput,
  'code-repository': z
    .string()
    .transform(s => s.trim())
    .refine(s => s === '' || REPOSITORY.test(s), {
      error: 'must be owner/repo (or leave it empty to use repository)'
    })
    .transform(s => s || null),
  'mention-owners': booleanInput,
  'fix-candidate': z
    .string()
    .transform(s => s.trim().toLowerCase())
    .pipe(z.enum(['high', 'medium', 'low', 'off'], { error: 'must be high, medium, low or off' })),
  'fix-candidate-exclude': globsInput,
  'max-cost-usd': z
    .string()
    .transform(s => s.trim())
    .refine(s => s === '' || (/^\d+(\.\d+)?$/.test(s) && Number(s) > 0), {
      error: 'must be a positive amount of US dollars, e.g. 0.50, or empty for no cap'
    })
    .transform(s => (s === '' ? null : Number(s))),
  'learn-from-corrections': booleanInput,
  'repository-map': z.string().transform((value, ctx) => {
    try {
      return parseRepositoryMap(value)
    } catch (error) {
      ctx.addIssue({
        code: 'custom',
        message: `must be lines of 'project-slug: owner/repo' ('*: owner/repo' for the rest), or 'sentry': ${(error as Error).message}`
      })
      return z.NEVER
    }
  }),
  shard: z
    .string()
    .transform(s => s.trim())
    .refine(s => s === '' || /^\d+\/\d+$/.test(s), {
      error: 'must be i/n, e.g. 2/4 (1-based)',
      abort: true
    })
    .transform(s =>
      s === '' ? null : { index: Number(s.split('/')[0]), count: Number(s.split('/')[1]) }
    )
    .refine(s => s === null || (s.count >= 1 && s.index >= 1 && s.index <= s.count), {
      error: 'must be i/n with 1 ≤ i ≤ n, e.g. 2/4'
    }),
  // 0 turns floods off; 1 would turn every new issue into a release issue of its own.
  'flood-threshold': integerInput(0, 1000).refine(n => n !== 1, {
    error: 'must be 0 (floods off) or a whole number from 2 to 1000'
  }),
  'flood-max-issues': integerInput(0, 50),
  refresh: booleanInput,
  'max-refresh-writes': integerInput(0, 500)
})

export type InputName = keyof z.input<typeof schema>
/** Every input of action.yml, in its order: the CLI's flags are these names. */
export const INPUT_NAMES = Object.keys(schema.shape) as InputName[]

/**
 * `${{ github.token }}` and the like arrive unexpanded outside the runner (`@github/local-action`
 * passes action.yml's defaults as they are written): such a value counts as unset.
 */
export function isUnexpanded(value: string): boolean {
  return /^\s*\$\{\{[^]*\}\}\s*$/.test(value)
}

/**
 * Reads every input, applies defaults (an empty input means its default) and validates them all
 * at once, so the user sees every mistake in one run. Throws a ConfigError naming each bad input
 * and the form it expects; nothing has been sent anywhere yet.
 */
export function readConfig(getInput: InputReader, env: NodeJS.ProcessEnv = process.env): Config {
  const raw: Record<string, string | undefined> = {}
  for (const name of INPUT_NAMES) {
    const value = isUnexpanded(getInput(name)) ? '' : getInput(name)
    const fallback = (DEFAULTS as Record<string, string>)[name]
    raw[name] = value.trim() === '' ? fallback : value
  }
  // Outside the runner `${{ github.token }}` is not expanded: fall back to the usual variables.
  if (raw['github-token'] === '') raw['github-token'] = env.GITHUB_TOKEN ?? undefined
  if (raw.repository === '') raw.repository = env.GITHUB_REPOSITORY ?? ''

  const extra: string[] = []
  const githubApiUrl = baseUrlInput.safeParse(env.GITHUB_API_URL || 'https://api.github.com')
  if (!githubApiUrl.success) extra.push(`GITHUB_API_URL ${githubApiUrl.error.issues[0]?.message}`)
  const githubServerUrl = baseUrlInput.safeParse(env.GITHUB_SERVER_URL || 'https://github.com')
  if (!githubServerUrl.success) {
    extra.push(`GITHUB_SERVER_URL ${githubServerUrl.error.issues[0]?.message}`)
  }

  const parsed = schema.safeParse(raw)
  const problems = parsed.success
    ? []
    : parsed.error.issues.map(issue => {
        const name = String(issue.path[0] ?? 'input')
        const shown = raw[name] === undefined ? '' : ` (got '${shorten(raw[name] ?? '')}')`
        const secret = /token|key|secret/.test(name)
        return `Input '${name}' ${issue.message}${secret ? '' : shown}`
      })
  // Checked on the raw values, so that it is reported together with every other mistake.
  if (
    (raw.classifier ?? '').trim().toLowerCase() === 'llm' &&
    (raw['holysheep-api-key'] ?? '').trim() === ''
  ) {
    problems.push(
      "Input 'holysheep-api-key' is required when classifier is llm (set classifier: heuristic to triage without an LLM)"
    )
  }
  problems.push(...extra)
  if (!parsed.success || problems.length > 0 || !githubApiUrl.success || !githubServerUrl.success) {
    throw new ConfigError(`Invalid inputs:\n- ${problems.join('\n- ')}`)
  }

  return buildConfig(parsed.data, githubApiUrl.data, githubServerUrl.data)
}

/** `dry-run` → `dryRun`, at the type level too, so Config follows the schema without a hand-written twin. */
type CamelCase<S extends string> = S extends `${infer Head}-${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S
type Camelized<T> = { [K in keyof T as CamelCase<K & string>]: T[K] }

function camelize<T extends Record<string, unknown>>(values: T): Camelized<T> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase()),
      value
    ])
  ) as Camelized<T>
}

/** The inputs as camelCase fields, plus what is derived from them and from the environment. */
function buildConfig(d: z.output<typeof schema>, githubApiUrl: string, githubServerUrl: string) {
  const [owner, repo] = d.repository.split('/') as [string, string]
  const [codeOwner, codeRepo] = (d['code-repository'] ?? d.repository).split('/') as [
    string,
    string
  ]
  const models: Models = {
    routine: d.model.trim(),
    medium: d['model-medium'].trim(),
    high: d['model-high'].trim(),
    critical: d['model-critical'].trim()
  }
  return {
    ...camelize(d),
    owner,
    repo,
    code: { owner: codeOwner, repo: codeRepo },
    githubApiUrl,
    githubServerUrl,
    models,
    requestTimeoutMs: d['request-timeout'].ms,
    timeBudgetMs: d['time-budget'].ms
  }
}

/** Every input of action.yml, parsed and validated once. */
export type Config = ReturnType<typeof buildConfig>

function shorten(raw: string): string {
  // Never echo credentials written into a URL.
  const value = raw.replace(/(\/\/)[^/\s]*@/g, '$1[credentials]@')
  return value.length > 60 ? `${value.slice(0, 57)}...` : value
}
