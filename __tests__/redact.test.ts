import { describe, it, expect } from '@jest/globals'
import { createRedactor } from '../src/render/redact.js'

const redact = createRedactor(true)

/**
 * Samples that once came back unchanged: prefixed key names, names missing from the list, lowercase
 * bearer values, the credential of an Authorization header, relative URLs' query strings.
 * [label, input, the secret text that must be gone, the placeholder]
 */
const LEAKED_SAMPLES: Array<[string, string, string, string]> = [
  ['prefixed password=', 'DB_PASSWORD=hunter2x', 'hunter2x', 'DB_PASSWORD=[redacted]'],
  [
    'prefixed password: quoted',
    'DATABASE_PASSWORD: "s3cr3t-value"',
    's3cr3t-value',
    'DATABASE_PASSWORD: [redacted]'
  ],
  [
    'SECRET_KEY=',
    'SECRET_KEY=django-insecure-abc123',
    'django-insecure-abc123',
    'SECRET_KEY=[redacted]'
  ],
  [
    'AWS_SECRET_ACCESS_KEY=',
    'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
    'wJalrXUtnFEMI',
    'AWS_SECRET_ACCESS_KEY=[redacted]'
  ],
  ['STRIPE_API_KEY=', 'STRIPE_API_KEY=rk_abc123456', 'rk_abc123456', 'STRIPE_API_KEY=[redacted]'],
  ['my_token=', 'my_token=abc123def', 'abc123def', 'my_token=[redacted]'],
  [
    'lowercase Bearer value',
    'Bearer abcdefghijklmnopqrstuv',
    'abcdefghijklmnopqrstuv',
    'Bearer [credential]'
  ],
  [
    'Authorization header with a lowercase credential',
    'Authorization: Bearer abcdefghijklmnop',
    'abcdefghijklmnop',
    'Authorization: Bearer [credential]'
  ],
  [
    'relative URL query string',
    'GET /reset?code=abc123&email=bob',
    'code=abc123',
    'GET /reset?[query]'
  ],
  [
    'export GITHUB_TOKEN=',
    'export GITHUB_TOKEN=abc123secretvalue',
    'abc123secretvalue',
    'export GITHUB_TOKEN=[redacted]'
  ],
  ['JSON password with spaces', '{"password": "x y z"}', 'x y z', '{"password": [redacted]}'],
  [
    'escaped JSON password',
    'body {\\"password\\":\\"hunter2x\\"}',
    'hunter2x',
    '{\\"password\\":[redacted]}'
  ],
  ['--password= CLI flag', 'psql --password=Pg5ecret9 -h db', 'Pg5ecret9', '--password=[redacted]'],
  ['PGPASSWORD=', 'PGPASSWORD=pgS3cret psql -h db', 'pgS3cret', 'PGPASSWORD=[redacted]'],
  ['api-key:', 'x-api-key: 12345abcde', '12345abcde', 'x-api-key: [redacted]'],
  ['client_secret=', 'client_secret=Cl13ntS3cr3t', 'Cl13ntS3cr3t', 'client_secret=[redacted]'],
  ['private_key:', 'private_key: "MIIEvQIBADAN"', 'MIIEvQIBADAN', 'private_key: [redacted]'],
  ['access_key=', 'access_key=Zk82mLq01', 'Zk82mLq01', 'access_key=[redacted]'],
  [
    'camelCase secretAccessKey',
    "{ awsSecretAccessKey: 'abcDEF123' }",
    'abcDEF123',
    'awsSecretAccessKey: [redacted]'
  ],
  [
    'Proxy-Authorization header',
    'Proxy-Authorization: Basic dXNlcjpwYXNz',
    'dXNlcjpwYXNz',
    'Proxy-Authorization: Basic [credential]'
  ],
  [
    'WSGI HTTP_AUTHORIZATION',
    "{'HTTP_AUTHORIZATION': 'Token abcdefghij', 'PATH_INFO': '/'}",
    'abcdefghij',
    "'HTTP_AUTHORIZATION': 'Token [credential]', 'PATH_INFO': '/'"
  ],
  [
    'Authorization header with Digest parameters',
    'Authorization: Digest username="Mufasa", nonce="dcd98b", response="6629fae49393a05397450978507c4ef1"',
    '6629fae49393a05397450978507c4ef1',
    'Authorization: Digest [credential]'
  ],
  [
    'Authorization header without a scheme',
    'Authorization: 0a1b2c3d4e5f',
    '0a1b2c3d4e5f',
    'Authorization: [redacted]'
  ],
  [
    'relative URL query string in code',
    'await fetch("api/v1/users?id=7&email=bob")',
    'email=bob',
    'fetch("api/v1/users?[query]")'
  ]
]

describe('createRedactor: each kind of secret becomes its typed placeholder', () => {
  it.each<[string, string, string, string]>([
    // [label, input, the secret text that must be gone, the placeholder]
    [
      'e-mail',
      'No account for alice.smith+shop@example.co.uk today',
      'alice.smith+shop@example.co.uk',
      '[email]'
    ],
    ['IPv4', 'connect ECONNREFUSED 10.20.30.40:5432', '10.20.30.40', '[ip]'],
    ['IPv4 at the end of a sentence', 'request from 203.0.113.9.', '203.0.113.9', '[ip]'],
    [
      'IPv6 full',
      'peer 2001:0db8:85a3:0000:0000:8a2e:0370:7334 reset',
      '2001:0db8:85a3:0000:0000:8a2e:0370:7334',
      '[ip]'
    ],
    ['IPv6 compressed', 'peer 2001:db8::8a2e:370:7334 reset', '2001:db8::8a2e:370:7334', '[ip]'],
    ['IPv6 link-local', 'listening on fe80::1 now', 'fe80::1', '[ip]'],
    ['IPv6 loopback', 'connect ECONNREFUSED ::1:6379', '::1', '[ip]'],
    [
      'JWT',
      'invalid token eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U',
      'eyJzdWIiOiIxMjM0NTY3ODkwIn0',
      '[jwt]'
    ],
    [
      'Bearer',
      'retrying with Bearer 7f3c9a1b2d4e6f80a1b2c3d4',
      '7f3c9a1b2d4e6f80a1b2c3d4',
      'Bearer [credential]'
    ],
    ['Basic', 'sent Basic dXNlcjpodW50ZXIy to the proxy', 'dXNlcjpodW50ZXIy', 'Basic [credential]'],
    [
      'AWS access key',
      'aws_access_key_id AKIAIOSFODNN7EXAMPLE rejected',
      'AKIAIOSFODNN7EXAMPLE',
      '[aws-key]'
    ],
    [
      'GitHub classic token',
      'push with ghp_16C7e42F292c6912E7710c838347Ae178B4a failed',
      'ghp_16C7e42F292c6912E7710c838347Ae178B4a',
      '[github-token]'
    ],
    [
      'GitHub fine-grained token',
      'push with github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKL failed',
      'github_pat_11ABCDEFG0123456789',
      '[github-token]'
    ],
    [
      'Slack bot token',
      'slack client xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx failed',
      'xoxb-123456789012',
      '[slack-token]'
    ],
    [
      'Stripe live key',
      'Stripe::AuthenticationError using sk_live_51H8xYzAbCdEfGhIjKlMnOpQr',
      'sk_live_51H8xYzAbCdEfGhIjKlMnOpQr',
      '[stripe-key]'
    ],
    ['key=', 'GET /export key=Zx81Plm2Qa failed', 'Zx81Plm2Qa', 'key=[redacted]'],
    ['token=', 'refresh failed token=abc123def456', 'abc123def456', 'token=[redacted]'],
    ['password=', 'login password=hunter2! rejected', 'hunter2!', 'password=[redacted]'],
    [
      'api_key:',
      'config {"api_key": "sk-abc-987654"} invalid',
      'sk-abc-987654',
      '"api_key": [redacted]'
    ],
    [
      'quoted password',
      "password: 'correct horse battery'",
      'correct horse battery',
      'password: [redacted]'
    ],
    [
      'URL query string',
      'GET https://api.example.com/v1/users?email_hash=ab12&session=Qx9z failed',
      'email_hash=ab12',
      'https://api.example.com/v1/users?[query]'
    ],
    [
      'URL credentials',
      'fetch https://deploy:Sup3rS3cret@registry.example.com/v2/ failed',
      'Sup3rS3cret',
      'https://[credentials]@registry.example.com'
    ],
    [
      'URL password without user',
      'redis://:s3cr3tpw@cache:6379/0 refused',
      's3cr3tpw',
      'redis://[credentials]@cache'
    ],
    [
      'URL password holding @',
      'postgres://app:p@ssw0rd@db.internal:5432/shop',
      'ssw0rd',
      'postgres://[credentials]@db.internal'
    ],
    ['Visa test card', 'charge 4111 1111 1111 1111 declined', '4111 1111 1111 1111', '[card]'],
    ['card without spaces', 'charge 5500005555555559 declined', '5500005555555559', '[card]'],
    ['card with dashes', 'charge 4111-1111-1111-1111 declined', '4111-1111-1111-1111', '[card]'],
    ...LEAKED_SAMPLES
  ])('%s', (_label, input, secret, placeholder) => {
    const out = redact(input)
    expect(out).not.toContain(secret)
    expect(out).toContain(placeholder)
  })

  it('removes a PEM private key block whole', () => {
    const pem = [
      '-----BEGIN RSA PRIVATE KEY-----',
      'MIIEowIBAAKCAQEA1c7+9z5Pad7OejecsQ0bu3aozN3tihPmljnnudb9G3HECdnH',
      'lWu2/a1gB9JW5TBQ+AVpum9Okx7KfqkfBKL9mcHgSL0yWMdjMfNOqNtrQqKlN4kE',
      '-----END RSA PRIVATE KEY-----'
    ].join('\n')
    const out = redact(`could not load key:\n${pem}\nusing default`)
    expect(out).toBe('could not load key:\n[private-key]\nusing default')
  })

  it('removes a truncated PEM private key to the end of the text', () => {
    const out = redact('key material -----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC')
    expect(out).toBe('key material [private-key]')
  })

  it('keeps the scheme of an Authorization header and removes the whole credential', () => {
    const out = redact('Authorization: Bearer 7f3c9a1b2d4e6f80a1b2c3d4')
    expect(out).not.toContain('7f3c9a1b2d4e6f80a1b2c3d4')
    expect(out).toBe('Authorization: Bearer [credential]')
  })

  it('removes every Authorization header of a line, inside quotes and brackets too', () => {
    expect(
      redact(
        'curl -H "Authorization: Bearer abcdefghijklmnop" -H "Proxy-Authorization: Basic Zm9v"'
      )
    ).toBe(
      'curl -H "Authorization: Bearer [credential]" -H "Proxy-Authorization: Basic [credential]"'
    )
    expect(redact('(Authorization: Bearer abc12345xyz) status 401')).toBe(
      '(Authorization: Bearer [credential]) status 401'
    )
    expect(redact('headers: { authorization: "token abcdef" }')).toBe(
      'headers: { authorization: "token [credential]" }'
    )
    expect(redact('{"authorization": "0a1b2c 3d4e5f"}')).toBe('{"authorization": "[redacted]"}')
  })

  it('keeps the typed placeholder of a known token shape in an Authorization header', () => {
    expect(redact('Authorization: token ghp_16C7e42F292c6912E7710c838347Ae178B4a')).toBe(
      'Authorization: token [credential]'
    )
    expect(redact('Authorization: ghp_16C7e42F292c6912E7710c838347Ae178B4a')).toBe(
      'Authorization: [github-token]'
    )
    expect(
      redact(
        'Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U'
      )
    ).toBe('Authorization: Bearer [jwt]')
  })

  it('does not redact a placeholder again or reach across lines', () => {
    expect(redact('token=[jwt]')).toBe('token=[jwt]')
    expect(redact('token=[jwt]&next=1')).toBe('token=[jwt]&next=1')
    expect(redact('password=[x]Secret9')).toBe('password=[redacted]')
    expect(redact('missing key:\nnext line')).toBe('missing key:\nnext line')
  })

  it('removes several secrets from one text', () => {
    const out = redact('user bob@example.com from 10.0.0.1 with AKIAIOSFODNN7EXAMPLE')
    expect(out).toBe('user [email] from [ip] with [aws-key]')
  })
})

describe('createRedactor: ordinary text stays as it is', () => {
  it.each([
    'Foo::Bar',
    'at Foo::Bar::baz (12:30:45)',
    '12:30:45',
    'v1.2.3',
    'release 10.0.19041.1',
    'TypeError: x is undefined',
    "Cannot read properties of undefined (reading 'id')",
    'std::vector<int>::at out of range',
    'dead::beef',
    'Token validation failed',
    'Invalid token provided',
    'Basic authentication failed for user',
    'Bearer token missing',
    'Order 1234567812345678 not found',
    'took 1700000000000 ms',
    'https://acme.sentry.io/issues/4501/',
    'Key (email_domain)=(example) already exists',
    'MAC 00:1A:2B:3C:4D:5E',
    'Bearer token expired',
    'the token expired',
    'Invalid token provided.',
    'Token Validation Failed',
    'CSRF token mismatch',
    'Token verification failed: signature invalid',
    'Refresh token revoked',
    'Basic authentication required',
    'Digest authentication failed',
    'message digest algorithm unsupported',
    'password reset failed',
    'password reset token expired for user',
    'secret rotation pending',
    'api key missing',
    'Authorization: Bearer undefined',
    'Authorization header missing',
    'Foo::Token::Bar',
    'Devise::Password::Hash',
    'if (token == null) return',
    'const same = password === confirmation',
    'max_tokens=100',
    'token_count=5',
    'SyntaxError: Unexpected token < in JSON at position 0',
    'is it in /usr/bin? yes',
    'Invalid regular expression: /(?<x/: Invalid group',
    'GET /health?',
    'see the docs/faq?'
  ])('%p', text => {
    expect(redact(text)).toBe(text)
  })

  it('keeps a non-Luhn 16-digit id while removing a Luhn-valid card number', () => {
    expect(redact('ids 1234567812345678 and 4111111111111111')).toBe(
      'ids 1234567812345678 and [card]'
    )
  })
})

describe('createRedactor: literal secrets', () => {
  const token = 'sntrys_literalSecretValue_42'

  it('removes literal secrets with redaction on', () => {
    expect(createRedactor(true, [token])(`auth failed for ${token}!`)).toBe(
      'auth failed for [secret]!'
    )
  })

  it('removes literal secrets even with redaction off, and nothing else', () => {
    const off = createRedactor(false, [token, 'ghs_AnotherToken99'])
    expect(off(`${token} ghs_AnotherToken99 bob@example.com 10.0.0.1`)).toBe(
      '[secret] [secret] bob@example.com 10.0.0.1'
    )
  })

  it('removes every occurrence', () => {
    expect(createRedactor(false, [token])(`${token}/${token}`)).toBe('[secret]/[secret]')
  })

  it('ignores empty and very short literal secrets instead of shredding text', () => {
    const off = createRedactor(false, ['', 'ab'])
    expect(off('about a tab')).toBe('about a tab')
  })

  it('leaves text alone when redaction is off and no secrets are given', () => {
    const text = 'bob@example.com from 10.0.0.1 with AKIAIOSFODNN7EXAMPLE'
    expect(createRedactor(false)(text)).toBe(text)
  })
})

describe('createRedactor: robustness', () => {
  it('is idempotent', () => {
    const once = redact(
      'bob@example.com 10.0.0.1 token=abc https://u:p@h.example/x?y=1 4111 1111 1111 1111'
    )
    expect(redact(once)).toBe(once)
  })

  it.each(LEAKED_SAMPLES)('is idempotent on the %s sample', (_label, input) => {
    const once = redact(input)
    expect(redact(once)).toBe(once)
  })

  it('handles long runs without a separator or a query quickly', () => {
    const started = Date.now()
    redact(
      `${'Ab/'.repeat(20_000)} ${'x'.repeat(50_000)}/y? Authorization: Bearer ${'abc '.repeat(20_000)}`
    )
    expect(Date.now() - started).toBeLessThan(3000)
  })

  it('handles large input quickly', () => {
    const big = 'GET https://api.example.com/x?y=1 from 10.0.0.1 user a@b.co '.repeat(5_000)
    const started = Date.now()
    const out = redact(big)
    expect(Date.now() - started).toBeLessThan(3000)
    expect(out).not.toMatch(/10\.0\.0\.1|a@b\.co|\?y=1/)
  })
})
