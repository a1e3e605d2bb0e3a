/**
 * The `sentry-triage` command as a person runs it: `node dist/cli.js …` in a child process against
 * the fakes. Needs the build (`npm run build`; CI builds before it tests).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWorld, SECRETS, type World } from './fakes/world.js'
import { DIST, NODE, runNode } from './support/spawn.js'
import { DEFAULTS, INPUT_NAMES } from '../src/config/config.js'
import { SECRET_ENV, printable } from '../src/config/flags.js'
import { signBody } from '../src/webhook/hmac.js'
import { CATEGORIES, SEVERITIES, categoryLabel, severityLabel } from '../src/classify/taxonomy.js'

const CLI = join(DIST, 'cli.js')

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

/** Flags and environment that point the CLI at the world, secrets in the environment only. */
function against(w: World) {
  return {
    flags: [
      '--sentry-org',
      'acme',
      '--sentry-url',
      w.sentry.url,
      '--holysheep-base-url',
      w.llm.url,
      '--repository',
      'acme/shop'
    ],
    env: {
      SENTRY_AUTH_TOKEN: w.inputs['sentry-token']!,
      HOLYSHEEP_API_KEY: w.inputs['holysheep-api-key']!,
      GITHUB_TOKEN: w.inputs['github-token']!,
      GITHUB_API_URL: w.env.GITHUB_API_URL!,
      GITHUB_SERVER_URL: w.env.GITHUB_SERVER_URL!
    }
  }
}

const cli = (args: string[], env: Record<string, string> = {}) => runNode(CLI, args, env)
const requestsTo = (w: World) => w.sentry.requests.length + w.github.requests.length

describe('sentry-triage (dist/cli.js)', () => {
  it('--help lists every input as a flag with its default, and the secrets’ variables', async () => {
    const run = await cli(['--help'])
    expect(run.code).toBe(0)
    expect(run.stderr).toBe('')
    for (const name of INPUT_NAMES) {
      if (name in SECRET_ENV) {
        expect(run.stdout).not.toContain(`--${name}`)
        expect(run.stdout).toContain(SECRET_ENV[name])
        continue
      }
      const line = run.stdout.split('\n').find(l => l.trimStart().startsWith(`--${name} `))
      expect(line).toBeDefined()
      const value = (DEFAULTS as Record<string, string>)[name]
      if (value) expect(line).toContain(`default: ${value}`)
    }
  })

  it('--dry-run --json prints the results array and nothing else on stdout, writing nothing', async () => {
    world = await startWorld()
    const { flags, env } = against(world)
    const run = await cli([...flags, '--dry-run', '--json'], env)
    expect(run.code).toBe(0)
    const results = JSON.parse(run.stdout) as Array<Record<string, unknown>>
    expect(results).toHaveLength(12)
    expect(results.filter(r => r.action === 'would-create')).toHaveLength(11)
    expect(results.filter(r => r.action === 'would-label')).toHaveLength(1)
    expect(results[0]).toMatchObject({ shortId: expect.any(String), category: expect.any(String) })
    expect(world.github.requests.filter(r => r.method !== 'GET')).toHaveLength(0)
    // Not a TTY here: no progress line; the log goes to stderr.
    expect(run.stderr).not.toContain('classified ')
    expect(run.stderr).toMatch(/triaged 12, created 0/)
    for (const secret of SECRETS) expect(run.stdout + run.stderr).not.toContain(secret)
  })

  it('shows a progress line on stderr when stderr is a terminal', async () => {
    // util-linux `script` gives the child a pseudo-terminal (Linux runners have it).
    expect(existsSync('/usr/bin/script') || existsSync('/bin/script')).toBe(true)
    world = await startWorld()
    const { flags, env } = against(world)
    const dir = mkdtempSync(join(tmpdir(), 'sentry-triage-tty-'))
    const quoted = [NODE, CLI, ...flags, '--dry-run', '--max-concurrency', '1']
      .map(arg => `'${arg}'`)
      .join(' ')
    const run = await new Promise<number | null>(resolve => {
      const child = spawn(
        'script',
        ['-qec', `${quoted} > '${join(dir, 'stdout')}'`, join(dir, 'terminal')],
        { env: { PATH: process.env.PATH ?? '', TERM: 'xterm', ...env }, stdio: 'ignore' }
      )
      child.on('close', resolve)
    })
    expect(run).toBe(0)
    const terminal = readFileSync(join(dir, 'terminal'), 'utf8')
    expect(terminal).toContain('classified 1/11 …')
    expect(terminal).toContain('classified 11/11 …')
    // The table went to stdout, which was a file: no progress line in it.
    const stdout = readFileSync(join(dir, 'stdout'), 'utf8')
    expect(stdout).toMatch(/^Sentry\s+Title/)
    expect(stdout).not.toContain('classified')
  })

  it('prints the triage table without --json, and a re-run triages nothing twice', async () => {
    const labels = [...CATEGORIES.map(categoryLabel), ...SEVERITIES.map(severityLabel), 'sentry']
    world = await startWorld({
      github: { labels: labels.map(name => ({ name, color: '000000', description: 'seeded' })) }
    })
    const { flags, env } = against(world)
    const run = await cli([...flags, '--max-issues', '1', '--classifier=heuristic'], env)
    expect(run.code).toBe(0)
    const [header, rule, first] = run.stdout.split('\n')
    expect(header).toMatch(/^Sentry\s+Title\s+Category\s+Severity\s+Classifier\s+Action\s+GitHub$/)
    expect(rule).toMatch(/^-+ {2}-+/)
    expect(first).toMatch(/created\s+#\d+$/)
    const again = await cli([...flags, '--max-issues', '1', '--classifier=heuristic'], env)
    expect(again.code).toBe(0)
    // The issue opened first is skipped; the next one in line (#7, linked by Sentry) is labelled.
    const number = /#\d+$/.exec(first!)![0]
    expect(again.stdout).toMatch(
      new RegExp(`^${first!.split(/\s+/)[0]}\\s.*skipped\\s+${number}$`, 'm')
    )
    expect(again.stdout).not.toMatch(/\bcreated\b/)
    expect(world.github.issues.filter(i => i.body?.startsWith('<!-- sentry-triage'))).toHaveLength(
      1
    )
  })

  it('exits 1 when an issue fails, still printing the table', async () => {
    world = await startWorld()
    world.github.fault(
      { method: 'POST', path: /\/repos\/acme\/shop\/issues$/ },
      { status: 422, times: 10, body: { message: 'Validation Failed', errors: [] } }
    )
    const { flags, env } = against(world)
    const run = await cli([...flags, '--max-issues', '1', '--classifier', 'heuristic'], env)
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(/\bfailed\b/)
    expect(run.stderr).toMatch(/error: 1 Sentry issue\(s\) could not be triaged/)
  })

  it('refuses a bad flag or value with exit 2 and the same message as a bad input, before any request', async () => {
    world = await startWorld()
    const { flags, env } = against(world)
    const unknown = await cli([...flags, '--max-isues', '3'], env)
    expect(unknown.code).toBe(2)
    expect(unknown.stderr).toMatch(/Unknown option '--max-isues' \(see --help\)/)
    const bad = await cli([...flags, '--since', 'yesterday', '--dry-run', 'maybe'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toContain(
      "Input 'since' must be a number followed by m, h, d, w (e.g. 30m, 6h, 24h, 7d) (got 'yesterday')"
    )
    expect(bad.stderr).toContain("Input 'dry-run' must be true or false (got 'maybe')")
    const stray = await cli([...flags, 'ghp_pastedByMistake0123'], env)
    expect(stray.code).toBe(2)
    expect(stray.stderr).not.toContain('ghp_pastedByMistake')
    const noRepo = await cli(flags.slice(0, -2), env)
    expect(noRepo.code).toBe(2)
    expect(noRepo.stderr).toContain("Input 'repository' must be owner/repo (GITHUB_REPOSITORY")
    expect(requestsTo(world)).toBe(0)
    expect(bad.stdout + unknown.stdout + noRepo.stdout).toBe('')
  })

  it('refuses a secret given as a flag with exit 2, naming the variable and never the value', async () => {
    world = await startWorld()
    const { flags, env } = against(world)
    for (const [flag, variable] of Object.entries(SECRET_ENV)) {
      const value = `${flag.slice(0, 3)}_s3cr3tValue0123456789`
      for (const args of [[`--${flag}`, value], [`--${flag}=${value}`]]) {
        const run = await cli([...flags, ...args], env)
        expect(run.code).toBe(2)
        expect(run.stderr).toContain(`set ${variable} in the environment instead`)
        expect(run.stdout + run.stderr).not.toContain('s3cr3tValue')
      }
    }
    expect(requestsTo(world)).toBe(0)
  })

  it('says which environment variables hold the secrets when they are missing', async () => {
    const run = await cli(['--sentry-org', 'acme', '--repository', 'acme/shop'])
    expect(run.code).toBe(2)
    expect(run.stderr).toContain("Input 'sentry-token' is required")
    expect(run.stderr).toContain(
      'Secrets come from the environment: SENTRY_AUTH_TOKEN, HOLYSHEEP_API_KEY, GITHUB_TOKEN.'
    )
  })

  it('relay: starts on --port, forwards a signed webhook, stops on SIGTERM; exit 2 without configuration', async () => {
    const missing = await cli(['relay', '--port', '0'], { GITHUB_TOKEN: 'x' })
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain(
      'SENTRY_CLIENT_SECRET is not set; GITHUB_REPOSITORY is not set'
    )

    world = await startWorld()
    const child = spawn(NODE, [CLI, 'relay', '--port', '0', '--host', '127.0.0.1'], {
      env: {
        PATH: process.env.PATH ?? '',
        SENTRY_CLIENT_SECRET: 'client-secret-for-the-test',
        GITHUB_TOKEN: world.inputs['github-token']!,
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_API_URL: world.github.url
      },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stderr = ''
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', chunk => {
        stderr += chunk
        const match = /listening on (http:\/\/\S+),/.exec(stderr)
        if (match) resolve(match[1]!)
      })
      child.on('close', code => reject(new Error(`relay exited ${code}: ${stderr}`)))
    })
    const body = JSON.stringify({ action: 'created', data: { issue: { id: '6012345001' } } })
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'sentry-hook-resource': 'issue',
        'sentry-hook-timestamp': String(Math.floor(Date.now() / 1000)),
        'sentry-hook-signature': await signBody('client-secret-for-the-test', body)
      },
      body
    })
    expect(response.status).toBe(202)
    expect(world.github.dispatches).toHaveLength(1)
    const exited = new Promise<number | null>(resolve => child.on('exit', resolve))
    child.kill('SIGTERM')
    expect(await exited).toBe(0)
    expect(stderr).toMatch(/issue\.created 6012345001: 202, dispatched/)
  })
})

describe('printable', () => {
  it('replaces terminal escapes and bidi overrides in Sentry text, keeping line breaks and tabs', () => {
    expect(printable('\u001b]0;owned\u0007title\u001b[2J\tok\nnext \u202Eevil')).toBe(
      '\uFFFD]0;owned\uFFFDtitle\uFFFD[2J\tok\nnext \uFFFDevil'
    )
    expect(printable('Error: café – ok')).toBe('Error: café – ok')
  })
})
