import { createHash } from 'node:crypto'
import type { SentryIssue } from '../sentry/client.js'

/**
 * The message with its variable parts (ids, numbers, quoted values, addresses) replaced, so that
 * `Order 1234 not found` and `Order 98 not found` read the same.
 */
export function messageShape(message: string): string {
  return message
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/\b[0-9a-f]{12,}\b/gi, '<hex>')
    .replace(/\b0x[0-9a-f]+\b/gi, '<hex>')
    .replace(/[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g, '<email>')
    .replace(/\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g, '<ip>')
    .replace(/"[^"]*"|'[^']*'/g, '<str>')
    .replace(/\d+(?:\.\d+)?/g, '<n>')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase()
}

/**
 * Two Sentry issues with the same exception type, message shape and culprit are the same problem
 * seen twice (other projects, releases or fingerprints): classified once, tracked in one GitHub issue.
 */
export function issueSignature(issue: SentryIssue): string {
  const type = issue.exceptionType ?? issue.level
  const message = issue.exceptionValue ?? issue.title
  const culprit = messageShape(issue.culprit ?? '')
  return createHash('sha256')
    .update(`${type}\n${messageShape(message)}\n${culprit}`)
    .digest('hex')
    .slice(0, 16)
}
