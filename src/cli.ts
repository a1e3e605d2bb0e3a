/**
 * `sentry-triage`: the action's `run()` from a terminal (flags are the inputs, secrets from the
 * environment), and `sentry-triage relay` for the webhook relay. Exit 0 done, 1 failed, 2 bad usage.
 */
import { ConfigError, readConfig } from './config/config.js'
import {
  cliInputs,
  helpText,
  parseCli,
  printable,
  UsageError,
  type RelayCommand
} from './config/flags.js'
import { run, type ActionIO } from './main.js'
import { renderTable } from './render/summary.js'
import {
  createRelay,
  describeDestinations,
  readRelayConfig,
  RelayConfigError
} from './relay/handler.js'
import { serveRelay } from './relay/server.js'

/** stderr, with a progress line on a TTY that other lines clear first. */
function terminal(stream: NodeJS.WriteStream) {
  let progressShown = false
  const clear = () => {
    if (progressShown) stream.write('\r\x1b[K')
    progressShown = false
  }
  return {
    line(text: string) {
      clear()
      stream.write(`${text}\n`)
    },
    progress(text: string) {
      stream.write(`\r\x1b[K${text}`)
      progressShown = true
    },
    clear
  }
}

async function triage(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  const args = parseCli(argv, env)
  if (args.help) {
    process.stdout.write(`${helpText()}\n`)
    return 0
  }
  if (args.command === 'relay') return relay(args, env)

  const getInput = cliInputs(args.inputs, env)
  // The CLI triages what its flags say, even inside a workflow started by a dispatch.
  const runEnv = { ...env, GITHUB_EVENT_NAME: '', GITHUB_EVENT_PATH: '' }
  readConfig(getInput, runEnv)

  const err = terminal(process.stderr)
  const secrets: string[] = []
  const scrub = (text: string) => printable(secrets.reduce((t, s) => t.split(s).join('***'), text))
  const outputs: Record<string, string> = {}
  let failed: string | null = null
  const io: Partial<ActionIO> = {
    getInput,
    setSecret: value => void (value && secrets.push(value)),
    setOutput: (name, value) => void (outputs[name] = value),
    setFailed: message => void (failed = message),
    // The log's copy of the table starts with a blank line: the table goes to stdout instead.
    info: message => (message.startsWith('\n') ? undefined : err.line(scrub(message))),
    warning: (message, title) => err.line(`warning: ${title ? `${title}: ` : ''}${scrub(message)}`),
    debug: () => undefined,
    group: async (_name, fn) => fn(),
    writeSummary: async () => undefined,
    onProgress: process.stderr.isTTY
      ? (done, total) => err.progress(`classified ${done}/${total} …`)
      : undefined
  }
  const report = await run({ io, env: runEnv })
  err.clear()
  if (report) {
    if (args.json)
      process.stdout.write(`${JSON.stringify(JSON.parse(outputs.results ?? '[]'), null, 2)}\n`)
    else process.stdout.write(`${scrub(renderTable(report))}\n`)
  }
  if (failed !== null) {
    err.line(`error: ${scrub(failed)}`)
    return 1
  }
  return 0
}

async function relay(args: RelayCommand, env: NodeJS.ProcessEnv): Promise<number> {
  const handler = createRelay(env, {
    log: line => process.stderr.write(`${new Date().toISOString()} ${line}\n`)
  })
  const server = await serveRelay(handler, { port: args.port, host: args.host })
  process.stderr.write(
    `sentry-triage relay: listening on ${server.url}, forwarding Sentry webhooks as repository_dispatch to ${describeDestinations(readRelayConfig(env))}\n`
  )
  await new Promise<void>(resolve => {
    process.once('SIGINT', resolve)
    process.once('SIGTERM', resolve)
  })
  await server.close()
  return 0
}

async function main(argv: string[]): Promise<number> {
  try {
    return await triage(argv, process.env)
  } catch (error) {
    if (
      error instanceof UsageError ||
      error instanceof ConfigError ||
      error instanceof RelayConfigError
    ) {
      process.stderr.write(`${error.message}\n`)
      if (
        error instanceof ConfigError &&
        /Input '(sentry-token|holysheep-api-key|github-token)'/.test(error.message)
      )
        process.stderr.write(
          'Secrets come from the environment: SENTRY_AUTH_TOKEN, HOLYSHEEP_API_KEY, GITHUB_TOKEN.\n'
        )
      return 2
    }
    throw error
  }
}

process.exitCode = await main(process.argv.slice(2))
