import type { Category, Fixability } from './taxonomy.js'
import { LIBRARY_RULES } from './rules/library.js'
import { RUNTIME_RULES } from './rules/runtime.js'
import { WORD_RULES } from './rules/words.js'

export { BENIGN, GRAVE, MONEY, NOISE, TRANSIENT } from './rules/severity.js'

/**
 * The rule tables of the offline classifier (src/classify/heuristic.ts). Rules name classes of
 * errors — exception types and error codes of common drivers, SDKs and runtimes, SQLSTATE and errno
 * classes, HTTP status families, module paths — never one issue's text. The decisions behind the
 * categories (SQLSTATE 08 and socket errors → Network, SQLSTATE 28 and 42501 → Database, a provider
 * SDK's own errors → External Service) are in eval/README.md.
 *
 * One alternative per line, with the library or runtime its text comes from: a list matches when
 * any of its lines matches, which is what the `|` join of the lines would match. `npx tsx
 * eval/rule-audit.ts` counts, line by line, which eval items each one matches and which it alone
 * gets right.
 */
export interface Rule {
  category: Category
  /** Tested against the exception types and messages (issue and latest event) and the title. */
  text?: readonly RegExp[]
  /** Tested against the culprit and the crashing frames' file names, modules and functions. */
  location?: readonly RegExp[]
  /** Tested against the exception type names only (issue and latest event). */
  type?: readonly RegExp[]
  /** A more precise root cause than the category's; the culprit is appended. */
  cause?: string
  action?: string
  /** How surely a small code change fixes what this rule matches; the heuristic says low without it. */
  fixability?: Fixability
}

/** What the heuristic says for a category when the matching rule has nothing more precise. */
export const CATEGORY_TEXT: Record<
  Exclude<Category, 'Unknown'>,
  { cause: string; action: string }
> = {
  Authentication: {
    cause:
      'Requests are failing authentication or authorisation checks (expired, invalid or missing credentials, or a permission the caller lacks).',
    action:
      'Check token issuance and expiry handling, clock skew, and recent changes to permissions or secrets; confirm which callers are affected.'
  },
  Database: {
    cause:
      'A database operation failed (constraint, lock contention, schema mismatch or connection pool exhaustion).',
    action:
      'Inspect the failing query and recent migrations, check lock and connection-pool metrics, and add retries or constraint handling where the conflict is expected.'
  },
  'External Service': {
    cause: 'A call to a third-party or upstream service failed or answered with an error.',
    action:
      "Check the provider's status page and the request/response for this call; add timeouts, retries with backoff and a graceful fallback."
  },
  Network: {
    cause:
      'A network call could not complete (timeout, refused or reset connection, or name resolution failure).',
    action:
      'Check connectivity and DNS to the target host, its health and latency, and the client timeout and retry settings.'
  },
  Infrastructure: {
    cause:
      'The runtime environment is failing (memory, disk, process limits, deployment or missing configuration).',
    action:
      'Check resource usage and limits of the affected hosts or containers, recent deploys and configuration changes; scale or fix the limit.'
  },
  Logic: {
    cause:
      'Application code hit an unexpected state (a missing value, a wrong type or a broken assumption).',
    action:
      'Reproduce with the event’s input, guard the failing code path, and add a test for the case it did not expect.'
  }
}

// First match wins: the most specific evidence comes first. Short words and codes end at a boundary.
export const RULES: Rule[] = [...LIBRARY_RULES, ...RUNTIME_RULES, ...WORD_RULES]
