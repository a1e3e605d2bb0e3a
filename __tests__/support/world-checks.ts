/**
 * Invariants the fault and security suites check after every run against the fakes: nothing lost,
 * nothing written twice, and what a rendered GitHub body really shows to a reader.
 */
import { expect } from '@jest/globals'
import type { RunRecord, World } from '../fakes/world.js'
import type { GitHubIssue as FakeIssue } from '../fakes/github.js'
import type { RecordedRequest } from '../fakes/server.js'
import type { ScenarioName, ScenarioSeed } from '../fakes/seed.js'

const SECTION = /^<!-- sentry-triage:begin -->\r?\n<!-- sentry-triage:v1 (\{.*?\}) -->\r?$/m

/** The Sentry ids in the hidden marker that opens the action's section (the only place that counts). */
export function markerIds(body: string | null | undefined): string[] {
  const match = SECTION.exec(body ?? '')
  if (!match) return []
  try {
    const value = JSON.parse(match[1] as string) as { ids?: unknown }
    return Array.isArray(value.ids)
      ? value.ids.filter((id): id is string => typeof id === 'string')
      : []
  } catch {
    return []
  }
}

export function scenario(world: World): ScenarioSeed {
  return world.seed as ScenarioSeed
}

export function idOf(world: World, name: ScenarioName): string {
  return scenario(world).ids[name]
}

/** Sentry ids first seen within the default `since` (24h): what a run must account for. */
export function candidateIds(world: World): string[] {
  const cutoff = world.now.getTime() - 24 * 3_600_000
  return world.seed.issues
    .filter(i => i.firstSeen !== null && Date.parse(i.firstSeen) >= cutoff)
    .map(i => i.id)
    .sort()
}

export function shortIdOf(world: World, id: string): string {
  return world.seed.issues.find(i => i.id === id)?.shortId ?? id
}

/** Open GitHub issues whose marker claims `sentryId`. */
export function openIssuesFor(world: World, sentryId: string): FakeIssue[] {
  return world.github.issues.filter(i => i.state === 'open' && markerIds(i.body).includes(sentryId))
}

/** The one open issue of a Sentry id (asserting there is exactly one). */
export function theIssueFor(world: World, sentryId: string): FakeIssue {
  const open = openIssuesFor(world, sentryId)
  expect(open.map(i => i.number)).toHaveLength(1)
  return open[0] as FakeIssue
}

/** No Sentry id is claimed by two open GitHub issues. */
export function expectNoTwoOpenIssuesPerSentryId(world: World): void {
  const owners = new Map<string, number[]>()
  for (const issue of world.github.issues.filter(i => i.state === 'open')) {
    for (const id of markerIds(issue.body))
      owners.set(id, [...(owners.get(id) ?? []), issue.number])
  }
  const doubled = [...owners].filter(([, numbers]) => numbers.length > 1)
  expect(doubled).toEqual([])
}

/**
 * The whole scenario ended triaged exactly once: every candidate except the annotation-linked
 * `jwt` issue has exactly one open GitHub issue carrying its marker; `jwt` was labelled on #7 and
 * never got a marker issue of its own; nothing claims the old issue.
 */
export function expectScenarioTriagedOnce(world: World): void {
  expectNoTwoOpenIssuesPerSentryId(world)
  const jwt = idOf(world, 'jwt')
  const missing: string[] = []
  for (const id of candidateIds(world).filter(id => id !== jwt)) {
    if (openIssuesFor(world, id).length !== 1)
      missing.push(`${shortIdOf(world, id)}: ${openIssuesFor(world, id).length} open`)
  }
  expect(missing).toEqual([])
  expect(world.github.issues.filter(i => markerIds(i.body).includes(jwt))).toEqual([])
  const seven = world.github.issue(7)
  expect(seven?.labels.map(l => l.name).filter(n => /^(category|severity):/.test(n))).toHaveLength(
    2
  )
  expect(world.github.issues.filter(i => markerIds(i.body).includes(idOf(world, 'old')))).toEqual(
    []
  )
}

/** The run accounted for every candidate exactly once, in the report and in the `results` output. */
export function expectEveryCandidateReportedOnce(world: World, record: RunRecord): void {
  const ids = record.report?.results.map(r => r.sentryId).sort()
  expect(ids).toEqual(candidateIds(world))
  const output = JSON.parse(record.outputs.results ?? '[]') as Array<{ sentryId: string }>
  expect(output.map(r => r.sentryId).sort()).toEqual(candidateIds(world))
}

export function actionOf(record: RunRecord, sentryId: string): string | undefined {
  return record.report?.results.find(r => r.sentryId === sentryId)?.action
}

export const isWrite = (r: RecordedRequest): boolean => r.method !== 'GET' && r.method !== 'HEAD'
export const isIssueCreate = (r: RecordedRequest): boolean =>
  r.method === 'POST' && /\/repos\/[^/]+\/[^/]+\/issues$/.test(r.path)
/** The intake's listing of new issues (sorted by first seen); the follow-up's reads are other requests. */
export const isSentryListing = (r: RecordedRequest): boolean =>
  r.method === 'GET' &&
  /\/organizations\/[^/]+\/issues\/$/.test(r.path) &&
  r.query.get('sort') === 'new'
export const isChat = (r: RecordedRequest): boolean =>
  r.method === 'POST' && r.path.endsWith('/chat/completions')

/** The requests a server received from `mark` on (take `mark = fake.requests.length` before a run). */
export function since(requests: RecordedRequest[], mark: number): RecordedRequest[] {
  return requests.slice(mark)
}

/** Every string inside a JSON value, for greps that must not miss escaped text. */
export function deepStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.flatMap(deepStrings)
  if (value && typeof value === 'object') return Object.values(value).flatMap(deepStrings)
  return []
}

/** What a request carried besides its headers: path, query, raw body and the strings of the parsed body. */
export function requestContent(r: RecordedRequest): string {
  return [r.method, r.path, r.query.toString(), r.rawBody, ...deepStrings(r.body)].join('\n')
}

/** Everything a server received in a request, headers included. */
export function requestText(r: RecordedRequest): string {
  return [JSON.stringify(r.headers), requestContent(r)].join('\n')
}

/** Everything the run wrote to GitHub that a reader can see: titles, bodies, comments, label names. */
export function githubText(world: World): string {
  return [
    ...world.github.issues.flatMap(i => [
      i.title,
      i.body ?? '',
      ...i.labels.map(l => `${l.name} ${l.description ?? ''}`)
    ]),
    ...world.github.comments.map(c => c.body),
    ...world.github.labels.map(l => `${l.name} ${l.description ?? ''}`),
    ...world.github.requests.filter(isWrite).map(requestContent)
  ].join('\n')
}

// ---------------------------------------------------------------------------------------------
// Markdown as GitHub renders it (the parts that matter for untrusted text)

export interface MarkdownParts {
  /** Lines outside fenced code blocks: where mentions, HTML and references render. */
  prose: string[]
  /** Contents of the fenced code blocks: inert text. */
  code: string[]
  /** A fence opened and never closed (everything after it would swallow the rest of the body). */
  unclosedFence: boolean
}

/** Splits Markdown into prose and fenced code the CommonMark way (``` or ~~~, closer at least as long). */
export function splitMarkdown(markdown: string): MarkdownParts {
  const prose: string[] = []
  const code: string[] = []
  let fence: { char: string; length: number } | null = null
  for (const line of markdown.split('\n')) {
    const match = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line)
    if (fence) {
      const run = match?.[1]
      if (
        run &&
        run[0] === fence.char &&
        run.length >= fence.length &&
        (match?.[2] ?? '').trim() === ''
      )
        fence = null
      else code.push(line)
      continue
    }
    if (match && !(match[1]?.[0] === '`' && (match[2] ?? '').includes('`'))) {
      fence = { char: match[1]?.[0] as string, length: match[1]?.length as number }
      continue
    }
    prose.push(line)
  }
  return { prose, code, unclosedFence: fence !== null }
}

/** Removes inline code spans (`x`), which render their content literally. */
export function withoutCodeSpans(line: string): string {
  return line.replace(/(?<!\\)(`+)(?!`)([\s\S]*?[^`])\1(?!`)/g, '')
}

/** Raw `@login` / `@org/team` that GitHub would turn into a notifying mention. */
export function rawMentions(prose: string): string[] {
  return [...prose.matchAll(/(?<![\w`\\])@[A-Za-z0-9][A-Za-z0-9-]*(?:\/[A-Za-z0-9_-]+)?/g)].map(
    m => m[0]
  )
}

/** `#123` / `GH-123` that GitHub would turn into a cross-reference (HTML entities like `&#64;` excluded). */
export function rawReferences(prose: string): string[] {
  return [...prose.matchAll(/(?<![&\w\\])(?:#|GH-)\d+/gi)].map(m => m[0])
}

/** Hostile HTML tags that would render (or close ours): `<img`, `<script`, `</details>`, … */
export function rawHtml(prose: string): string[] {
  return [
    ...prose.matchAll(
      /<\/?(?:img|script|details|summary|iframe|svg|a|style|object|embed|form|input)\b[^>]*>?/gi
    )
  ].map(m => m[0])
}

/** Unescaped `|` in a table row. */
export function pipeCount(row: string): number {
  return [...row.matchAll(/(?<!\\)(?:\\\\)*\|/g)].length
}

/** Table rows whose cell count differs from their header's (a `|` in data broke out of its cell). */
export function brokenTableRows(prose: string[]): string[] {
  const broken: string[] = []
  let header: number | null = null
  for (const line of prose) {
    if (!line.startsWith('|')) {
      header = null
      continue
    }
    if (header === null) header = pipeCount(line)
    else if (pipeCount(line) !== header) broken.push(line)
  }
  return broken
}
