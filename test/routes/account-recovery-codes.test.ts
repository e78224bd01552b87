/**
 * Recovery codes: made while MFA is on, shown once, counted, replaced, and spent
 * by POST /mfa_recover (no bearer) to turn MFA off for their owner.
 */
import { describe, expect, it } from 'vitest'
import { createRecoveryCodes, enrolledUser, eventTypes, json, recover } from '../support/account'
import { bearer, call, clearOfLimitWindowEnd, freshUser, mfaState, SPA_ORIGIN } from '../support/harness'

describe('POST /mfa_recovery_codes', () => {
  it('hands out ten typeable codes once, not to be cached', async () => {
    const { user } = await enrolledUser()
    const res = await call('/mfa_recovery_codes', json({}, bearer(user)))
    expect(res.status).toBe(200)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
    const { recovery_codes } = (await res.json()) as { recovery_codes: string[] }
    expect(recovery_codes).toHaveLength(10)
    expect(new Set(recovery_codes).size).toBe(10)
    for (const code of recovery_codes) expect(code).toMatch(/^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$/)
  })

  it('accepts no body at all, as enable and disable do', async () => {
    const { user } = await enrolledUser()
    const res = await call('/mfa_recovery_codes', { method: 'POST', headers: bearer(user) })
    expect(res.status).toBe(200)
  })

  it('is refused while MFA is off: 409 mfa_not_enabled', async () => {
    const user = await freshUser()
    const res = await call('/mfa_recovery_codes', json({}, bearer(user)))
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'mfa_not_enabled' })
  })

  it('needs the bearer ID token', async () => {
    const res = await call('/mfa_recovery_codes', json({}))
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'invalid_token' })
  })

  it('replaces every earlier code when asked again', async () => {
    const { user } = await enrolledUser()
    const first = await createRecoveryCodes(user)
    const second = await createRecoveryCodes(user)
    expect(second.filter((code) => first.includes(code))).toEqual([])
    expect((await recover(first[0] ?? '')).status).toBe(400)
    expect((await recover(second[0] ?? '')).status).toBe(200)
  })
})

describe('GET /mfa_recovery_codes', () => {
  it('says how many are left and since when, never the codes', async () => {
    const { user } = await enrolledUser()
    const none = await call('/mfa_recovery_codes', { headers: bearer(user) })
    expect(await none.json()).toEqual({ remaining: 0, created_at: null })

    const before = Date.now()
    const codes = await createRecoveryCodes(user)
    const res = await call('/mfa_recovery_codes', { headers: bearer(user) })
    const text = await res.text()
    const body = JSON.parse(text) as { remaining: number; created_at: string }
    expect(body.remaining).toBe(10)
    expect(Date.parse(body.created_at)).toBeGreaterThanOrEqual(before - 1_000)
    for (const code of codes) expect(text).not.toContain(code)
  })
})

describe('POST /mfa_recover', () => {
  it('turns MFA off for the code’s owner without a token, and spends the code', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    expect((await mfaState(user.id)).enabled).toBe(true)

    const res = await recover(code)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ message: expect.any(String) })
    expect((await mfaState(user.id)).enabled).toBe(false)
    const again = await recover(code)
    expect(again.status).toBe(400)
    expect(await again.json()).toMatchObject({ code: 'invalid_recovery_code' })
  })

  it('deletes the owner’s other codes with it', async () => {
    const { user } = await enrolledUser()
    const [first = '', second = ''] = await createRecoveryCodes(user)
    expect((await recover(first)).status).toBe(200)
    expect((await recover(second)).status).toBe(400)
    const summary = await call('/mfa_recovery_codes', { headers: bearer(user) })
    expect(await summary.json()).toEqual({ remaining: 0, created_at: null })
  })

  it('reads a code whatever its case, spaces and hyphens', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    expect((await recover(` ${code.toLowerCase().replaceAll('-', ' ')} `)).status).toBe(200)
  })

  it('answers an unknown or malformed code 400 invalid_recovery_code', async () => {
    for (const code of ['ABCD-EFGH-JKLM-NPQR', 'not a code', '', '0000-0000-0000-0000']) {
      const res = await recover(code)
      expect(res.status, code).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'invalid_recovery_code' })
    }
  })

  it('answers a body without recovery_code 400 invalid_request naming the field', async () => {
    const res = await call('/mfa_recover', json({ code: 'x' }))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request', field: 'recovery_code' })
  })

  it('is CORS-allowed for the SPA’s origins, like every route', async () => {
    const preflight = await call('/mfa_recover', {
      method: 'OPTIONS',
      headers: {
        Origin: SPA_ORIGIN,
        'Access-Control-Request-Method': 'POST',
        'Access-Control-Request-Headers': 'content-type',
      },
    })
    expect(preflight.status).toBe(204)
    expect(preflight.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
    const res = await recover('ABCD-EFGH-JKLM-NPQR', { Origin: SPA_ORIGIN })
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
    const refused = await recover('ABCD-EFGH-JKLM-NPQR', { Origin: 'https://evil.example' })
    expect(refused.status).toBe(403)
  })

  it('is limited per client address: the sixth try in a minute is 429 with Retry-After', async () => {
    await clearOfLimitWindowEnd()
    const address = { 'CF-Connecting-IP': '2001:db8:5eed::1' }
    for (let i = 0; i < 5; i++) expect((await recover('ABCD-EFGH-JKLM-NPQR', address)).status).toBe(400)
    const res = await recover('ABCD-EFGH-JKLM-NPQR', address)
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toBe('60')
    // Another address of the same /64 is the same client; another /64 is not held up.
    expect((await recover('ABCD-EFGH-JKLM-NPQR', { 'CF-Connecting-IP': '2001:db8:5eed:0:ffff::9' })).status).toBe(429)
    expect((await recover('ABCD-EFGH-JKLM-NPQR')).status).toBe(400)
  })
})

describe('turning MFA off by any route', () => {
  it('POST /mfa_disable deletes the codes', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    expect((await call('/mfa_disable', json({}, bearer(user)))).status).toBe(200)
    expect((await recover(code)).status).toBe(400)
    expect(await (await call('/mfa_recovery_codes', { headers: bearer(user) })).json()).toMatchObject({ remaining: 0 })
  })

  it('records each step as an event', async () => {
    const { user } = await enrolledUser()
    const [code = ''] = await createRecoveryCodes(user)
    await recover(code)
    expect(await eventTypes(user)).toEqual([
      'mfa_disabled',
      'recovery_code_used',
      'recovery_codes_created',
      'mfa_enabled',
      'authenticator_registered',
      'authenticator_setup',
    ])
  })
})
