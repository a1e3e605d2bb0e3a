import type { Rule } from '../heuristic-rules.js'

/**
 * Rules on runtime-wide evidence: errno codes, HTTP status families and the messages that runtimes
 * and their standard libraries print, whichever library raised them.
 */
export const RUNTIME_RULES: readonly Rule[] = [
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
  }
]
