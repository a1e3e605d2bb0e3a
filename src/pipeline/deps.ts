/** What every stage of a run is handed: the config, the clients and the log. No logic lives here. */
import type { Config } from '../config/config.js'
import type { Clock } from '../http/retry.js'
import type { SentryClient } from '../sentry/client.js'
import type { GitHubClient } from '../github/client.js'
import type { Classifier } from '../classify/classifier.js'
import type { Redactor } from '../render/redact.js'

export interface Logger {
  info(message: string): void
  warning(message: string, title?: string): void
  debug(message: string): void
  /** After each classification: how many of this run's classifications are done (the CLI's progress line). */
  onProgress?(classified: number, total: number): void
}

export interface TriageDeps {
  config: Config
  sentry: SentryClient
  github: GitHubClient
  classifier: Classifier
  redact: Redactor
  log: Logger
  /** The run's time budget: once spent, no new issue is started (the rest fail and retry next run). */
  budget?: { readonly exhausted: boolean; remainingMs(): number }
  /** The first wait before a lost issue creation is looked for (GitHub's retry base; tests shorten it). */
  retryBaseMs?: number
  /** Sentry's code mappings into this run's repository (`repository-map: sentry`). */
  codeRoots?: ReadonlyArray<{ stackRoot: string; sourceRoot: string }>
  /** This run is one repository of several (repository-map): one refusing writes does not fail it. */
  oneOfMany?: boolean
  /** The run's clock: now in ms, and a wait. Real time unless a test gives its own. */
  clock?: Clock
}
