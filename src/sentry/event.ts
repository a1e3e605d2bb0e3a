import { z } from 'zod'

/** Stack context for the prompt: the crashing frames say most; more only costs tokens. */
const MAX_FRAMES = 8
/** A runaway event must not cost memory: real stacks stay far below this. */
const MAX_STACK = 250

/** A frame as the prompt, the heuristic and the body's stack block use it. */
export interface StackFrame {
  /** `filename`, else `absPath`, else `module`: whatever names the code. */
  filename: string | null
  function: string | null
  lineNo: number | null
  inApp: boolean
  /** The source line that ran, when Sentry has it. */
  line: string | null
}

/** A frame with everything that locates it in a repository (API-NOTES A10, F8). */
export interface EventFrame {
  filename: string | null
  absPath: string | null
  module: string | null
  package: string | null
  function: string | null
  lineNo: number | null
  colNo: number | null
  inApp: boolean
  line: string | null
}

/** What the latest event adds: the exception chain and the frames nearest the crash. */
export interface EventContext {
  /** Every chained exception value, in Sentry's order (the last one is the one raised). */
  exceptions: Array<{ type: string | null; value: string | null }>
  /** The in-app frames nearest the crash (max 8), or the last frames when none is in-app. */
  frames: StackFrame[]
  release: string | null
  environment: string | null
  request: { method: string | null; url: string | null } | null
  /** The crashing stack, every frame, oldest call first (Sentry's order): crash last. */
  stack: EventFrame[]
  /** False when Sentry marked no frame of the stack in-app: `frames` are then the framework's. */
  inAppFrames: boolean
  /** The event's id (32 hex digits): Sentry's committers endpoint is asked by it. */
  eventId?: string | null
}

const text = z
  .union([z.string(), z.number()])
  .nullish()
  .transform(v => (v === null || v === undefined || v === '' ? null : String(v)))
const lineNumber = z.number().int().nonnegative().nullish()
const record = z.record(z.string(), z.unknown())

/** Reads fields one by one: a field of an unexpected shape is skipped and named, never the event. */
class FieldReader {
  readonly skipped = new Set<string>()

  read<T>(schema: z.ZodType<T>, value: unknown, what: string, fallback: T): T {
    if (value === undefined || value === null) return fallback
    const parsed = schema.safeParse(value)
    if (parsed.success) return parsed.data
    this.skipped.add(what)
    return fallback
  }

  list(value: unknown, what: string): unknown[] {
    if (value === undefined || value === null) return []
    if (Array.isArray(value)) return value
    this.skipped.add(what)
    return []
  }

  object(value: unknown, what: string): Record<string, unknown> | null {
    if (value === undefined || value === null) return null
    return this.read(record, value, what, null)
  }
}

function readFrame(raw: unknown, r: FieldReader): EventFrame | null {
  const f = r.object(raw, 'a frame')
  if (!f) return null
  const lineNo = r.read(lineNumber, f.lineNo, 'a frame lineNo', null) ?? null
  const context = r.list(f.context, 'a frame context')
  const pair = context.find(
    (c): c is [number, unknown] => Array.isArray(c) && c[0] === lineNo && lineNo !== null
  )
  const line = typeof pair?.[1] === 'string' ? pair[1].trim() || null : null
  return {
    filename: r.read(text, f.filename, 'a frame filename', null),
    absPath: r.read(text, f.absPath, 'a frame absPath', null),
    module: r.read(text, f.module, 'a frame module', null),
    package: r.read(text, f.package, 'a frame package', null),
    function: r.read(text, f.function, 'a frame function', null),
    lineNo,
    colNo: r.read(lineNumber, f.colNo, 'a frame colNo', null) ?? null,
    inApp: f.inApp === true,
    line
  }
}

function readStack(raw: unknown, r: FieldReader, what: string): EventFrame[] {
  const stacktrace = r.object(raw, what)
  if (!stacktrace) return []
  return r
    .list(stacktrace.frames, `${what} frames`)
    .slice(-MAX_STACK)
    .map(frame => readFrame(frame, r))
    .filter((frame): frame is EventFrame => frame !== null)
}

interface Entry {
  type: string
  data: Record<string, unknown> | null
}

function readEntries(raw: unknown, r: FieldReader): Entry[] {
  return r.list(raw, 'entries').flatMap(item => {
    const entry = r.object(item, 'an entry')
    if (!entry || typeof entry.type !== 'string') return []
    return [{ type: entry.type, data: r.object(entry.data, `the ${entry.type} entry`) }]
  })
}

/**
 * The stack that crashed: the raised exception's (the last value with frames, preferring one with
 * in-app frames, since a chained exception's own frames may all be the framework's), else the
 * `stacktrace` entry of a message event, else the crashed (or current) thread's.
 */
function crashingStack(entries: Entry[], r: FieldReader) {
  const exception = entries.find(e => e.type === 'exception')?.data
  const values = r
    .list(exception?.values, 'the exception values')
    .map(value => r.object(value, 'an exception value'))
    .filter((value): value is Record<string, unknown> => value !== null)
  const exceptions = values.map(v => ({
    type: r.read(text, v.type, 'an exception type', null),
    value: r.read(text, v.value, 'an exception value', null)
  }))
  const stacks = values.map(v => readStack(v.stacktrace, r, 'an exception stacktrace'))
  let stack =
    [...stacks].reverse().find(s => s.some(f => f.inApp)) ?? stacks.findLast(s => s.length)
  if (!stack?.length) {
    stack = readStack(entries.find(e => e.type === 'stacktrace')?.data, r, 'the stacktrace entry')
  }
  if (!stack.length) {
    const threads = r
      .list(entries.find(e => e.type === 'threads')?.data?.values, 'the threads')
      .map(t => r.object(t, 'a thread'))
      .filter((t): t is Record<string, unknown> => t !== null)
    const thread =
      threads.find(t => t.crashed === true) ??
      threads.find(t => t.current === true) ??
      (threads.length === 1 ? threads[0] : undefined)
    stack = readStack(thread?.stacktrace, r, 'a thread stacktrace')
  }
  return { exceptions, stack }
}

function readRelease(raw: unknown, r: FieldReader): string | null {
  if (typeof raw === 'string') return raw || null
  const release = r.object(raw, 'release')
  // Sentry's schema allows a release whose version is null.
  return release ? r.read(text, release.version, 'release.version', null) : null
}

function readEnvironment(raw: unknown, r: FieldReader): string | null {
  for (const item of r.list(raw, 'tags')) {
    const tag = r.object(item, 'a tag')
    // Tags may carry `key: null` (API-NOTES F8): such a tag is passed over, not the event.
    if (tag?.key === 'environment') return r.read(text, tag.value, 'the environment tag', null)
  }
  return null
}

/**
 * The latest event's facts, read field by field: a field of an odd shape is left out and named in
 * `skipped` rather than costing the whole event. Null only when the answer is not an object.
 */
export function parseLatestEvent(raw: unknown): {
  event: EventContext | null
  skipped: string[]
} {
  const r = new FieldReader()
  const event = r.object(raw, 'the event')
  if (!event) return { event: null, skipped: [...r.skipped] }
  const entries = readEntries(event.entries, r)
  const { exceptions, stack } = crashingStack(entries, r)
  const inAppFrames = stack.some(f => f.inApp)
  const frames = (inAppFrames ? stack.filter(f => f.inApp) : stack)
    .slice(-MAX_FRAMES)
    .map((f): StackFrame => ({
      filename: f.filename ?? f.absPath ?? f.module,
      function: f.function,
      lineNo: f.lineNo,
      inApp: f.inApp,
      line: f.line
    }))
  const request = r.object(entries.find(e => e.type === 'request')?.data, 'the request entry')
  return {
    event: {
      exceptions,
      frames,
      release: readRelease(event.release, r),
      environment: readEnvironment(event.tags, r),
      request: request
        ? {
            method: r.read(text, request.method, 'request.method', null),
            url: r.read(text, request.url, 'request.url', null)
          }
        : null,
      stack,
      inAppFrames,
      eventId: r.read(
        z.string().regex(/^[0-9a-f]{32}$/i),
        event.eventID ?? event.id,
        'eventID',
        null
      )
    },
    skipped: [...r.skipped]
  }
}
