import { z } from 'zod'

/** Reads one action input by its action.yml name; `@actions/core`'s getInput in production. */
export type InputReader = (name: string) => string

export interface Duration {
  /** As the user wrote it, e.g. `24h`: Sentry's search syntax takes the same form. */
  text: string
  ms: number
}

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
  'max-cost-usd': '',
  'learn-from-corrections': 'true'
} as const

/** Sentry keeps issues for 90 days; a longer window cannot find anything more. */
const MAX_SINCE_MS = 90 * 86_400_000
/** GitHub's label names are at most 50 characters. */
const MAX_LABEL_LENGTH = 50

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

export class ConfigError extends Error {
  override name = 'ConfigError'
}

function list(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map(item => item.trim())
    .filter(item => item !== '')
}

const booleanInput = z
  .string()
  .transform(s => s.trim().toLowerCase())
  .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
  .transform(s => s === 'true')

function integerInput(min: number, max: number) {
  return z
    .string()
    .regex(/^\s*\d+\s*$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be a whole number from ${min} to ${max}` })
        .max(max, { error: `must be a whole number from ${min} to ${max}` })
    )
}

function durationInput(units: string[], example: string, maxMs = Number.MAX_SAFE_INTEGER) {
  const pattern = new RegExp(`^(\\d+)(${units.join('|')})$`)
  const form = `a number followed by ${units.join(', ')} (e.g. ${example})`
  return z
    .string()
    .transform(s => s.trim())
    .transform((text, ctx): Duration => {
      const match = pattern.exec(text)
      const ms = match ? Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0) : 0
      if (!match || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `must be ${form}` })
        return z.NEVER
      }
      if (ms > maxMs) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${maxMs / 86_400_000}d` })
        return z.NEVER
      }
      return { text, ms }
    })
}

/** A base URL: https, or http on a loopback host for local runs. Trailing slashes are dropped. */
const baseUrlInput = z.string().transform((value, ctx) => {
  const text = value.trim()
  let url: URL
  try {
    url = new URL(text)
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute https:// URL' })
    return z.NEVER
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1])'
    })
    return z.NEVER
  }
  if (url.username || url.password || url.search || url.hash) {
    ctx.addIssue({ code: 'custom', message: 'must not carry credentials, a query or a fragment' })
    return z.NEVER
  }
  return url.toString().replace(/\/+$/, '')
})

const pricesInput = z.string().transform((value, ctx) => {
  const prices: Record<string, number> = {}
  for (const pair of list(value)) {
    const match = /^([^=\s]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(pair)
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message: `'${pair}' must be model=USD-per-million-tokens, e.g. deepseek-v3.2=0.42`
      })
      return z.NEVER
    }
    prices[match[1] as string] = Number(match[2])
  }
  return prices
})

const labelsInput = z
  .string()
  .transform(list)
  .pipe(
    z.array(
      z.string().max(MAX_LABEL_LENGTH, {
        error: `each label must be at most ${MAX_LABEL_LENGTH} characters`
      })
    )
  )

const loginsInput = z
  .string()
  .transform(value => list(value).map(login => login.replace(/^@/, '')))
  .pipe(
    z.array(
      z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, {
        error: 'each entry must be a GitHub login (letters, digits and hyphens)'
      })
    )
  )

const slugsInput = z
  .string()
  .transform(list)
  .pipe(
    z.array(
      z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, {
        error: 'each entry must be a Sentry project slug (letters, digits, - and _)'
      })
    )
  )

const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/

const required = (form: string) =>
  z.string({ error: `is required: ${form}` }).min(1, { error: `is required: ${form}` })

/** Credentials travel in HTTP headers: one printable token, no spaces or line breaks. */
const TOKEN = /^[\x21-\x7E]+$/
const TOKEN_FORM = 'must be a single token without spaces, line breaks or control characters'

const tokenInput = (form: string) =>
  required(form)
    .transform(s => s.trim())
    .refine(s => TOKEN.test(s), { error: TOKEN_FORM })

const optionalTokenInput = z
  .string()
  .transform(s => s.trim())
  .refine(s => s === '' || TOKEN.test(s), { error: TOKEN_FORM })
  .transform(s => s || null)

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
  'max-cost-usd': z
    .string()
    .transform(s => s.trim())
    .refine(s => s === '' || (/^\d+(\.\d+)?$/.test(s) && Number(s) > 0), {
      error: 'must be a positive amount of US dollars, e.g. 0.50, or empty for no cap'
    })
    .transform(s => (s === '' ? null : Number(s))),
  'learn-from-corrections': booleanInput
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
