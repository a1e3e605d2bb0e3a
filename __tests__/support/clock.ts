/**
 * A clock for `run()` whose waits return at once: `now` starts at the real time and advances only
 * by what `sleep` was asked, and every wait is recorded, so a test asserts on the waits the action
 * asked for (a Retry-After of 7 s → a 7000 ms sleep) instead of on elapsed wall time.
 */
import type { Clock } from '../../src/http/retry.js'

export class TestClock implements Clock {
  /** What `now()` said before any wait. */
  readonly start: number
  /** Every wait asked for, in ms, in order. */
  readonly sleeps: number[] = []
  private slept = 0

  constructor(start: number = Date.now()) {
    this.start = start
  }

  now = (): number => this.start + this.slept

  sleep = async (ms: number, signal?: AbortSignal): Promise<void> => {
    if (signal?.aborted) return
    this.sleeps.push(ms)
    this.slept += ms
    // Yields a turn, as a timer would, so other work in flight interleaves as it does for real.
    await new Promise<void>(resolve => setImmediate(resolve))
  }

  /** All the time the action spent waiting, in ms. */
  get total(): number {
    return this.slept
  }
}
