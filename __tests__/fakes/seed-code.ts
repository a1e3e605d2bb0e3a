/**
 * A small code repository behind the demo's Sentry issues: one directory per Sentry project holding
 * the files of their in-app frames (with the frames' source lines at their line numbers), a
 * CODEOWNERS, tags for the releases, and blame that points each crash line at a pull request.
 */
import type { FakeCodeOptions } from './github-code.js'
import type { SentryReleaseInput } from './sentry-releases.js'
import type { Seed } from './seed.js'
import type { SentryFrame } from './sentry.js'

const sha = (n: number) => n.toString(16).padStart(8, '0').repeat(5)

export const CODE_COMMITS = {
  root: sha(0xa1),
  checkoutFix: sha(0xb2),
  paymentsFix: sha(0xc3),
  webFix: sha(0xd4),
  release: sha(0xe5),
  head: sha(0xf6)
} as const

/** The suspect commit of each project's crash lines: who made it and in which pull request. */
const SUSPECTS: Record<
  string,
  { sha: string; author: string | null; pr?: number; message: string }
> = {
  'checkout-api': {
    sha: CODE_COMMITS.checkoutFix,
    author: 'alice',
    pr: 12,
    message: 'Batch order writes'
  },
  'payments-worker': {
    sha: CODE_COMMITS.paymentsFix,
    author: 'bob',
    pr: 15,
    message: 'Retry Stripe calls'
  },
  'web-frontend': { sha: CODE_COMMITS.webFix, author: null, message: 'Checkout page redesign' }
}

export const DEMO_CODEOWNERS = [
  '# Who owns what in acme/shop',
  '*                            @acme/platform',
  '/checkout-api/               @alice @acme/checkout',
  '/checkout-api/src/pricing/   @dave',
  '/payments-worker/            @bob payments-oncall@acme.example',
  '/web-frontend/src/**/*.tsx   @carol @acme/web',
  ''
].join('\n')

const PLAIN_PATH = /^[\w./-]+$/

function framesOf(event: Seed['events'][string]): SentryFrame[] {
  return event.entries
    .filter(e => e.type === 'exception')
    .flatMap(
      e => (e.data as { values: Array<{ stacktrace: { frames: SentryFrame[] } | null }> }).values
    )
    .flatMap(v => v.stacktrace?.frames ?? [])
}

/** The repository path the demo keeps a frame's file at: `<project>/<its path>`. */
function repoPath(project: string, frame: SentryFrame): string | null {
  const name = (frame.filename ?? '').replace(/^(\.\/|\/)+/, '')
  if (!frame.inApp || !name || !PLAIN_PATH.test(name) || name.includes('node_modules')) return null
  return `${project}/${name}`
}

/**
 * The code repository and the Sentry releases for a seed: every release is a tag on the release
 * commit, except `checkout-api@2.15.0` (Sentry knows its commit) and `web-frontend@5.2.1` (nothing
 * knows it: the issue says the line may have moved).
 */
export function seedCode(seed: Seed): { code: FakeCodeOptions; releases: SentryReleaseInput[] } {
  const lines = new Map<string, Map<number, string>>()
  const blame: Record<string, Array<{ start: number; end: number; commit: string }>> = {}
  const releases = new Set<string>()
  for (const issue of seed.issues) {
    const event = seed.events[issue.id]
    if (!event) continue
    const version = (event.release as { version?: unknown } | null)?.version
    if (typeof version === 'string') releases.add(version)
    const suspect = SUSPECTS[issue.project.slug]
    for (const frame of framesOf(event)) {
      const path = repoPath(issue.project.slug, frame)
      if (!path || frame.lineNo === null) continue
      const text = frame.context.find(([n]) => n === frame.lineNo)?.[1] ?? ''
      const file = lines.get(path) ?? new Map<number, string>()
      file.set(frame.lineNo, text)
      lines.set(path, file)
      if (suspect && !blame[path]?.some(r => r.start === frame.lineNo)) {
        ;(blame[path] ??= []).push({ start: frame.lineNo, end: frame.lineNo, commit: suspect.sha })
      }
    }
  }
  const files: Record<string, string> = {
    '.github/CODEOWNERS': DEMO_CODEOWNERS,
    'README.md': '# acme/shop\n'
  }
  for (const [path, known] of lines) {
    const comment = path.endsWith('.py') ? '#' : '//'
    const last = Math.max(...known.keys()) + 3
    files[path] =
      `${Array.from({ length: last }, (_, i) => known.get(i + 1) || `${comment} ${path}:${i + 1}`).join('\n')}\n`
  }
  const plain = (
    s: string,
    message: string,
    author: string | null = 'acme-admin',
    pr?: number
  ) => ({
    sha: s,
    message,
    author,
    ...(pr ? { pr } : {}),
    files,
    blame
  })
  const refs: Record<string, string> = {}
  for (const version of releases) {
    // checkout-api's release is found through Sentry's release commits; the others are tags.
    if (version !== 'checkout-api@2.15.0') refs[version] = CODE_COMMITS.release
  }
  return {
    code: {
      defaultBranch: 'main',
      refs,
      commits: [
        plain(CODE_COMMITS.root, 'Initial commit'),
        ...Object.values(SUSPECTS).map(s => plain(s.sha, s.message, s.author, s.pr)),
        plain(CODE_COMMITS.release, 'Release'),
        plain(CODE_COMMITS.head, 'Docs')
      ]
    },
    releases: [
      {
        version: 'checkout-api@2.15.0',
        lastCommit: { id: CODE_COMMITS.head, repository: 'acme/shop' }
      }
    ]
  }
}
