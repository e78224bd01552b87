/**
 * The lockout policy on its own (src/core/account/lockout.ts), driven as the account
 * object drives it: attempts are admitted, run concurrently, and end in a
 * success or a failure in any order, while the clock moves.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import {
  type AttemptState,
  admit,
  afterFailure,
  MAX_FAILURES,
  NO_ATTEMPTS,
  waitAfter,
} from '../../src/core/account/lockout'

const MINUTE = 60_000

describe('the wait', () => {
  it('is none below five failures, a minute at five, doubling after, an hour at most', () => {
    expect([1, 2, 3, 4].map(waitAfter)).toEqual([0, 0, 0, 0])
    expect([5, 6, 7, 8, 9, 10, 11].map((n) => waitAfter(n) / MINUTE)).toEqual([1, 2, 4, 8, 16, 32, 60])
    expect(waitAfter(1_000)).toBe(60 * MINUTE)
  })

  it('is answered as whole seconds to wait', () => {
    const { state } = afterFailure({ failures: 4, lockedUntil: 0 }, 1_000)
    expect(admit(state, 0, 1_000)).toEqual({ retryAfterSeconds: 60 })
    expect(admit(state, 0, 1_000 + MINUTE - 1)).toEqual({ retryAfterSeconds: 1 })
    expect(admit(state, 0, 1_000 + MINUTE)).toBeUndefined()
  })
})

type Step = { kind: 'start' } | { kind: 'finish'; which: number; ok: boolean } | { kind: 'wait'; ms: number }

const steps = fc.array(
  fc.oneof(
    { arbitrary: fc.constant<Step>({ kind: 'start' }), weight: 4 },
    {
      // Mostly failures: the limit is what is under test.
      arbitrary: fc.record({
        kind: fc.constant('finish' as const),
        which: fc.nat(),
        ok: fc.oneof({ arbitrary: fc.constant(false), weight: 5 }, fc.constant(true)),
      }),
      weight: 4,
    },
    {
      arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 3 * MINUTE }) }),
      weight: 1,
    },
  ),
  { minLength: 10, maxLength: 200, size: 'max' },
)

describe('under any interleaving of concurrent attempts', () => {
  it('never lets more than five failures in a row through before a wait, nor more than one after each wait', () => {
    fc.assert(
      fc.property(steps, (script) => {
        let state: AttemptState = NO_ATTEMPTS
        let now = 0
        let running = 0
        /** Failures since the last success or the end of the last wait. */
        let failures = 0
        /** Whether a wait has ended since the last success (then one failure per wait). */
        let waited = false
        let locked = false
        for (const step of script) {
          if (step.kind === 'wait') {
            now += step.ms
            if (locked && now >= state.lockedUntil) {
              locked = false
              waited = true
              failures = 0
            }
          } else if (step.kind === 'start') {
            if (admit(state, running, now) === undefined) {
              expect(locked).toBe(false)
              running += 1
            }
          } else if (step.kind === 'finish' && running > 0) {
            running -= 1
            if (step.ok) {
              state = NO_ATTEMPTS
              failures = 0
              waited = false
              locked = false
            } else {
              const next = afterFailure(state, now)
              state = next.state
              failures += 1
              if (next.lockedOut) locked = true
            }
          }
          expect(failures).toBeLessThanOrEqual(waited ? 1 : MAX_FAILURES)
        }
      }),
      { numRuns: 1_000 },
    )
  })

  it('always admits an attempt again once the wait is over and nothing is in flight: no lockout is forever', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.nat(), (failures, now) => {
        const state = { failures, lockedUntil: now + waitAfter(failures) }
        expect(admit(state, 0, state.lockedUntil)).toBeUndefined()
      }),
    )
  })
})
