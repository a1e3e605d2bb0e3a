/**
 * The warnings of one run, gathered by kind. GitHub shows only a few annotations per step, so a night
 * with forty failed issues and a dozen rate limits must not become fifty annotations of which the
 * reader sees the first ten: each kind becomes one annotation, with a count and the first details,
 * when the run ends. Every warning still reaches the log (as info) the moment it happens.
 */

/** How many details one aggregated annotation lists; the rest are in the log. */
export const MAX_DETAILS = 5
/** One detail in an annotation is cut here (the log keeps it whole). */
const MAX_DETAIL_CHARS = 300

export interface WarningOutput {
  warning(message: string, title?: string): void
  info(message: string): void
}

interface Kind {
  /** The title of the first warning of the kind, kept when the kind occurred once. */
  title: string | undefined
  messages: string[]
}

export class WarningAggregator {
  private readonly kinds = new Map<string, Kind>()

  /**
   * @param kindOf names the kind of a warning from its title, folding per-item titles into one
   *   kind (e.g. "Sentry issue X-1 failed" → "Sentry issues failed"); by default the title itself.
   */
  constructor(
    private readonly out: WarningOutput,
    private readonly kindOf: (title: string) => string = title => title
  ) {}

  /** A Logger's `warning`: logged now, annotated at `flush()`. */
  readonly warning = (message: string, title?: string): void => {
    const kind = this.kindOf(title ?? 'Warning')
    this.out.info(`Warning (${title ?? kind}): ${message}`)
    const entry = this.kinds.get(kind)
    if (entry) entry.messages.push(message)
    else this.kinds.set(kind, { title, messages: [message] })
  }

  /**
   * One annotation per kind, in the order the kinds first occurred: a kind seen once reads as it
   * was raised; a repeated kind says how often, lists the first details and points to the log.
   */
  flush(): void {
    for (const [kind, { title, messages }] of this.kinds) {
      if (messages.length === 1) {
        this.out.warning(messages[0] as string, title)
        continue
      }
      const shown = messages.slice(0, MAX_DETAILS).map(m => `- ${oneLine(m)}`)
      const rest = messages.length - shown.length
      this.out.warning(
        [
          `${messages.length} times:`,
          ...shown,
          ...(rest > 0 ? [`(and ${rest} more in the log)`] : [])
        ].join('\n'),
        `${kind} (${messages.length})`
      )
    }
    this.kinds.clear()
  }
}

function oneLine(message: string): string {
  const line = message.replace(/\s+/g, ' ').trim()
  return line.length > MAX_DETAIL_CHARS ? `${line.slice(0, MAX_DETAIL_CHARS - 1)}…` : line
}
