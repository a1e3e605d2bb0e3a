/**
 * Fake OpenAI-compatible chat-completions gateway (`POST /v1/chat/completions`).
 *
 * Request validation and error bodies follow OpenAI's (401 invalid_api_key, 400 for missing
 * model/messages, 400 when `response_format: json_object` is used without the word "json").
 * The default responder is a deterministic keyword "model" that classifies the Sentry facts
 * found as a JSON object inside the last user message.
 */
import {
  bearer,
  isRecord,
  json,
  startServer,
  type FakeServer,
  type FaultMatch,
  type FaultSpec,
  type RecordedRequest,
  type RouteContext,
  type RouteResult
} from './server.js'

// ---------------------------------------------------------------------------------------------
// types

export interface ChatMessage {
  role: string
  content: string | null | Array<{ type: string; text?: string | undefined; [k: string]: unknown }>
  [key: string]: unknown
}

export interface ChatRequestBody {
  model: string
  messages: ChatMessage[]
  response_format?: { type: string; json_schema?: unknown } | undefined
  max_tokens?: number | undefined
  max_completion_tokens?: number | undefined
  temperature?: number | undefined
  [key: string]: unknown
}

export interface ChatUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
}

export type FinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls'

/** what a responder returns */
export type ResponderResult =
  | string
  | {
      content: string | null
      finish_reason?: FinishReason | undefined
      usage?: Partial<ChatUsage> | undefined
      refusal?: string | null | undefined
    }
  | { status: number; body: unknown; headers?: Record<string, string> | undefined }

export type Responder = (body: ChatRequestBody) => ResponderResult | Promise<ResponderResult>

export interface Classification {
  category:
    | 'Authentication'
    | 'Database'
    | 'Network'
    | 'Logic'
    | 'External Service'
    | 'Infrastructure'
    | 'Unknown'
  severity: 'Critical' | 'High' | 'Medium' | 'Low'
  rootCause: string
  suggestedAction: string
  confidence: number
  /** only when the system prompt asks for it (a model answers the keys it is asked for) */
  fixability?: 'high' | 'medium' | 'low'
  fixabilityReason?: string
}

export interface FakeLlmOptions {
  apiKey: string
  responder?: Responder | undefined
  /** if set, other model names → 404 model_not_found */
  models?: string[] | undefined
  latencyMs?: number | undefined
}

export interface LlmStats {
  /** chat-completion requests received (any outcome) */
  requests: number
  /** tokens of successful completions */
  promptTokens: number
  completionTokens: number
  /** requests by `model` */
  byModel: Record<string, number>
}

export interface FakeLlm {
  /** base URL including /v1, e.g. http://127.0.0.1:PORT/v1 */
  url: string
  requests: RecordedRequest[]
  /** parsed bodies of chat-completion requests, in order */
  bodies: ChatRequestBody[]
  stats: LlmStats
  fault(match: FaultMatch, f: FaultSpec): void
  setLatency(ms: number): void
  setResponder(r: Responder | undefined): void
  /** next `times` chat requests → 429 rate_limit_exceeded with retry-after */
  rateLimit(times?: number, retryAfterSec?: number): void
  /** next `times` chat requests → 429 insufficient_quota (not retryable) */
  quotaExceeded(times?: number): void
  close(): Promise<void>
  server: FakeServer
}

// ---------------------------------------------------------------------------------------------
// prompt parsing

export function messageText(m: ChatMessage): string {
  if (typeof m.content === 'string') return m.content
  if (Array.isArray(m.content))
    return m.content.map(p => (typeof p.text === 'string' ? p.text : '')).join('\n')
  return ''
}

/** The JSON object in the last user message (first `{` … last `}`), or null. */
export function extractFacts(body: ChatRequestBody): { facts: unknown; text: string } {
  const users = body.messages.filter(m => m.role === 'user')
  const last = users[users.length - 1]
  const text = last ? messageText(last) : ''
  const start = text.indexOf('{')
  const end = text.lastIndexOf('}')
  if (start >= 0 && end > start) {
    const slice = text.slice(start, end + 1)
    try {
      return { facts: JSON.parse(slice) as unknown, text }
    } catch {
      // lenient: try the first balanced object
      let depth = 0
      let inStr = false
      for (let i = start; i < text.length; i++) {
        const ch = text[i]
        if (inStr) {
          if (ch === '\\') i++
          else if (ch === '"') inStr = false
          continue
        }
        if (ch === '"') inStr = true
        else if (ch === '{') depth++
        else if (ch === '}' && --depth === 0) {
          try {
            return { facts: JSON.parse(text.slice(start, i + 1)) as unknown, text }
          } catch {
            break
          }
        }
      }
    }
  }
  return { facts: null, text }
}

function findKey(obj: unknown, names: string[], depth = 0): unknown {
  if (depth > 6 || obj === null || typeof obj !== 'object') return undefined
  const lower = names.map(n => n.toLowerCase())
  if (!Array.isArray(obj)) {
    for (const [k, v] of Object.entries(obj))
      if (lower.includes(k.toLowerCase()) && v !== undefined && v !== null) return v
  }
  for (const v of Array.isArray(obj) ? obj : Object.values(obj)) {
    const hit = findKey(v, names, depth + 1)
    if (hit !== undefined) return hit
  }
  return undefined
}

function allStrings(obj: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 8) return out
  if (typeof obj === 'string') out.push(obj)
  else if (typeof obj === 'number') out.push(String(obj))
  else if (Array.isArray(obj)) for (const v of obj) allStrings(v, out, depth + 1)
  else if (isRecord(obj)) for (const v of Object.values(obj)) allStrings(v, out, depth + 1)
  return out
}

const str = (v: unknown): string =>
  typeof v === 'string' ? v : typeof v === 'number' ? String(v) : ''
const num = (v: unknown): number => {
  const n =
    typeof v === 'number' ? v : typeof v === 'string' ? Number(v.replace(/[,_\s]/g, '')) : NaN
  return Number.isFinite(n) ? n : 0
}

const RULES: Array<{ category: Classification['category']; re: RegExp }> = [
  {
    category: 'Infrastructure',
    re: /\b(oom|oomkilled|out of memory|outofmemory|memoryerror|heap out of memory|enospc|no space left|disk full|sigkill|signal 9|killed|exit code 137|workerlosterror|improperlyconfigured|misconfigur\w*|config(uration)? (error|missing)|missing environment variable)\b/i
  },
  {
    category: 'Database',
    re: /\b(sql\w*|postgres\w*|psycopg2?|mysql\w*|sqlite\w*|deadlock|relation "?[\w.]+"? does not exist|prisma\w*|sequelize\w*|typeorm|knex|mongo\w*|database|integrityerror|operationalerror|unique constraint|foreign key|query failed)\b/i
  },
  {
    category: 'External Service',
    re: /\b(stripe\w*|twilio|sendgrid|s3|aws|paypal|braintree|mailgun|upstream|bad gateway|502|503|third[- ]party|vendor|api\.\w+\.(com|io|net))\b/i
  },
  {
    category: 'Authentication',
    re: /\b(jwt|jsonwebtoken|tokenexpirederror|token expired|jwt expired|unauthori[sz]ed|forbidden|permission denied|invalid token|access token|401|403|oauth\w*|csrf|session expired|authentication\w*)\b/i
  },
  {
    category: 'Network',
    re: /\b(timeout\w*|timed out|etimedout|econnrefused|econnreset|enotfound|eai_again|socket hang up|dns|getaddrinfo|network ?error|connection (reset|refused|aborted)|fetch failed|failed to fetch|chunkloaderror)\b/i
  },
  {
    category: 'Logic',
    re: /\b(typeerror|keyerror|nullpointer\w*|null pointer|undefined|attributeerror|valueerror|indexerror|referenceerror|rangeerror|assertionerror|cannot read propert\w*|is not a function|nonetype|zerodivisionerror|maximum call stack)\b/i
  }
]

function shorten(s: string, n: number): string {
  const one = s.replace(/\s+/g, ' ').trim()
  return one.length > n ? `${one.slice(0, n - 1)}…` : one
}

/** The deterministic "model": classify the Sentry facts found in the prompt. */
export function classifyPrompt(body: ChatRequestBody): Classification {
  const { facts, text } = extractFacts(body)
  const src: unknown = facts ?? {}
  const title = str(findKey(src, ['title']))
  const culpritRaw = str(findKey(src, ['culprit', 'transaction', 'location']))
  const level = str(findKey(src, ['level'])).toLowerCase()
  const exc = findKey(src, ['exception', 'exceptions', 'error'])
  const excObj = Array.isArray(exc) ? exc[exc.length - 1] : exc
  let excType = isRecord(excObj) ? str(excObj.type) : ''
  let excValue = isRecord(excObj)
    ? str(excObj.value ?? excObj.message)
    : typeof excObj === 'string'
      ? excObj
      : ''
  const meta = findKey(src, ['metadata'])
  if (!excType)
    excType =
      str(findKey(src, ['exceptionType', 'exception_type', 'errorType'])) ||
      (isRecord(meta) ? str(meta.type) : '')
  if (!excValue)
    excValue =
      str(findKey(src, ['exceptionValue', 'exception_value', 'errorMessage'])) ||
      (isRecord(meta) ? str(meta.value) : '')
  const message = str(findKey(src, ['message']))
  const count = num(findKey(src, ['count', 'events', 'eventCount', 'timesSeen', 'times_seen']))
  const users = num(findKey(src, ['userCount', 'users', 'usersAffected', 'user_count']))

  let culprit = culpritRaw
  if (!culprit) {
    const frames = findKey(src, ['frames', 'stacktrace', 'stack'])
    const last = Array.isArray(frames) ? frames[frames.length - 1] : undefined
    culprit = isRecord(last)
      ? [str(last.filename ?? last.module), str(last.function)].filter(Boolean).join(' in ')
      : typeof last === 'string'
        ? last
        : ''
  }
  if (!culprit) culprit = 'the failing code path'

  const primary = [title, excType, excValue, message, culpritRaw].join('\n')
  const secondary = facts ? allStrings(facts).join('\n') : text
  let category: Classification['category'] = 'Unknown'
  let confidence = 0.4
  for (const pass of [primary, secondary]) {
    const rule = RULES.find(r => r.re.test(pass))
    if (rule) {
      category = rule.category
      confidence = pass === primary ? 0.9 : 0.7
      break
    }
  }

  let severity: Classification['severity']
  if (level === 'fatal' || users > 1000) severity = 'Critical'
  else if (level === 'error') severity = count > 50 || users > 50 ? 'High' : 'Medium'
  else if (level === 'warning') severity = count > 50 ? 'Medium' : 'Low'
  else if (level === 'info' || level === 'debug') severity = 'Low'
  else severity = count > 50 ? 'High' : 'Medium'

  const v = shorten(excValue || title || message || 'no message', 120)
  const t = excType || 'The error'
  const all = `${primary}\n${secondary}`
  let rootCause: string
  let suggestedAction: string
  switch (category) {
    case 'Database':
      if (/deadlock/i.test(all)) {
        rootCause = `Two transactions in ${culprit} lock the same rows in opposite order, so the database aborts one of them with a deadlock (${v}).`
        suggestedAction = `Acquire row locks in a consistent order in ${culprit}, keep the transaction short, and retry it when a deadlock is reported.`
      } else {
        rootCause = `The query issued from ${culprit} fails in the database: ${v}.`
        suggestedAction = `Check the failing query and the schema used by ${culprit}, run pending migrations, and retry transient database errors.`
      }
      break
    case 'External Service':
      rootCause = `A call to a third-party provider from ${culprit} fails (${v}); the upstream service returned an error or did not answer in time.`
      suggestedAction = `Check the provider's status page, wrap the call in ${culprit} with a timeout, retries and backoff, and degrade gracefully while it is unavailable.`
      break
    case 'Authentication':
      rootCause = `Requests reach ${culprit} with expired or invalid credentials (${v}), so they are rejected.`
      suggestedAction = `Refresh tokens before they expire, answer a clean 401 from ${culprit} instead of raising, and check for clock skew between services.`
      break
    case 'Infrastructure':
      rootCause = `The process running ${culprit} was stopped by the platform (${v}), most likely by the out-of-memory killer or a resource limit.`
      suggestedAction = `Check the memory and disk limits of the worker, process the work of ${culprit} in smaller batches, and raise the limits if the load is legitimate.`
      break
    case 'Network':
      rootCause = `A network call made by ${culprit} cannot reach its destination (${v}).`
      suggestedAction = `Verify DNS and connectivity to the target host from the runtime, and add timeouts and retries with backoff in ${culprit}.`
      break
    case 'Logic':
      rootCause = `A code defect in ${culprit}: ${t} (${v}); the code assumes a value that is missing or has an unexpected shape.`
      suggestedAction = `Guard against the missing value in ${culprit}, add a regression test with the failing input, and fix the caller that produces it.`
      break
    default:
      rootCause = `The cause of "${shorten(title || v, 80)}" in ${culprit} cannot be determined from the event alone.`
      suggestedAction = `Inspect the full event and breadcrumbs in Sentry and try to reproduce the problem locally.`
  }
  const asked = body.messages.some(m => m.role === 'system' && /"fixability"/.test(messageText(m)))
  return {
    category,
    severity,
    rootCause,
    suggestedAction,
    confidence,
    ...(asked ? fixabilityOf(category, all) : {})
  }
}

/** The stand-in's judgement of fixability: a defect in the app's own code is fixable, the rest less so. */
function fixabilityOf(
  category: Classification['category'],
  all: string
): { fixability: 'high' | 'medium' | 'low'; fixabilityReason: string } {
  if (category === 'Logic')
    return { fixability: 'high', fixabilityReason: 'A guard or type fix in the app code.' }
  if (category === 'Database' && /deadlock/i.test(all))
    return { fixability: 'medium', fixabilityReason: 'Lock order is in the app code.' }
  if (category === 'Authentication' || category === 'Database')
    return { fixability: 'medium', fixabilityReason: 'Partly code, partly configuration.' }
  return { fixability: 'low', fixabilityReason: 'Outside the app code.' }
}

/** DEFAULT responder: a JSON string `{"category","severity","rootCause","suggestedAction","confidence"}` */
export const defaultResponder: Responder = body => JSON.stringify(classifyPrompt(body))

// ---------------------------------------------------------------------------------------------
// helper responders for tests (obj omitted = the default model's classification)

type Obj = Record<string, unknown>
const pick = (obj: Obj | undefined, body: ChatRequestBody): Obj =>
  obj ?? (classifyPrompt(body) as unknown as Obj)

/** answer wrapped in a ```json fence */
export function fencedJson(obj?: Obj): Responder {
  return body => '```json\n' + JSON.stringify(pick(obj, body), null, 2) + '\n```'
}

/** "Sure! Here is …" {json} "Hope this helps" */
export function proseAroundJson(obj?: Obj): Responder {
  return body =>
    `Sure! Here is the triage for this issue:\n\n${JSON.stringify(pick(obj, body))}\n\nHope this helps!`
}

/** DeepSeek-reasoner style: a <think> preamble before the JSON */
export function reasoningPreamble(obj?: Obj): Responder {
  return body =>
    `<think>\nThe stack trace points at the culprit; let me decide the category {maybe}.\n</think>\n${JSON.stringify(pick(obj, body))}`
}

/** plain `Category: …\nSeverity: …\nRoot cause: …\nSuggested action: …` text */
export function keyValueText(obj?: Obj): Responder {
  return body => {
    const o = pick(obj, body)
    return `Category: ${str(o.category)}\nSeverity: ${str(o.severity)}\nRoot cause: ${str(o.rootCause)}\nSuggested action: ${str(o.suggestedAction)}`
  }
}

/** finish_reason "length" with the JSON cut in half */
export function truncatedJson(obj?: Obj): Responder {
  return body => {
    const s = JSON.stringify(pick(obj, body))
    return { content: s.slice(0, Math.floor(s.length / 2)), finish_reason: 'length' }
  }
}

/** content null + refusal text */
export function refusal(text = "I'm sorry, but I can't help with that."): Responder {
  return () => ({ content: null, refusal: text })
}

/** a fixed content string (any text) */
export function constant(content: string): Responder {
  return () => content
}

/** OpenAI-style 429 body (type rate_limit_error, code rate_limit_exceeded) */
export function rateLimitBody(retryAfterSec = 1): { error: Record<string, unknown> } {
  return {
    error: {
      message: `Rate limit reached for requests. Please try again in ${retryAfterSec}s.`,
      type: 'rate_limit_error',
      param: null,
      code: 'rate_limit_exceeded'
    }
  }
}
export const RATE_LIMIT_BODY = rateLimitBody(1)

export const INSUFFICIENT_QUOTA_BODY = {
  error: {
    message:
      'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.',
    type: 'insufficient_quota',
    param: null,
    code: 'insufficient_quota'
  }
}

export function rateLimitHeaders(retryAfterSec = 1): Record<string, string> {
  return {
    'retry-after': String(retryAfterSec),
    'retry-after-ms': String(retryAfterSec * 1000),
    'x-ratelimit-limit-requests': '500',
    'x-ratelimit-remaining-requests': '0',
    'x-ratelimit-reset-requests': `${retryAfterSec}s`
  }
}

/** responder: 429 rate_limit_error with retry-after */
export function rateLimited(retryAfterSec = 1): Responder {
  return () => ({
    status: 429,
    body: rateLimitBody(retryAfterSec),
    headers: rateLimitHeaders(retryAfterSec)
  })
}

/** responder: 429 insufficient_quota (must not be retried) */
export function insufficientQuota(): Responder {
  return () => ({ status: 429, body: INSUFFICIENT_QUOTA_BODY })
}

/** responder: any status with an OpenAI-style error body */
export function httpError(
  status: number,
  message = 'The server had an error while processing your request.',
  type = 'server_error'
): Responder {
  return () => ({ status, body: { error: { message, type, param: null, code: null } } })
}

// ---------------------------------------------------------------------------------------------

const estimate = (s: string): number => Math.ceil(s.length / 4)

function oaiError(
  status: number,
  message: string,
  type: string,
  param: string | null,
  code: string | null,
  headers?: Record<string, string>
): RouteResult {
  return json(status, { error: { message, type, param, code } }, headers ?? {})
}

export async function startFakeLlm(opts: FakeLlmOptions): Promise<FakeLlm> {
  let responder: Responder = opts.responder ?? defaultResponder
  const stats: LlmStats = { requests: 0, promptTokens: 0, completionTokens: 0, byModel: {} }
  // `requests` counts every chat-completion request received, including those answered by fault()
  const ref: { server?: FakeServer } = {}
  Object.defineProperty(stats, 'requests', {
    enumerable: true,
    get: () =>
      ref.server
        ? ref.server.requests.filter(
            r => r.method === 'POST' && r.path.endsWith('/chat/completions')
          ).length
        : 0
  })
  const bodies: ChatRequestBody[] = []
  let seq = 0

  const chat = async (ctx: RouteContext): Promise<RouteResult> => {
    const key = bearer(ctx)
    if (!key)
      return oaiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username and password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
        'invalid_request_error',
        null,
        null
      )
    if (key !== opts.apiKey) {
      const shown = key.length > 8 ? `${key.slice(0, 3)}*****${key.slice(-4)}` : '*****'
      return oaiError(
        401,
        `Incorrect API key provided: ${shown}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error',
        null,
        'invalid_api_key'
      )
    }
    const b = ctx.body
    if (typeof b === 'string' || b === undefined)
      return oaiError(
        400,
        "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
        'invalid_request_error',
        null,
        null
      )
    if (!isRecord(b))
      return oaiError(
        400,
        'Invalid type for body: expected an object.',
        'invalid_request_error',
        null,
        'invalid_type'
      )
    if (typeof b.model !== 'string' || b.model === '')
      return oaiError(
        400,
        'you must provide a model parameter',
        'invalid_request_error',
        null,
        null
      )
    stats.byModel[b.model] = (stats.byModel[b.model] ?? 0) + 1
    if (b.messages === undefined)
      return oaiError(
        400,
        "Missing required parameter: 'messages'.",
        'invalid_request_error',
        'messages',
        'missing_required_parameter'
      )
    if (!Array.isArray(b.messages))
      return oaiError(
        400,
        "Invalid type for 'messages': expected an array of objects, but got a string instead.",
        'invalid_request_error',
        'messages',
        'invalid_type'
      )
    if (b.messages.length === 0)
      return oaiError(
        400,
        "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        'invalid_request_error',
        'messages',
        'empty_array'
      )
    for (let i = 0; i < b.messages.length; i++) {
      const m: unknown = b.messages[i]
      if (!isRecord(m) || typeof m.role !== 'string')
        return oaiError(
          400,
          `Missing required parameter: 'messages[${i}].role'.`,
          'invalid_request_error',
          `messages[${i}].role`,
          'missing_required_parameter'
        )
      if (!['system', 'developer', 'user', 'assistant', 'tool'].includes(m.role))
        return oaiError(
          400,
          `Invalid value: '${m.role}'. Supported values are: 'system', 'assistant', 'user', 'tool', and 'developer'.`,
          'invalid_request_error',
          `messages[${i}].role`,
          'invalid_value'
        )
    }
    if (opts.models && !opts.models.includes(b.model))
      return oaiError(
        404,
        `The model \`${b.model}\` does not exist or you do not have access to it.`,
        'invalid_request_error',
        null,
        'model_not_found'
      )
    if (
      b.temperature !== undefined &&
      (typeof b.temperature !== 'number' || b.temperature < 0 || b.temperature > 2)
    )
      return oaiError(
        400,
        `Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got ${String(b.temperature)} instead.`,
        'invalid_request_error',
        'temperature',
        'decimal_above_max_value'
      )
    const body = b as ChatRequestBody
    const rf = body.response_format
    if (rf !== undefined) {
      if (
        !isRecord(rf) ||
        typeof rf.type !== 'string' ||
        !['text', 'json_object', 'json_schema'].includes(rf.type)
      )
        return oaiError(
          400,
          "Invalid value for 'response_format.type'. Supported values are: 'text', 'json_object', and 'json_schema'.",
          'invalid_request_error',
          'response_format.type',
          'invalid_value'
        )
      if (rf.type === 'json_object' && !body.messages.some(m => /json/i.test(messageText(m))))
        return oaiError(
          400,
          "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
          'invalid_request_error',
          'messages',
          null
        )
      if (rf.type === 'json_schema') {
        const js = rf.json_schema
        if (!isRecord(js))
          return oaiError(
            400,
            "Missing required parameter: 'response_format.json_schema'.",
            'invalid_request_error',
            'response_format.json_schema',
            'missing_required_parameter'
          )
        if (typeof js.name !== 'string' || !/^[a-zA-Z0-9_-]{1,64}$/.test(js.name))
          return oaiError(
            400,
            "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
            'invalid_request_error',
            'response_format.json_schema.name',
            'invalid_value'
          )
      }
    }
    bodies.push(body)

    const result = await responder(body)
    if (typeof result === 'object' && result !== null && 'status' in result) {
      return json(result.status, result.body, result.headers ?? {})
    }
    let content: string | null
    let finish: FinishReason = 'stop'
    let usage: Partial<ChatUsage> | undefined
    let refusalText: string | null = null
    if (typeof result === 'string') content = result
    else {
      content = result.content
      finish = result.finish_reason ?? 'stop'
      usage = result.usage
      refusalText = result.refusal ?? null
    }
    const maxTokens =
      typeof body.max_completion_tokens === 'number'
        ? body.max_completion_tokens
        : typeof body.max_tokens === 'number'
          ? body.max_tokens
          : undefined
    if (content !== null && maxTokens !== undefined && estimate(content) > maxTokens) {
      content = content.slice(0, maxTokens * 4)
      finish = 'length'
    }
    const promptTokens =
      usage?.prompt_tokens ??
      estimate(body.messages.map(m => messageText(m)).join('\n')) + 4 * body.messages.length
    const completionTokens = usage?.completion_tokens ?? estimate(content ?? refusalText ?? '')
    stats.promptTokens += promptTokens
    stats.completionTokens += completionTokens
    seq += 1
    return json(
      200,
      {
        id: `chatcmpl-fake${String(seq).padStart(8, '0')}${Buffer.from(body.model).toString('hex').slice(0, 12)}`,
        object: 'chat.completion',
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        choices: [
          {
            index: 0,
            message: { role: 'assistant', content, refusal: refusalText, annotations: [] },
            logprobs: null,
            finish_reason: finish
          }
        ],
        usage: {
          prompt_tokens: promptTokens,
          completion_tokens: completionTokens,
          total_tokens: usage?.total_tokens ?? promptTokens + completionTokens
        },
        service_tier: 'default',
        system_fingerprint: 'fp_fake0001'
      },
      { 'x-request-id': `req_fake${String(seq).padStart(8, '0')}`, 'openai-processing-ms': '42' }
    )
  }

  const server = await startServer({
    latencyMs: opts.latencyMs,
    notFound: ctx =>
      oaiError(404, `Invalid URL (${ctx.method} ${ctx.path})`, 'invalid_request_error', null, null),
    methodNotAllowed: ctx =>
      oaiError(
        405,
        `Invalid method for URL (${ctx.method} ${ctx.path})`,
        'invalid_request_error',
        null,
        null
      ),
    routes: [
      { method: 'POST', pattern: '/v1/chat/completions', handler: chat },
      {
        method: 'GET',
        pattern: '/v1/models',
        handler: ctx => {
          if (bearer(ctx) !== opts.apiKey)
            return oaiError(
              401,
              'Incorrect API key provided.',
              'invalid_request_error',
              null,
              'invalid_api_key'
            )
          const ids = opts.models ?? [
            'deepseek-v3.2',
            'gemini-2.5-flash',
            'claude-sonnet-4.5',
            'gpt-4.1'
          ]
          return json(200, {
            object: 'list',
            data: ids.map(id => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake' }))
          })
        }
      }
    ]
  })

  ref.server = server
  const chatPath: FaultMatch = { method: 'POST', path: '/chat/completions' }
  return {
    url: `${server.url}/v1`,
    requests: server.requests,
    bodies,
    stats,
    fault: (m, f) => server.fault(m, f),
    setLatency: ms => server.setLatency(ms),
    setResponder(r) {
      responder = r ?? defaultResponder
    },
    rateLimit(times = 1, retryAfterSec = 1) {
      server.fault(chatPath, {
        status: 429,
        times,
        headers: rateLimitHeaders(retryAfterSec),
        body: rateLimitBody(retryAfterSec)
      })
    },
    quotaExceeded(times = 1) {
      server.fault(chatPath, { status: 429, times, body: INSUFFICIENT_QUOTA_BODY })
    },
    close: () => server.close(),
    server
  }
}
