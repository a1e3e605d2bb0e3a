import type { Category } from './taxonomy.js'

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
    text: [
      /Access to the path .* is denied/i, // .NET UnauthorizedAccessException on a file path
      /\[Errno 13\] Permission denied/i, // Python OSError errno 13
      /\bEACCES\b/i, // Node fs / libuv errno
      /Errno::EACCES/i // Ruby Errno::EACCES
    ],
    cause:
      'The process lacks filesystem permission on a path it needs (volume ownership, mount options or file mode).',
    action:
      'Check the owner and mode of the path inside the container or host, and the user the process runs as.'
  },
  {
    category: 'Infrastructure',
    text: [
      /ChunkLoadError/i, // webpack runtime
      /Loading (CSS )?chunk [\w-]+ failed/i, // webpack (mini-css-extract-plugin for CSS)
      /Failed to fetch dynamically imported module/i, // Chrome, dynamic import() (Vite)
      /error loading dynamically imported module/i, // Firefox, dynamic import() (Vite)
      /Importing a module script failed/i // Safari, dynamic import() (Vite)
    ],
    cause:
      'The browser could not load a code chunk of the app, usually because a deploy removed files that open tabs still reference.',
    action:
      'Keep the previous deploy’s assets available for a while, and reload the page once on a chunk load failure.'
  },
  {
    category: 'Logic',
    text: [
      /\bSecurityError\b/, // browser DOMException (storage, clipboard, cross-origin frames)
      /\bNotAllowedError\b/, // browser DOMException (permissions, autoplay, clipboard)
      /\bQuotaExceededError\b/, // browser DOMException (localStorage quota)
      /\bInvalidStateError\b/, // browser DOMException (IndexedDB, media)
      /\bDataCloneError\b/, // browser DOMException (postMessage, structuredClone)
      /requires android\.permission/, // Android SecurityException text
      /BadTokenException/, // Android WindowManager$BadTokenException
      /is your activity running/ // Android WindowManager (dialog after activity finished)
    ],
    cause:
      'The browser or OS refused an operation the code assumed it could do (a permission, a storage quota or a user-gesture policy).',
    action:
      'Catch the refusal where the code calls the API, fall back gracefully, and request the permission first where one exists.'
  },
  {
    category: 'Network',
    text: [
      /remote certificate is invalid/i, // .NET AuthenticationException (SslStream)
      /certificate chain/i, // Java PKIX / .NET X509Chain
      /UntrustedRoot/i, // .NET X509ChainStatusFlags.UntrustedRoot
      /certificate verify failed/i, // Python ssl / OpenSSL
      /CERTIFICATE_VERIFY_FAILED/i, // Python ssl (SSLCertVerificationError reason)
      /\bx509: /i, // Go crypto/x509
      /self-signed certificate/i, // Node tls / OpenSSL
      /SSLHandshakeException/i, // Java javax.net.ssl
      /SSLPeerUnverified/i // Java javax.net.ssl.SSLPeerUnverifiedException (OkHttp)
    ],
    cause:
      'A TLS connection failed certificate validation (expired, self-signed or untrusted certificate, or a hostname mismatch).',
    action:
      'Check the certificate the host presents, its expiry and chain, and the trust store of the client.'
  },
  {
    category: 'Database',
    text: [
      /QueuePool limit/i, // SQLAlchemy QueuePool
      /HikariPool/i, // Java HikariCP
      /Connection is not available, request timed out/i, // Java HikariCP (SQLTransientConnectionException)
      /could not obtain a connection from the pool/i, // SQLAlchemy / Django pools, generic pool message
      /ConnectionAcquireTimeout/i, // Ruby ActiveRecord::ConnectionTimeoutError / Sequelize ConnectionAcquireTimeoutError
      /pool (is )?exhausted/i, // generic pool (Prisma, go-redis "connection pool exhausted")
      /timeout acquiring a connection/i, // Knex ("Timeout acquiring a connection")
      /connection pool timeout/i, // Prisma P2024 ("Timed out fetching a new connection from the connection pool") and others
      /Unable to acquire JDBC Connection/i // Spring / Hibernate CannotCreateTransactionException
    ],
    cause:
      'The database connection pool is exhausted: requests wait for a connection and time out.',
    action:
      'Look for slow queries or leaked connections holding the pool, compare the pool size with the database connection limit, then add capacity.'
  },
  {
    category: 'Database',
    text: [
      /too many (clients|connections)/i, // PostgreSQL SQLSTATE 53300 / MySQL ER_CON_COUNT_ERROR 1040
      /remaining connection slots/i, // PostgreSQL SQLSTATE 53300 (reserved slots)
      /Can't reach database server/i, // Prisma P1001
      /database system is (starting up|shutting down|in recovery mode)/i, // PostgreSQL SQLSTATE 57P03
      /password authentication failed for user/i, // PostgreSQL SQLSTATE 28P01
      /Login failed for user/i, // SQL Server error 18456
      /Cannot open database "/i, // SQL Server error 4060
      /MongoServerError[\s\S]*Authentication failed/i // MongoDB Node driver (auth failure, code 18)
    ],
    cause:
      'The database refuses or cannot take connections (connection limit reached, server restarting or unreachable, or the login rejected).',
    action:
      'Check the database’s health, connection count and recent restarts or credential rotations; restore service before anything else.'
  },
  {
    category: 'Database',
    text: [
      /\(?SQLSTATE[ =:]*[0-9A-Z]{5}/i, // SQLSTATE in JDBC, PDO, SQLAlchemy, Npgsql messages
      /\bP[12]\d{3}\b/i, // Prisma error codes P1xxx/P2xxx
      /Unique constraint failed/i, // Prisma P2002
      /OOM command not allowed/i, // Redis OOM reply
      /\bWRONGTYPE\b/i, // Redis WRONGTYPE reply
      /\bMongo(Server|BulkWrite)Error\b/i, // MongoDB Node driver MongoServerError / MongoBulkWriteError
      /\bE11000\b/i, // MongoDB duplicate key error code
      /SQLITE_[A-Z]+/i, // SQLite result codes (node-sqlite3, better-sqlite3)
      /SQLite\w*Exception/i, // Android SQLite*Exception
      /\bPG::/i, // Ruby pg gem (PG::UniqueViolation …)
      /ActiveRecord::(?!RecordNotFound|RecordInvalid)\w+/i, // Ruby ActiveRecord (not-found and validation excepted)
      /DbUpdate(Concurrency)?Exception/i, // .NET EF Core DbUpdateException / DbUpdateConcurrencyException
      /\bSqlException/i, // .NET SqlClient SqlException
      /\bPostgresException/i, // .NET Npgsql PostgresException
      /PSQLException/i, // Java PostgreSQL JDBC PSQLException
      /MySQL\w*Exception/i, // Java MySQL Connector/J exceptions
      /\bpq: /i, // Go lib/pq error prefix
      /\bsql: (?!no rows)/i, // Go database/sql error prefix (sql: no rows excepted)
      /StaleDataError/i, // SQLAlchemy StaleDataError
      /PendingRollbackError/i, // SQLAlchemy PendingRollbackError
      /SerializationFailure/i, // psycopg2.errors.SerializationFailure (SQLSTATE 40001)
      /could not serialize access/i, // PostgreSQL SQLSTATE 40001
      /deadlock/i, // PostgreSQL 40P01 / MySQL 1213 / SQL Server 1205
      /violates (unique|foreign key|not-null|check|exclusion) constraint/i, // PostgreSQL SQLSTATE 23xxx
      /duplicate key/i, // PostgreSQL SQLSTATE 23505
      /relation "[^"]+" does not exist/i, // PostgreSQL SQLSTATE 42P01
      /column [\w."]+ does not exist/i, // PostgreSQL SQLSTATE 42703
      /statement timeout/i, // PostgreSQL SQLSTATE 57014 (statement_timeout)
      /canceling statement due to/i, // PostgreSQL SQLSTATE 57014
      /no such table/i, // SQLite
      /value too long for type/i, // PostgreSQL SQLSTATE 22001
      /invalid input syntax for type/i, // PostgreSQL SQLSTATE 22P02
      /out of range for type/i, // PostgreSQL SQLSTATE 22003
      /numeric field overflow/i, // PostgreSQL SQLSTATE 22003
      /StaleObjectState/i, // Hibernate StaleObjectStateException
      /OptimisticLock\w*/i, // JPA OptimisticLockException, Spring ObjectOptimisticLockingFailureException
      /updated or deleted by another transaction/i, // Hibernate StaleObjectStateException text
      /Lock wait timeout/i, // MySQL error 1205
      /Connection terminated unexpectedly/i, // node-postgres (pg)
      /connection already closed/i, // psycopg2 InterfaceError text
      /\bInterfaceError\b/i, // Python DB-API InterfaceError
      /Core ?Data/i, // Apple Core Data
      /NSPersistentStore/i, // Apple Core Data NSPersistentStoreCoordinator
      /read-only transaction/i, // PostgreSQL SQLSTATE 25006 (replica, failover)
      /RetryLimitExceeded/i, // EF Core RetryLimitExceededException
      /database is locked/i, // SQLite SQLITE_BUSY
      /Sequelize\w*Error/i, // Sequelize errors
      /QueryFailedError/i, // TypeORM QueryFailedError
      /Prisma\w*Error/i, // Prisma client errors
      /IntegrityError/i, // Python DB-API IntegrityError (SQLAlchemy, Django)
      /InsufficientPrivilege/i, // psycopg2.errors.InsufficientPrivilege (SQLSTATE 42501)
      /UniqueViolation/i, // psycopg2.errors.UniqueViolation
      /ConstraintViolation/i, // Hibernate ConstraintViolationException
      /DataIntegrityViolation/i, // Spring DataIntegrityViolationException
      /TransactionRollback/i, // psycopg2.errors.TransactionRollback
      /server closed the connection unexpectedly/i, // PostgreSQL / libpq
      /expected to (update|affect) \d+ row/i, // SQLAlchemy StaleDataError text / EF Core concurrency text
      /permission denied for (table|relation|schema|sequence|database|function|view)/i // PostgreSQL SQLSTATE 42501
    ]
  },
  {
    category: 'Authentication',
    text: [
      /SignatureVerificationError/i, // Stripe SDK webhook (stripe.error.SignatureVerificationError)
      /webhook signature/i, // generic webhook verifiers (Svix, GitHub, Shopify)
      /No signatures found matching/i // Stripe SDK webhook message
    ],
    cause:
      'A webhook or request signature failed verification (a wrong signing secret, or the body was changed or parsed before verifying).',
    action:
      'Compare the signing secret with the provider’s, verify against the raw request body, and check for a recent secret rotation.'
  },
  {
    category: 'Authentication',
    text: [
      /\bTokenExpiredError\b/i, // Node jsonwebtoken
      /\bJsonWebTokenError\b/i, // Node jsonwebtoken
      /\bNotBeforeError\b/i, // Node jsonwebtoken
      /\bExpiredSignatureError\b/i, // Python PyJWT
      /\bInvalidSignatureError\b/i, // Python PyJWT
      /\bInvalidTokenError\b/i, // Python PyJWT / google-auth
      /\bInvalidBearerTokenException\b/i, // Spring Security OAuth2 resource server
      /\bJwtException\b/i, // Java jjwt
      /\bJWT::\w+\b/i, // Ruby ruby-jwt (JWT::ExpiredSignature …)
      /\bSecurityToken\w*Exception\b/i, // .NET Microsoft.IdentityModel SecurityToken*Exception
      /\bBadCredentialsException\b/i, // Spring Security
      /\bAccessDeniedException\b/i, // Spring Security / AWS SDK
      /\bAuthenticationException\b/i, // Spring Security / Java AuthenticationException
      /\bNotAuthenticated\b/i, // Django REST framework
      /\bPermissionDenied\b/i, // Django PermissionDenied / gRPC PERMISSION_DENIED
      /\bInvalidAuthenticityToken\b/i, // Rails ActionController::InvalidAuthenticityToken
      /\bUnauthorizedError\b/i, // express-jwt UnauthorizedError
      /\bAuthenticationError\b/i, // Python / Node auth libraries (the exact name; SMTPAuthenticationError is a later line)
      /\bNoCredentialsError\b/i, // AWS boto3 / botocore
      /\bCredentialRetrievalError\b/i, // AWS SDK for JavaScript v3
      /\bExpiredToken\b/i, // AWS STS ExpiredToken
      /\bInvalidAccessKeyId\b/i, // AWS S3 InvalidAccessKeyId
      /\bSignatureDoesNotMatch\b/i, // AWS SigV4 SignatureDoesNotMatch
      /\bUnrecognizedClientException\b/i, // AWS DynamoDB UnrecognizedClientException
      /\bInvalidClientTokenId\b/i, // AWS STS / SQS InvalidClientTokenId
      /\bAccessDenied\b/i, // AWS S3 AccessDenied
      /\binvalid_grant\b/i, // OAuth 2.0 RFC 6749 error code
      /\binvalid_client\b/i, // OAuth 2.0 RFC 6749 error code
      /oauth2?: /i, // Go golang.org/x/oauth2 error prefix
      /\bAccess (is )?denied\b/i, // generic (Windows, .NET, Java "Access is denied")
      /\bjwt (expired|malformed|must be provided)/i, // Node jsonwebtoken messages
      /invalid signature/i, // jsonwebtoken / PyJWT message
      /token (has )?(is )?expired/i, // generic token libraries
      /Signature has expired/i, // Python PyJWT ExpiredSignatureError message
      /Signature verification failed/i, // Python PyJWT / jose
      /ID token has expired/i, // Firebase Admin SDK / google-auth
      /\bCSRF\b/i, // Django / Rails / csurf CSRF failures
      /authenticity token/i, // Rails InvalidAuthenticityToken message
      /credentials were not provided/i, // Django REST framework NotAuthenticated message
      /Invalid API Key/i, // provider APIs (SendGrid, Mailgun, OpenAI "Invalid API Key")
      /unauthori[sz]ed/i, // HTTP 401 phrase, any client
      /unauthenticated/i, // gRPC UNAUTHENTICATED
      /\bforbidden\b/i, // HTTP 403 phrase, any client
      /not authori[sz]ed/i, // generic authorisation libraries (Pundit, CanCanCan)
      /permission to perform/i, // Django REST framework PermissionDenied message
      /sign-?in/i, // generic sign-in flows (Google Sign-In, Firebase Auth)
      /status code 40[13]\b/i, // axios / Node HTTP clients 401/403
      /\bHTTP 40[13]\b/i, // requests / HTTP clients 401/403
      /\b40[13] (Client Error|Unauthorized|Forbidden)\b/i, // requests HTTPError 401/403
      /\blogin failed\b/i, // generic login failure
      /\bAADSTS\d+/i, // Azure AD / Microsoft identity platform error codes
      /Username and Password not accepted/i, // Gmail SMTP 535 text
      /\bInvalid login\b/i, // Nodemailer / SMTP providers
      /\b535[ -]5\.7\.8\b/i, // SMTP 535 5.7.8 authentication rejected
      /BadCredentials/i, // Octokit / GitHub API "Bad credentials"
      /(^|\n)Authenticate(\n|$)/i, // HTTP 401 WWW-Authenticate style bare message
      /\w*Authentication(Error|Exception)\b/i, // any *AuthenticationError / *AuthenticationException (SMTPAuthenticationError, MongoDB)
      /\bNotAuthorized\w*/i, // AWS Cognito NotAuthorizedException
      /\bsession\b.*\b(mismatch|hijack\w*|fixation)\b/i // session frameworks (Rails, Django) session mismatch
    ]
  },
  {
    category: 'External Service',
    text: [
      /\bStripe\w*Error\b/i, // Stripe SDKs (StripeInvalidRequestError, StripeAPIError …)
      /Stripe::\w+/i, // stripe-ruby
      /\bTwilio\w*Exception\b/i, // Twilio SDKs
      /ServiceUnavailableError/i, // AWS SDK / provider SDKs ServiceUnavailable
      /Aws::\w+::Errors::/i, // aws-sdk-ruby
      /googleapi: Error/i, // Go google.golang.org/api
      /BrokenCircuitException/i, // .NET Polly
      /circuit is (now )?open/i, // Polly / resilience4j / opossum circuit breakers
      /An API error occurred/i, // Slack Web API (Node @slack/web-api)
      /\breq_[A-Za-z0-9]{8,}/i, // Stripe request ids
      /\bRateLimitError\b/i, // OpenAI / Anthropic SDKs
      /ThrottlingException/i, // AWS throttling error code
      /Rate exceeded/i, // AWS API Gateway / Lambda throttling message
      /reduce your request rate/i, // AWS S3 SlowDown message
      /\bSlowDown\b/i, // AWS S3 SlowDown code
      /rate_limit_exceeded/i, // Google APIs / OpenAI rate_limit_exceeded
      /Too Many Requests/i, // HTTP 429 phrase, any client
      /\bNoSuchKey\b/i, // AWS S3 NoSuchKey
      /\bNoSuchBucket\b/i, // AWS S3 NoSuchBucket
      /\bAPIConnectionError\b/i, // OpenAI / Anthropic SDKs
      /overloaded/i, // Anthropic overloaded_error / provider overloads
      /Error code: 5\d\d\b/i // OpenAI Python SDK ("Error code: 503 - …")
    ]
  },
  {
    category: 'Network',
    text: [
      /\bECONNREFUSED\b/i, // Node net / libuv errno
      /\bECONNRESET\b/i, // Node net / libuv errno
      /\bETIMEDOUT\b/i, // Node net / libuv errno
      /\bENOTFOUND\b/i, // Node dns (getaddrinfo)
      /\bEAI_AGAIN\b/i, // Node dns (getaddrinfo)
      /\bEHOSTUNREACH\b/i, // Node net / libuv errno
      /\bENETUNREACH\b/i, // Node net / libuv errno
      /\bEPIPE\b/i, // Node net / libuv errno
      /\bECONNABORTED\b/i, // Node net / axios code
      /\bERR_NETWORK\b/i, // axios ERR_NETWORK
      /getaddrinfo/i, // Node dns / Python socket.gaierror
      /\[Errno 111\]/i, // Python socket errno ECONNREFUSED (Linux)
      /\[Errno 110\]/i, // Python socket errno ETIMEDOUT (Linux)
      /\[Errno 104\]/i, // Python socket errno ECONNRESET (Linux)
      /\[Errno 113\]/i, // Python socket errno EHOSTUNREACH (Linux)
      /\[Errno 101\]/i, // Python socket errno ENETUNREACH (Linux)
      /\[Errno -2\]/i, // Python socket.gaierror EAI_NONAME (glibc)
      /\[Errno -3\]/i, // Python socket.gaierror EAI_AGAIN (glibc)
      /\[Errno -5\]/i, // Python socket.gaierror EAI_NODATA (glibc)
      /socket hang up/i, // Node http
      /connection (refused|reset|timed out|aborted)/i, // generic socket errors (Go, Python, Java, Ruby)
      /Name or service not known/i, // glibc getaddrinfo (Python)
      /nodename nor servname/i, // macOS getaddrinfo
      /failure in name resolution/i, // glibc getaddrinfo (Python urllib3)
      /no such host/i, // Go net (DNS lookup)
      /No such host is known/i, // .NET SocketException 11001
      /dial tcp/i, // Go net.Dial
      /i\/o timeout/i, // Go net
      /context deadline exceeded/i, // Go context.DeadlineExceeded
      /Client\.Timeout/i, // Go net/http Client.Timeout
      /timed out/i, // generic (Python socket.timeout, Ruby, Java)
      /timeout of \d+ms exceeded/i, // axios timeout
      /\btimeout\b/i, // generic timeout word
      /NSURLErrorDomain/i, // Apple Foundation NSURLSession
      /UnknownHostException/i, // Java java.net.UnknownHostException
      /Unable to resolve host/i, // Android / OkHttp UnknownHostException message
      /SocketTimeoutException/i, // Java java.net.SocketTimeoutException
      /ConnectException/i, // Java java.net.ConnectException
      /Failed to connect to/i, // OkHttp / curl
      /NoRouteToHostException/i, // Java java.net.NoRouteToHostException
      /SSLHandshakeException/i, // Java javax.net.ssl
      /CERTIFICATE_VERIFY_FAILED/i, // Python ssl
      /\bSSLError\b/i, // Python requests.exceptions.SSLError
      /SSLCertVerificationError/i, // Python ssl.SSLCertVerificationError
      /certificate (has expired|verify failed)/i, // OpenSSL messages (Python, Node, Ruby)
      /self-signed certificate/i, // Node tls / OpenSSL
      /\bx509: /i, // Go crypto/x509
      /certificate signed by unknown authority/i, // Go crypto/x509
      /unexpected end of stream/i, // OkHttp
      /closed idle connection/i, // Go net/http
      /\bGOAWAY\b/i, // HTTP/2 GOAWAY (Go, grpc, OkHttp)
      /Unable to connect to/i, // .NET HttpClient / HttpRequestException
      /\bAbortError\b/i, // browser fetch / Node AbortController
      /operation was aborted/i, // browser / Node AbortSignal message
      /Failed to fetch/i, // Chrome fetch()
      /NetworkError when attempting/i, // Firefox fetch()
      /\bLoad failed\b/i, // Safari fetch()
      /\bNetwork ?Error\b/i, // axios "Network Error"
      /fetch failed/i, // Node undici fetch()
      /\b14 UNAVAILABLE\b/i, // gRPC status 14 UNAVAILABLE
      /MaxRetriesPerRequestError/i, // ioredis MaxRetriesPerRequestError
      /EndpointConnectionError/i, // AWS botocore EndpointConnectionError
      /ConnectTimeout/i, // Python requests / httpx ConnectTimeout
      /ReadTimeout/i, // Python requests / httpx ReadTimeout
      /\bConnectionError\b/i, // Python requests.exceptions.ConnectionError
      /Net::(Read|Open|Write)Timeout/i, // Ruby Net::HTTP timeouts
      /Faraday::(ConnectionFailed|TimeoutError)/i, // Ruby Faraday
      /ResourceAccessException/i, // Spring RestTemplate ResourceAccessException
      /RetryableException/i, // Java Feign RetryableException
      /TaskCanceledException/i, // .NET HttpClient timeout (TaskCanceledException)
      /Broken pipe/i // EPIPE message (Python, Ruby, Java)
    ]
  },
  {
    category: 'External Service',
    text: [
      /status code 5\d\d\b/i, // axios 5xx
      /\bHTTP 5\d\d\b/i, // requests / generic HTTP 5xx
      /\b5\d\d (Server Error|Internal Server Error|Bad Gateway|Service Unavailable|Gateway Time-?out)/i, // requests HTTPError 5xx
      /responded with status 5\d\d\b/i, // generic HTTP clients
      /\bstatus 5\d\d\b/i, // generic HTTP clients
      /\bError 5\d\d\b/i, // generic HTTP clients
      /does not indicate success: 5\d\d\b/i, // .NET HttpClient EnsureSuccessStatusCode
      /\b(Bad Gateway|Service Unavailable|Gateway Time-?out|Internal Server Error)\b/i, // HTTP reason phrases, any client
      /HttpServerErrorException/i, // Spring RestTemplate HttpServerErrorException
      /Faraday::ServerError/i, // Ruby Faraday::ServerError
      /\bupstream\b/i, // nginx / proxies ("upstream")
      /third[- ]party/i, // generic third-party wording
      /status code 429\b/i, // axios 429
      /\bHTTP 429\b/i, // requests / generic HTTP 429
      /Unexpected token '?</i, // browser / Node JSON.parse of an HTML page
      /<!DOCTYPE/i, // HTML error page in a message
      /<html/i // HTML error page in a message
    ],
    cause:
      'An upstream service answered with a server error or a rate limit (or an HTML error page where JSON was expected).',
    action:
      'Check the upstream’s status and the failing request; retry 5xx and 429 with backoff and honour Retry-After, and degrade gracefully.'
  },
  {
    category: 'Infrastructure',
    text: [
      /out of memory/i, // generic (C runtime, Go, Python, Node)
      /\bOutOfMemory\w*/i, // Java / Android OutOfMemoryError
      /\bMemoryError\b/i, // Python MemoryError
      /\bOOM(Killed)?\b/i, // Linux OOM killer / Kubernetes OOMKilled
      /heap limit/i, // V8 "Reached heap limit"
      /heap space/i, // Java "Java heap space"
      /Allocation failed/i, // V8 "Allocation failed - JavaScript heap out of memory"
      /\bENOSPC\b/i, // Node fs / libuv errno
      /No space left/i, // Linux ENOSPC message
      /not enough space on the disk/i, // Windows / .NET IOException 0x70
      /disk (is )?full/i, // generic disk full
      /\bE[MN]FILE\b/i, // Node / libuv EMFILE, ENFILE
      /Too many open files/i, // Linux EMFILE message
      /\[Errno (24|28)\]/i, // Python OSError errno 24 (EMFILE) / 28 (ENOSPC)
      /\bSIGKILL\b/i, // POSIX signal (Kubernetes, Celery)
      /signal 9/i, // POSIX signal
      /exit code 137/i, // Docker / Kubernetes (128 + SIGKILL)
      /WorkerLostError/i, // Celery WorkerLostError
      /Worker exited prematurely/i, // Celery billiard
      /WatchdogTermination/i, // iOS watchdog termination (Sentry iOS SDK)
      /\bwatchdog\b/i, // iOS / Android watchdog
      /ImproperlyConfigured/i, // Django ImproperlyConfigured
      /environment variable/i, // generic configuration errors
      /Missing required (env|config)\w*/i, // generic configuration checks
      /key not found: "[A-Z][A-Z0-9_]*"/i, // Elixir / Ruby ENV.fetch KeyError ("key not found: \"DATABASE_URL\"")
      /Cannot find module/i, // Node module resolution
      /MODULE_NOT_FOUND/i, // Node module resolution code
      /EADDRINUSE/i, // Node net / libuv errno
      /address already in use/i, // Linux EADDRINUSE message (Python, Go)
      /spawn \S+ ENOENT/i, // Node child_process
      /No such file or directory/i, // Linux ENOENT message (Python, Ruby, shells)
      /\bENOENT\b/i, // Node fs / libuv errno
      /BeanCreationException/i, // Spring BeanCreationException
      /Failed to determine a suitable driver/i, // Spring Boot DataSource auto-configuration
      /\bNotRegistered\b/i, // Celery NotRegistered task
      /\bSIGTERM\b/i, // POSIX signal
      /segmentation fault/i, // native crash (SIGSEGV)
      /Could not load (file or )?assembly/i, // .NET FileNotFoundException / FileLoadException
      /\bsecret\b.{0,40}\b(not found|can't find|does not exist|missing)/i, // secret managers (Kubernetes, Vault, AWS Secrets Manager)
      /can't find the specified secret/i, // AWS Secrets Manager ResourceNotFoundException message
      /ALLOWED_HOSTS/i, // Django settings
      /DisallowedHost/i, // Django DisallowedHost
      /TimeLimitExceeded/i, // Celery TimeLimitExceeded
      /\w*Allocation\w*Exception/i, // .NET / Java allocation exceptions
      /\bENOMEM\b/i, // libc errno ENOMEM
      /Cannot allocate memory/i, // Linux ENOMEM message
      /not enough memory/i, // Windows / .NET "not enough memory"
      /Disk quota exceeded/i, // Linux EDQUOT message
      /\[Errno 122\]/i, // Python OSError errno 122 (EDQUOT)
      /allocation of \d+ \w+ failed/i, // Rust alloc ("memory allocation of N bytes failed")
      /config(uration)? (error|missing|invalid)/i // generic configuration errors
    ]
  },
  {
    category: 'Logic',
    text: [
      /\bDoesNotExist\b/i, // Django ObjectDoesNotExist
      /RecordNotFound/i, // Rails ActiveRecord::RecordNotFound
      /NoResultFound/i, // SQLAlchemy NoResultFound
      /No row was found/i, // SQLAlchemy NoResultFound message
      /no rows in result set/i, // Go database/sql ErrNoRows
      /matching query does not exist/i, // Django DoesNotExist message
      /Couldn't find \w+ with/i // Rails ActiveRecord::RecordNotFound message
    ],
    cause: 'The code looked up a record that does not exist and did not handle the not-found case.',
    action:
      'Answer a missing record with a 404 or an explicit empty result instead of an exception, and check where the stale id comes from.'
  },
  {
    category: 'Logic',
    text: [
      /\bis null\b/i, // generic null checks (Java, Kotlin, .NET messages)
      /on Null values/i, // SQL Server / .NET SqlNullValueException message
      /\bnull reference/i, // .NET NullReferenceException message
      /\bNoneType\b/i, // Python AttributeError / TypeError on None
      /undefined (local variable or )?method/i, // Ruby NoMethodError / NameError message
      /\w*(Decode|Decoding|Unmarshal\w*|Parse|Parsing|Encoding)(Error|Exception)\b/i, // parsers and decoders (Python json, Jackson, Go encoding/json, .NET JSON)
      /\b\w*CancellationException\b/i, // Kotlin coroutines / Java CancellationException
      /Job was cancell?ed/i, // Kotlin coroutines
      /PayloadTooLarge/i, // Rails / Express (body-parser PayloadTooLargeError)
      /entity too large/i, // Express body-parser "request entity too large"
      /Cannot deserialize/i, // Jackson / Newtonsoft.Json
      /MismatchedInput/i, // Jackson MismatchedInputException
      /nil map/i, // Go runtime ("assignment to entry in nil map")
      /DecompressionBomb/i, // Python Pillow DecompressionBombError
      /Validation failed/i // Rails ActiveRecord::RecordInvalid message
    ]
  },
  {
    category: 'Database',
    text: [
      /\bsql\w*\b/i, // word: SQL drivers and types (SQLAlchemy, sqlx, SqlClient)
      /\bpostgres\w*\b/i, // word: PostgreSQL drivers
      /\bpsycopg2?\b/i, // word: Python psycopg / psycopg2
      /\bmysql\w*\b/i, // word: MySQL drivers
      /\bmariadb\b/i, // word: MariaDB
      /\bsqlite\w*\b/i, // word: SQLite
      /\bmongo\w*\b/i, // word: MongoDB drivers, Mongoose
      /\bredis\b/i, // word: Redis clients
      /\bhibernate\b/i, // word: Hibernate
      /\bjdbc\b/i, // word: JDBC
      /\bknex\b/i, // word: Node knex
      /\btypeorm\b/i, // word: Node TypeORM
      /\bsequelize\b/i, // word: Node Sequelize
      /\bprisma\b/i, // word: Prisma
      /\bactiverecord\b/i, // word: Rails ActiveRecord
      /\bOperationalError\b/i, // Python DB-API OperationalError
      /\bDatabaseError\b/i, // Python DB-API DatabaseError
      /\block wait\b/i, // MySQL lock wait
      /\bmigration\b/i // migration tools (Django, Rails, Alembic, Flyway)
    ],
    location: [
      /\bpsycopg2?/i, // frames in Python psycopg / psycopg2
      /\bsqlalchemy/i, // frames in SQLAlchemy
      /\bdjango[/.]db/i, // frames in Django ORM
      /\bpg-pool/i, // frames in Node pg-pool
      /\bnode_modules\/pg\//i, // frames in Node pg
      /\bnode_modules\/mysql2?\//i, // frames in Node mysql / mysql2
      /\bnode_modules\/mongodb\//i, // frames in Node mongodb driver
      /\bnode_modules\/mongoose\//i, // frames in Mongoose
      /\bnode_modules\/ioredis\//i, // frames in Node ioredis
      /\bnode_modules\/redis\//i, // frames in Node redis
      /\bnode_modules\/typeorm\//i, // frames in TypeORM
      /\bnode_modules\/sequelize\//i, // frames in Sequelize
      /\bnode_modules\/knex\//i, // frames in knex
      /\bnode_modules\/@prisma\//i, // frames in Prisma client
      /\bactive_?record/i, // frames in Rails ActiveRecord
      /\bhibernate/i, // frames in Hibernate
      /\bjdbc/i, // frames in JDBC drivers
      /\bNpgsql/i, // frames in .NET Npgsql
      /\bEntityFrameworkCore/i, // frames in .NET EF Core
      /\bSqlClient/i, // frames in .NET SqlClient
      /\bdatabase\/sql/i, // frames in Go database/sql
      /\bjackc\/pgx/i, // frames in Go pgx
      /\blib\/pq/i // frames in Go lib/pq
    ]
  },
  {
    category: 'External Service',
    text: [
      /\bstripe\b/i, // word: Stripe
      /\btwilio\b/i, // word: Twilio
      /\bsendgrid\b/i, // word: SendGrid
      /\bmailgun\b/i, // word: Mailgun
      /\bpaypal\b/i, // word: PayPal
      /\bbraintree\b/i, // word: Braintree
      /\bshopify\b/i, // word: Shopify
      /\bopenai\b/i, // word: OpenAI
      /\banthropic\b/i, // word: Anthropic
      /\bhubspot\b/i, // word: HubSpot
      /\bsalesforce\b/i, // word: Salesforce
      /\bamazonaws\b/i, // AWS endpoints (*.amazonaws.com)
      /\bs3\b/i, // word: AWS S3
      /slack api/i, // Slack Web API wording
      /github api/i // GitHub REST API wording
    ],
    location: [
      /(site-packages|node_modules|gems)\/stripe/i, // frames in the Stripe SDKs (Python, Node, Ruby)
      /(site-packages|node_modules|gems)\/twilio/i, // frames in the Twilio SDKs
      /(site-packages|node_modules|gems)\/sendgrid/i, // frames in the SendGrid SDKs
      /(site-packages|node_modules|gems)\/@sendgrid/i, // frames in @sendgrid (Node)
      /(site-packages|node_modules|gems)\/braintree/i, // frames in the Braintree SDKs
      /(site-packages|node_modules|gems)\/paypal/i, // frames in the PayPal SDKs
      /(site-packages|node_modules|gems)\/boto3/i, // frames in boto3 (Python)
      /(site-packages|node_modules|gems)\/botocore/i, // frames in botocore (Python)
      /(site-packages|node_modules|gems)\/@aws-sdk/i, // frames in AWS SDK for JavaScript v3
      /(site-packages|node_modules|gems)\/aws-sdk/i, // frames in AWS SDK (JavaScript v2, Ruby)
      /(site-packages|node_modules|gems)\/googleapis/i, // frames in googleapis (Node)
      /(site-packages|node_modules|gems)\/google-cloud/i, // frames in google-cloud (Python, Ruby)
      /(site-packages|node_modules|gems)\/openai/i, // frames in the OpenAI SDKs
      /(site-packages|node_modules|gems)\/@slack/i, // frames in @slack (Node)
      /(site-packages|node_modules|gems)\/hubspot/i, // frames in the HubSpot SDKs
      /\bstripe\./i, // Python stripe module (stripe.error)
      /\btwilio\./i, // Python twilio module
      /\bbotocore\./i, // Python botocore module
      /\bboto3\./i, // Python boto3 module
      /\bopenai\./i // Python openai module
    ]
  },
  {
    category: 'Logic',
    text: [
      /\bTypeError\b/i, // JavaScript runtime
      /\bReferenceError\b/i, // JavaScript runtime
      /\bRangeError\b/i, // JavaScript runtime
      /\bSyntaxError\b/i, // JavaScript runtime (JSON.parse)
      /\bKeyError\b/i, // Python
      /\bIndexError\b/i, // Python
      /\bAttributeError\b/i, // Python
      /\bValueError\b/i, // Python
      /\bNameError\b/i, // Python
      /\bUnboundLocalError\b/i, // Python
      /\bZeroDivisionError\b/i, // Python
      /\bAssertionError\b/i, // Python
      /\bNotImplementedError\b/i, // Python
      /\bRecursionError\b/i, // Python
      /\bNullPointerException\b/i, // Java / Kotlin
      /\bNullReferenceException\b/i, // .NET
      /\bNoMethodError\b/i, // Ruby
      /\bArgumentError\b/i, // Ruby
      /\bClassCastException\b/i, // Java
      /\bIllegalArgumentException\b/i, // Java
      /\bIllegalStateException\b/i, // Java
      /\bConcurrentModificationException\b/i, // Java
      /\bNumberFormatException\b/i, // Java
      /\b\w*IndexOutOfBounds\w*\b/i, // Java / .NET IndexOutOfBounds, ArrayIndexOutOfBounds
      /\bUnsupportedOperationException\b/i, // Java
      /\bUninitializedPropertyAccessException\b/i, // Kotlin lateinit
      /\bLazyInitializationException\b/i, // Hibernate
      /\bInvalidOperationException\b/i, // .NET
      /\bFormatException\b/i, // .NET
      /\bArgument\w*Exception\b/i, // .NET ArgumentNullException, ArgumentOutOfRangeException
      /\bInvalidCastException\b/i, // .NET
      /\bKeyNotFoundException\b/i, // .NET
      /\bNSInvalidArgumentException\b/i, // Apple Foundation
      /\bNSRangeException\b/i, // Apple Foundation
      /\bNSInternalInconsistencyException\b/i, // Apple Foundation
      /\bEXC_BREAKPOINT\b/i, // Apple (Swift traps)
      /\bZodError\b/i, // Node zod
      /\bValidationError\b/i, // Python (pydantic, marshmallow, Django) / Node (Joi, Yup)
      /\bValidationException\b/i, // Java / .NET (FluentValidation, Jakarta Bean Validation)
      /\bInvalidOperation\b/i, // Python decimal.InvalidOperation
      /\bClassNotFound\b/i, // Java ClassNotFoundException
      /\bNoSuchMethod\w*\b/i, // Java NoSuchMethodError / NoSuchMethodException
      /Unexpectedly found nil/i, // Swift runtime
      /unrecognized selector/i, // Objective-C runtime
      /runtime error/i, // Go runtime error
      /nil pointer/i, // Go runtime (nil pointer dereference)
      /index out of range/i, // Go runtime (index out of range)
      /\binvariant\b/i, // React / tiny-invariant
      /Minified React error/i, // React production errors
      /Too many re-renders/i, // React
      /Maximum (call stack|update depth)/i, // JavaScript runtime / React
      /Target container is not a DOM element/i, // React DOM
      /ResizeObserver loop/i, // browser ResizeObserver
      /hydrat\w*/i, // React / Next.js hydration
      /cannot read propert/i, // V8 TypeError message
      /is not a function/i, // V8 TypeError message
      /is not defined/i, // V8 ReferenceError message
      /is not an object/i, // Safari TypeError message
      /undefined is not/i, // Safari TypeError message
      /lateinit/i, // Kotlin lateinit message
      /\bpanic\b/i, // Go runtime panic
      /unwrap\(\)/i // Rust Option/Result unwrap
    ]
  },
  // Last resort: the words inside exception type names (`SMTPAuthenticationError`,
  // `ProvisionedThroughputExceededException`, `QueryCanceled`), for libraries no rule above names.
  {
    category: 'Authentication',
    type: [
      /auth/i, // type-name word (SMTPAuthenticationError, FirebaseAuthException …)
      /credential/i, // type-name word (NoCredentialsError, CredentialsException …)
      /token/i, // type-name word (InvalidTokenError …)
      /jwt/i, // type-name word (JwtException …)
      /login/i, // type-name word (LoginException …)
      /sign-?in/i, // type-name word (SignInException …)
      /permission/i, // type-name word (PermissionError …)
      /forbidden/i // type-name word (ForbiddenError …)
    ]
  },
  {
    category: 'Database',
    type: [
      /sql/i, // type-name word (SqlException, SQLAlchemyError …)
      /database/i, // type-name word (DatabaseError …)
      /\bdb/i, // type-name word (DbException …)
      /query/i, // type-name word (QueryCanceled, QueryFailedError …)
      /jdbc/i, // type-name word (JDBCException …)
      /transaction/i, // type-name word (TransactionException …)
      /deadlock/i, // type-name word (DeadlockLoserDataAccessException …)
      /constraint/i, // type-name word (ConstraintViolation …)
      /integrity/i, // type-name word (IntegrityError …)
      /stale/i, // type-name word (StaleElementReference, StaleState …)
      /cursor/i // type-name word (CursorIndexOutOfBounds …)
    ]
  },
  {
    category: 'External Service',
    type: [
      /throttl/i, // type-name word (ThrottlingException …)
      /rate-?limit/i, // type-name word (RateLimitError …)
      /too-?many-?requests/i, // type-name word (TooManyRequestsException …)
      /throughput/i, // type-name word (ProvisionedThroughputExceededException, DynamoDB)
      /quota/i, // type-name word (QuotaExceeded …)
      /redirect/i, // type-name word (TooManyRedirects …)
      /upstream/i, // type-name word (UpstreamError …)
      /gateway/i, // type-name word (BadGatewayException …)
      /service-?unavailable/i // type-name word (ServiceUnavailableException …)
    ]
  },
  {
    category: 'Network',
    type: [
      /timeout/i, // type-name word (TimeoutError …)
      /timed-?out/i, // type-name word (TimedOutException …)
      /connect/i, // type-name word (ConnectException, ConnectionError …)
      /socket/i, // type-name word (SocketException …)
      /network/i, // type-name word (NetworkError …)
      /dns/i, // type-name word (DNSException …)
      /unknown-?host/i, // type-name word (UnknownHostException …)
      /ssl/i, // type-name word (SSLError …)
      /tls/i, // type-name word (TLSError …)
      /certificate/i, // type-name word (CertificateException …)
      /abort/i // type-name word (AbortError …)
    ]
  },
  {
    category: 'Infrastructure',
    type: [
      /memory/i, // type-name word (OutOfMemoryError …)
      /\boom/i, // type-name word (OOMError …)
      /disk/i, // type-name word (DiskFullException …)
      /space/i, // type-name word (NoSpaceException …)
      /config/i, // type-name word (ConfigurationError …)
      /environment/i, // type-name word (EnvironmentError …)
      /secret/i, // type-name word (SecretNotFound …)
      /assembly/i, // type-name word (AssemblyLoadException …)
      /module/i, // type-name word (ModuleNotFoundError …)
      /shutdown/i, // type-name word (ShutdownException …)
      /time-?limit/i, // type-name word (TimeLimitExceeded …)
      /alloc/i, // type-name word (AllocationException …)
      /resource/i // type-name word (ResourceExhausted …)
    ]
  },
  {
    category: 'Logic',
    type: [
      /runtime\.Error/i, // Go runtime.Error
      /deserializ/i, // type-name word (DeserializationException …)
      /decod/i, // type-name word (DecodeError …)
      /encod/i, // type-name word (EncodingError …)
      /unicode/i, // type-name word (UnicodeDecodeError …)
      /pars/i, // type-name word (ParseError, JsonParseException …)
      /json/i, // type-name word (JSONDecodeError …)
      /unmarshal/i, // type-name word (UnmarshalTypeError …)
      /format/i, // type-name word (FormatException …)
      /argument/i, // type-name word (ArgumentException …)
      /\btype/i, // type-name word (TypeError, TypeMismatch …)
      /null/i, // type-name word (NullPointerException …)
      /\bnil/i, // type-name word (NilError …)
      /value/i, // type-name word (ValueError …)
      /key/i, // type-name word (KeyError …)
      /index/i, // type-name word (IndexError …)
      /range/i, // type-name word (RangeError …)
      /assert/i, // type-name word (AssertionError …)
      /cast/i, // type-name word (ClassCastException …)
      /state/i, // type-name word (IllegalStateException …)
      /validat/i, // type-name word (ValidationError …)
      /not-?allowed/i, // type-name word (NotAllowedError …)
      /security/i, // type-name word (SecurityException …)
      /cancel/i, // type-name word (CancellationException …)
      /template/i, // type-name word (TemplateSyntaxError …)
      /method/i, // type-name word (NoMethodError …)
      /undefined/i // type-name word (UndefinedError …)
    ]
  }
]

/** Severity one step up: money, security, data loss, or the service or its database down. */
export const GRAVE: readonly RegExp[] = [
  /too many (clients|connections)/i, // PostgreSQL 53300 / MySQL 1040
  /remaining connection slots/i, // PostgreSQL 53300
  /QueuePool limit/i, // SQLAlchemy
  /HikariPool/i, // Java HikariCP
  /Connection is not available/i, // Java HikariCP
  /could not obtain a connection/i, // SQLAlchemy / Django pools
  /ConnectionAcquireTimeout/i, // ActiveRecord / Sequelize
  /pool (is )?exhausted/i, // generic pool
  /connection pool timeout/i, // Prisma P2024 and others
  /Unable to acquire JDBC Connection/i, // Spring / Hibernate
  /Timeout acquiring a connection/i, // Knex
  /read-only transaction/i, // PostgreSQL SQLSTATE 25006
  /RetryLimitExceeded/i, // EF Core
  /ENOMEM/i, // libc errno
  /Cannot allocate memory/i, // Linux ENOMEM message
  /not enough memory/i, // Windows / .NET
  /Disk quota exceeded/i, // Linux EDQUOT
  /Can't reach database server/i, // Prisma P1001
  /database system is (starting up|shutting down)/i, // PostgreSQL SQLSTATE 57P03
  /password authentication failed/i, // PostgreSQL SQLSTATE 28P01
  /Login failed for user/i, // SQL Server error 18456
  /MongoServerError[\s\S]*Authentication failed/i, // MongoDB Node driver
  /OOM command not allowed/i, // Redis OOM reply
  /not-null constraint/i, // PostgreSQL SQLSTATE 23502 (a write lost)
  /expected to (update|affect) \d+ row/i, // SQLAlchemy StaleDataError / EF Core concurrency text (a write lost)
  /\bsession\b.*\b(mismatch|hijack\w*|fixation)\b/i, // session frameworks (one user served another's session)
  /Target container is not a DOM element/i, // React DOM (white page for every visitor)
  /ExpiredToken/i, // AWS STS (all credentials of a service rejected)
  /out of memory/i, // generic
  /OutOfMemory/i, // Java / Android
  /MemoryError/i, // Python
  /\bOOM\b/i, // Linux OOM killer / Kubernetes
  /SIGKILL/i, // POSIX signal
  /signal 9/i, // POSIX signal
  /WorkerLost/i, // Celery
  /Worker exited prematurely/i, // Celery billiard
  /ENOSPC/i, // Node fs / libuv errno
  /No space left/i, // Linux ENOSPC message
  /not enough space on the disk/i, // Windows / .NET
  /Too many open files/i, // Linux EMFILE message
  /\bEMFILE\b/i, // Node / libuv errno
  /ImproperlyConfigured/i, // Django
  /environment variable/i, // generic configuration errors
  /key not found: "[A-Z][A-Z0-9_]*"/i, // Elixir / Ruby ENV.fetch
  /Cannot find module/i, // Node module resolution
  /EADDRINUSE/i, // Node net / libuv errno
  /BeanCreationException/i, // Spring
  /\bNotRegistered\b/i // Celery
]

/** Money: a charge, payment, invoice, subscription billing or bank transfer. */
export const MONEY: readonly RegExp[] = [
  /\b\w*charge\w*\b/i, // word: charge (Stripe charges, chargeback …)
  /\b\w*payment\w*\b/i, // word: payment (PaymentIntent …)
  /\b\w*invoice\w*\b/i, // word: invoice
  /\b\w*billing\w*\b/i, // word: billing
  /\b\w*subscription\w*\b/i, // word: subscription
  /\b\w*refund\w*\b/i, // word: refund
  /\b\w*payout\w*\b/i, // word: payout
  /\b\w*stripe\w*\b/i, // word: stripe (the SDK or module)
  /\b\w*bank\w*\b/i // word: bank (bank transfer)
]

/** Severity one step down: expected outcomes, the user's own side, or recovered. */
export const BENIGN: readonly RegExp[] = [
  /Failed to fetch(?! dynamically)/im, // Chrome fetch() (offline); not a dynamic import
  /NetworkError when attempting/im, // Firefox fetch()
  /\bLoad failed\b/im, // Safari fetch()
  /^Network Error$/im, // axios "Network Error" as the whole message
  /\bERR_NETWORK\b/im, // axios ERR_NETWORK
  /NSURLErrorDomain[\s\S]*(-1009|-999|-1005|offline|cancel|connection was lost)/im, // Apple NSURLSession offline / cancelled / connection lost codes
  /Unable to resolve host/im, // Android / OkHttp offline
  /user cancel\w*/im, // generic user cancellation (Google Sign-In, StoreKit)
  /\bjwt expired/im, // Node jsonwebtoken
  /token (has )?(is )?expired/im, // generic token libraries
  /TokenExpired/im, // Node jsonwebtoken TokenExpiredError
  /ExpiredSignature/im, // Python PyJWT ExpiredSignatureError
  /Signature has expired/im, // Python PyJWT message
  /Jwt expired/im, // Java jjwt / Spring Security
  /ID token has expired/im, // Firebase Admin SDK / google-auth
  /SecurityTokenExpired/im, // .NET SecurityTokenExpiredException
  /credentials were not provided/im, // Django REST framework NotAuthenticated
  /Bad credentials/im, // Octokit / GitHub API
  /CSRF token authenticity/im, // Rails InvalidAuthenticityToken message
  /DoesNotExist/im, // Django ObjectDoesNotExist
  /RecordNotFound/im, // Rails ActiveRecord::RecordNotFound
  /no rows in result set/im, // Go database/sql ErrNoRows
  /\bNoSuchKey\b/im, // AWS S3 NoSuchKey
  /ZodError/im, // Node zod
  /ValidationError/im, // Python / Node validation libraries
  /invalid literal for/im, // Python int() ValueError
  /not in a correct format/im, // .NET FormatException message
  /invalid date/im, // JavaScript / date libraries
  /is not a valid\b/im, // Python / .NET validation messages
  /CardError/im, // Stripe CardError
  /card was declined/im, // Stripe card decline message
  /insufficient funds/im, // Stripe decline_code insufficient_funds
  /card_declined/im, // Stripe error code card_declined
  /Minified React error #(418|419|422|423|425)/im, // React hydration errors (recovered)
  /Hydration failed/im, // React / Next.js hydration
  /Non-Error promise rejection/im, // Sentry JavaScript SDK (non-Error rejection)
  /\bAbortError\b/im, // browser fetch / Node AbortController
  /operation was aborted/im, // browser / Node AbortSignal message
  /\w*CancellationException/im, // Kotlin coroutines / Java
  /Job was cancell?ed/im, // Kotlin coroutines
  /NotAllowedError/im, // browser DOMException
  /Invalid HTTP_HOST header/im, // Django DisallowedHost message
  /DisallowedHost/im, // Django DisallowedHost
  /NoResultFound/im, // SQLAlchemy NoResultFound
  /Cast to \w+ failed/im, // Mongoose CastError message
  /entity too large/im, // Express body-parser
  /Validation failed/im // Rails ActiveRecord::RecordInvalid message
]

/** Known browser noise: Low whatever the volume. */
export const NOISE: readonly RegExp[] = [
  /^(Error: )?Script error\.?$/im, // browser cross-origin script error (window.onerror)
  /ResizeObserver loop/im // browser ResizeObserver
]

/** Transient faults a handled warning has most likely retried. */
export const TRANSIENT: readonly RegExp[] = [
  /could not serialize/i, // PostgreSQL SQLSTATE 40001 message
  /SerializationFailure/i, // psycopg2.errors.SerializationFailure
  /deadlock/i, // PostgreSQL 40P01 / MySQL 1213
  /Concurrency/i, // EF Core / Hibernate concurrency exceptions
  /EAI_AGAIN/i, // Node dns (getaddrinfo)
  /ECONNRESET/i, // Node net / libuv errno
  /connection reset/i, // generic socket errors
  /timed out/i, // generic
  /timeout/i // generic
]
