/** CODEOWNERS matching, on GitHub's documented examples (GH-DOCS `about-code-owners`). */
import { describe, expect, it } from '@jest/globals'
import { ownersOf, parseCodeOwners, patternToRegExp } from '../src/code/codeowners.js'

const matches = (pattern: string, path: string) => patternToRegExp(pattern).test(path)

describe('patterns', () => {
  it.each([
    // a pattern without a slash matches at any depth
    ['*.js', 'app.js', true],
    ['*.js', 'src/deep/app.js', true],
    ['*.js', 'src/app.ts', false],
    ['Makefile', 'tools/Makefile', true],
    // anchored at the root
    ['/build/logs/', 'build/logs/a.txt', true],
    ['/build/logs/', 'build/logs/deep/a.txt', true],
    ['/build/logs/', 'x/build/logs/a.txt', false],
    ['/docs/', 'docs/a.md', true],
    ['/docs/', 'src/docs/a.md', false],
    // a middle slash anchors too
    ['src/routes', 'src/routes/cart.ts', true],
    ['src/routes', 'app/src/routes/cart.ts', false],
    // `*` does not cross a slash; `docs/*` owns only files directly in docs/
    ['docs/*', 'docs/getting-started.md', true],
    ['docs/*', 'docs/build-app/troubleshooting.md', false],
    ['src/*.ts', 'src/a.ts', true],
    ['src/*.ts', 'src/x/a.ts', false],
    // trailing slash: any directory of that name, at any depth
    ['apps/', 'apps/a.ts', true],
    ['apps/', 'x/y/apps/a.ts', true],
    ['apps/', 'apps', false],
    // `**`
    ['**/logs', 'build/logs/a', true],
    ['**/logs', 'deeply/nested/logs/a', true],
    ['**/logs', 'logs/a', true],
    ['src/**/test.ts', 'src/test.ts', true],
    ['src/**/test.ts', 'src/a/b/test.ts', true],
    ['src/**', 'src/a/b.ts', true],
    ['src/**', 'lib/src/a.ts', false],
    ['?.ts', 'a.ts', true],
    ['?.ts', 'ab.ts', false],
    // escapes and literal regex characters
    // inside a pattern a backslash escapes (a leading `\#` is refused by parseCodeOwners)
    ['docs/\\#notes.md', 'docs/#notes.md', true],
    ['a+b(c).txt', 'a+b(c).txt', true],
    ['a+b(c).txt', 'aab(c).txt', false]
  ])('%s against %s: %s', (pattern, path, expected) => {
    expect(matches(pattern, path)).toBe(expected)
  })
})

describe('parseCodeOwners and ownersOf', () => {
  const file = parseCodeOwners(
    [
      '# Global owners',
      '*       @acme/platform',
      '*.py    @py-lead dev@acme.com',
      '/checkout-api/src/   @alice @acme/checkout   # the checkout team',
      '/checkout-api/src/pricing/ @bob',
      '/apps/ @octocat',
      '/apps/github',
      '!secret.txt @nobody',
      '[Rr]eadme.md @docs',
      'odd.txt not-an-owner'
    ].join('\n')
  )

  it('the last matching line wins', () => {
    expect(ownersOf(file, 'checkout-api/src/pricing/applyDiscounts.ts')?.owners).toEqual({
      users: ['bob'],
      teams: [],
      emails: []
    })
    expect(ownersOf(file, 'checkout-api/src/routes/cart.ts')?.owners).toEqual({
      users: ['alice'],
      teams: ['acme/checkout'],
      emails: []
    })
    expect(ownersOf(file, 'payments/tasks.py')?.owners).toEqual({
      users: ['py-lead'],
      teams: [],
      emails: ['dev@acme.com']
    })
    expect(ownersOf(file, 'README')?.owners.teams).toEqual(['acme/platform'])
  })

  it('a later line without owners unsets them', () => {
    expect(ownersOf(file, 'apps/web/index.ts')?.owners.users).toEqual(['octocat'])
    expect(ownersOf(file, 'apps/github/index.ts')?.owners).toEqual({
      users: [],
      teams: [],
      emails: []
    })
  })

  it('reports what GitHub does not support instead of guessing', () => {
    expect(file.problems).toEqual([
      "line 8: '!secret.txt' uses !, which CODEOWNERS does not support",
      "line 9: '[Rr]eadme.md' uses [ ], which CODEOWNERS does not support",
      "line 10: 'not-an-owner' is not @user, @org/team or an e-mail; the line is skipped, as GitHub skips it"
    ])
    expect(file.rules.map(r => r.pattern)).not.toContain('!secret.txt')
  })

  it('a line whose owners are all invalid is skipped, as GitHub does: the earlier owners stand', () => {
    const skipped = parseCodeOwners(
      ['/payments/ @bob', '/payments/ payments-team not_an_email@', '/payments/ @carol bad'].join(
        '\n'
      )
    )
    expect(skipped.rules.map(r => r.line)).toEqual([1, 3])
    expect(ownersOf(skipped, 'payments/tasks.py')?.owners.users).toEqual(['carol'])
    const only = parseCodeOwners(['/payments/ @bob', '/payments/ payments-team'].join('\n'))
    expect(ownersOf(only, 'payments/tasks.py')).toMatchObject({
      owners: { users: ['bob'] },
      rule: { line: 1 }
    })
    expect(only.problems).toEqual([
      "line 2: 'payments-team' is not @user, @org/team or an e-mail; the line is skipped, as GitHub skips it"
    ])
  })

  it('a pattern escaped with \\# is skipped: GitHub does not honour the escape (GH-DOCS about-code-owners)', () => {
    const hashed = parseCodeOwners(['*.md @docs', '\\#notes.md @hash'].join('\n'))
    expect(hashed.rules.map(r => r.pattern)).toEqual(['*.md'])
    expect(ownersOf(hashed, '#notes.md')?.owners.users).toEqual(['docs'])
    expect(hashed.problems).toEqual([
      "line 2: '\\#notes.md' escapes # with \\, which CODEOWNERS does not support; the line is skipped"
    ])
  })

  it('no rule matches: no owners', () => {
    expect(ownersOf(parseCodeOwners('/docs/ @writer'), 'src/a.ts')).toBeNull()
  })
})
