/**
 * GitHub shows only a few annotations per step, so the warnings of a run are aggregated per kind:
 * one annotation each, with a count and the first details; every detail still reaches the log.
 */
import { afterEach, describe, expect, it } from '@jest/globals'
import { runAction, startWorld, type World } from './fakes/world.js'
import { WarningAggregator, MAX_DETAILS } from '../src/report/warnings.js'

let worlds: World[] = []
afterEach(async () => {
  await Promise.all(worlds.map(w => w.close()))
  worlds = []
})

describe('warnings aggregated per kind', () => {
  it('a run where 5 issues fail and GitHub rate-limits 3 times yields one annotation per kind, with counts', async () => {
    const w = await startWorld()
    worlds.push(w)
    // Three writes hit the secondary rate limit (and are retried) …
    w.github.secondaryRateLimit(3, 1)
    // … then five issue creations are refused for good.
    w.github.fault(
      { method: 'POST', path: /\/repos\/acme\/shop\/issues$/ },
      {
        status: 422,
        times: 5,
        body: { message: 'Validation Failed', errors: [{ code: 'custom', message: 'no' }] }
      }
    )

    const run = await runAction(w)

    const failed = run.report?.failed ?? 0
    expect(failed).toBeGreaterThanOrEqual(5)
    const failures = run.warnings.filter(m => /failed/.test(m) && /GitHub rejected/.test(m))
    expect(failures).toHaveLength(1)
    expect(failures[0]).toMatch(
      new RegExp(`^Sentry issues failed \\(${failed}\\): ${failed} times`)
    )
    expect(failures[0]!.match(/^- /gm)).toHaveLength(Math.min(failed, MAX_DETAILS))
    if (failed > MAX_DETAILS)
      expect(failures[0]).toMatch(new RegExp(`and ${failed - MAX_DETAILS} more in the log`))
    else expect(failures[0]).not.toMatch(/more in the log/)

    const limits = run.warnings.filter(m => /rate limit/.test(m))
    expect(limits).toHaveLength(1)
    expect(limits[0]).toMatch(/^GitHub rate limit \(3\): 3 times/)

    // Every detail is in the log, one line each.
    const logged = run.info.filter(l => /GitHub secondary rate limit on/.test(l))
    expect(logged).toHaveLength(3)
    expect(run.info.filter(l => /GitHub rejected the request while creating/.test(l))).toHaveLength(
      failed
    )
  })
})

describe('WarningAggregator', () => {
  function sink() {
    const out = { warnings: [] as Array<[string, string | undefined]>, info: [] as string[] }
    return {
      out,
      io: {
        warning: (message: string, title?: string) => void out.warnings.push([message, title]),
        info: (message: string) => void out.info.push(message)
      }
    }
  }

  it('passes a kind seen once unchanged, logs every warning at once, and emits nothing until flushed', () => {
    const { out, io } = sink()
    const warnings = new WarningAggregator(io, title => title.replace(/ \S+ failed$/, ' failed'))

    warnings.warning('only one', 'LLM unavailable')
    warnings.warning('A-1: boom', 'Sentry issue A-1 failed')
    warnings.warning('B-2: bang', 'Sentry issue B-2 failed')
    expect(out.warnings).toEqual([])
    expect(out.info).toHaveLength(3)

    warnings.flush()
    expect(out.warnings).toEqual([
      ['only one', 'LLM unavailable'],
      ['2 times:\n- A-1: boom\n- B-2: bang', 'Sentry issue failed (2)']
    ])
    warnings.flush()
    expect(out.warnings).toHaveLength(2)
  })
})
