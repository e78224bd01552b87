/**
 * No wasted work: each route makes exactly the SaaSus calls it needs, once.
 * A mutation is two calls (resolve the user, then the change); a repeated
 * status read is one. Counted by the emulator per X-SaaSus-Trace-Id.
 */
import { describe, expect, it } from 'vitest'
import { bearer, call, currentCode, freshUser, secretOf, withAccessToken } from '../support/harness'
import { newTrace, saasusCalls } from '../support/trace'

const byOperation = async (traceId: string) => (await saasusCalls(traceId)).byOperation

describe('SaaSus calls per request', () => {
  it('setup, verify, enable and disable each make exactly two calls: the user, then the change', async () => {
    const user = await freshUser()
    const traces = { setup: await newTrace(), verify: await newTrace(), enable: await newTrace() }
    const disableTrace = await newTrace()
    const headers = (traceId: string) => ({
      ...withAccessToken(user),
      'X-SaaSus-Trace-Id': traceId,
      'Content-Type': 'application/json',
    })

    const setup = await call('/mfa_setup', { headers: headers(traces.setup) })
    const { qrCodeUrl } = (await setup.json()) as { qrCodeUrl: string }
    const verify = await call('/mfa_verify', {
      method: 'POST',
      headers: headers(traces.verify),
      body: JSON.stringify({ verification_code: currentCode(secretOf(qrCodeUrl)) }),
    })
    const enable = await call('/mfa_enable', { method: 'POST', headers: headers(traces.enable), body: '{}' })
    const disable = await call('/mfa_disable', { method: 'POST', headers: headers(disableTrace), body: '{}' })
    expect([setup.status, verify.status, enable.status, disable.status]).toEqual([200, 200, 200, 200])

    expect(await byOperation(traces.setup)).toEqual({
      'GET /v1/auth/userinfo': 1,
      'POST /v1/auth/users/{user_id}/mfa/software-token/secret-code': 1,
    })
    expect(await byOperation(traces.verify)).toEqual({
      'GET /v1/auth/userinfo': 1,
      'PUT /v1/auth/users/{user_id}/mfa/software-token': 1,
    })
    expect(await byOperation(traces.enable)).toEqual({
      'GET /v1/auth/userinfo': 1,
      'PATCH /v1/auth/users/{user_id}/mfa/preference': 1,
    })
    expect(await byOperation(disableTrace)).toEqual({
      'GET /v1/auth/userinfo': 1,
      'PATCH /v1/auth/users/{user_id}/mfa/preference': 1,
    })
  })

  it('a repeated status read makes one call: the preference', async () => {
    const user = await freshUser()
    const traceId = await newTrace()
    const read = () => call('/mfa_status', { headers: { ...bearer(user), 'X-SaaSus-Trace-Id': traceId } })
    await read()
    const before = await byOperation(traceId)
    expect((await read()).status).toBe(200)
    const after = await byOperation(traceId)
    expect(after['GET /v1/auth/userinfo']).toBe(before['GET /v1/auth/userinfo'])
    expect(after['GET /v1/auth/users/{user_id}/mfa/preference']).toBe(2)
  })

  it('a request refused before any work (bad token shape) makes no call at all', async () => {
    const traceId = await newTrace()
    const res = await call('/mfa_status', { headers: { Authorization: 'Bearer ', 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(401)
    expect((await saasusCalls(traceId)).total).toBe(0)
  })
})
