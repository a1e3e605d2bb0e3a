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
 * `Token validation failed`, `Basic authentication failed`: an ordinary word after the scheme is
 * prose, not a credential. Credentials mix case, digits or symbols, or are long.
 */
function looksLikeProse(value: string): boolean {
  return value.length < 24 && /^(?:[a-z]+|[A-Z][a-z]+)$/.test(value)
}

const SECRET_KEY_NAMES =
  'key|password|passwd|pwd|pass|secret|client_secret|token|access_token|refresh_token|id_token|api[_-]?key|apikey|access[_-]?key|private[_-]?key|auth|authorization|session(?:id)?|sig|signature|credentials?'

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
      looksLikeProse(value) ? match : `${scheme} [credential]`
  },
  // Userinfo up to the last `@` of the authority: `redis://:pw@host` and `postgres://u:p@ss@db` too.
  { pattern: /\b([a-z][a-z0-9+.-]*:\/\/)[^\s/@:?#]*:[^\s/?#]*@/gi, replace: '$1[credentials]@' },
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
    // One line only, and never a placeholder an earlier rule wrote (`key: [private-key]`).
    pattern: new RegExp(
      `(["']?\\b(?:${SECRET_KEY_NAMES})["']?[ \\t]*[=:][ \\t]*)(?!\\[[a-z-]+\\](?:$|[\\s&,;"'<>)}\\]]))("[^"]*"|'[^']*'|\\[[^\\s\\]]*\\][^\\s&,;"'<>)}\\]]*|[^\\s&,;"'<>)}\\]]+)`,
      'gi'
    ),
    replace: (_m, key: string) => `${key}[redacted]`
  },
  // Query strings carry tokens, e-mails and session ids far too often to keep.
  { pattern: /(\bhttps?:\/\/[^\s?#"'<>`]+)\?[^\s#"'<>`]*/gi, replace: '$1?[query]' },
  { pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, replace: '[email]' },
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
export function createRedactor(enabled: boolean, secrets: string[] = []): Redactor {
  const literals = secrets.filter(s => s.length >= 6)
  return text => {
    let out = text
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
