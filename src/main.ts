import * as core from '@actions/core'
import { readConfig, type Config } from './config.js'
import { Budget, errorMessage } from './http.js'
import { SentryClient } from './sentry.js'
import { GitHubClient } from './github.js'
import { LlmClient } from './classify/llm.js'
import { heuristicClassifier, llmClassifier } from './classify/classifier.js'
import { CostLedger } from './cost.js'
import { createRedactor } from './redact.js'
import { runTriage, type Logger, type TriageReport } from './triage.js'
import { outputs, renderSummary, renderTable } from './summary.js'

/** What `run()` may be handed instead of the real thing: tests and the benchmark shorten GitHub's pacing. */
export interface RunOptions {
  getInput?: (name: string) => string
  env?: NodeJS.ProcessEnv
  githubWriteSpacingMs?: number
  githubNotifySpacingMs?: number
  githubRetryAfterBaseMs?: number
}

const log: Logger = {
  info: message => core.info(message),
  warning: (message, title) => core.warning(message, title ? { title } : undefined),
  debug: message => core.debug(message)
}

/** Reads the inputs, runs the triage, reports. The only place that fails the step. */
export async function run(options: RunOptions = {}): Promise<TriageReport | undefined> {
  try {
    const getInput = options.getInput ?? ((name: string) => core.getInput(name))
    // Mask the secrets before anything could print them, even a config error.
    for (const name of ['sentry-token', 'holysheep-api-key', 'github-token', 'sentry-webhook-secret']) {
      const value = getInput(name).trim()
      if (value) core.setSecret(value)
    }
    const config = readConfig(getInput, options.env ?? process.env)
    warnUnimplemented(config)

    const budget = new Budget(config.timeBudgetMs)
    const redact = createRedactor(config.redact, [config.sentryToken, config.githubToken, config.holysheepApiKey ?? ''])
    const ledger = new CostLedger(config.prices)
    const sentry = new SentryClient({
      baseUrl: config.sentryUrl,
      token: config.sentryToken,
      org: config.sentryOrg,
      timeoutMs: config.requestTimeoutMs,
      budget
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
      warn: message => core.warning(redact(message))
    })
    const classifier =
      config.classifier === 'heuristic'
        ? heuristicClassifier()
        : llmClassifier({
            client: new LlmClient({
              baseUrl: config.holysheepBaseUrl,
              apiKey: config.holysheepApiKey ?? '',
              timeoutMs: config.requestTimeoutMs,
              budget
            }),
            ledger,
            redact,
            warn: message => core.warning(redact(message), { title: 'LLM unavailable' })
          })

    const report = await core.group('Triage', () => runTriage({ config, sentry, github, classifier, redact, log }))

    for (const [name, value] of Object.entries(outputs(report, ledger))) core.setOutput(name, value)
    core.info(`\n${renderTable(report)}\n`)
    core.info(
      `triaged ${report.triaged}, created ${report.created}, labelled ${report.labeled}, skipped ${report.skipped}, failed ${report.failed}; ${ledger.tokens} LLM tokens, ~$${ledger.usd.toFixed(6)}`
    )
    if (process.env.GITHUB_STEP_SUMMARY) {
      await core.summary.addRaw(renderSummary(report, ledger)).write()
    }
    if (report.failed > 0) {
      const failed = report.results.filter(r => r.action === 'failed')
      core.setFailed(
        `${report.failed} Sentry issue(s) could not be triaged (they are retried next run):\n${failed.map(r => `- ${r.shortId}: ${r.reason ?? 'unknown error'}`).join('\n')}`
      )
    }
    return report
  } catch (error) {
    core.setFailed(errorMessage(error))
    return undefined
  }
}

function warnUnimplemented(config: Config): void {
  if (config.closeResolved) {
    core.warning('close-resolved is not implemented yet: resolved Sentry issues leave their GitHub issues open.', { title: 'Not implemented' })
  }
  if (config.sentryWebhookSecret) {
    core.warning('sentry-webhook-secret is not implemented yet: webhook payloads are not read.', { title: 'Not implemented' })
  }
}
