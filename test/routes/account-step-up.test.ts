/**
 * Step-up (MFA_STEP_UP=required): turning MFA off, new recovery codes and a new
 * authenticator while MFA is on need a current code of the registered
 * authenticator, each code good once. With the default (off) nothing changes
 * for the sample SPA: its tests run unchanged elsewhere.
 */
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { createRecoveryCodes, enrolledUser, eventTypes, json, userAccount, withStepUp } from '../support/account'
import {
  apiWith,
  bearer,
  call,
  codeAt,
  currentCode,
  freshUser,
  mfaState,
  SPA_ORIGIN,
  secretOf,
  withAccessToken,
  wrongCode,
} from '../support/harness'

const api = withStepUp()
const disable = (user: { id_token: string }, body: unknown = {}) =>
  api('/mfa_disable', json(body, { Authorization: `Bearer ${user.id_token}` }))

/** Forgets the kept secret, as for a user who enrolled before this feature or elsewhere. */
const forgetSecret = (userId: string) =>
  runInDurableObject(userAccount(userId), (_instance, state) => {
    state.storage.sql.exec('DELETE FROM authenticator')
  })

describe('POST /mfa_disable with step-up', () => {
  it('without a code is 403 step_up_required, and MFA stays on', async () => {
    const { user } = await enrolledUser(api)
    for (const init of [json({}, bearer(user)), { method: 'POST', headers: bearer(user) }]) {
      const res = await api('/mfa_disable', init)
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ code: 'step_up_required' })
    }
    expect((await mfaState(user.id)).enabled).toBe(true)
  })

  it('with a wrong code is 400 invalid_verification_code, recorded as step_up_failed', async () => {
    const { user, secret } = await enrolledUser(api)
    const res = await disable(user, { verification_code: wrongCode(secret) })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_verification_code' })
    expect((await mfaState(user.id)).enabled).toBe(true)
    expect((await eventTypes(user))[0]).toBe('step_up_failed')
  })

  it('with a code that is not six digits is 400 invalid_request naming verification_code', async () => {
    const { user } = await enrolledUser(api)
    for (const verification_code of ['12345', 123456, '12345a']) {
      const res = await disable(user, { verification_code })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'invalid_request', field: 'verification_code' })
    }
  })

  it('with a current code turns MFA off', async () => {
    const { user, secret } = await enrolledUser(api)
    // The code verify spent is not good again: the next step's is current too (±1 step).
    const res = await disable(user, { verification_code: codeAt(secret, 1) })
    expect(res.status).toBe(200)
    expect((await mfaState(user.id)).enabled).toBe(false)
  })

  it('refuses a replayed code: each code is accepted once', async () => {
    const { user, secret } = await enrolledUser(api)
    const code = codeAt(secret, 1)
    expect((await createRecoveryCodes(user, api, { verification_code: code })).length).toBe(10)
    const replay = await disable(user, { verification_code: code })
    expect(replay.status).toBe(400)
    expect(await replay.json()).toMatchObject({ code: 'invalid_verification_code' })
    expect((await mfaState(user.id)).enabled).toBe(true)
  })

  it('refuses the code that registered the authenticator', async () => {
    const user = await freshUser()
    const setup = await api('/mfa_setup', { headers: withAccessToken(user) })
    const secret = secretOf(((await setup.json()) as { qrCodeUrl: string }).qrCodeUrl)
    const code = currentCode(secret)
    expect((await api('/mfa_verify', json({ verification_code: code }, withAccessToken(user)))).status).toBe(200)
    expect((await api('/mfa_enable', json({}, bearer(user)))).status).toBe(200)
    expect((await disable(user, { verification_code: code })).status).toBe(400)
  })
})

describe('POST /mfa_recovery_codes with step-up', () => {
  it('needs a code: 403 without, 200 with a current one', async () => {
    const { user, secret } = await enrolledUser(api)
    const without = await api('/mfa_recovery_codes', json({}, bearer(user)))
    expect(without.status).toBe(403)
    expect(await without.json()).toMatchObject({ code: 'step_up_required' })
    expect(await createRecoveryCodes(user, api, { verification_code: codeAt(secret, 1) })).toHaveLength(10)
  })
})

describe('GET /mfa_setup with step-up', () => {
  it('while MFA is on needs X-Verification-Code, and mints nothing without it', async () => {
    const { user } = await enrolledUser(api)
    const res = await api('/mfa_setup', { headers: withAccessToken(user) })
    expect(res.status).toBe(403)
    expect(await res.json()).toMatchObject({ code: 'step_up_required' })
    expect((await mfaState(user.id)).pending).toBe(false)
  })

  it('while MFA is on, with a wrong code, is 400 and mints nothing', async () => {
    const { user, secret } = await enrolledUser(api)
    const res = await api('/mfa_setup', {
      headers: { ...withAccessToken(user), 'X-Verification-Code': wrongCode(secret) },
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_verification_code' })
    expect((await mfaState(user.id)).pending).toBe(false)
  })

  it('replaces the authenticator with a current code; step-up then checks the new one', async () => {
    const { user, secret: old } = await enrolledUser(api)
    const res = await api('/mfa_setup', {
      headers: { ...withAccessToken(user), 'X-Verification-Code': codeAt(old, 1) },
    })
    expect(res.status).toBe(200)
    const secret = secretOf(((await res.json()) as { qrCodeUrl: string }).qrCodeUrl)
    const verified = await api('/mfa_verify', json({ verification_code: currentCode(secret) }, withAccessToken(user)))
    expect(verified.status).toBe(200)
    // The old authenticator's codes no longer count; the new one's do.
    expect((await disable(user, { verification_code: codeAt(old, 1) })).status).toBe(400)
    expect((await disable(user, { verification_code: codeAt(secret, 1) })).status).toBe(200)
  })

  it('while MFA is off needs no code', async () => {
    const user = await freshUser()
    expect((await api('/mfa_setup', { headers: withAccessToken(user) })).status).toBe(200)
  })

  it('is CORS-allowed to send X-Verification-Code', async () => {
    const res = await call('/mfa_setup', {
      method: 'OPTIONS',
      headers: {
        Origin: SPA_ORIGIN,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization,x-access-token,x-verification-code',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('x-verification-code')
  })
})

describe('a user whose authenticator the API does not hold (enrolled before this feature, or elsewhere)', () => {
  it('cannot turn MFA off, replace the authenticator or make codes with a token alone: 403 step_up_unavailable', async () => {
    const { user, secret } = await enrolledUser(api)
    await forgetSecret(user.id)
    const code = { verification_code: codeAt(secret, 1) }
    for (const res of [
      await disable(user, code),
      await api('/mfa_recovery_codes', json(code, bearer(user))),
      await api('/mfa_setup', { headers: { ...withAccessToken(user), 'X-Verification-Code': code.verification_code } }),
    ]) {
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ code: 'step_up_unavailable' })
    }
    expect((await mfaState(user.id)).enabled).toBe(true)
  })

  it('is held again once MFA is off (by the operator) and the user enrolls through the API', async () => {
    const { user } = await enrolledUser(api)
    await forgetSecret(user.id)
    // The operator turns MFA off at SaaSus (here: through the API with step-up off).
    expect((await call('/mfa_disable', json({}, bearer(user)))).status).toBe(200)
    const { secret } = await (async () => {
      const res = await api('/mfa_setup', { headers: withAccessToken(user) })
      return { secret: secretOf(((await res.json()) as { qrCodeUrl: string }).qrCodeUrl) }
    })()
    expect(
      (await api('/mfa_verify', json({ verification_code: currentCode(secret) }, withAccessToken(user)))).status,
    ).toBe(200)
    expect((await api('/mfa_enable', json({}, bearer(user)))).status).toBe(200)
    expect((await disable(user, { verification_code: codeAt(secret, 1) })).status).toBe(200)
  })

  it('is what a SaaSus verification of a secret other than the one kept leaves: nothing held', async () => {
    const { user, secret } = await enrolledUser(api)
    // Two setups raced and SaaSus registered the other secret: the code SaaSus accepted is not the kept one's.
    const caller = { userId: user.id, now: Date.now(), requestId: 'test' }
    const admitted = await userAccount(user.id).admitVerify(caller)
    if (!('ok' in admitted)) throw new Error(`refused: ${admitted.refused}`)
    await userAccount(user.id).recordVerify(caller, admitted.reservation, 'ok', '000000')
    const res = await disable(user, { verification_code: codeAt(secret, 1) })
    expect(await res.json()).toMatchObject({ code: 'step_up_unavailable' })
  })
})

describe('MFA_STEP_UP', () => {
  it('required without MFA_ENCRYPTION_KEY is a configuration error', async () => {
    const misconfigured = apiWith({ MFA_STEP_UP: 'required', MFA_ENCRYPTION_KEY: '' } as Partial<
      Record<keyof Env, string>
    >)
    const res = await misconfigured('/mfa_status', { headers: { Authorization: 'Bearer x' } })
    expect(res.status).toBe(500)
    expect(await res.json()).toMatchObject({ code: 'misconfigured' })
  })

  it('off (the default) asks no code anywhere', async () => {
    const { user } = await enrolledUser()
    expect(await createRecoveryCodes(user)).toHaveLength(10)
    expect((await call('/mfa_setup', { headers: withAccessToken(user) })).status).toBe(200)
    expect((await call('/mfa_disable', json({}, bearer(user)))).status).toBe(200)
  })
})
