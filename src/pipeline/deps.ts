/** What every stage of a run is handed: the config, the clients and the log. No logic lives here. */
import type { Config } from '../config/config.js'
import type { SentryClient } from '../sentry/client.js'
import type { GitHubClient } from '../github/client.js'
import type { Classifier } from '../classify/classifier.js'
import type { Redactor } from '../render/redact.js'
import type { TrackedIndex } from '../track/tracked-index.js'

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
  budget?: { readonly exhausted: boolean }
  now?: () => Date
}

/** What the write functions share within one run. */
export interface WriteContext extends TriageDeps {
  dry: boolean
  /** The GitHub issues the action tracks; writes add what they open. */
  tracked: TrackedIndex
  /** A little before the run began: issues created after it may be this run's (lost answers, races). */
  createdAfter: string
  /** GitHub issues this run opened, for the race check. */
  createdNumbers: Set<number>
  /** The `sentry-link` installation, looked up once per run (null: unavailable, warned once). */
  installation?: Promise<string | null>
}
