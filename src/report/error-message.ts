/**
 * The message of anything thrown, even a string or an object: nothing fails silently. Used wherever
 * a failure becomes a sentence for the user (warnings, results, the step's failure).
 */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message
  if (typeof error === 'string') return error
  // A DOMException or an Error from another realm (a VM context) is not `instanceof Error` here.
  const message = (error as { message?: unknown } | null)?.message
  if (typeof message === 'string' && message !== '') return message
  try {
    return JSON.stringify(error)
  } catch {
    return String(error)
  }
}
