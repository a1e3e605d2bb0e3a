/**
 * Scrubs personal data and credentials from Sentry text before it leaves for the LLM, GitHub, the
 * job summary or the outputs: issues may live in a public repository. Each match becomes a typed
 * placeholder (`[email]`, `[jwt]` …) so the text stays readable.
 */
export type Redactor = (text: string) => string

interface Rule {
  pattern: RegExp
  replace: string | ((match: string, ...groups: string[]) => string)
}

function luhn(digits: string): boolean {
  let sum = 0
  let double = false
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48
    if (double) {
      d *= 2
      if (d > 9) d -= 9
    }
    sum += d
    double = !double
  }
  return sum % 10 === 0
}

/**
 * Words that follow `Token`/`Bearer` in ordinary messages (`Token validation failed`, `Invalid token
 * provided`, `Bearer token expired`). Anything else after a scheme is taken for a credential, even
 * all-lowercase: `Bearer abcdefghijklmnopqrstuv` is a token, not prose.
 */
const PROSE_AFTER_SCHEME = new Set([
  'algorithm',
  'audience',
  'authentication',
  'authenticated',
  'authorization',
  'authorized',
  'contains',
  'credentials',
  'endpoint',
  'error',
  'errors',
  'exchange',
  'expected',
  'expiration',
  'expired',
  'expires',
  'failed',
  'failure',
  'generated',
  'generation',
  'header',
  'headers',
  'identifier',
  'introspection',
  'invalid',
  'lifetime',
  'malformed',
  'mismatch',
  'missing',
  'parameter',
  'provided',
  'received',
  'refreshed',
  'rejected',
  'request',
  'required',
  'response',
  'retrieved',
  'revocation',
  'revoked',
  'rotation',
  'signature',
  'specified',
  'successfully',
  'supplied',
  'undefined',
  'unavailable',
  'validation',
  'validity',
  'verification',
  'verified'
])

/**
 * `Basic`/`Digest` are ordinary words too (`basic functionality`, `digest computed`): a plain word
 * after them is prose. Their credentials (base64, hex) mix case or digits.
 */
function looksLikeProse(value: string): boolean {
  return value.length < 24 && /^(?:[a-z]+|[A-Z][a-z]+)$/.test(value)
}

function isProseAfterScheme(scheme: string, value: string): boolean {
  const word = value.replace(/\.+$/, '')
  if (PROSE_AFTER_SCHEME.has(word.toLowerCase())) return true
  if (!/^(?:basic|digest)$/i.test(scheme)) return false
  // `Digest username="…", response="…"`: a parameter name, the Authorization rule takes the rest.
  return looksLikeProse(word) || /^[A-Za-z]+=$/.test(value)
}

/** A placeholder an earlier rule (or an earlier run) wrote: never redacted again. */
const PLACEHOLDER = '\\[[a-z-]+\\]'

/**
 * Names whose value is a secret, also at the end of a longer name: `DB_PASSWORD`, `my.token`,
 * `--password`, `STRIPE_API_KEY`, `AWS_SECRET_ACCESS_KEY`. (`Authorization` has its own rule.)
 */
const SECRET_KEY_NAMES = [
  'key',
  'pwd',
  'pass',
  'client[_-]?secret',
  'secret[_-]?key[_-]?base',
  'secret[_-]?access[_-]?key',
  'access[_-]?token',
  'refresh[_-]?token',
  'id[_-]?token',
  'auth[_-]?token',
  'auth',
  'session(?:[_-]?id)?',
  'sig',
  'signature',
  'credentials?'
].join('|')

/** Names that mark a secret even glued to a longer name: `PGPASSWORD`, `csrftoken`, `awsSecretAccessKey`. */
const GLUED_SECRET_NAMES = [
  'password',
  'passwd',
  'secret',
  'token',
  'api[_-]?key',
  'access[_-]?key',
  'secret[_-]?key',
  'private[_-]?key'
].join('|')

/** A key name: at the start of a word, after any `prefix_` / `prefix.` / `prefix-` parts. */
const KEY_START = '(?<![A-Za-z0-9])(?:[A-Za-z0-9]+[_.-]){0,8}'

/** `=` or `:`, but not the `==`, `=>`, `::`, `:=` of code: `if (token == null)`, `Foo::Token::Bar`. */
const KEY_SEPARATOR = '[ \\t]*(?:=(?![=>~])|:(?![:=]))[ \\t]*'

/** HTTP authentication schemes, kept in front of the redacted credential of an Authorization header. */
const AUTH_SCHEMES =
  'Bearer|Basic|Token|Digest|Negotiate|NTLM|OAuth|AWS4-HMAC-SHA256|AWS|ApiKey|Api-Key|JWT|DPoP|Hawk|HOBA|Mutual|SSWS|SharedKey|Signature|Key'

/**
 * The value of an Authorization header: words up to the end of the line, a quote or a closing
 * bracket, with the `name="…"` parameters of Digest-like schemes (also JSON-escaped) inside.
 */
const AUTH_VALUE_WORD = `(?:${PLACEHOLDER}|[^\\s"'\`)}\\]>\\[\\\\]+|(?<==\\\\?)\\\\?"[^"\\\\\\r\\n]*\\\\?"|[\\[\\\\])+`

/** Values that say the credential is missing, which is worth keeping: `Bearer undefined`. */
const NO_CREDENTIAL = new RegExp(`^(?:${PLACEHOLDER}|undefined|null|nil|none)$`, 'i')
const LONE_SCHEME = new RegExp(`^(?:${AUTH_SCHEMES})$`, 'i')

function redactAuthorization(
  match: string,
  head: string,
  scheme: string | undefined,
  space: string | undefined,
  value: string
): string {
  if (NO_CREDENTIAL.test(value)) return match
  if (scheme !== undefined) return `${head}${scheme}${space ?? ''}[credential]`
  if (LONE_SCHEME.test(value)) return match
  // No scheme: a quoted value goes whole; an unquoted bare credential is one word.
  if (/["'`]$/.test(head)) return `${head}[redacted]`
  const word = /^\S+/.exec(value)?.[0] ?? value
  return `${head}[redacted]${value.slice(word.length)}`
}

// Order matters: specific shapes first, so a JWT inside a query string is still called a JWT.
const RULES: Rule[] = [
  {
    pattern: /-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(?:-----END [A-Z ]*PRIVATE KEY-----|$)/g,
    replace: '[private-key]'
  },
  { pattern: /\beyJ[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]{5,}\.[A-Za-z0-9_-]*/g, replace: '[jwt]' },
  {
    pattern: /\b(Bearer|Basic|Token|Digest)\s+([A-Za-z0-9._~+/=-]{8,})/gi,
    replace: (match, scheme: string, value: string) =>
      isProseAfterScheme(scheme, value) ? match : `${scheme} [credential]`
  },
  // Userinfo up to the last `@` of the authority: `redis://:pw@host` and `postgres://u:p@ss@db` too.
  // The lookbehind starts a match only where a scheme can start: linear on long dotted strings.
  {
    pattern: /(?<![a-z0-9+.-])([a-z][a-z0-9+.-]*:\/\/)[^\s/@:?#]*:[^\s/?#]*@/gi,
    replace: '$1[credentials]@'
  },
  { pattern: /\b(?:AKIA|ASIA|AGPA|AIDA|AROA)[0-9A-Z]{16}\b/g, replace: '[aws-key]' },
  {
    pattern: /\b(?:gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,})\b/g,
    replace: '[github-token]'
  },
  { pattern: /\bxox[abposr]-[A-Za-z0-9-]{10,}/g, replace: '[slack-token]' },
  { pattern: /\b(?:sk|rk|pk|whsec)_(?:live|test)_[A-Za-z0-9]{8,}\b/g, replace: '[stripe-key]' },
  { pattern: /\bsntry[usa]_[A-Za-z0-9_=+/-]{16,}/g, replace: '[sentry-token]' },
  { pattern: /\bsk-(?:proj-|ant-)?[A-Za-z0-9_-]{20,}/g, replace: '[api-key]' },
  { pattern: /\bAIza[0-9A-Za-z_-]{35}\b/g, replace: '[api-key]' },
  {
    // `Authorization: Bearer x`, `Proxy-Authorization`, `'HTTP_AUTHORIZATION': 'Basic x'`: the
    // scheme stays, everything after it goes.
    pattern: new RegExp(
      `(["'\`]?${KEY_START}authorization\\\\?["'\`]?${KEY_SEPARATOR}\\\\?["'\`]?)(?:(${AUTH_SCHEMES})([ \\t]+)(?=\\S))?(${AUTH_VALUE_WORD}(?:[ \\t]+${AUTH_VALUE_WORD})*)`,
      'gi'
    ),
    replace: redactAuthorization
  },
  {
    // One line only, and never a placeholder an earlier rule wrote (`key: [private-key]`).
    pattern: new RegExp(
      `(["']?${KEY_START}(?:[A-Za-z0-9]*(?:${GLUED_SECRET_NAMES})|(?:${SECRET_KEY_NAMES}))(?:\\\\?["'])?${KEY_SEPARATOR})(?!${PLACEHOLDER}(?:$|[\\s&,;"'<>)}\\]\\\\]))(\\\\"[^"\\r\\n]*?\\\\"|"[^"\\r\\n]*"?|'[^'\\r\\n]*'?|\\[[^\\s\\]]*\\][^\\s&,;"'<>)}\\]]*|[^\\s&,;"'<>)}\\]]+)`,
      'gi'
    ),
    replace: (_m, key: string) => `${key}[redacted]`
  },
  // Query strings carry tokens, e-mails and session ids far too often to keep.
  { pattern: /(\bhttps?:\/\/[^\s?#"'<>`]+)\?[^\s#"'<>`]*/gi, replace: '$1?[query]' },
  {
    // …relative ones too: `GET /reset?code=abc&email=bob`, `fetch("api/v1/users?id=7")`.
    pattern:
      /((?<=^|[\s?#"'`<>()[\]{}|\\^])(?:[^\s?#"'`<>()[\]{}|\\^/]*\/)+[^\s?#"'`<>()[\]{}|\\^/]*)\?(?=[\w.~%[\]-]*=)[^\s#"'`<>)]*/g,
    replace: '$1?[query]'
  },
  {
    // Starts only where a run of local-part characters starts: the same matches, but a long word
    // without an `@` is scanned once instead of once per character.
    pattern: /(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
    replace: '[email]'
  },
  {
    pattern:
      /(?<![\w.])(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(?:\.(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}(?![\w.]*\d)/g,
    replace: '[ip]'
  },
  {
    // IPv6: full, compressed (`fe80::1`) and loopback; a match must hold a digit, so `Foo::Bar` stays.
    pattern:
      /(?<![\w:])(?:(?:[0-9A-Fa-f]{1,4}:){7}[0-9A-Fa-f]{1,4}|(?:[0-9A-Fa-f]{1,4}:){1,7}:(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6})?|::(?:[0-9A-Fa-f]{1,4}(?::[0-9A-Fa-f]{1,4}){0,6}))(?![\w:])/g,
    replace: match => (/\d/.test(match) && /:/.test(match) ? '[ip]' : match)
  },
  {
    pattern: /\b\d(?:[ -]?\d){12,18}\b/g,
    replace: match => (luhn(match.replace(/\D/g, '')) ? '[card]' : match)
  }
]

/**
 * Builds the redactor. `secrets` are literal values (the action's own tokens) that must never be
 * echoed back, even if Sentry or the LLM somehow repeats them.
 */
/** The longest text redaction reads (the issue body, the longest output, is capped at 60,000). */
const MAX_TEXT = 20_000

export function createRedactor(enabled: boolean, secrets: string[] = []): Redactor {
  const literals = secrets.filter(s => s.length >= 6)
  return text => {
    // Nothing downstream shows more than this much of one text; longer input only costs time.
    // Cut at whitespace, so no secret is cut in half (and so left unrecognised) at the edge.
    let out = text
    if (text.length > MAX_TEXT) {
      const space = text.slice(0, MAX_TEXT).search(/\s\S*$/)
      out = `${text.slice(0, space > 0 ? space : MAX_TEXT)}…`
    }
    for (const secret of literals) out = out.split(secret).join('[secret]')
    if (!enabled) return out
    for (const rule of RULES) {
      out = out.replace(
        rule.pattern,
        rule.replace as (substring: string, ...args: string[]) => string
      )
    }
    return out
  }
}
