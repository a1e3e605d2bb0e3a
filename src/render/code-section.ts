import type { Config } from '../config/config.js'
import type { CodeContext, CodeFrame } from '../code/context.js'
import { inline, link, neutraliseMentions } from './markdown.js'
import { suspectsDisagree } from '../code/sentry-suspect.js'

/** GitHub allows at most 10 assignees per issue (API-NOTES F6). */
export const MAX_ASSIGNEES = 10

/** A CODEOWNERS line may list any number of owners; the body names the first ones. */
const MAX_OWNERS = 20

const LOGIN = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/
const TEAM = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/
const SHA = /^[0-9a-f]{7,40}$/

export interface CodeSectionOptions {
  /** `mention-owners`: owners and the suspect's author get a live `@` (they are notified). */
  mentionOwners: boolean
  redact: (text: string) => string
}

/** `@login` or `@org/team`: live only with mention-owners, and only when it is a well-formed name. */
function person(name: string, wellFormed: RegExp, mention: boolean): string {
  if (!wellFormed.test(name)) return inline(name, 120)
  return mention ? `@${name}` : neutraliseMentions(`@${name}`)
}

function frameLine(frame: CodeFrame, redact: (s: string) => string): string {
  const where = `${frame.path ?? frame.filename ?? '?'}${frame.lineNo ? `:${frame.lineNo}` : ''}`
  const label = frame.path ? inline(where, 300) : inline(redact(where), 300)
  const fn = frame.function ? ` in ${inline(redact(frame.function), 200)}` : ''
  const missing = frame.path ? '' : ' _(not found in the repository)_'
  return `- ${frame.permalink ? link(label, frame.permalink) : label}${fn}${missing}`
}

function ownersLine(ctx: CodeContext, mention: boolean): string | null {
  const owners = ctx.owners
  if (!owners) return null
  const names = [
    ...owners.users.map(u => person(u, LOGIN, mention)),
    ...owners.teams.map(t => person(t, TEAM, mention)),
    ...owners.emails.map(e => inline(e, 120))
  ]
  const shown =
    names.length > MAX_OWNERS
      ? [...names.slice(0, MAX_OWNERS), `and ${names.length - MAX_OWNERS} more`]
      : names
  const source = `${inline(owners.file, 40)}, ${inline(owners.pattern, 200)}`
  return `**Owners** (${source}): ${shown.length > 0 ? shown.join(', ') : 'none (the matching line names no owner)'}`
}

function suspectLine(ctx: CodeContext, mention: boolean, redact: (s: string) => string): string[] {
  const s = ctx.suspect
  const blame = s && SHA.test(s.sha) ? s : null
  const describe = (x: NonNullable<CodeContext['suspect']>) =>
    `${link(`\`${x.sha.slice(0, 7)}\``, x.url)}${x.login ? ` by ${person(x.login, LOGIN, mention)}` : ''}${x.pr ? ` in ${link(`pull request ${x.pr.number}`, x.pr.url)}` : ''}`
  const fromSentry = ctx.sentrySuspect && SHA.test(ctx.sentrySuspect.sha) ? ctx.sentrySuspect : null
  if (!fromSentry)
    return blame ? [`**Suspect commit** (last change to the crash line): ${describe(blame)}`] : []
  // Sentry's people are Sentry names, not GitHub logins: named, never pinged.
  const author = fromSentry.author ? ` by ${inline(redact(fromSentry.author), 100)}` : ''
  const pr = fromSentry.pr ? ` in ${link('its pull request', fromSentry.pr.url)}` : ''
  const lines = [
    `**Suspect commit** (Sentry, from the release's commits): ${link(`\`${fromSentry.sha.slice(0, 7)}\``, fromSentry.url)}${author}${pr}`
  ]
  if (blame)
    lines.push(
      suspectsDisagree(blame.sha, fromSentry.sha)
        ? `**Sentry and GitHub's blame disagree:** the last change to the crash line is ${describe(blame)}`
        : "GitHub's blame of the crash line names the same commit."
    )
  return lines
}

/**
 * The body's code section: permalinks for the in-app frames, the crash file's owners, the suspect
 * commit, and why a piece is missing when the reader would otherwise wonder. Empty when there is
 * nothing to say. Text from Sentry and the repository is shown as data: it never pings or breaks out.
 */
export function renderCodeSection(
  ctx: CodeContext | null | undefined,
  options: CodeSectionOptions
): string {
  if (!ctx) return ''
  const lines: string[] = []
  if (!ctx.inAppFrames) {
    lines.push(
      '_Sentry marked no frame of this event as the application’s (in-app), so no file, owner or suspect commit is named. Mark your code in-app in the Sentry SDK (e.g. `in_app_include`) to get them._'
    )
  } else if (ctx.commit) {
    const at = SHA.test(ctx.commit.sha)
      ? link(`\`${ctx.commit.sha.slice(0, 7)}\``, ctx.commit.url)
      : ''
    if (ctx.frames.some(f => f.permalink)) {
      lines.push(`In-app frames at ${at}, the crash last:`, '')
      lines.push(...ctx.frames.map(f => frameLine(f, options.redact)))
    }
    if (ctx.movedWarning) {
      const branch = ctx.commit.branch ? ` of ${inline(ctx.commit.branch, 100)}` : ''
      lines.push(
        '',
        `> **Note:** the release’s commit is unknown, so this is the head${branch} when the issue was opened: the lines may have moved since the release.`
      )
    }
    const owners = ownersLine(ctx, options.mentionOwners)
    const suspect = suspectLine(ctx, options.mentionOwners, options.redact)
    if (owners || suspect.length > 0)
      lines.push(
        '',
        ...[owners, ...suspect].filter((l): l is string => l !== null).map(l => `${l}  `)
      )
  }
  if (lines.length === 0) return ''
  return ['### Code', '', ...lines]
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()
}

/**
 * Who `assign` puts on the issue: the individual CODEOWNERS of the crash file (teams cannot be
 * assignees), then the suspect commit's author; deduplicated, bots left out, at most 10.
 */
export function assigneesFor(
  ctx: CodeContext | null | undefined,
  assign: Config['assign']
): string[] {
  if (!ctx) return []
  const wanted: string[] = []
  for (const mode of assign) {
    if (mode === 'codeowners') wanted.push(...(ctx.owners?.users ?? []))
    if (mode === 'suspect-commit' && ctx.suspect?.login) wanted.push(ctx.suspect.login)
  }
  const seen = new Set<string>()
  return wanted
    .filter(
      login => LOGIN.test(login) && !seen.has(login.toLowerCase()) && seen.add(login.toLowerCase())
    )
    .slice(0, MAX_ASSIGNEES)
}
