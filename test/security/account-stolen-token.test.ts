/**
 * Threat: someone holds a user's ID token (and perhaps the access token), but not
 * the authenticator, with MFA_STEP_UP=required, whose promise is that a token
 * alone changes nothing that matters. They try to:
 * 1. re-arm a lost authenticator: after the owner recovered with a recovery code
 *    (MFA off, SaaSus still has the lost device registered), turn MFA back on so
 *    that signing in needs the device the owner no longer has;
 * 2. flush the evidence: bury their failed guesses and lockouts in /mfa_events
 *    under calls that change nothing;
 * 3. keep the owner out of recovery: run up the six-digit lockout so that the
 *    owner's valid recovery code is refused.
 */
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import {
  createRecoveryCodes,
  enrolledUser,
  events,
  eventTypes,
  json,
  occurrences,
  recover,
  userAccount,
  withStepUp,
} from '../support/account'
import {
  bearer,
  call,
  codeAt,
  codeOf,
  currentCode,
  mfaState,
  setup,
  type TestUser,
  verify,
  wrongCode,
} from '../support/harness'

const api = withStepUp()
const enable = (user: TestUser, via = api) => via('/mfa_enable', json({}, bearer(user)))
const disable = (user: TestUser, code: string) => api('/mfa_disable', json({ verification_code: code }, bearer(user)))
const DAY = 24 * 60 * 60 * 1000
const callerOf = (user: TestUser, now = Date.now()) => ({ userId: user.id, now, requestId: 'stolen-token-test' })

describe('re-arming a lost authenticator', () => {
  it('after a recovery, a bearer-only enable is 409 mfa_not_registered and SaaSus keeps MFA off', async () => {
    const { user, secret } = await enrolledUser(api)
    const [code = ''] = await createRecoveryCodes(user, api, { verification_code: codeAt(secret, 1) })
    expect((await recover(code)).status).toBe(200)
    expect((await mfaState(user.id)).registered).toBe(true)

    const res = await enable(user)
    expect(res.status).toBe(409)
    expect(await codeOf(res)).toBe('mfa_not_registered')
    expect((await mfaState(user.id)).enabled).toBe(false)
  })

  it('after a disable, the same: MFA comes back on only through a new setup and verify', async () => {
    const { user, secret } = await enrolledUser(api)
    expect((await disable(user, codeAt(secret, 1))).status).toBe(200)
    expect((await enable(user)).status).toBe(409)
    expect((await mfaState(user.id)).enabled).toBe(false)

    const next = await setup(user)
    expect((await verify(user, currentCode(next))).status).toBe(200)
    expect((await enable(user)).status).toBe(200)
    expect((await mfaState(user.id)).enabled).toBe(true)
  })

  it('holds with step-up off too, where the sample SPA’s setup → verify → enable still works', async () => {
    const { user } = await enrolledUser(call)
    expect((await call('/mfa_disable', json({}, bearer(user)))).status).toBe(200)
    expect((await enable(user, call)).status).toBe(409)
    const secret = await setup(user)
    expect((await verify(user, currentCode(secret))).status).toBe(200)
    expect((await enable(user, call)).status).toBe(200)
  })

  it('a user the API kept no registration for (enrolled before it did) must set up and verify again', async () => {
    const { user } = await enrolledUser(api)
    // What an object made before the API kept registrations holds: no row.
    await runInDurableObject(userAccount(user.id), (_instance, state) => {
      state.storage.sql.exec('DELETE FROM registration')
    })
    const res = await enable(user)
    expect(res.status).toBe(409)
    expect((await mfaState(user.id)).enabled).toBe(true)
  })
})

describe('flushing the evidence', () => {
  it('50 bearer-only no-op enables after five failed step-ups leave the failures and the lockout in view', async () => {
    const { user, secret } = await enrolledUser(api)
    for (let i = 0; i < 5; i++) expect((await disable(user, wrongCode(secret))).status).toBe(400)
    const statuses = await Promise.all(Array.from({ length: 50 }, () => enable(user).then((res) => res.status)))
    // The per-user limit on changes: at most ten a minute reach SaaSus.
    expect(statuses.filter((status) => status === 200).length).toBeLessThanOrEqual(10)
    expect(statuses.every((status) => status === 200 || status === 429)).toBe(true)

    const listed = await events(user)
    expect(listed.filter((event) => event.type === 'mfa_enabled')).toHaveLength(1)
    expect(await occurrences(user, 'step_up_failed')).toBe(5)
    expect(await eventTypes(user)).toContain('locked_out')
  })

  it('without the limit (the object driven directly), 60 enables are one entry counting 61', async () => {
    const { user } = await enrolledUser(api)
    for (let i = 0; i < 60; i++) await userAccount(user.id).recordEnabled(callerOf(user))
    const enabled = (await events(user)).filter((event) => event.type === 'mfa_enabled')
    expect(enabled).toHaveLength(1)
    expect(enabled[0]?.count).toBe(61)
  })

  it('no number of routine entries pushes out a lockout of 80 days ago', async () => {
    const { user } = await enrolledUser(api)
    const start = Date.now() - 80 * DAY
    // Five wrong recovery codes lock the recovery budget: the evidence.
    for (let i = 0; i < 5; i++) {
      await userAccount(user.id).admitRecover(callerOf(user, start), crypto.randomUUID().replaceAll('-', ''))
    }
    for (let i = 1; i <= 60; i++) {
      await userAccount(user.id).createRecoveryCodes(callerOf(user, start + i * 1.2 * DAY), null, [])
    }
    expect(await eventTypes(user)).toContain('recovery_locked_out')
  })
})

describe('keeping the owner out of recovery', () => {
  it('five wrong codes at /mfa_disable lock step-up, and the owner’s recovery code still works and ends the lockout', async () => {
    const { user, secret } = await enrolledUser(api)
    const [code = ''] = await createRecoveryCodes(user, api, { verification_code: codeAt(secret, 1) })
    for (let i = 0; i < 5; i++) expect((await disable(user, wrongCode(secret))).status).toBe(400)
    expect((await disable(user, codeAt(secret, 1))).status).toBe(429)

    expect((await recover(code)).status).toBe(200)
    expect((await mfaState(user.id)).enabled).toBe(false)
    // The lockout is gone: the owner's next six-digit code is checked, not refused with 429.
    const next = await setup(user)
    expect((await verify(user, currentCode(next))).status).toBe(200)
  })

  it('wrong recovery codes lock recovery only: six-digit codes are still checked', async () => {
    const { user, secret } = await enrolledUser(api)
    const refusedHash = () => crypto.randomUUID().replaceAll('-', '')
    for (let i = 0; i < 5; i++) {
      expect(await userAccount(user.id).admitRecover(callerOf(user), refusedHash())).toEqual({
        refused: 'wrong_code',
      })
    }
    expect(await userAccount(user.id).admitRecover(callerOf(user), refusedHash())).toMatchObject({
      refused: 'locked',
    })
    expect((await disable(user, codeAt(secret, 1))).status).toBe(200)
  })
})
