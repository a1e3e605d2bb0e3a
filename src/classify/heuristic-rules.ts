import type { Category } from './taxonomy.js'

/**
 * The rule tables of the offline classifier (src/classify/heuristic.ts). Rules name classes of
 * errors — exception types and error codes of common drivers, SDKs and runtimes, SQLSTATE and errno
 * classes, HTTP status families, module paths — never one issue's text. The decisions behind the
 * categories (SQLSTATE 08 and socket errors → Network, SQLSTATE 28 and 42501 → Database, a provider
 * SDK's own errors → External Service) are in eval/README.md.
 */
export interface Rule {
  category: Category
  /** Tested against the exception types and messages (issue and latest event) and the title. */
  text?: RegExp
  /** Tested against the culprit and the crashing frames' file names, modules and functions. */
  location?: RegExp
  /** Tested against the exception type names only (issue and latest event). */
  type?: RegExp
  /** A more precise root cause than the category's; the culprit is appended. */
  cause?: string
  action?: string
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
export const RULES: Rule[] = [
  {
    category: 'Infrastructure',
    text: /Access to the path .* is denied|\[Errno 13\] Permission denied|\bEACCES\b|Errno::EACCES/i,
    cause:
      'The process lacks filesystem permission on a path it needs (volume ownership, mount options or file mode).',
    action:
      'Check the owner and mode of the path inside the container or host, and the user the process runs as.'
  },
  {
    category: 'Infrastructure',
    text: /ChunkLoadError|Loading (CSS )?chunk [\w-]+ failed|Failed to fetch dynamically imported module|error loading dynamically imported module|Importing a module script failed/i,
    cause:
      'The browser could not load a code chunk of the app, usually because a deploy removed files that open tabs still reference.',
    action:
      'Keep the previous deploy’s assets available for a while, and reload the page once on a chunk load failure.'
  },
  {
    category: 'Logic',
    text: /\b(SecurityError|NotAllowedError|QuotaExceededError|InvalidStateError|DataCloneError)\b|requires android\.permission|BadTokenException|is your activity running/,
    cause:
      'The browser or OS refused an operation the code assumed it could do (a permission, a storage quota or a user-gesture policy).',
    action:
      'Catch the refusal where the code calls the API, fall back gracefully, and request the permission first where one exists.'
  },
  {
    category: 'Network',
    text: /remote certificate is invalid|certificate chain|UntrustedRoot|certificate verify failed|CERTIFICATE_VERIFY_FAILED|\bx509: |self-signed certificate|SSLHandshakeException|SSLPeerUnverified/i,
    cause:
      'A TLS connection failed certificate validation (expired, self-signed or untrusted certificate, or a hostname mismatch).',
    action:
      'Check the certificate the host presents, its expiry and chain, and the trust store of the client.'
  },
  {
    category: 'Database',
    text: /QueuePool limit|HikariPool|Connection is not available, request timed out|could not obtain a connection from the pool|ConnectionAcquireTimeout|pool (is )?exhausted|timeout acquiring a connection|connection pool timeout|Unable to acquire JDBC Connection/i,
    cause:
      'The database connection pool is exhausted: requests wait for a connection and time out.',
    action:
      'Look for slow queries or leaked connections holding the pool, compare the pool size with the database connection limit, then add capacity.'
  },
  {
    category: 'Database',
    text: /too many (clients|connections)|remaining connection slots|Can't reach database server|database system is (starting up|shutting down|in recovery mode)|password authentication failed for user|Login failed for user|Cannot open database "|MongoServerError[\s\S]*Authentication failed/i,
    cause:
      'The database refuses or cannot take connections (connection limit reached, server restarting or unreachable, or the login rejected).',
    action:
      'Check the database’s health, connection count and recent restarts or credential rotations; restore service before anything else.'
  },
  {
    category: 'Database',
    text: /\(?SQLSTATE[ =:]*[0-9A-Z]{5}|\bP[12]\d{3}\b|Unique constraint failed|OOM command not allowed|\bWRONGTYPE\b|\bMongo(Server|BulkWrite)Error\b|\bE11000\b|SQLITE_[A-Z]+|SQLite\w*Exception|\bPG::|ActiveRecord::(?!RecordNotFound|RecordInvalid)\w+|DbUpdate(Concurrency)?Exception|\bSqlException|\bPostgresException|PSQLException|MySQL\w*Exception|\bpq: |\bsql: (?!no rows)|StaleDataError|PendingRollbackError|SerializationFailure|could not serialize access|deadlock|violates (unique|foreign key|not-null|check|exclusion) constraint|duplicate key|relation "[^"]+" does not exist|column [\w."]+ does not exist|statement timeout|canceling statement due to|no such table|value too long for type|invalid input syntax for type|out of range for type|numeric field overflow|StaleObjectState|OptimisticLock\w*|updated or deleted by another transaction|Lock wait timeout|Connection terminated unexpectedly|connection already closed|\bInterfaceError\b|Core ?Data|NSPersistentStore|read-only transaction|RetryLimitExceeded|database is locked|Sequelize\w*Error|QueryFailedError|Prisma\w*Error|IntegrityError|InsufficientPrivilege|UniqueViolation|ConstraintViolation|DataIntegrityViolation|TransactionRollback|server closed the connection unexpectedly|expected to (update|affect) \d+ row|permission denied for (table|relation|schema|sequence|database|function|view)/i
  },
  {
    category: 'Authentication',
    text: /SignatureVerificationError|webhook signature|No signatures found matching/i,
    cause:
      'A webhook or request signature failed verification (a wrong signing secret, or the body was changed or parsed before verifying).',
    action:
      'Compare the signing secret with the provider’s, verify against the raw request body, and check for a recent secret rotation.'
  },
  {
    category: 'Authentication',
    text: /\b(TokenExpiredError|JsonWebTokenError|NotBeforeError|ExpiredSignatureError|InvalidSignatureError|InvalidTokenError|InvalidBearerTokenException|JwtException|JWT::\w+|SecurityToken\w*Exception|BadCredentialsException|AccessDeniedException|AuthenticationException|NotAuthenticated|PermissionDenied|InvalidAuthenticityToken|UnauthorizedError|AuthenticationError|NoCredentialsError|CredentialRetrievalError|ExpiredToken|InvalidAccessKeyId|SignatureDoesNotMatch|UnrecognizedClientException|InvalidClientTokenId|AccessDenied|invalid_grant|invalid_client)\b|oauth2?: |\bAccess (is )?denied\b|\bjwt (expired|malformed|must be provided)|invalid signature|token (has )?(is )?expired|Signature has expired|Signature verification failed|ID token has expired|\bCSRF\b|authenticity token|credentials were not provided|Invalid API Key|unauthori[sz]ed|unauthenticated|\bforbidden\b|not authori[sz]ed|permission to perform|sign-?in|status code 40[13]\b|\bHTTP 40[13]\b|\b40[13] (Client Error|Unauthorized|Forbidden)\b|\blogin failed\b|\bAADSTS\d+|Username and Password not accepted|\bInvalid login\b|\b535[ -]5\.7\.8\b|BadCredentials|(^|\n)Authenticate(\n|$)|\w*Authentication(Error|Exception)\b|\bNotAuthorized\w*|\bsession\b.*\b(mismatch|hijack\w*|fixation)\b/i
  },
  {
    category: 'External Service',
    text: /\bStripe\w*Error\b|Stripe::\w+|\bTwilio\w*Exception\b|ServiceUnavailableError|Aws::\w+::Errors::|googleapi: Error|BrokenCircuitException|circuit is (now )?open|An API error occurred|\breq_[A-Za-z0-9]{8,}|\bRateLimitError\b|ThrottlingException|Rate exceeded|reduce your request rate|\bSlowDown\b|rate_limit_exceeded|Too Many Requests|\bNoSuchKey\b|\bNoSuchBucket\b|\bAPIConnectionError\b|overloaded|Error code: 5\d\d\b/i
  },
  {
    category: 'Network',
    text: /\b(ECONNREFUSED|ECONNRESET|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|EPIPE|ECONNABORTED|ERR_NETWORK)\b|getaddrinfo|\[Errno (111|110|104|113|101|-2|-3|-5)\]|socket hang up|connection (refused|reset|timed out|aborted)|Name or service not known|nodename nor servname|failure in name resolution|no such host|No such host is known|dial tcp|i\/o timeout|context deadline exceeded|Client\.Timeout|timed out|timeout of \d+ms exceeded|\btimeout\b|NSURLErrorDomain|UnknownHostException|Unable to resolve host|SocketTimeoutException|ConnectException|Failed to connect to|NoRouteToHostException|SSLHandshakeException|CERTIFICATE_VERIFY_FAILED|\bSSLError\b|SSLCertVerificationError|certificate (has expired|verify failed)|self-signed certificate|\bx509: |certificate signed by unknown authority|unexpected end of stream|closed idle connection|\bGOAWAY\b|Unable to connect to|\bAbortError\b|operation was aborted|Failed to fetch|NetworkError when attempting|\bLoad failed\b|\bNetwork ?Error\b|fetch failed|\b14 UNAVAILABLE\b|MaxRetriesPerRequestError|EndpointConnectionError|ConnectTimeout|ReadTimeout|\bConnectionError\b|Net::(Read|Open|Write)Timeout|Faraday::(ConnectionFailed|TimeoutError)|ResourceAccessException|RetryableException|TaskCanceledException|Broken pipe/i
  },
  {
    category: 'External Service',
    text: /status code 5\d\d\b|\bHTTP 5\d\d\b|\b5\d\d (Server Error|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)|responded with status 5\d\d\b|\bstatus 5\d\d\b|\bError 5\d\d\b|does not indicate success: 5\d\d\b|\b(Bad Gateway|Service Unavailable|Gateway Time-?out|Internal Server Error)\b|HttpServerErrorException|Faraday::ServerError|\bupstream\b|third[- ]party|status code 429\b|\bHTTP 429\b|Unexpected token '?<|<!DOCTYPE|<html/i,
    cause:
      'An upstream service answered with a server error or a rate limit (or an HTML error page where JSON was expected).',
    action:
      'Check the upstream’s status and the failing request; retry 5xx and 429 with backoff and honour Retry-After, and degrade gracefully.'
  },
  {
    category: 'Infrastructure',
    text: /out of memory|\bOutOfMemory\w*|\bMemoryError\b|\bOOM(Killed)?\b|heap limit|heap space|Allocation failed|\bENOSPC\b|No space left|not enough space on the disk|disk (is )?full|\bE[MN]FILE\b|Too many open files|\[Errno (24|28)\]|\bSIGKILL\b|signal 9|exit code 137|WorkerLostError|Worker exited prematurely|WatchdogTermination|\bwatchdog\b|ImproperlyConfigured|environment variable|Missing required (env|config)\w*|key not found: "[A-Z][A-Z0-9_]*"|Cannot find module|MODULE_NOT_FOUND|EADDRINUSE|address already in use|spawn \S+ ENOENT|No such file or directory|\bENOENT\b|BeanCreationException|Failed to determine a suitable driver|\bNotRegistered\b|\bSIGTERM\b|segmentation fault|Could not load (file or )?assembly|\bsecret\b.{0,40}\b(not found|can't find|does not exist|missing)|can't find the specified secret|ALLOWED_HOSTS|DisallowedHost|TimeLimitExceeded|\w*Allocation\w*Exception|\bENOMEM\b|Cannot allocate memory|not enough memory|Disk quota exceeded|\[Errno 122\]|allocation of \d+ \w+ failed|config(uration)? (error|missing|invalid)/i
  },
  {
    category: 'Logic',
    text: /\bDoesNotExist\b|RecordNotFound|NoResultFound|No row was found|no rows in result set|matching query does not exist|Couldn't find \w+ with/i,
    cause: 'The code looked up a record that does not exist and did not handle the not-found case.',
    action:
      'Answer a missing record with a 404 or an explicit empty result instead of an exception, and check where the stale id comes from.'
  },
  {
    category: 'Logic',
    text: /\bis null\b|on Null values|\bnull reference|\bNoneType\b|undefined (local variable or )?method|\w*(Decode|Decoding|Unmarshal\w*|Parse|Parsing|Encoding)(Error|Exception)\b|\b\w*CancellationException\b|Job was cancell?ed|PayloadTooLarge|entity too large|Cannot deserialize|MismatchedInput|nil map|DecompressionBomb|Validation failed/i
  },
  {
    category: 'Database',
    text: /\b(sql\w*|postgres\w*|psycopg2?|mysql\w*|mariadb|sqlite\w*|mongo\w*|redis|hibernate|jdbc|knex|typeorm|sequelize|prisma|activerecord|OperationalError|DatabaseError|lock wait|migration)\b/i,
    location:
      /\b(psycopg2?|sqlalchemy|django[/.]db|pg-pool|node_modules\/(pg|mysql2?|mongodb|mongoose|ioredis|redis|typeorm|sequelize|knex|@prisma)\/|active_?record|hibernate|jdbc|Npgsql|EntityFrameworkCore|SqlClient|database\/sql|jackc\/pgx|lib\/pq)/i
  },
  {
    category: 'External Service',
    text: /\b(stripe|twilio|sendgrid|mailgun|paypal|braintree|shopify|openai|anthropic|hubspot|salesforce|amazonaws|s3)\b|slack api|github api/i,
    location:
      /(site-packages|node_modules|gems)\/(stripe|twilio|sendgrid|@sendgrid|braintree|paypal|boto3|botocore|@aws-sdk|aws-sdk|googleapis|google-cloud|openai|@slack|hubspot)|\b(stripe|twilio|botocore|boto3|openai)\./i
  },
  {
    category: 'Logic',
    text: /\b(TypeError|ReferenceError|RangeError|SyntaxError|KeyError|IndexError|AttributeError|ValueError|NameError|UnboundLocalError|ZeroDivisionError|AssertionError|NotImplementedError|RecursionError|NullPointerException|NullReferenceException|NoMethodError|ArgumentError|ClassCastException|IllegalArgumentException|IllegalStateException|ConcurrentModificationException|NumberFormatException|\w*IndexOutOfBounds\w*|UnsupportedOperationException|UninitializedPropertyAccessException|LazyInitializationException|InvalidOperationException|FormatException|Argument\w*Exception|InvalidCastException|KeyNotFoundException|NSInvalidArgumentException|NSRangeException|NSInternalInconsistencyException|EXC_BREAKPOINT|ZodError|Validation(Error|Exception)|InvalidOperation|ClassNotFound|NoSuchMethod\w*)\b|Unexpectedly found nil|unrecognized selector|runtime error|nil pointer|index out of range|\binvariant\b|Minified React error|Too many re-renders|Maximum (call stack|update depth)|Target container is not a DOM element|ResizeObserver loop|hydrat\w*|cannot read propert|is not a function|is not defined|is not an object|undefined is not|lateinit|\bpanic\b|unwrap\(\)/i
  },
  // Last resort: the words inside exception type names (`SMTPAuthenticationError`,
  // `ProvisionedThroughputExceededException`, `QueryCanceled`), for libraries no rule above names.
  {
    category: 'Authentication',
    type: /auth|credential|token|jwt|login|sign-?in|permission|forbidden/i
  },
  {
    category: 'Database',
    type: /sql|database|\bdb|query|jdbc|transaction|deadlock|constraint|integrity|stale|cursor/i
  },
  {
    category: 'External Service',
    type: /throttl|rate-?limit|too-?many-?requests|throughput|quota|redirect|upstream|gateway|service-?unavailable/i
  },
  {
    category: 'Network',
    type: /timeout|timed-?out|connect|socket|network|dns|unknown-?host|ssl|tls|certificate|abort/i
  },
  {
    category: 'Infrastructure',
    type: /memory|\boom|disk|space|config|environment|secret|assembly|module|shutdown|time-?limit|alloc|resource/i
  },
  {
    category: 'Logic',
    type: /runtime\.Error|deserializ|decod|encod|unicode|pars|json|unmarshal|format|argument|\btype|null|\bnil|value|key|index|range|assert|cast|state|validat|not-?allowed|security|cancel|template|method|undefined/i
  }
]

/** Severity one step up: money, security, data loss, or the service or its database down. */
export const GRAVE =
  /too many (clients|connections)|remaining connection slots|QueuePool limit|HikariPool|Connection is not available|could not obtain a connection|ConnectionAcquireTimeout|pool (is )?exhausted|connection pool timeout|Unable to acquire JDBC Connection|Timeout acquiring a connection|read-only transaction|RetryLimitExceeded|ENOMEM|Cannot allocate memory|not enough memory|Disk quota exceeded|Can't reach database server|database system is (starting up|shutting down)|password authentication failed|Login failed for user|MongoServerError[\s\S]*Authentication failed|OOM command not allowed|not-null constraint|expected to (update|affect) \d+ row|\bsession\b.*\b(mismatch|hijack\w*|fixation)\b|Target container is not a DOM element|ExpiredToken|out of memory|OutOfMemory|MemoryError|\bOOM\b|SIGKILL|signal 9|WorkerLost|Worker exited prematurely|ENOSPC|No space left|not enough space on the disk|Too many open files|\bEMFILE\b|ImproperlyConfigured|environment variable|key not found: "[A-Z][A-Z0-9_]*"|Cannot find module|EADDRINUSE|BeanCreationException|\bNotRegistered\b/i

/** Money: a charge, payment, invoice, subscription billing or bank transfer. */
export const MONEY =
  /\b\w*(charge|payment|invoice|billing|subscription|refund|payout|stripe|bank)\w*\b/i

/** Severity one step down: expected outcomes, the user's own side, or recovered. */
export const BENIGN =
  /Failed to fetch(?! dynamically)|NetworkError when attempting|\bLoad failed\b|^Network Error$|\bERR_NETWORK\b|NSURLErrorDomain[\s\S]*(-1009|-999|-1005|offline|cancel|connection was lost)|Unable to resolve host|user cancel\w*|\bjwt expired|token (has )?(is )?expired|TokenExpired|ExpiredSignature|Signature has expired|Jwt expired|ID token has expired|SecurityTokenExpired|credentials were not provided|Bad credentials|CSRF token authenticity|DoesNotExist|RecordNotFound|no rows in result set|\bNoSuchKey\b|ZodError|ValidationError|invalid literal for|not in a correct format|invalid date|is not a valid\b|CardError|card was declined|insufficient funds|card_declined|Minified React error #(418|419|422|423|425)|Hydration failed|Non-Error promise rejection|\bAbortError\b|operation was aborted|\w*CancellationException|Job was cancell?ed|NotAllowedError|Invalid HTTP_HOST header|DisallowedHost|NoResultFound|Cast to \w+ failed|entity too large|Validation failed/im

/** Known browser noise: Low whatever the volume. */
export const NOISE = /^(Error: )?Script error\.?$|ResizeObserver loop/im

/** Transient faults a handled warning has most likely retried. */
export const TRANSIENT =
  /could not serialize|SerializationFailure|deadlock|Concurrency|EAI_AGAIN|ECONNRESET|connection reset|timed out|timeout/i
