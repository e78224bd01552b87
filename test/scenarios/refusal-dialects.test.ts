/**
 * The promise an SPA relies on, whatever words SaaSus refuses in: a mistyped code
 * is a 400, enabling too early a 409, a refused token a 401, an outage a 5xx,
 * and our own bad credentials never a 401. This file runs once per refusal
 * dialect of the emulator (vitest.config.ts), so each rule is checked against
 * every plausible form of SaaSus's answer.
 */
import { describe, expect, it } from 'vitest'
import {
  apiWith,
  bearer,
  call,
  codeOf,
  currentCode,
  freshUser,
  mfaState,
  setup,
  verify,
  withAccessToken,
  wrongCode,
} from '../support/harness'
import { loginCode, signIn, XHR } from '../support/sign-in'
import { newTrace, saasusCalls } from '../support/trace'

describe('a refusal the user caused is a 4xx with its own code', () => {
  it('a wrong code is 400 invalid_verification_code, and registers nothing', async () => {
    const user = await freshUser()
    const res = await verify(user, wrongCode(await setup(user)))
    expect([res.status, await codeOf(res)]).toEqual([400, 'invalid_verification_code'])
    expect(await mfaState(user.id)).toMatchObject({ registered: false })
  })

  it('a code with no setup before it is 400 invalid_verification_code', async () => {
    const res = await verify(await freshUser(), '123456')
    expect([res.status, await codeOf(res)]).toEqual([400, 'invalid_verification_code'])
  })

  it('the right code registers the authenticator (a success is never read as a failure)', async () => {
    const user = await freshUser()
    const res = await verify(user, currentCode(await setup(user)))
    expect(res.status).toBe(200)
    expect(await mfaState(user.id)).toMatchObject({ registered: true })
  })

  it('enabling before an authenticator is registered is 409 mfa_not_registered', async () => {
    const res = await call('/mfa_enable', { method: 'POST', headers: bearer(await freshUser()) })
    expect([res.status, await codeOf(res)]).toEqual([409, 'mfa_not_registered'])
  })

  it("another user's access token is 401 invalid_access_token, at setup and at verify", async () => {
    const [user, other] = [await freshUser(), await freshUser()]
    const secret = await setup(user)
    const headers = { ...bearer(user), 'X-Access-Token': other.access_token }
    const atSetup = await call('/mfa_setup', { headers })
    expect([atSetup.status, await codeOf(atSetup)]).toEqual([401, 'invalid_access_token'])
    const atVerify = await verify(user, currentCode(secret), { 'X-Access-Token': other.access_token })
    expect([atVerify.status, await codeOf(atVerify)]).toEqual([401, 'invalid_access_token'])
  })

  it('an ID token SaaSus does not know is 401 invalid_token', async () => {
    const res = await call('/mfa_status', { headers: { Authorization: 'Bearer not-a-token-saasus-issued' } })
    expect([res.status, await codeOf(res)]).toEqual([401, 'invalid_token'])
  })

  it('a spent login code is 400 invalid_login_code', async () => {
    const code = await loginCode((await freshUser()).id)
    expect((await call(`/credentials?code=${code}`, { headers: XHR })).status).toBe(200)
    const res = await call(`/credentials?code=${code}`, { headers: XHR })
    expect([res.status, await codeOf(res)]).toEqual([400, 'invalid_login_code'])
  })

  it('a refresh token SaaSus refuses is 401 invalid_refresh_token', async () => {
    const res = await call('/refresh', { headers: { ...XHR, Cookie: 'SaaSusRefreshToken=made-up-refresh-token' } })
    expect([res.status, await codeOf(res)]).toEqual([401, 'invalid_refresh_token'])
  })

  it('a refresh token SaaSus accepts renews the tokens', async () => {
    const { cookie } = await signIn()
    expect((await call('/refresh', { headers: { ...XHR, Cookie: cookie } })).status).toBe(200)
  })
})

describe('an outage is a 5xx, never a 4xx', () => {
  it.each([
    ['GET /mfa_status', '/mfa_status', 'GET'],
    ['GET /mfa_setup', '/mfa_setup', 'GET'],
    ['POST /mfa_enable', '/mfa_enable', 'POST'],
    ['POST /mfa_disable', '/mfa_disable', 'POST'],
  ])('%s', async (_, path, method) => {
    const user = await freshUser()
    const traceId = await newTrace({ serverErrorRate: 1 })
    const res = await call(path, { method, headers: { ...withAccessToken(user), 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBeGreaterThanOrEqual(502)
    expect(['upstream_error', 'upstream_unavailable']).toContain(await codeOf(res))
  })

  it('POST /mfa_verify, with the user resolved and only the verification failing', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    const traceId = await newTrace({ serverErrorRate: 1, methods: ['PUT'] })
    const res = await verify(user, currentCode(secret), { 'X-SaaSus-Trace-Id': traceId })
    expect((await saasusCalls(traceId)).byOperation).toMatchObject({
      'PUT /v1/auth/users/{user_id}/mfa/software-token': 1,
    })
    expect(res.status).toBeGreaterThanOrEqual(502)
    expect(await mfaState(user.id)).toMatchObject({ registered: false })
  })
})

describe('our own SaaSus credentials refused is never a 401', () => {
  const wrongSecret = apiWith({ SAASUS_SECRET_KEY: 'not-the-secret-key' })

  it.each([
    ['GET /mfa_status', '/mfa_status', 'GET'],
    ['GET /userinfo', '/userinfo', 'GET'],
    ['GET /mfa_setup', '/mfa_setup', 'GET'],
  ])('%s answers 502 upstream_misconfigured with a wrong SAASUS_SECRET_KEY', async (_, path, method) => {
    const res = await wrongSecret(path, { method, headers: withAccessToken(await freshUser()) })
    expect([res.status, await codeOf(res)]).toEqual([502, 'upstream_misconfigured'])
    expect(res.headers.get('WWW-Authenticate')).toBeNull()
  })

  it('/refresh keeps the cookie: the session is not what failed', async () => {
    const { cookie } = await signIn()
    const res = await wrongSecret('/refresh', { headers: { ...XHR, Cookie: cookie } })
    expect([res.status, await codeOf(res)]).toEqual([502, 'upstream_misconfigured'])
    expect(res.headers.getSetCookie()).toEqual([])
  })
})
