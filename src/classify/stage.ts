/**
 * Classification as the run's stages use it: the latest event fetched once per Sentry issue (ahead
 * of the LLM slots), the route by impact, then the classifier (LLM, heuristic behind it).
 */
import type { EventContext, SentryIssue } from '../sentry/client.js'
import type { TriageDeps } from '../pipeline/deps.js'
import { routeIssue, type Route } from './routing.js'
import type { Classification } from './taxonomy.js'
import { errorMessage } from '../report/error-message.js'
import { similarCorrections, type Correction } from './corrections.js'
import { withSeerFixability } from './fixability.js'

export interface Classified {
  classification: Classification
  route: Route
  event: EventContext | null
}

export class ClassificationStage {
  private readonly events = new Map<string, Promise<EventContext | null>>()
  /** The corrected issues whose labels were offered as examples: what `corrections.used` counts. */
  readonly usedCorrections = new Set<number>()

  /** `corrections`: people's corrections seen this run (empty without learn-from-corrections). */
  constructor(
    private readonly deps: TriageDeps,
    private corrections: Correction[] = []
  ) {}

  /**
   * The corrections found once the GitHub issues are read: the latest events fetched before (a
   * single issue's scope check) are kept, never fetched again.
   */
  learnFrom(corrections: Correction[]): void {
    this.corrections = corrections
  }

  /** The latest event's context, memoised: a missing one only costs the prompt its stack. */
  event(issue: SentryIssue): Promise<EventContext | null> {
    let event = this.events.get(issue.id)
    if (!event) {
      const { sentry, config, log } = this.deps
      event = sentry.getLatestEvent(issue.id, config.environment).catch((error: unknown) => {
        log.debug(`No latest event for ${issue.shortId}: ${errorMessage(error)}`)
        return null
      })
      this.events.set(issue.id, event)
    }
    return event
  }

  async classify(issue: SentryIssue): Promise<Classified> {
    const { config, classifier } = this.deps
    const event = await this.event(issue)
    const route = routeIssue(issue, config.models, config.routing)
    const examples = similarCorrections(issue, event, this.corrections)
    for (const example of examples) this.usedCorrections.add(example.number)
    const answer = await classifier.classify(issue, event, route, { examples })
    // Seer's own score, when Sentry has one, is the fixability (Sentry's thresholds).
    const classification = withSeerFixability(answer, issue.signals?.seerFixabilityScore)
    return { classification, route, event }
  }
}

/** A serial queue: writes happen one at a time, in the order classifications finish. */
export class WriteQueue {
  private chain: Promise<void> = Promise.resolve()
  private readonly pending: Array<Promise<void>> = []

  push(write: () => Promise<void>): void {
    const next = this.chain.then(write)
    this.chain = next.catch(() => {})
    this.pending.push(next)
  }

  /** Waits for every write; each write handles its own failure. */
  async drain(): Promise<void> {
    await Promise.all(this.pending)
  }
}
