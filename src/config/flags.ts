/**
 * The CLI's command line: the action's inputs as `--flags` (derived from config.ts, so a new input
 * is a new flag), secrets only from the environment, and `relay --port N`.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util'
import { DEFAULTS, INPUT_NAMES } from './config.js'

/** Inputs that are secrets, and the environment variable each is read from instead of a flag. */
export const SECRET_ENV: Readonly<Record<string, string>> = {
  'sentry-token': 'SENTRY_AUTH_TOKEN',
  'holysheep-api-key': 'HOLYSHEEP_API_KEY',
  'github-token': 'GITHUB_TOKEN',
  'sentry-webhook-secret': 'SENTRY_WEBHOOK_SECRET'
}

/** Bad usage: exit 2, with this message. */
export class UsageError extends Error {
  override name = 'UsageError'
}

export interface TriageCommand {
  command: 'triage'
  /** Flag values by input name; inputs not given are absent. */
  inputs: Record<string, string>
  json: boolean
  help: boolean
}

export interface RelayCommand {
  command: 'relay'
  port: number
  host: string
  help: boolean
}

const defaults = DEFAULTS as Readonly<Record<string, string>>
const FLAG_INPUTS = INPUT_NAMES.filter(name => !(name in SECRET_ENV))
const isBoolean = (name: string) => defaults[name] === 'true' || defaults[name] === 'false'

/** Refuses a secret given as a flag, naming the variable to use and never echoing the value. */
function refuseSecrets(argv: string[]): void {
  for (const arg of argv) {
    if (arg === '--') return
    const name = /^--([^=]+)/.exec(arg)?.[1]
    const variable = name ? SECRET_ENV[name] : undefined
    if (variable)
      throw new UsageError(
        `--${name} is not taken as a flag (command lines show in process lists and shell history): set ${variable} in the environment instead.`
      )
  }
}

/** `--dry-run`, `--dry-run false`, `--no-dry-run` → `--dry-run=true|false`, checked later by readConfig. */
function normaliseBooleans(argv: string[]): string[] {
  const out: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const negated = /^--no-(.+)$/.exec(arg)?.[1]
    if (negated && isBoolean(negated)) out.push(`--${negated}=false`)
    else if (arg.startsWith('--') && !arg.includes('=') && isBoolean(arg.slice(2))) {
      // A value that is not a flag is this flag's: `--dry-run maybe` is reported as a bad value.
      const next = argv[i + 1]
      if (next !== undefined && !next.startsWith('-')) out.push(`${arg}=${argv[++i]}`)
      else out.push(`${arg}=true`)
    } else out.push(arg)
  }
  return out
}

/** parseArgs' errors, without echoing an argument that might be a pasted secret. */
function usage(error: unknown): UsageError {
  const code = (error as { code?: string }).code
  const message = error instanceof Error ? error.message : String(error)
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL')
    return new UsageError('Unexpected argument: flags take the form --name value (see --help).')
  return new UsageError(`${message.replace(/\. To specify a positional.*$/s, '')} (see --help).`)
}

function parse(argv: string[], options: NonNullable<ParseArgsConfig['options']>) {
  try {
    return parseArgs({ args: argv, options, strict: true, allowPositionals: false })
  } catch (error) {
    throw usage(error)
  }
}

export function parseCli(argv: string[], env: NodeJS.ProcessEnv): TriageCommand | RelayCommand {
  refuseSecrets(argv)
  if (argv[0] === 'relay') {
    const { values } = parse(argv.slice(1), {
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean' }
    })
    const portText = String(values.port ?? env.PORT ?? '8080')
    const port = Number(portText)
    if (!/^\d+$/.test(portText) || port > 65535)
      throw new UsageError(
        `--port must be a port number from 0 to 65535 (got '${portText.slice(0, 20)}').`
      )
    return {
      command: 'relay',
      port,
      host: String(values.host ?? '0.0.0.0'),
      help: Boolean(values.help)
    }
  }
  const options: Record<string, { type: 'string' | 'boolean' }> = {
    json: { type: 'boolean' },
    help: { type: 'boolean' }
  }
  for (const name of FLAG_INPUTS) options[name] = { type: 'string' }
  const { values } = parse(normaliseBooleans(argv), options)
  const inputs: Record<string, string> = {}
  for (const name of FLAG_INPUTS) {
    const value = values[name]
    if (typeof value === 'string') inputs[name] = value
  }
  return { command: 'triage', inputs, json: Boolean(values.json), help: Boolean(values.help) }
}

/** The input reader for readConfig and run(): flags, and the secrets from the environment. */
export function cliInputs(inputs: Record<string, string>, env: NodeJS.ProcessEnv) {
  return (name: string): string => {
    const variable = SECRET_ENV[name]
    return (variable ? env[variable] : inputs[name]) ?? ''
  }
}

export function helpText(): string {
  const rows = FLAG_INPUTS.map(name => {
    const flag = isBoolean(name) ? `--${name} [true|false]` : `--${name} <value>`
    const value = defaults[name]
    const shown =
      value === undefined ? '(required)' : value === '' ? '(empty)' : `default: ${value}`
    return [flag, shown]
  })
  rows.push(['--json', 'print the results array as JSON on stdout, and nothing else'])
  rows.push(['--help', 'this text'])
  const width = Math.max(...rows.map(([flag]) => (flag as string).length)) + 2
  return [
    'Usage: sentry-triage [flags]              triage new Sentry issues into GitHub issues',
    '       sentry-triage relay [--port N] [--host H]   run the Sentry webhook relay',
    '',
    'Flags are the action inputs (action.yml). A boolean flag alone means true; --no-<flag> means false.',
    '',
    ...rows.map(([flag, text]) => `  ${(flag as string).padEnd(width)}${text}`),
    '',
    'Secrets come only from the environment, never from flags:',
    ...Object.entries(SECRET_ENV).map(([input, variable]) => `  ${variable.padEnd(width)}${input}`),
    '  GITHUB_REPOSITORY, GITHUB_API_URL, GITHUB_SERVER_URL are honoured as in the action.',
    '',
    'relay: reads SENTRY_CLIENT_SECRET, GITHUB_TOKEN, GITHUB_REPOSITORY, GITHUB_API_URL;',
    '  --port (default $PORT or 8080), --host (default 0.0.0.0).',
    '',
    'Exit status: 0 done, 1 something failed, 2 bad usage.'
  ].join('\n')
}

/**
 * Text from Sentry may carry terminal escape sequences: every line the CLI prints loses its control
 * characters (line breaks and tabs stay) and bidirectional overrides, each shown as U+FFFD.
 */
export function printable(text: string): string {
  return text.replace(UNPRINTABLE, '\uFFFD')
}

// eslint-disable-next-line no-control-regex -- replacing control characters is the point
const UNPRINTABLE = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g
