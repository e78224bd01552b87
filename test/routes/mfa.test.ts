/**
 * The five MFA routes against the SaaSus emulator over real fetch: the happy
 * path, every bad input, and SaaSus refusing or failing.
 */
import { env } from 'cloudflare:workers'
import { beforeEach, describe, expect, it } from 'vitest'
import { app } from '../../src/core/app'
import {
  bearer,
  call,
  codeOf,
  currentCode,
  freshUser,
  mfaState,
  setup,
  type TestUser,
  verify,
  withAccessToken,
  wrongCode,
} from '../support/harness'
import { newTrace, saasusCalls } from '../support/trace'

let user: TestUser
beforeEach(async () => {
  // In no tenant: no tenant's policy can make `required` true for it, whatever other files set.
  user = await freshUser({ tenants: [] })
})

describe('GET /mfa_status', () => {
  it('reports MFA off for a new user', async () => {
    const res = await call('/mfa_status', { headers: bearer(user) })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ enabled: false, required: false, enroll_by: null })
  })

  it.each([
    ['no Authorization header', {}],
    ['another scheme', { Authorization: `Basic ${btoa('a:b')}` }],
    ['Bearer without a token', { Authorization: 'Bearer' }],
    ['a token with spaces', { Authorization: 'Bearer a b' }],
    ['a token SaaSus does not know', { Authorization: 'Bearer eyJ.unknown.token' }],
  ])('answers 401 invalid_token with a Bearer challenge for %s', async (_, headers) => {
    const res = await call('/mfa_status', { headers })
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"')
    expect(await res.json()).toEqual({ error: expect.any(String), code: 'invalid_token' })
  })

  it('accepts the scheme name in any case', async () => {
    const res = await call('/mfa_status', { headers: { Authorization: `bearer ${user.id_token}` } })
    expect(res.status).toBe(200)
  })
})

describe('GET /mfa_setup', () => {
  it('returns an otpauth URI labelled with the e-mail and the default issuer', async () => {
    const res = await call('/mfa_setup', { headers: withAccessToken(user) })
    const { qrCodeUrl } = (await res.json()) as { qrCodeUrl: string }
    expect(qrCodeUrl).toMatch(
      new RegExp(
        `^otpauth://totp/SaaSusPlatform:${encodeURIComponent(user.email)}\\?secret=[A-Z2-7]{32}&issuer=SaaSusPlatform$`,
      ),
    )
  })

  it('labels a + e-mail with %2B', async () => {
    const plus = await freshUser({ email: `bob+${crypto.randomUUID()}@example.com` })
    const { qrCodeUrl } = (await (await call('/mfa_setup', { headers: withAccessToken(plus) })).json()) as {
      qrCodeUrl: string
    }
    expect(qrCodeUrl).toContain(`:bob%2B${plus.email.slice(4, -12)}%40example.com?`)
  })

  it('labels a sign-in-ID user (empty e-mail) with the sign-in ID', async () => {
    const signIn = await freshUser({ sign_in_id: `carol_${crypto.randomUUID().slice(0, 8)}` })
    const { qrCodeUrl } = (await (await call('/mfa_setup', { headers: withAccessToken(signIn) })).json()) as {
      qrCodeUrl: string
    }
    expect(qrCodeUrl).toContain(`/SaaSusPlatform:${signIn.sign_in_id}?`)
  })

  it('uses MFA_ISSUER for both the label prefix and the issuer parameter', async () => {
    const res = await app.request('/mfa_setup', { headers: withAccessToken(user) }, { ...env, MFA_ISSUER: 'Acme Corp' })
    const { qrCodeUrl } = (await res.json()) as { qrCodeUrl: string }
    expect(qrCodeUrl).toMatch(/^otpauth:\/\/totp\/Acme%20Corp:.*&issuer=Acme%20Corp$/)
  })

  it('answers 400 missing_access_token without X-Access-Token', async () => {
    const res = await call('/mfa_setup', { headers: bearer(user) })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'missing_access_token' })
  })

  it("answers 401 invalid_access_token for another user's access token", async () => {
    const other = await freshUser()
    const res = await call('/mfa_setup', { headers: { ...bearer(user), 'X-Access-Token': other.access_token } })
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'invalid_access_token' })
  })
})

describe('POST /mfa_verify', () => {
  it('registers the authenticator when the code is right', async () => {
    const secret = await setup(user)
    const res = await verify(user, currentCode(secret))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ message: expect.any(String) })
    expect(await mfaState(user.id)).toMatchObject({ registered: true, enabled: false })
  })

  it('answers 400 invalid_verification_code when SaaSus refuses the code', async () => {
    const secret = await setup(user)
    const res = await verify(user, wrongCode(secret))
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_verification_code' })
    expect(await mfaState(user.id)).toMatchObject({ registered: false })
  })

  it('answers 400 invalid_verification_code when no setup came first', async () => {
    const res = await verify(user, '123456')
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_verification_code' })
  })

  it.each(['12345', '1234567', 'abcdef', '12 345', ''])('answers 400 invalid_request for the code %j', async (code) => {
    await setup(user)
    const res = await verify(user, code)
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request' })
  })

  it('answers 400 invalid_request for a number instead of a string, or no body', async () => {
    for (const body of [JSON.stringify({ verification_code: 123456 }), '']) {
      const res = await call('/mfa_verify', {
        method: 'POST',
        headers: { ...withAccessToken(user), 'Content-Type': 'application/json' },
        body,
      })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'invalid_request' })
    }
  })

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    const res = await call('/mfa_verify', {
      method: 'POST',
      headers: { ...withAccessToken(user), 'Content-Type': 'application/json' },
      body: '{"verification_code":',
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_json' })
  })

  it('answers 415 unsupported_media_type for a form body', async () => {
    const res = await call('/mfa_verify', {
      method: 'POST',
      headers: { ...withAccessToken(user), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'verification_code=123456',
    })
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' })
  })

  it('answers 400 missing_access_token without X-Access-Token', async () => {
    const res = await call('/mfa_verify', {
      method: 'POST',
      headers: { ...bearer(user), 'Content-Type': 'application/json' },
      body: JSON.stringify({ verification_code: '123456' }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'missing_access_token' })
  })
})

describe('POST /mfa_enable and /mfa_disable', () => {
  it('answers 409 mfa_not_registered when enabling before an authenticator is registered', async () => {
    const res = await call('/mfa_enable', { method: 'POST', headers: bearer(user) })
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ code: 'mfa_not_registered' })
    expect(await mfaState(user.id)).toMatchObject({ enabled: false })
  })

  it('enables with an empty body or {}, and disables again', async () => {
    await verify(user, currentCode(await setup(user)))
    const enable = await call('/mfa_enable', { method: 'POST', headers: bearer(user) })
    expect(enable.status).toBe(200)
    expect(await (await call('/mfa_status', { headers: bearer(user) })).json()).toEqual({
      enabled: true,
      method: 'softwareToken',
      required: false,
      enroll_by: null,
    })

    const disable = await call('/mfa_disable', {
      method: 'POST',
      headers: { ...bearer(user), 'Content-Type': 'application/json' },
      body: '{}',
    })
    expect(disable.status).toBe(200)
    expect(await disable.json()).toEqual({ message: expect.any(String) })
    expect(await (await call('/mfa_status', { headers: bearer(user) })).json()).toEqual({
      enabled: false,
      required: false,
      enroll_by: null,
    })
  })

  it('answers 415 unsupported_media_type for a non-JSON body, and changes nothing', async () => {
    const res = await call('/mfa_enable', {
      method: 'POST',
      headers: { ...bearer(user), 'Content-Type': 'text/plain' },
      body: 'please',
    })
    expect([res.status, await codeOf(res)]).toEqual([415, 'unsupported_media_type'])
    expect(await mfaState(user.id)).toMatchObject({ enabled: false })
  })
})

describe('when SaaSus fails', () => {
  const traced = (traceId: string) => ({ ...bearer(user), 'X-SaaSus-Trace-Id': traceId })

  it('answers 502 or 503 with a code, never 200, when SaaSus has an outage', async () => {
    const traceId = await newTrace({ serverErrorRate: 1 })
    const res = await call('/mfa_status', { headers: traced(traceId) })
    const body = (await res.json()) as { code: string }
    expect([502, 503]).toContain(res.status)
    expect(body.code).toBe(res.status === 502 ? 'upstream_error' : 'upstream_unavailable')
  })

  it('answers 502 upstream_error when SaaSus sends a body that does not match its definition', async () => {
    const traceId = await newTrace({ malformedRate: 1 })
    const res = await call('/mfa_status', { headers: traced(traceId) })
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ code: 'upstream_error' })
  })

  it('answers 503 upstream_unavailable when the connection breaks mid-answer', async () => {
    const traceId = await newTrace({ dropRate: 1 })
    const res = await call('/mfa_status', { headers: traced(traceId) })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ code: 'upstream_unavailable' })
  })

  it('answers 504 upstream_timeout when SaaSus stalls past SAASUS_TIMEOUT_MS', async () => {
    const traceId = await newTrace({ stallRate: 1 })
    const res = await app.request('/mfa_status', { headers: traced(traceId) }, { ...env, SAASUS_TIMEOUT_MS: '300' })
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ code: 'upstream_timeout' })
  })

  it('does not report a verification as successful when SaaSus failed it, and registers nothing', async () => {
    const secret = await setup(user)
    // Only the verification (the one PUT) fails: the user is resolved, the code is sent, SaaSus answers 5xx.
    const traceId = await newTrace({ serverErrorRate: 1, methods: ['PUT'] })
    const res = await verify(user, currentCode(secret), { 'X-SaaSus-Trace-Id': traceId })
    expect((await saasusCalls(traceId)).byOperation).toEqual({
      'GET /v1/auth/userinfo': 1,
      'PUT /v1/auth/users/{user_id}/mfa/software-token': 1,
    })
    expect([502, 503]).toContain(res.status)
    expect(['upstream_error', 'upstream_unavailable']).toContain(await codeOf(res))
    expect(await mfaState(user.id)).toMatchObject({ registered: false })
  })
})

describe('every response', () => {
  it('answers an unknown route with 404 not_found JSON', async () => {
    const res = await call('/mfa_nothing', { headers: bearer(user) })
    expect(res.status).toBe(404)
    expect(await res.json()).toMatchObject({ code: 'not_found' })
  })

  it('answers a path that is no route with 404 before any authentication or SaaSus call', async () => {
    const traceId = await newTrace()
    const res = await call('/mfa_nothing', { headers: { ...bearer(user), 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(404)
    expect(res.headers.get('WWW-Authenticate')).toBeNull()
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it('answers 500 misconfigured, naming nothing secret, when a secret is missing', async () => {
    const { SAASUS_SECRET_KEY: _, ...incomplete } = env
    const res = await app.request('/mfa_status', { headers: bearer(user) }, incomplete)
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(JSON.parse(text)).toMatchObject({ code: 'misconfigured' })
    expect(text).not.toContain(env.SAASUS_API_KEY)
  })

  it('forwards X-SaaSus-Referer and Referer to SaaSus on every call of a request', async () => {
    const traceId = await newTrace()
    await call('/mfa_status', {
      headers: {
        ...bearer(user),
        'X-SaaSus-Trace-Id': traceId,
        'X-SaaSus-Referer': '/user?action=mfa',
        Referer: 'https://spa.example.com/user',
      },
    })
    const seen = (await saasusCalls(traceId)).calls
    expect(seen.map((c) => c.operation)).toEqual([
      'GET /v1/auth/userinfo',
      'GET /v1/auth/users/{user_id}/mfa/preference',
    ])
    for (const c of seen)
      expect(c).toMatchObject({ saasusReferer: '/user?action=mfa', referer: 'https://spa.example.com/user' })
  })

  it('never echoes a token in an error body', async () => {
    const responses = [
      await call('/mfa_setup', { headers: { ...bearer(user), 'X-Access-Token': 'not-the-right-one' } }),
      await verify(user, '000000'),
      await call('/mfa_status', { headers: { Authorization: 'Bearer secret-looking-token' } }),
    ]
    for (const res of responses) {
      expect(res.status).toBeGreaterThanOrEqual(400)
      const text = await res.text()
      expect(JSON.parse(text)).toEqual({ error: expect.any(String), code: expect.any(String) })
      for (const secret of [user.id_token, user.access_token, 'not-the-right-one', 'secret-looking-token']) {
        expect(text).not.toContain(secret)
      }
    }
  })
})
