import type { Rule } from '../heuristic-rules.js'

/**
 * The broad rules, tried last: single words in messages and in exception type names, for errors no
 * rule above names.
 */
export const WORD_RULES: readonly Rule[] = [
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
