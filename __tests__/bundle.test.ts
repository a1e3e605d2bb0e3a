/**
 * The committed bundle, run as the runner runs it: `node dist/index.js` in a child process with
 * INPUT_* and GITHUB_* variables, against the fakes. E2E_NODE picks another Node binary (CI runs
 * this file on Node 24 as well, the runtime action.yml names).
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWorld, SECRETS, type World } from './fakes/world.js'
import { CATEGORIES, SEVERITIES, categoryLabel, severityLabel } from '../src/classify/taxonomy.js'

const NODE = process.env.E2E_NODE || process.execPath
const BUNDLE = join(process.cwd(), 'dist', 'index.js')

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

interface Spawned {
  code: number | null
  stdout: string
  outputs: Record<string, string>
  summary: string
}

/** Parses the `name<<delimiter` blocks @actions/core writes to $GITHUB_OUTPUT. */
function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<]+)<<(.+)$/.exec(lines[i]!)
    if (!match) continue
    const value: string[] = []
    for (i++; i < lines.length && lines[i] !== match[2]; i++) value.push(lines[i]!)
    outputs[match[1]!] = value.join('\n')
  }
  return outputs
}

async function runBundle(w: World, inputs: Record<string, string>): Promise<Spawned> {
  const dir = mkdtempSync(join(tmpdir(), 'sentry-triage-e2e-'))
  const outputFile = join(dir, 'output')
  const summaryFile = join(dir, 'summary')
  writeFileSync(outputFile, '')
  writeFileSync(summaryFile, '')
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    ...w.env,
    GITHUB_OUTPUT: outputFile,
    GITHUB_STEP_SUMMARY: summaryFile
  }
  for (const [name, value] of Object.entries({ ...w.inputs, ...inputs }))
    env[`INPUT_${name.toUpperCase()}`] = value
  const child = spawn(NODE, [BUNDLE], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let stdout = ''
  child.stdout.on('data', chunk => (stdout += chunk))
  child.stderr.on('data', chunk => (stdout += chunk))
  const code = await new Promise<number | null>(resolve => child.on('close', resolve))
  return {
    code,
    stdout,
    outputs: parseOutputFile(readFileSync(outputFile, 'utf8')),
    summary: readFileSync(summaryFile, 'utf8')
  }
}

/** Every label the action could use, so the run makes no label writes (3 s pacing stays affordable). */
const ALL_LABELS = [
  ...CATEGORIES.map(categoryLabel),
  ...SEVERITIES.map(severityLabel),
  'sentry'
].map(name => ({ name, color: '000000', description: 'seeded' }))

describe('dist/index.js as the runner runs it', () => {
  it('performs a complete run with real write pacing, and a re-run writes nothing', async () => {
    world = await startWorld({ github: { labels: ALL_LABELS } })
    const first = await runBundle(world, { 'max-issues': '2' })
    expect(first.stdout).not.toMatch(/::error::/)
    expect(first.code).toBe(0)
    // The two highest-impact issues: the fatal crash (opened) and the JWT errors (linked to #7, labelled).
    expect(first.outputs).toMatchObject({
      triaged: '2',
      created: '1',
      labeled: '1',
      skipped: '10',
      failed: '0'
    })
    expect(JSON.parse(first.outputs.results!)).toHaveLength(12)
    expect(
      world.github.issues.filter(i => /^<!-- sentry-triage:v1 /m.test(i.body ?? ''))
    ).toHaveLength(1)
    expect(world.github.issue(7)!.labels.some(l => l.name.startsWith('severity:'))).toBe(true)
    expect(first.summary).toMatch(/## Sentry triage/)
    expect(first.stdout).toMatch(/triaged 2, created 1, labelled 1/)
    // `::add-mask::` is the runner's masking command itself: the one place a secret may appear.
    const printed = first.stdout
      .split('\n')
      .filter(line => !line.startsWith('::add-mask::'))
      .join('\n')
    expect(first.stdout.split('\n').filter(line => line.startsWith('::add-mask::'))).toHaveLength(3)
    for (const secret of SECRETS) {
      expect(printed).not.toContain(secret)
      expect(first.summary).not.toContain(secret)
      expect(JSON.stringify(first.outputs)).not.toContain(secret)
    }

    // GraphQL blame (code context) is a POST that only reads.
    const github = world.github
    const writeCount = () =>
      github.requests.filter(r => r.method !== 'GET' && r.path !== '/graphql').length
    const writes = writeCount()
    const llm = world.llm.stats.requests
    const again = await runBundle(world, { 'max-issues': '2' })
    expect(again.code).toBe(0)
    // The two opened issues are skipped; the next two highest-impact ones get theirs.
    expect(again.outputs.created).toBe('2')
    expect(writeCount()).toBe(writes + 2)
    expect(world.llm.stats.requests).toBe(llm + 2)
  })

  it('dry-run over the whole seed writes nothing and exits 0', async () => {
    world = await startWorld()
    const run = await runBundle(world, { 'dry-run': 'true' })
    expect(run.code).toBe(0)
    expect(run.outputs.created).toBe('0')
    expect(run.summary).toMatch(
      /Would create \*\*10\*\* GitHub issue\(s\) for 11 Sentry issue\(s\)/
    )
    expect(world.github.requests.filter(r => r.method !== 'GET')).toHaveLength(0)
  })

  it('exits 1 on bad inputs with one message naming each, before any request', async () => {
    world = await startWorld()
    const run = await runBundle(world, {
      'max-issues': 'abc',
      since: 'yesterday',
      'sentry-url': 'ftp://x'
    })
    expect(run.code).toBe(1)
    expect(run.stdout).toMatch(
      /::error::Invalid inputs:.*Input 'sentry-url'.*Input 'since'.*Input 'max-issues'/
    )
    expect(world.sentry.requests).toHaveLength(0)
    expect(world.github.requests).toHaveLength(0)
  })
})
