/**
 * dist/index.js as the runner runs it on `repository_dispatch` from the webhook relay: INPUT_* and
 * GITHUB_EVENT_NAME/GITHUB_EVENT_PATH, against the fakes. Needs the build, like bundle.test.ts.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { startWorld, SECRETS, type World } from './fakes/world.js'
import { DIST, runNode } from './support/spawn.js'
import {
  WEBHOOK_SECRET,
  dispatchEnv,
  issueWebhook,
  signedPayload
} from './support/dispatch-event.js'

const CRASH = '6012345001'

let world: World | undefined
afterEach(async () => {
  await world?.close()
  world = undefined
})

async function runOnDispatch(w: World, payload: unknown) {
  const outputFile = join(mkdtempSync(join(tmpdir(), 'sentry-triage-dispatch-')), 'output')
  writeFileSync(outputFile, '')
  const env: Record<string, string> = {
    ...w.env,
    ...dispatchEnv(payload),
    GITHUB_OUTPUT: outputFile
  }
  const inputs = { ...w.inputs, 'sentry-webhook-secret': WEBHOOK_SECRET }
  for (const [name, value] of Object.entries(inputs)) env[`INPUT_${name.toUpperCase()}`] = value
  const run = await runNode(join(DIST, 'index.js'), [], env)
  return { ...run, log: run.stdout + run.stderr, outputs: readFileSync(outputFile, 'utf8') }
}

const noRequests = (w: World) => {
  expect(w.sentry.requests).toHaveLength(0)
  expect(w.github.requests).toHaveLength(0)
  expect(w.llm.stats.requests).toBe(0)
}

describe('dist/index.js on repository_dispatch', () => {
  it('triages exactly the issue a valid signed payload names', async () => {
    world = await startWorld()
    const run = await runOnDispatch(
      world,
      await signedPayload('issue', issueWebhook('created', CRASH))
    )
    expect(run.log).not.toMatch(/::error::/)
    expect(run.code).toBe(0)
    expect(run.log).toContain(`Sentry issue.created for issue ${CRASH}, signature verified`)
    expect(run.outputs).toMatch(/^created<<.+\n1\n/m)
    expect(world.github.issues.filter(i => i.body?.includes(CRASH))).toHaveLength(1)
    expect(world.llm.stats.requests).toBe(1)
    const printed = run.log.split('\n').filter(l => !l.startsWith('::add-mask::'))
    for (const secret of [...SECRETS, WEBHOOK_SECRET])
      expect(printed.join('\n')).not.toContain(secret)
  })

  it('fails the step on a tampered body, with no request to Sentry, GitHub or the LLM', async () => {
    world = await startWorld()
    const payload = await signedPayload('issue', issueWebhook('created', CRASH))
    const run = await runOnDispatch(world, {
      ...payload,
      body: issueWebhook('created', '6012345002')
    })
    expect(run.code).toBe(1)
    expect(run.log).toMatch(
      /::error::The signature of the sentry-triage repository_dispatch does not match its body under sentry-webhook-secret/
    )
    noRequests(world)
  })

  it('fails the step on an unsigned payload, with no request at all', async () => {
    world = await startWorld()
    const run = await runOnDispatch(world, {
      resource: 'issue',
      body: issueWebhook('created', CRASH)
    })
    expect(run.code).toBe(1)
    expect(run.log).toMatch(/::error::The sentry-triage repository_dispatch carries no signature/)
    noRequests(world)
  })
})
