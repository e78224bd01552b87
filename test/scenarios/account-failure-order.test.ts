/**
 * The failure order of every operation that touches SaaSus and storage
 * (docs/account-protection.md, "Failure order"): a failure between any two of
 * its steps, injected into the emulator (SaaSus) or the account objects
 * (src/core/storage/faults.ts), leaves exactly what the table says, never a user
 * locked out with no way back, never a spent recovery code that works again.
 *
 * After SaaSus has answered, the Worker's `record…` call can fail two ways: the
 * object cannot be reached (`record`) or its transaction fails (`commit`); each
 * such row is run with both.
 */
import { describe, expect, it } from 'vitest'
import { normalizeRecoveryCode, recoveryCodeHash } from '../../src/core/account/recovery-code'
import { RESERVATION_MS } from '../../src/core/account/reservations'
import {
  createRecoveryCodes,
  enrolledUser,
  eventTypes,
  json,
  recover,
  recoveryIndexObject,
  userAccount,
  withStepUp,
} from '../support/account'
import {
  bearer,
  call,
  codeAt,
  currentCode,
  freshUser,
  mfaState,
  setup,
  verify,
  withAccessToken,
  wrongCode,
} from '../support/harness'
import { newTrace, saasusCalls } from '../support/trace'

const expectStorageUnavailable = async (res: Response) => {
  expect(res.status).toBe(503)
  expect(await res.json()).toMatchObject({ code: 'storage_unavailable' })
}
const failingSaasus = (methods: ('POST' | 'PUT' | 'PATCH')[]) => newTrace({ failNext: 1, methods })
const callerOf = (userId: string, now = Date.now()) => ({ userId, now, requestId: 'failure-order-test' })
/** The two ways the Worker's `record…` call fails once SaaSus has answered. */
const AFTER_SAASUS = ['record', 'commit'] as const
const stepUpApi = withStepUp()

describe('GET /mfa_setup: admit (any step-up) → SaaSus mints → record: pending + event', () => {
  it('storage down first: 503, SaaSus not asked', async () => {
    const user = await freshUser()
    const traceId = await newTrace({})
    await userAccount(user.id).armFault('enter')
    await expectStorageUnavailable(
      await call('/mfa_setup', { headers: { ...withAccessToken(user), 'X-SaaSus-Trace-Id': traceId } }),
    )
    const operations = (await saasusCalls(traceId)).calls.map((seen) => seen.operation)
    expect(operations).not.toContain('POST /v1/auth/users/{user_id}/mfa/software-token/secret-code')
    expect((await mfaState(user.id)).pending).toBe(false)
  })

  it('storage down at the step-up check: 503, SaaSus not asked', async () => {
    const { user, secret } = await enrolledUser(stepUpApi)
    const traceId = await newTrace({})
    await userAccount(user.id).armFault('enter')
    const res = await stepUpApi('/mfa_setup', {
      headers: { ...withAccessToken(user), 'X-Verification-Code': codeAt(secret, 1), 'X-SaaSus-Trace-Id': traceId },
    })
    await expectStorageUnavailable(res)
    const operations = (await saasusCalls(traceId)).calls.map((seen) => seen.operation)
    // The user and the MFA preference were read (the trace reached SaaSus); no secret was minted.
    expect(operations).toContain('GET /v1/auth/userinfo')
    expect(operations).not.toContain('POST /v1/auth/users/{user_id}/mfa/software-token/secret-code')
    expect((await mfaState(user.id)).pending).toBe(false)
  })

  it.each(AFTER_SAASUS)(
    'storage failing (%s) after SaaSus minted: 503 and no secret shown; the next setup works',
    async (fault) => {
      const user = await freshUser()
      await userAccount(user.id).armFault(fault)
      await expectStorageUnavailable(await call('/mfa_setup', { headers: withAccessToken(user) }))
      // SaaSus holds a pending secret nobody has seen: harmless, the next setup replaces it.
      expect((await mfaState(user.id)).pending).toBe(true)
      expect(await eventTypes(user)).toEqual([])
      const secret = await setup(user)
      expect((await verify(user, currentCode(secret))).status).toBe(200)
    },
  )
})

describe('POST /mfa_verify: admit (limit, reservation) → SaaSus verifies → record: promote pending, clear count + event', () => {
  it('storage down first: 503, SaaSus not asked (no guess spent)', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    await userAccount(user.id).armFault('enter')
    await expectStorageUnavailable(await verify(user, currentCode(secret)))
    expect((await mfaState(user.id)).registered).toBe(false)
  })

  it('SaaSus fails: its error, and nothing counted against the user', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    const res = await verify(user, currentCode(secret), { 'X-SaaSus-Trace-Id': await failingSaasus(['PUT']) })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ code: 'upstream_unavailable' })
    expect(await eventTypes(user)).toEqual(['authenticator_setup'])
  })

  it('SaaSus fails and the object cannot be told: the error SaaSus gave all the same; the reservation lapses', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    await userAccount(user.id).armFault('record')
    const res = await verify(user, currentCode(secret), { 'X-SaaSus-Trace-Id': await failingSaasus(['PUT']) })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ code: 'upstream_unavailable' })
    expect(await eventTypes(user)).toEqual(['authenticator_setup'])
  })

  it.each(AFTER_SAASUS)(
    'storage failing (%s) after SaaSus registered: 503; the user sets up again and it is consistent',
    async (fault) => {
      const user = await freshUser()
      const secret = await setup(user)
      await userAccount(user.id).armFault(fault)
      await expectStorageUnavailable(await verify(user, currentCode(secret)))
      expect((await mfaState(user.id)).registered).toBe(true)
      const again = await setup(user)
      expect((await verify(user, currentCode(again))).status).toBe(200)
      expect((await eventTypes(user))[0]).toBe('authenticator_registered')
    },
  )

  it.each(AFTER_SAASUS)(
    'storage failing (%s) after SaaSus refused the code: 503, and the attempt not counted',
    async (fault) => {
      const user = await freshUser()
      const secret = await setup(user)
      await userAccount(user.id).armFault(fault)
      await expectStorageUnavailable(await verify(user, wrongCode(secret)))
      // Once a reservation the object was never told about has lapsed, four more wrong codes are
      // all checked and a fifth is still admitted: the lost one did not count.
      const now = Date.now() + RESERVATION_MS
      for (let i = 0; i < 4; i++) {
        const admitted = await userAccount(user.id).admitVerify(callerOf(user.id, now))
        if (!('ok' in admitted)) throw new Error(`refused: ${admitted.refused}`)
        await userAccount(user.id).recordVerify(callerOf(user.id, now), admitted.reservation, 'wrong_code', '000000')
      }
      expect(await userAccount(user.id).admitVerify(callerOf(user.id, now))).toMatchObject({ ok: true })
    },
  )
})

describe('POST /mfa_enable: admit (a registration?) → SaaSus turns MFA on → record: event', () => {
  it('storage down first: 503, MFA stays off', async () => {
    const user = await freshUser()
    expect((await verify(user, currentCode(await setup(user)))).status).toBe(200)
    await userAccount(user.id).armFault('enter')
    await expectStorageUnavailable(await call('/mfa_enable', json({}, bearer(user))))
    expect((await mfaState(user.id)).enabled).toBe(false)
  })

  it.each(AFTER_SAASUS)(
    'storage failing (%s) after SaaSus turned MFA on: 503 without the event; retrying records it',
    async (fault) => {
      const user = await freshUser()
      expect((await verify(user, currentCode(await setup(user)))).status).toBe(200)
      await userAccount(user.id).armFault(fault)
      await expectStorageUnavailable(await call('/mfa_enable', json({}, bearer(user))))
      expect((await mfaState(user.id)).enabled).toBe(true)
      expect(await eventTypes(user)).not.toContain('mfa_enabled')
      expect((await call('/mfa_enable', json({}, bearer(user)))).status).toBe(200)
      expect((await eventTypes(user))[0]).toBe('mfa_enabled')
    },
  )
})

describe('POST /mfa_disable: admit (step-up, forget the registration) → SaaSus turns MFA off → record: delete codes + event → unindex', () => {
  it('storage down first: 503, MFA on and the codes kept', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    await userAccount(user.id).armFault('enter')
    await expectStorageUnavailable(await call('/mfa_disable', json({}, bearer(user))))
    expect((await mfaState(user.id)).enabled).toBe(true)
    expect((await recover(code)).status).toBe(200)
  })

  it('SaaSus fails: its error, MFA on and the codes kept', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    const traceId = await failingSaasus(['PATCH'])
    const res = await call('/mfa_disable', json({}, { ...bearer(user), 'X-SaaSus-Trace-Id': traceId }))
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ code: 'upstream_unavailable' })
    // The registration went before SaaSus was asked: enabling (a no-op here) needs a new setup and verify.
    expect((await mfaState(user.id)).enabled).toBe(true)
    expect((await call('/mfa_enable', json({}, bearer(user)))).status).toBe(409)
    expect((await recover(code)).status).toBe(200)
  })

  it.each(AFTER_SAASUS)(
    'storage failing (%s) after SaaSus turned MFA off: 503; the codes still work (MFA off again) until a retry deletes them',
    async (fault) => {
      const { user } = await enrolledUser()
      const [first = '', second = ''] = await createRecoveryCodes(user)
      await userAccount(user.id).armFault(fault)
      await expectStorageUnavailable(await call('/mfa_disable', json({}, bearer(user))))
      expect((await mfaState(user.id)).enabled).toBe(false)
      expect((await recover(first)).status).toBe(200)
      // A retried disable deletes whatever is left.
      expect((await call('/mfa_disable', json({}, bearer(user)))).status).toBe(200)
      expect((await recover(second)).status).toBe(400)
    },
  )
})

describe('POST /mfa_recovery_codes: step-up → index the new hashes → replace the codes + event → unindex the old', () => {
  it('storage down first: 503, the old codes kept', async () => {
    const { user } = await enrolledUser()
    const [old = ''] = await createRecoveryCodes(user)
    await userAccount(user.id).armFault('enter')
    await expectStorageUnavailable(await call('/mfa_recovery_codes', json({}, bearer(user))))
    expect((await recover(old)).status).toBe(200)
  })

  it('the index down: 503, the old codes kept, no new ones', async () => {
    const { user } = await enrolledUser()
    const [old = ''] = await createRecoveryCodes(user)
    await recoveryIndexObject().armFault('enter')
    await expectStorageUnavailable(await call('/mfa_recovery_codes', json({}, bearer(user))))
    expect(await (await call('/mfa_recovery_codes', { headers: bearer(user) })).json()).toMatchObject({ remaining: 10 })
    expect((await recover(old)).status).toBe(200)
  })

  it('commit fails after indexing: 503, the old codes kept; the new entries lead nowhere', async () => {
    const { user } = await enrolledUser()
    const [old = ''] = await createRecoveryCodes(user)
    await userAccount(user.id).armFault('commit')
    await expectStorageUnavailable(await call('/mfa_recovery_codes', json({}, bearer(user))))
    expect(await eventTypes(user)).not.toContain('mfa_disabled')
    expect((await recover(old)).status).toBe(200)
  })
})

describe('POST /mfa_recover: find the owner → admit (budget, hold the code, forget the registration) → SaaSus turns MFA off → record: spend all + events → unindex', () => {
  it('the index down: 503, the code unspent', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    await recoveryIndexObject().armFault('enter')
    await expectStorageUnavailable(await recover(code))
    expect((await recover(code)).status).toBe(200)
  })

  it('the account object down: 503, the code unspent', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    await userAccount(user.id).armFault('enter')
    await expectStorageUnavailable(await recover(code))
    expect((await mfaState(user.id)).enabled).toBe(true)
    expect((await recover(code)).status).toBe(200)
  })

  it('SaaSus fails and the object cannot be told: the error SaaSus gave all the same; the hold lapses, the code unspent', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    await userAccount(user.id).armFault('record')
    const res = await recover(code, { 'X-SaaSus-Trace-Id': await failingSaasus(['PATCH']) })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ code: 'upstream_unavailable' })
    expect((await mfaState(user.id)).enabled).toBe(true)
    const hash = await recoveryCodeHash(normalizeRecoveryCode(code) ?? '')
    const afterLapse = callerOf(user.id, Date.now() + RESERVATION_MS)
    expect(await userAccount(user.id).admitRecover(afterLapse, hash)).toEqual({ ok: true })
  })

  it('commit fails after SaaSus turned MFA off: 503, the code unspent; using it again completes', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    await userAccount(user.id).armFault('commit')
    await expectStorageUnavailable(await recover(code))
    expect((await mfaState(user.id)).enabled).toBe(false)
    expect((await recover(code)).status).toBe(200)
    expect((await recover(code)).status).toBe(400)
  })

  it('the object unreachable after SaaSus turned MFA off: 503, the code held until the hold lapses; then using it completes', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    await userAccount(user.id).armFault('record')
    await expectStorageUnavailable(await recover(code))
    expect((await mfaState(user.id)).enabled).toBe(false)
    // Still held: the object cannot tell a lost answer from a request still under way.
    expect((await recover(code)).status).toBe(400)
    const hash = await recoveryCodeHash(normalizeRecoveryCode(code) ?? '')
    const afterLapse = callerOf(user.id, Date.now() + RESERVATION_MS)
    expect(await userAccount(user.id).admitRecover(afterLapse, hash)).toEqual({ ok: true })
    expect(await userAccount(user.id).recordRecovered(afterLapse, hash, 'ok')).toEqual({ ok: true })
    expect((await recover(code)).status).toBe(400)
    expect(await eventTypes(user)).toContain('recovery_code_used')
  })
})

describe('the object itself', () => {
  it('rolls a failed transaction back whole: no event without its change', async () => {
    const { user } = await enrolledUser()
    await createRecoveryCodes(user)
    const before = await eventTypes(user)
    await userAccount(user.id).armFault('commit')
    await expectStorageUnavailable(await call('/mfa_disable', json({}, bearer(user))))
    expect(await eventTypes(user)).toEqual(before)
    expect(await (await call('/mfa_recovery_codes', { headers: bearer(user) })).json()).toMatchObject({ remaining: 10 })
  })

  // Thrown out of an RPC method, a fault would be reported by workerd as uncaught in the object,
  // although the Worker catches it: a storage failure is an answer, and the Worker's 503 comes from it.
  it('answers a fault where the object is entered as unavailable, not thrown across RPC', async () => {
    const user = await freshUser()
    await userAccount(user.id).armFault('enter')
    expect(await userAccount(user.id).events(Date.now())).toEqual({ refused: 'unavailable', point: 'enter' })
    await recoveryIndexObject().armFault('enter')
    expect(await recoveryIndexObject().ownerOf('no-such-hash')).toEqual({ refused: 'unavailable', point: 'enter' })
  })

  it('answers a failed commit as unavailable, its transaction rolled back', async () => {
    const user = await freshUser()
    await userAccount(user.id).armFault('commit')
    expect(await userAccount(user.id).recordEnabled(callerOf(user.id))).toEqual({
      refused: 'unavailable',
      point: 'commit',
    })
    expect(await userAccount(user.id).events(Date.now())).toEqual({ ok: true, events: [] })
  })

  it('refuses to arm a fault unless the test binding enables it (production never does)', async () => {
    const { env } = await import('cloudflare:workers')
    const { FaultSwitch } = await import('../../src/core/storage/faults')
    expect(() => new FaultSwitch({}).arm('enter')).toThrow(/faults are off/)
    expect((env as unknown as { ACCOUNT_FAULTS?: string }).ACCOUNT_FAULTS).toBe('enabled')
  })
})
