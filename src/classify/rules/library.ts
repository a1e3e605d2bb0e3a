import type { Rule } from '../heuristic-rules.js'

/**
 * Rules on the named exceptions and error codes of specific libraries, drivers and SDKs: the most
 * precise evidence, tried first.
 */
export const LIBRARY_RULES: readonly Rule[] = [
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
  }
]
