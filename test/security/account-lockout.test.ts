/**
 * Threat: someone holding a user's tokens guesses codes (step-up codes of the
 * authenticator, codes at /mfa_verify) or tries recovery codes the user no
 * longer holds, from many places at once, faster than a per-location rate
 * limit can see. The account object counts every failure exactly and
 * globally: after five in a row the user waits (a minute, doubling, an hour at
 * most) and no attempt reaches SaaSus or the code check until then.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { MAX_FAILURES } from '../../src/core/account/lockout'
import type { UpstreamOutcome } from '../../src/core/account/protocol'
import { RESERVATION_MS } from '../../src/core/account/reservations'
import { enrolledUser, eventTypes, json, occurrences, userAccount, withStepUp } from '../support/account'
import { bearer, codeAt, type TestUser, wrongCode } from '../support/harness'

const api = withStepUp()
const disable = (user: TestUser, code: string) => api('/mfa_disable', json({ verification_code: code }, bearer(user)))
const callerOf = (user: TestUser, now = Date.now()) => ({ userId: user.id, now, requestId: 'lockout-test' })
const randomHash = () => crypto.randomUUID().replaceAll('-', '').padEnd(64, '0')

/** One verification as the Worker makes it: admitted or locked; if admitted, `saasus` answers and is recorded. */
async function guess(
  user: TestUser,
  saasus: () => Promise<UpstreamOutcome>,
  now = Date.now(),
): Promise<'checked' | 'locked'> {
  const admitted = await userAccount(user.id).admitVerify(callerOf(user, now))
  if (!('ok' in admitted)) return 'locked'
  await userAccount(user.id).recordVerify(callerOf(user, now), admitted.reservation, await saasus(), '000000')
  return 'checked'
}

describe('wrong step-up codes', () => {
  it('five are answered 400; then 429 with Retry-After, even for the right code', async () => {
    const { user, secret } = await enrolledUser(api)
    for (let i = 0; i < 5; i++) expect((await disable(user, wrongCode(secret))).status).toBe(400)
    const res = await disable(user, codeAt(secret, 1))
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toBe('60')
    expect(await res.json()).toMatchObject({ code: 'too_many_attempts' })
    expect(await occurrences(user, 'step_up_failed')).toBe(5)
    expect((await eventTypes(user))[0]).toBe('locked_out')
  })

  it('a success clears the count: four wrong, one right, then four more wrong are still answered', async () => {
    const { user, secret } = await enrolledUser(api)
    for (let i = 0; i < 4; i++) expect((await disable(user, wrongCode(secret))).status).toBe(400)
    const codes = await api('/mfa_recovery_codes', json({ verification_code: codeAt(secret, 1) }, bearer(user)))
    expect(codes.status).toBe(200)
    for (let i = 0; i < 4; i++) expect((await disable(user, wrongCode(secret))).status).toBe(400)
  })

  it('sent all at once, no more than five are checked; the rest wait', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 6, max: 16 }), async (attempts) => {
        const { user, secret } = await enrolledUser(api)
        const answers = await Promise.all(
          Array.from({ length: attempts }, () => disable(user, wrongCode(secret)).then((res) => res.status)),
        )
        expect(answers.filter((status) => status === 400).length).toBeLessThanOrEqual(5)
        expect(answers.filter((status) => status !== 400).every((status) => status === 429)).toBe(true)
        expect(await occurrences(user, 'step_up_failed')).toBeLessThanOrEqual(5)
      }),
      { numRuns: 5 },
    )
  })
})

describe('wrong codes at SaaSus (/mfa_verify), counted in the account object', () => {
  // The Rate Limiting binding also stops a sixth guess a minute; these drive the object directly
  // (admitVerify, SaaSus's answer, recordVerify, as src/core/account/gateway.ts does) so that its
  // own count is what is tested.
  it('concurrent guesses reach SaaSus at most as often as failures are left before the lockout', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 6, max: 16 }), async (earlier, racers) => {
        const { user } = await enrolledUser()
        for (let i = 0; i < earlier; i++) await guess(user, async () => 'wrong_code')
        let checked = 0
        const outcomes = await Promise.all(
          Array.from({ length: racers }, () =>
            guess(user, async () => {
              checked += 1
              await new Promise((resolve) => setTimeout(resolve, 20))
              return 'wrong_code'
            }),
          ),
        )
        expect(checked).toBeLessThanOrEqual(MAX_FAILURES - earlier)
        expect(outcomes.filter((outcome) => outcome === 'checked')).toHaveLength(checked)
        expect(outcomes.filter((outcome) => outcome !== 'checked').every((outcome) => outcome === 'locked')).toBe(true)
        expect(await userAccount(user.id).admitVerify(callerOf(user))).toMatchObject({ refused: 'locked' })
      }),
      { numRuns: 6 },
    )
  })

  it('the wait ends: after it one attempt is let through, and a failure doubles the next wait', async () => {
    const { user } = await enrolledUser()
    const now = Date.now()
    for (let i = 0; i < 5; i++) await guess(user, async () => 'wrong_code', now)
    expect(await userAccount(user.id).admitVerify(callerOf(user, now + 59_000))).toEqual({
      refused: 'locked',
      retryAfterSeconds: 1,
    })
    const later = now + 60_000
    expect(await guess(user, async () => 'wrong_code', later)).toBe('checked')
    expect(await userAccount(user.id).admitVerify(callerOf(user, later))).toEqual({
      refused: 'locked',
      retryAfterSeconds: 120,
    })
  })

  it('an outage is not a failure: SaaSus failing counts nothing, and its attempt ends at once', async () => {
    const { user } = await enrolledUser()
    const now = Date.now()
    for (let i = 0; i < 8; i++) expect(await guess(user, async () => 'failed', now)).toBe('checked')
  })
})

describe('an attempt the Worker never comes back for (it crashed, or timed out)', () => {
  it('counts while SaaSus could still be deciding, and stops counting once its reservation lapses', async () => {
    const { user } = await enrolledUser()
    const now = Date.now()
    for (let i = 0; i < MAX_FAILURES; i++) {
      expect(await userAccount(user.id).admitVerify(callerOf(user, now))).toMatchObject({ ok: true })
    }
    expect(await userAccount(user.id).admitVerify(callerOf(user, now + RESERVATION_MS - 1))).toEqual({
      refused: 'locked',
      retryAfterSeconds: 1,
    })
    expect(await userAccount(user.id).admitVerify(callerOf(user, now + RESERVATION_MS))).toMatchObject({ ok: true })
  })

  it('still counts a wrong code when the Worker does come back, after the lapse or after a restart', async () => {
    const { user } = await enrolledUser()
    const now = Date.now()
    const admitted = await userAccount(user.id).admitVerify(callerOf(user, now))
    if (!('ok' in admitted)) throw new Error(`refused: ${admitted.refused}`)
    const late = callerOf(user, now + 2 * RESERVATION_MS)
    await userAccount(user.id).recordVerify(late, admitted.reservation, 'wrong_code', '000000')
    // A reservation the object never made (it restarted since): the same.
    for (let i = 0; i < MAX_FAILURES - 1; i++) {
      await userAccount(user.id).recordVerify(late, 'a-reservation-it-never-made', 'wrong_code', '000000')
    }
    expect(await userAccount(user.id).admitVerify(late)).toEqual({ refused: 'locked', retryAfterSeconds: 60 })
    expect((await eventTypes(user))[0]).toBe('locked_out')
  })
})

describe('recovery codes the user does not hold', () => {
  it('count against the user the index names: the sixth is refused before any code is checked', async () => {
    const { user } = await enrolledUser()
    for (let i = 0; i < 5; i++) {
      expect(await userAccount(user.id).admitRecover(callerOf(user), randomHash())).toEqual({ refused: 'wrong_code' })
    }
    expect(await userAccount(user.id).admitRecover(callerOf(user), randomHash())).toMatchObject({ refused: 'locked' })
  })
})
