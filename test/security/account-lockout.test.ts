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
import { enrolledUser, eventTypes, json, occurrences, userAccount, withStepUp } from '../support/account'
import { bearer, codeAt, type TestUser, wrongCode } from '../support/harness'

const api = withStepUp()
const disable = (user: TestUser, code: string) => api('/mfa_disable', json({ verification_code: code }, bearer(user)))
const callerOf = (user: TestUser, now = Date.now()) => ({ userId: user.id, now, requestId: 'lockout-test' })
const randomHash = () => crypto.randomUUID().replaceAll('-', '').padEnd(64, '0')

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
  // The Rate Limiting binding also stops a sixth guess a minute; this drives the object
  // directly so that its own count is what is tested.
  it('concurrent guesses reach SaaSus at most five times', async () => {
    const { user } = await enrolledUser()
    let checked = 0
    const check = async () => {
      checked += 1
      await new Promise((resolve) => setTimeout(resolve, 20))
      return 'refused' as const
    }
    const outcomes = await Promise.all(
      Array.from({ length: 12 }, () => userAccount(user.id).verify(callerOf(user), '000000', check)),
    )
    expect(checked).toBeLessThanOrEqual(5)
    expect(outcomes.filter((outcome) => 'refused' in outcome && outcome.refused === 'wrong_code').length).toBe(checked)
    expect(await userAccount(user.id).verify(callerOf(user), '000000', check)).toMatchObject({ refused: 'locked' })
  })

  it('the wait ends: after it one attempt is let through, and a failure doubles the next wait', async () => {
    const { user } = await enrolledUser()
    const refused = async () => 'refused' as const
    const now = Date.now()
    for (let i = 0; i < 5; i++) await userAccount(user.id).verify(callerOf(user, now), '000000', refused)
    expect(await userAccount(user.id).verify(callerOf(user, now + 59_000), '000000', refused)).toEqual({
      refused: 'locked',
      retryAfterSeconds: 1,
    })
    const later = now + 60_000
    expect(await userAccount(user.id).verify(callerOf(user, later), '000000', refused)).toEqual({
      refused: 'wrong_code',
    })
    expect(await userAccount(user.id).verify(callerOf(user, later), '000000', refused)).toEqual({
      refused: 'locked',
      retryAfterSeconds: 120,
    })
  })

  it('an outage is not a failure: SaaSus failing counts nothing', async () => {
    const { user } = await enrolledUser()
    const failed = async () => 'failed' as const
    for (let i = 0; i < 8; i++) {
      expect(await userAccount(user.id).verify(callerOf(user), '000000', failed)).toEqual({ refused: 'upstream' })
    }
  })
})

describe('recovery codes the user does not hold', () => {
  it('count against the user the index names: the sixth is refused before any code is checked', async () => {
    const { user } = await enrolledUser()
    let applied = 0
    const apply = async () => {
      applied += 1
      return 'ok' as const
    }
    for (let i = 0; i < 5; i++) {
      expect(await userAccount(user.id).recover(callerOf(user), randomHash(), apply)).toEqual({ refused: 'wrong_code' })
    }
    const sixth = await userAccount(user.id).recover(callerOf(user), randomHash(), apply)
    expect(sixth).toMatchObject({ refused: 'locked' })
    expect(applied).toBe(0)
  })
})
