/**
 * Threat: a recovery code seen by someone else (a photo of the printout, a
 * shared screen) is raced against its owner, or replayed after use. A code is
 * spent exactly once even under concurrent requests, and a spent code never
 * works again; a SaaSus failure leaves it unspent, so the owner is not locked out.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { normalizeRecoveryCode, recoveryCodeHash } from '../../src/core/account/recovery-code'
import { RESERVATION_MS } from '../../src/core/account/reservations'
import { createRecoveryCodes, enrolledUser, occurrences, recover, userAccount } from '../support/account'
import { mfaState, type TestUser } from '../support/harness'
import { newTrace, saasusCalls } from '../support/trace'

const callerOf = (user: TestUser, now = Date.now()) => ({ userId: user.id, now, requestId: 'single-use-test' })
const hashOf = async (code: string) => recoveryCodeHash(normalizeRecoveryCode(code) ?? '')

describe('a recovery code', () => {
  it('sent many times at once is spent by exactly one request', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 2, max: 10 }), fc.nat(9), async (racers, which) => {
        const { user } = await enrolledUser()
        const codes = await createRecoveryCodes(user)
        const code = codes[which] ?? ''
        const traceId = await newTrace({})
        const answers = await Promise.all(
          Array.from({ length: racers }, () =>
            recover(code, { 'X-SaaSus-Trace-Id': traceId }).then((res) => res.status),
          ),
        )
        expect(answers.filter((status) => status === 200)).toHaveLength(1)
        // The rest are refused: 400, or 429 once the replays of the spent code (wrong codes for
        // their owner) pass five.
        expect(answers.filter((status) => status !== 200).every((status) => status === 400 || status === 429)).toBe(
          true,
        )
        // SaaSus was asked to turn MFA off once.
        expect((await saasusCalls(traceId)).byOperation['PATCH /v1/auth/users/{user_id}/mfa/preference']).toBe(1)
        expect((await mfaState(user.id)).enabled).toBe(false)
      }),
      { numRuns: 6 },
    )
  })

  it('never works again once spent, nor do the others of its set', async () => {
    const { user } = await enrolledUser()
    const codes = await createRecoveryCodes(user)
    expect((await recover(codes[3] ?? '')).status).toBe(200)
    for (const code of codes) expect((await recover(code)).status).toBe(400)
  })

  it('stays unspent when SaaSus fails to turn MFA off, and works afterwards', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    const failing = await newTrace({ failNext: 1, methods: ['PATCH'] })
    const res = await recover(code, { 'X-SaaSus-Trace-Id': failing })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ code: 'upstream_unavailable' })
    expect((await mfaState(user.id)).enabled).toBe(true)
    expect((await recover(code)).status).toBe(200)
    expect((await mfaState(user.id)).enabled).toBe(false)
  })

  // The object driven directly, as src/core/account/gateway.ts drives it: admitRecover, SaaSus, recordRecovered.
  it('raced twice in the account object is held by the first: the second is refused before SaaSus is asked', async () => {
    const { user } = await enrolledUser()
    const hash = await hashOf((await createRecoveryCodes(user))[0] ?? '')
    const [first, second] = await Promise.all([
      userAccount(user.id).admitRecover(callerOf(user), hash),
      userAccount(user.id).admitRecover(callerOf(user), hash),
    ])
    expect([first, second]).toEqual(expect.arrayContaining([{ ok: true }, { refused: 'wrong_code' }]))
    expect(await userAccount(user.id).recordRecovered(callerOf(user), hash, 'ok')).toEqual({ ok: true })
    expect(await userAccount(user.id).admitRecover(callerOf(user), hash)).toEqual({ refused: 'wrong_code' })
  })

  it('is spent once even when a hold lapsed and a second request got in: the later record is refused', async () => {
    const { user } = await enrolledUser()
    const hash = await hashOf((await createRecoveryCodes(user))[0] ?? '')
    const now = Date.now()
    expect(await userAccount(user.id).admitRecover(callerOf(user, now), hash)).toEqual({ ok: true })
    // The first Worker is slow past the hold; a second request for the same code is admitted.
    const later = callerOf(user, now + RESERVATION_MS)
    expect(await userAccount(user.id).admitRecover(later, hash)).toEqual({ ok: true })
    // Both turned MFA off at SaaSus; whichever records first spends the code, the other is refused.
    expect(await userAccount(user.id).recordRecovered(later, hash, 'ok')).toEqual({ ok: true })
    expect(await userAccount(user.id).recordRecovered(callerOf(user, now), hash, 'ok')).toEqual({
      refused: 'wrong_code',
    })
    expect(await occurrences(user, 'recovery_code_used')).toBe(1)
  })

  it('is released when SaaSus fails, and works at once afterwards', async () => {
    const { user } = await enrolledUser()
    const hash = await hashOf((await createRecoveryCodes(user))[0] ?? '')
    expect(await userAccount(user.id).admitRecover(callerOf(user), hash)).toEqual({ ok: true })
    expect(await userAccount(user.id).recordRecovered(callerOf(user), hash, 'failed')).toEqual({ ok: true })
    expect(await userAccount(user.id).admitRecover(callerOf(user), hash)).toEqual({ ok: true })
  })
})
