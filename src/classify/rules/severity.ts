/**
 * The severity signals of the offline classifier: evidence that moves a severity one step up (money,
 * security, data loss, an outage) or down (expected, recovered, browser noise).
 */
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
