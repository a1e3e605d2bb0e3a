/**
 * The forms an action input can take (boolean, whole number, duration, base URL, token, lists),
 * each a zod schema whose message names the form it expects. config.ts composes them.
 */
import { z } from 'zod'

export interface Duration {
  /** As the user wrote it, e.g. `24h`: Sentry's search syntax takes the same form. */
  text: string
  ms: number
}

/** Sentry keeps issues for 90 days; a longer window cannot find anything more. */
export const MAX_SINCE_MS = 90 * 86_400_000
/** GitHub's label names are at most 50 characters. */
const MAX_LABEL_LENGTH = 50

const UNIT_MS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 604_800_000
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]'])

export function list(value: string): string[] {
  return value
    .split(/[,\n]/)
    .map(item => item.trim())
    .filter(item => item !== '')
}

export const booleanInput = z
  .string()
  .transform(s => s.trim().toLowerCase())
  .pipe(z.enum(['true', 'false'], { error: 'must be true or false' }))
  .transform(s => s === 'true')

export function integerInput(min: number, max: number) {
  return z
    .string()
    .regex(/^\s*\d+\s*$/, { error: `must be a whole number from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .min(min, { error: `must be a whole number from ${min} to ${max}` })
        .max(max, { error: `must be a whole number from ${min} to ${max}` })
    )
}

export function durationInput(units: string[], example: string, maxMs = Number.MAX_SAFE_INTEGER) {
  const pattern = new RegExp(`^(\\d+)(${units.join('|')})$`)
  const form = `a number followed by ${units.join(', ')} (e.g. ${example})`
  return z
    .string()
    .transform(s => s.trim())
    .transform((text, ctx): Duration => {
      const match = pattern.exec(text)
      const ms = match ? Number(match[1]) * (UNIT_MS[match[2] as string] ?? 0) : 0
      if (!match || ms <= 0) {
        ctx.addIssue({ code: 'custom', message: `must be ${form}` })
        return z.NEVER
      }
      if (ms > maxMs) {
        ctx.addIssue({ code: 'custom', message: `must be at most ${maxMs / 86_400_000}d` })
        return z.NEVER
      }
      return { text, ms }
    })
}

/** A base URL: https, or http on a loopback host for local runs. Trailing slashes are dropped. */
export const baseUrlInput = z.string().transform((value, ctx) => {
  const text = value.trim()
  let url: URL
  try {
    url = new URL(text)
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an absolute https:// URL' })
    return z.NEVER
  }
  const loopback = LOOPBACK_HOSTS.has(url.hostname)
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    ctx.addIssue({
      code: 'custom',
      message:
        'must be an https:// URL (http:// is allowed only for localhost, 127.0.0.1 and [::1])'
    })
    return z.NEVER
  }
  if (url.username || url.password || url.search || url.hash) {
    ctx.addIssue({ code: 'custom', message: 'must not carry credentials, a query or a fragment' })
    return z.NEVER
  }
  return url.toString().replace(/\/+$/, '')
})

export const pricesInput = z.string().transform((value, ctx) => {
  const prices: Record<string, number> = {}
  for (const pair of list(value)) {
    const match = /^([^=\s]+)\s*=\s*(\d+(?:\.\d+)?)$/.exec(pair)
    if (!match) {
      ctx.addIssue({
        code: 'custom',
        message: `'${pair}' must be model=USD-per-million-tokens, e.g. deepseek-v3.2=0.42`
      })
      return z.NEVER
    }
    prices[match[1] as string] = Number(match[2])
  }
  return prices
})

export const labelsInput = z
  .string()
  .transform(list)
  .pipe(
    z.array(
      z.string().max(MAX_LABEL_LENGTH, {
        error: `each label must be at most ${MAX_LABEL_LENGTH} characters`
      })
    )
  )

export const loginsInput = z
  .string()
  .transform(value => list(value).map(login => login.replace(/^@/, '')))
  .pipe(
    z.array(
      z.string().regex(/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/, {
        error: 'each entry must be a GitHub login (letters, digits and hyphens)'
      })
    )
  )

/**
 * Path globs (`**` any directories, `*` any characters but `/`, `?` one), comma- or
 * newline-separated, matched against repository paths.
 */
export const globsInput = z
  .string()
  .transform(list)
  .pipe(
    z.array(
      z
        .string()
        .max(200, { error: 'each glob must be at most 200 characters' })
        .regex(/^[^\s\\]+$/, {
          error:
            'each entry must be a path glob without spaces or backslashes, e.g. **/auth/**, src/billing/*.ts'
        })
    )
  )

export const slugsInput = z
  .string()
  .transform(list)
  .pipe(
    z.array(
      z.string().regex(/^[A-Za-z0-9_][A-Za-z0-9_.-]*$/, {
        error: 'each entry must be a Sentry project slug (letters, digits, - and _)'
      })
    )
  )

export const REPOSITORY = /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/

export const required = (form: string) =>
  z.string({ error: `is required: ${form}` }).min(1, { error: `is required: ${form}` })

/** Credentials travel in HTTP headers: one printable token, no spaces or line breaks. */
const TOKEN = /^[\x21-\x7E]+$/
const TOKEN_FORM = 'must be a single token without spaces, line breaks or control characters'

export const tokenInput = (form: string) =>
  required(form)
    .transform(s => s.trim())
    .refine(s => TOKEN.test(s), { error: TOKEN_FORM })

export const optionalTokenInput = z
  .string()
  .transform(s => s.trim())
  .refine(s => s === '' || TOKEN.test(s), { error: TOKEN_FORM })
  .transform(s => s || null)
