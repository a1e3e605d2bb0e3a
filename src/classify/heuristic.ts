import type { Category, Classification, Severity } from '../taxonomy.js'
import type { SentryIssue, EventContext } from '../sentry.js'

interface Rule {
  category: Category
  pattern: RegExp
  rootCause: string
  action: string
}

// First match wins; the most specific evidence (exception class names, driver names) comes first.
// Short words and status codes end at a boundary: `40312` is an order id, `nanoid` and `heapq` are not NaN and heap.
const RULES: Rule[] = [
  {
    category: 'Authentication',
    pattern:
      /\b(jwt|token ?expired|expired ?token|invalid[_ ]?token|unauthori[sz]ed|unauthenticated|forbidden|permission ?denied|access ?denied|not ?authori[sz]ed|40[13](?!\d)|oauth|saml|csrf|login failed|authenticat|AuthenticationError|PermissionDenied|InvalidSignature)/i,
    rootCause:
      'Requests are failing authentication or authorisation checks (expired, invalid or missing credentials, or a permission the caller lacks).',
    action:
      'Check token issuance and expiry handling, clock skew, and recent changes to permissions or secrets; confirm which callers are affected.'
  },
  {
    category: 'Database',
    pattern:
      /\b(sql|deadlock|psycopg|postgres|pg::|mysql|sqlite|mongo|redis(?!.*timeout)|prisma|sequelize|typeorm|activerecord|hibernate|jdbc|IntegrityError|OperationalError|UniqueViolation|unique constraint|foreign key|relation .* does not exist|duplicate key|lock wait|too many connections|QueryFailed|DatabaseError|knex|migration)/i,
    rootCause:
      'A database operation failed (constraint, lock contention, schema mismatch or connection pool exhaustion).',
    action:
      'Inspect the failing query and recent migrations, check lock and connection-pool metrics, and add retries or constraint handling where the conflict is expected.'
  },
  {
    category: 'External Service',
    pattern:
      /\b(stripe|twilio|sendgrid|mailgun|paypal|braintree|s3\b|aws|gcs|openai|slack api|github api|shopify|upstream|third[- ]party|bad gateway|502(?!\d)|503 service unavailable|gateway timeout|504(?!\d)|rate ?limit(ed)? by|HTTPError|RequestException|ApiError|StripeError|ClientError)/i,
    rootCause: 'A call to a third-party service failed or answered with an error.',
    action:
      "Check the provider's status page and the request/response for this call; add timeouts, retries with backoff and a graceful fallback."
  },
  {
    category: 'Network',
    pattern:
      /\b(timeout|timed out|ETIMEDOUT|ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|socket hang up|connection (refused|reset|closed|aborted)|network ?error|dns|getaddrinfo|ConnectTimeout|ReadTimeout|ConnectionError|fetch failed|Failed to fetch|ssl|tls|certificate)/i,
    rootCause:
      'A network call could not complete (timeout, refused or reset connection, or name resolution failure).',
    action:
      'Check connectivity and DNS to the target host, its health and latency, and the client timeout and retry settings.'
  },
  {
    category: 'Infrastructure',
    pattern:
      /\b(out of memory|OOM|OutOfMemory|MemoryError|heap\b|ENOSPC|no space left|disk full|killed|SIGKILL|SIGTERM|exit code 137|container|kubernetes|k8s|pods?\b|node crashed|EMFILE|too many open files|config(uration)? (error|missing|invalid)|environment variable|ImproperlyConfigured|ENOENT|segmentation fault|worker (lost|died))/i,
    rootCause:
      'The runtime environment is failing (memory, disk, process limits or missing configuration).',
    action:
      'Check resource usage and limits of the affected hosts or containers, recent deploys and configuration changes; scale or fix the limit.'
  },
  {
    category: 'Logic',
    pattern:
      /\b(TypeError|ReferenceError|RangeError|SyntaxError|KeyError|IndexError|AttributeError|ValueError|NameError|NullPointerException|NoMethodError|ArgumentError|ZeroDivisionError|AssertionError|undefined is not|cannot read propert|is not a function|null\b|undefined\b|NaN\b|unhandled|invariant|ClassCastException|IllegalArgument|IllegalState|panic|unwrap)/i,
    rootCause:
      'Application code hit an unexpected state (a missing value, a wrong type or a broken assumption).',
    action:
      'Reproduce with the event’s input, guard the failing code path, and add a test for the case it did not expect.'
  }
]

/** The severity implied by level and blast radius alone. */
export function heuristicSeverity(issue: SentryIssue): Severity {
  if (issue.level === 'fatal' || issue.userCount > 1000) return 'Critical'
  if (issue.userCount > 100 || (issue.level === 'error' && issue.count > 50)) return 'High'
  if (issue.level === 'error' || issue.count > 10 || issue.userCount > 10) return 'Medium'
  return 'Low'
}

/**
 * Offline rules over the exception type, message, culprit and stack: no LLM, no key, no cost.
 * The classifier of `classifier: heuristic`, and the fallback whenever the LLM fails.
 */
export function classifyHeuristically(
  issue: SentryIssue,
  event: EventContext | null,
  fallbackReason?: string
): Classification {
  const evidence = [
    issue.exceptionType,
    issue.exceptionValue,
    issue.title,
    issue.culprit,
    ...(event?.exceptions ?? []).flatMap(e => [e.type, e.value]),
    ...(event?.frames ?? []).slice(-3).flatMap(f => [f.filename, f.function])
  ]
    .filter(Boolean)
    .join('\n')
  const rule = RULES.find(r => r.pattern.test(evidence))
  const where = issue.culprit ? ` in ${issue.culprit}` : ''
  return {
    category: rule?.category ?? 'Unknown',
    severity: heuristicSeverity(issue),
    rootCause: rule
      ? `${rule.rootCause.replace(/\.$/, '')}${where}.`
      : `No rule matched this error${where}; it needs a human look.`,
    suggestedAction:
      rule?.action ??
      'Open the Sentry issue, read the latest event and its breadcrumbs, and assign an owner.',
    classifier: 'heuristic',
    model: null,
    ...(fallbackReason ? { fallbackReason } : {})
  }
}
