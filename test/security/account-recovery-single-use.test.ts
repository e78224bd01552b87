/**
 * Threat: a recovery code seen by someone else (a photo of the printout, a
 * shared screen) is raced against its owner, or replayed after use. A code is
 * spent exactly once even under concurrent requests, and a spent code never
 * works again; a SaaSus failure leaves it unspent, so the owner is not locked out.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { createRecoveryCodes, enrolledUser, recover } from '../support/account'
import { mfaState } from '../support/harness'
import { newTrace, saasusCalls } from '../support/trace'

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
})
