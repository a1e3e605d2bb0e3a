/** The body's code section and the assignees it yields: nobody is pinged unless mention-owners. */
import { describe, expect, it } from '@jest/globals'
import { assigneesFor, renderCodeSection } from '../src/render/code-section.js'
import { renderIssueBody } from '../src/render/issue-body.js'
import type { CodeContext } from '../src/code/context.js'
import { classification, eventContext, sentryIssue } from './support/factories.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'
const BLOB = `https://github.com/acme/shop/blob/${SHA}`

function context(overrides: Partial<CodeContext> = {}): CodeContext {
  return {
    commit: {
      sha: SHA,
      url: `https://github.com/acme/shop/commit/${SHA}`,
      source: 'sentry-release',
      branch: null
    },
    movedWarning: false,
    inAppFrames: true,
    frames: [
      {
        function: 'route',
        filename: 'src/routes/cart.ts',
        lineNo: 10,
        path: 'api/src/routes/cart.ts',
        permalink: `${BLOB}/api/src/routes/cart.ts#L10`
      },
      {
        function: 'applyDiscounts',
        filename: 'src/pricing/apply.ts',
        lineNo: 42,
        path: 'api/src/pricing/apply.ts',
        permalink: `${BLOB}/api/src/pricing/apply.ts#L42`
      }
    ],
    crash: {
      function: 'applyDiscounts',
      filename: 'src/pricing/apply.ts',
      lineNo: 42,
      path: 'api/src/pricing/apply.ts',
      permalink: `${BLOB}/api/src/pricing/apply.ts#L42`
    },
    owners: {
      users: ['alice', 'dave'],
      teams: ['acme/checkout'],
      emails: ['oncall@acme.example'],
      file: '.github/CODEOWNERS',
      pattern: '/api/src/pricing/'
    },
    suspect: {
      sha: 'fedcba9876543210fedcba9876543210fedcba98',
      url: 'https://github.com/acme/shop/commit/fedcba98',
      login: 'bob',
      pr: { number: 12, url: 'https://github.com/acme/shop/pull/12' }
    },
    ...overrides
  }
}

const quiet = { mentionOwners: false, redact: (s: string) => s }
const LIVE_MENTION = /(^|[^\w\u200D])@(?!\u200D)[A-Za-z0-9]/

describe('renderCodeSection', () => {
  it('links each in-app frame at the commit, names owners and the suspect without a ping', () => {
    const md = renderCodeSection(context(), quiet)
    expect(md).toContain(
      `[api/src/pricing/apply.ts:42](${BLOB}/api/src/pricing/apply.ts#L42) in applyDiscounts`
    )
    expect(md).toContain(
      `In-app frames at [\`0123456\`](https://github.com/acme/shop/commit/${SHA})`
    )
    expect(md).toContain('@\u200Dalice')
    expect(md).toContain('@\u200Dacme/checkout')
    expect(md).toContain(
      '[`fedcba9`](https://github.com/acme/shop/commit/fedcba98) by @\u200Dbob in [pull request 12](https://github.com/acme/shop/pull/12)'
    )
    expect(md).not.toMatch(LIVE_MENTION)
  })

  it('pings owners and the suspect author with mention-owners', () => {
    const md = renderCodeSection(context(), { ...quiet, mentionOwners: true })
    expect(md).toMatch(
      /\*\*Owners\*\* \(\.github\/CODEOWNERS, \/api\/src\/pricing\/\): @alice, @dave, @acme\/checkout, oncall@\u200Dacme\.example/
    )
    expect(md).toContain('by @bob')
  })

  it('says the line may have moved when the commit is the default branch head', () => {
    const md = renderCodeSection(
      context({
        movedWarning: true,
        commit: { ...context().commit!, source: 'default-branch', branch: 'main' }
      }),
      quiet
    )
    expect(md).toMatch(
      /the release’s commit is unknown, so this is the head of main .* the lines may have moved/
    )
  })

  it('says no frame was in-app instead of naming framework code', () => {
    const md = renderCodeSection(
      {
        ...context(),
        inAppFrames: false,
        frames: [],
        crash: null,
        owners: null,
        suspect: null,
        commit: null
      },
      quiet
    )
    expect(md).toMatch(/Sentry marked no frame of this event as the application’s \(in-app\)/)
    expect(md).not.toContain('Owners')
  })

  it('renders nothing when there is nothing to say', () => {
    expect(renderCodeSection(null, quiet)).toBe('')
    expect(
      renderCodeSection(
        { ...context(), commit: null, frames: [], crash: null, owners: null, suspect: null },
        quiet
      )
    ).toBe('')
  })

  it('keeps hostile frame text and odd links inert', () => {
    const md = renderCodeSection(
      context({
        frames: [
          {
            function: '@octocat </details><img src=x onerror=alert(1)> ``` #1234',
            filename: 'x.ts',
            lineNo: 1,
            path: 'a](javascript:alert(1)).ts',
            permalink: 'javascript:alert(1)'
          },
          {
            function: 'f',
            filename: '@acme/security | pipe',
            lineNo: 2,
            path: null,
            permalink: null
          }
        ],
        owners: {
          users: ['bad name](http://evil)'],
          teams: [],
          emails: [],
          file: '.github/CODEOWNERS',
          pattern: '*'
        }
      }),
      { ...quiet, mentionOwners: true }
    )
    // The path is shown escaped, unlinked: no `](javascript:` link can form.
    expect(md).not.toMatch(/(^|[^\\])\]\(javascript:/m)
    expect(md).toContain('a\\](javascript:alert(1)).ts:1 in')
    expect(md).not.toMatch(/<img|<\/details>/)
    expect(md).not.toContain('](http://evil)')
    expect(md).not.toMatch(/@octocat|@acme\/security/)
    expect(md).not.toContain('#1234')
    expect(md).toContain('_(not found in the repository)_')
  })

  it('sits between the stack and the footer of the issue body', () => {
    const body = renderIssueBody({
      issue: sentryIssue(),
      others: [],
      classification: classification(),
      route: null,
      event: eventContext(),
      signature: null,
      redact: s => s,
      codeSection: renderCodeSection(context(), quiet)
    })
    const stackEnd = body.lastIndexOf('```')
    expect(body.indexOf('### Code')).toBeGreaterThan(stackEnd)
    expect(body.indexOf('<sub>Opened by sentry-triage')).toBeGreaterThan(body.indexOf('### Code'))
  })
})

describe('assigneesFor', () => {
  it('codeowners: the individual users, never teams or e-mails', () => {
    expect(assigneesFor(context(), ['codeowners'])).toEqual(['alice', 'dave'])
  })

  it('suspect-commit: the author of the last change to the crash line', () => {
    expect(assigneesFor(context(), ['suspect-commit'])).toEqual(['bob'])
    expect(
      assigneesFor(context({ suspect: { ...context().suspect!, login: null } }), ['suspect-commit'])
    ).toEqual([])
  })

  it('both: deduplicated (case-insensitively), bots left out, at most 10', () => {
    const many = Array.from({ length: 12 }, (_, i) => `dev${i}`)
    const ctx = context({
      owners: {
        users: ['Bob', 'dependabot[bot]', ...many],
        teams: ['acme/x'],
        emails: [],
        file: 'CODEOWNERS',
        pattern: '*'
      }
    })
    expect(assigneesFor(ctx, ['suspect-commit', 'codeowners'])).toEqual([
      'bob',
      ...many.slice(0, 9)
    ])
  })

  it('nothing without a context or without assign', () => {
    expect(assigneesFor(null, ['codeowners'])).toEqual([])
    expect(assigneesFor(context(), [])).toEqual([])
  })
})
