/**
 * Sentry's webhook signature: the hex HMAC-SHA256 of the raw request body, keyed with the
 * integration's client secret. Web Crypto only (no `node:` import), so the relay that uses it runs
 * on Cloudflare Workers, Deno and Bun as well as on Node; the action verifies with the same code.
 */

const encoder = new TextEncoder()

function toBytes(body: string | Uint8Array): Uint8Array<ArrayBuffer> {
  return typeof body === 'string' ? encoder.encode(body) : new Uint8Array(body)
}

/** The hex HMAC-SHA256 of `body` keyed with `secret`, as Sentry puts it in `Sentry-Hook-Signature`. */
export async function signBody(secret: string, body: string | Uint8Array): Promise<string> {
  const key = await crypto.subtle.importKey(
    'raw',
    encoder.encode(secret),
    { name: 'HMAC', hash: 'SHA-256' },
    false,
    ['sign']
  )
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, toBytes(body)))
  return Array.from(mac, byte => byte.toString(16).padStart(2, '0')).join('')
}

/**
 * Whether `signature` is the signature of `body`: compared in constant time over the whole
 * expected length, so the time taken says nothing about how many leading characters matched.
 */
export async function verifyBody(
  secret: string,
  body: string | Uint8Array,
  signature: string | null | undefined
): Promise<boolean> {
  if (!signature) return false
  const expected = await signBody(secret, body)
  const given = signature.trim().toLowerCase()
  let difference = given.length ^ expected.length
  for (let i = 0; i < expected.length; i++) {
    difference |= expected.charCodeAt(i) ^ (given.charCodeAt(i % Math.max(given.length, 1)) || 0)
  }
  return difference === 0
}
