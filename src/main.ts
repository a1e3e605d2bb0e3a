import * as core from '@actions/core'
import { readConfig, type Config } from './config/config.js'
import { readDispatch } from './webhook/dispatch.js'
import { errorMessage } from './report/error-message.js'
import { Budget, realClock, type Clock } from './http/retry.js'
import { CostLedger } from './classify/cost.js'
import { createRedactor } from './render/redact.js'
import type { Logger, TriageReport } from './pipeline/triage.js'
import { outputs, renderSummary, renderTable } from './render/summary.js'
import { WarningAggregator } from './report/warnings.js'

/** Everything the action says to the runner. `@actions/core` in production; tests capture it. */
export interface ActionIO extends Logger {
  getInput(name: string): string
  setSecret(value: string): void
  setOutput(name: string, value: string): void
  setFailed(message: string): void
  group<T>(name: string, fn: () => Promise<T>): Promise<T>
  /** Appends Markdown to the job summary, where there is one ($GITHUB_STEP_SUMMARY). */
  writeSummary(markdown: string): Promise<void>
}

export const coreIO: ActionIO = {
  getInput: name => core.getInput(name),
  setSecret: value => core.setSecret(value),
  setOutput: (name, value) => core.setOutput(name, value),
  setFailed: message => core.setFailed(message),
  info: message => core.info(message),
  warning: (message, title) => core.warning(message, title ? { title } : undefined),
  debug: message => core.debug(message),
  group: (name, fn) => core.group(name, fn),
  writeSummary: async markdown => {
    if (process.env.GITHUB_STEP_SUMMARY) await core.summary.addRaw(markdown).write()
  }
}

/** What `run()` may be handed instead of the real thing: tests capture the IO and shorten GitHub's pacing. */
export interface RunOptions {
  io?: Partial<ActionIO>
  env?: NodeJS.ProcessEnv
  /**
   * Where the run reads the time and waits: the time budget, and the retry waits of Sentry and the
   * LLM (backoff, Retry-After). Tests give one that records the waits instead of sleeping. Octokit's
   * waits and GitHub's write spacing run on Bottleneck's own timers: the spacings below shorten them.
   */
  clock?: Clock
  githubWriteSpacingMs?: number
  githubNotifySpacingMs?: number
  githubRetryAfterBaseMs?: number
}

/** Reads the inputs, runs the triage, reports. The only place that fails the step. */
export async function run(options: RunOptions = {}): Promise<TriageReport | undefined> {
  const io: ActionIO = { ...coreIO, ...options.io }
  // GitHub shows only a few annotations per step: one per kind of warning, at the end of the run.
  const warnings = new WarningAggregator(io, warningKind)
  const log: Logger = {
    info: message => io.info(message),
    debug: message => io.debug(message),
    warning: warnings.warning,
    ...(io.onProgress ? { onProgress: io.onProgress } : {})
  }
  // A server may echo a token back in an error: whatever fails the step is scrubbed of them.
  let scrub = (text: string) => text
  try {
    const getInput = (name: string) => io.getInput(name)
    // Mask the secrets before anything could print them, even a config error.
    const secrets = ['sentry-token', 'holysheep-api-key', 'github-token', 'sentry-webhook-secret']
      .map(name => getInput(name).trim())
      .filter(Boolean)
    for (const secret of secrets) io.setSecret(secret)
    scrub = createRedactor(false, secrets)
    let config = readConfig(getInput, options.env ?? process.env)
    if (!secrets.includes(config.githubToken)) {
      // Outside Actions the token came from GITHUB_TOKEN: mask it all the same.
      io.setSecret(config.githubToken)
      secrets.push(config.githubToken)
      scrub = createRedactor(false, secrets)
    }
    // Started by the webhook relay (repository_dispatch): verified before any client exists, then
    // exactly the Sentry issue it names: a new one is triaged, a resolved, unresolved or archived
    // one gets the follow-up pass alone.
    const dispatch = await readDispatch(options.env ?? process.env, config.sentryWebhookSecret, io)
    if (dispatch?.mode === 'ignore') return undefined
    if (dispatch) config = { ...config, sentryIssue: dispatch.sentryIssueId }
    const passes =
      dispatch?.mode === 'follow-up'
        ? { intake: false, followUp: true }
        : { intake: true, followUp: true }

    const { budget, redact, ledger, sentry, github, classifier } = await createClients(config, {
      ...options,
      warn: (message, title) => warnings.warning(scrub(message), title),
      debug: message => io.debug(scrub(message))
    })

    const { runTriage } = await import(/* webpackMode: "eager" */ './pipeline/triage.js')
    const { routes, runRouted } = await import(
      /* webpackMode: "eager" */ './pipeline/organization.js'
    )
    const deps = {
      config,
      sentry,
      github,
      classifier,
      redact,
      log,
      budget,
      clock: options.clock ?? realClock,
      ...(options.githubRetryAfterBaseMs !== undefined
        ? { retryBaseMs: options.githubRetryAfterBaseMs }
        : {})
    }
    // Many repositories (repository-map, shard): one run per repository, on one token and pace.
    const report = await io.group('Triage', () =>
      routes(deps) ? runRouted(deps, passes) : runTriage(deps, passes)
    )
    warnings.flush()

    for (const [name, value] of Object.entries(outputs(report, ledger))) io.setOutput(name, value)
    io.info(`\n${renderTable(report)}\n`)
    io.info(
      `triaged ${report.triaged}, created ${report.created}, labelled ${report.labeled}, closed ${report.closed}, reopened ${report.reopened}, skipped ${report.skipped}, failed ${report.failed}; ${ledger.tokens} LLM tokens, ~$${ledger.usd.toFixed(6)}`
    )
    await io.writeSummary(renderSummary(report, ledger))
    if (report.failed > 0) {
      const failed = report.results.filter(r => r.action === 'failed')
      io.setFailed(
        scrub(
          `${report.failed} Sentry issue(s) could not be triaged (they are retried next run):\n${failed.map(r => `- ${r.shortId}: ${r.reason ?? 'unknown error'}`).join('\n')}`
        )
      )
    }
    return report
  } catch (error) {
    warnings.flush()
    io.setFailed(scrub(errorMessage(error)))
    return undefined
  }
}

/**
 * The kind a warning is aggregated under: its title, with the per-issue titles of failed Sentry
 * issues (`Sentry issue <shortId> failed`, from `failAll` in intake.ts) folded into one kind.
 */
function warningKind(title: string): string {
  return /^Sentry issue \S+ failed$/.test(title) ? 'Sentry issues failed' : title
}

/** The clients of one run, wired from the config: shared by `run()` and the benchmark's serial baseline. */
export async function createClients(
  config: Config,
  options: Omit<RunOptions, 'io' | 'env'> & {
    warn?: (message: string, title: string) => void
    debug?: (message: string) => void
  } = {}
) {
  // Eager chunks: bundled in dist/index.js, but evaluated only once the inputs are valid, so a bad
  // input exits before Octokit and the clients are even initialised. One after the other: Jest's ESM
  // loader (vm modules) fails with "request for 'undici' is not in cache" when concurrent dynamic
  // imports link a shared dependency that nothing has loaded yet.
  const { SentryClient } = await import(/* webpackMode: "eager" */ './sentry/client.js')
  const { GitHubClient } = await import(/* webpackMode: "eager" */ './github/client.js')
  const { LlmClient } = await import(/* webpackMode: "eager" */ './classify/llm.js')
  const { heuristicClassifier, llmClassifier } = await import(
    /* webpackMode: "eager" */ './classify/classifier.js'
  )
  const clock = options.clock ?? realClock
  const budget = new Budget(config.timeBudgetMs, () => clock.now())
  // Every secret of the run, the webhook's too: Sentry text may echo any of them.
  const redact = createRedactor(config.redact, [
    config.sentryToken,
    config.githubToken,
    config.holysheepApiKey ?? '',
    config.sentryWebhookSecret ?? ''
  ])
  const ledger = new CostLedger(config.prices, config.maxCostUsd)
  const sentry = new SentryClient({
    baseUrl: config.sentryUrl,
    token: config.sentryToken,
    org: config.sentryOrg,
    timeoutMs: config.requestTimeoutMs,
    budget,
    clock,
    warn: message => options.warn?.(message, 'Sentry issue skipped'),
    debug: message => options.debug?.(message)
  })
  const github = new GitHubClient({
    token: config.githubToken,
    apiUrl: config.githubApiUrl,
    owner: config.owner,
    repo: config.repo,
    timeoutMs: config.requestTimeoutMs,
    budget,
    writeSpacingMs: options.githubWriteSpacingMs,
    notifySpacingMs: options.githubNotifySpacingMs,
    retryAfterBaseMs: options.githubRetryAfterBaseMs,
    warn: (message, kind) => options.warn?.(message, kind ?? 'GitHub')
  })
  const classifier =
    config.classifier === 'heuristic'
      ? heuristicClassifier()
      : llmClassifier({
          client: new LlmClient({
            baseUrl: config.holysheepBaseUrl,
            apiKey: config.holysheepApiKey ?? '',
            timeoutMs: config.requestTimeoutMs,
            budget,
            clock
          }),
          ledger,
          redact,
          warn: (message, title) => options.warn?.(redact(message), title ?? 'LLM unavailable')
        })
  return { budget, redact, ledger, sentry, github, classifier }
}
