/**
 * SaaSus failing, slow or garbled: every failure is classified (502/503/504 with
 * a code), reads are retried once, writes never, and no route reports success
 * unless SaaSus confirmed it. Faults are scoped to each test's own trace id.
 */
import { describe, expect, it } from 'vitest'
import {
  apiWith,
  bearer,
  call,
  currentCode,
  freshUser,
  mfaState,
  setup,
  type TestUser,
  verify,
  withAccessToken,
} from '../support/harness'
import { type FaultsInput, newTrace, saasusCalls } from '../support/trace'

const traced = (user: TestUser, traceId: string) => ({ ...withAccessToken(user), 'X-SaaSus-Trace-Id': traceId })
const post = (path: string, headers: Record<string, string>) => call(path, { method: 'POST', headers })

/** A user with an authenticator registered (setup + verify done), MFA still off. */
async function registeredUser(): Promise<TestUser> {
  const user = await freshUser()
  const res = await verify(user, currentCode(await setup(user)))
  if (res.status !== 200) throw new Error(`verify failed: ${res.status}`)
  return user
}

describe('a failing SaaSus call is classified', () => {
  it.each<{ fault: string; faults: FaultsInput; status: number; code: string }>([
    { fault: 'a 503', faults: { failNext: 1, methods: ['PATCH'] }, status: 503, code: 'upstream_unavailable' },
    {
      fault: 'a dropped connection',
      faults: { dropRate: 1, methods: ['PATCH'] },
      status: 503,
      code: 'upstream_unavailable',
    },
    {
      fault: 'a 200 whose body is not JSON',
      faults: { malformedRate: 1, methods: ['PATCH'] },
      status: 502,
      code: 'upstream_error',
    },
  ])('$fault while enabling → $status $code, and MFA stays off', async ({ faults, status, code }) => {
    const user = await registeredUser()
    const res = await post('/mfa_enable', traced(user, await newTrace(faults)))
    expect(res.status).toBe(status)
    expect(await res.json()).toEqual({ error: expect.any(String), code })
    expect((await mfaState(user.id)).enabled).toBe(false)
  })

  it('a 500 internal_server_error or 503 from SaaSus → 502 or 503, never a rejection', async () => {
    const user = await registeredUser()
    const res = await post('/mfa_enable', traced(user, await newTrace({ serverErrorRate: 1, methods: ['PATCH'] })))
    expect([502, 503]).toContain(res.status)
    expect(['upstream_error', 'upstream_unavailable']).toContain(((await res.json()) as { code: string }).code)
  })

  it('a stalled body → 504 upstream_timeout within SAASUS_TIMEOUT_MS', async () => {
    const user = await freshUser()
    const api = apiWith({ SAASUS_TIMEOUT_MS: '300' })
    const traceId = await newTrace({ stallRate: 1, methods: ['PATCH'] })
    const started = Date.now()
    const res = await api('/mfa_disable', { method: 'POST', headers: traced(user, traceId) })
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ code: 'upstream_timeout' })
    expect(Date.now() - started).toBeLessThan(2_000)
  })

  it('a slow answer → 504 upstream_timeout, and the read is not retried past its deadline', async () => {
    const user = await freshUser()
    const api = apiWith({ SAASUS_TIMEOUT_MS: '200' })
    const traceId = await newTrace({ latencyMs: 1_000, methods: ['GET'] })
    const started = Date.now()
    const res = await api('/mfa_status', { headers: { ...bearer(user), 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(504)
    expect(await res.json()).toMatchObject({ code: 'upstream_timeout' })
    expect(Date.now() - started).toBeLessThan(1_000)
  })
})

describe('reads are retried once', () => {
  it('GET /mfa_status succeeds when the first try of a read fails', async () => {
    const user = await freshUser()
    // The first call, userinfo, fails once and is tried again; the preference read then succeeds.
    const traceId = await newTrace({ failNext: 1, methods: ['GET'] })
    const res = await call('/mfa_status', { headers: { ...bearer(user), 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(200)
    expect((await saasusCalls(traceId)).byOperation).toEqual({
      'GET /v1/auth/userinfo': 2,
      'GET /v1/auth/users/{user_id}/mfa/preference': 1,
    })
  })

  it('and only once: two failures of the same read fail the request', async () => {
    const user = await freshUser()
    const traceId = await newTrace({ failNext: 3, methods: ['GET'] })
    const res = await call('/mfa_status', { headers: { ...bearer(user), 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(503)
    expect(await res.json()).toMatchObject({ code: 'upstream_unavailable' })
    expect((await saasusCalls(traceId)).byOperation).toEqual({ 'GET /v1/auth/userinfo': 2 })
  })
})

describe('writes are never retried', () => {
  it('a verification that failed once is not sent again, so the right code registers nothing', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    const traceId = await newTrace({ failNext: 1, methods: ['PUT'] })
    const res = await verify(user, currentCode(secret), { 'X-SaaSus-Trace-Id': traceId })
    expect(res.status).toBe(503)
    expect((await saasusCalls(traceId)).byOperation).toMatchObject({
      'PUT /v1/auth/users/{user_id}/mfa/software-token': 1,
    })
    expect((await mfaState(user.id)).registered).toBe(false)
  })

  it('an enable that failed once is not sent again', async () => {
    const user = await registeredUser()
    const traceId = await newTrace({ failNext: 1, methods: ['PATCH'] })
    const res = await post('/mfa_enable', traced(user, traceId))
    expect(res.status).toBe(503)
    expect((await saasusCalls(traceId)).byOperation).toMatchObject({
      'PATCH /v1/auth/users/{user_id}/mfa/preference': 1,
    })
    expect((await mfaState(user.id)).enabled).toBe(false)
  })

  it('a secret-code request that failed once is not sent again', async () => {
    const user = await freshUser()
    const traceId = await newTrace({ failNext: 1, methods: ['POST'] })
    const res = await call('/mfa_setup', { headers: traced(user, traceId) })
    expect(res.status).toBe(503)
    expect((await saasusCalls(traceId)).byOperation).toMatchObject({
      'POST /v1/auth/users/{user_id}/mfa/software-token/secret-code': 1,
    })
    expect((await mfaState(user.id)).pending).toBe(false)
  })
})

describe('no success unless SaaSus confirmed it', () => {
  it('every 200 of enable, disable and verify under 50% faults is matched by the emulator state', async () => {
    const user = await freshUser()
    const traceId = await newTrace({ serverErrorRate: 0.2, dropRate: 0.15, malformedRate: 0.15 })
    const headers = traced(user, traceId)
    let secret: string | undefined
    let successes = 0
    for (let step = 0; step < 40; step++) {
      if (!secret) {
        const res = await call('/mfa_setup', { headers })
        if (res.status === 200)
          secret =
            new URL(((await res.json()) as { qrCodeUrl: string }).qrCodeUrl).searchParams.get('secret') ?? undefined
        continue
      }
      const action = (['verify', 'enable', 'disable'] as const)[step % 3]
      const res =
        action === 'verify'
          ? await verify(user, currentCode(secret), { 'X-SaaSus-Trace-Id': traceId })
          : await post(`/mfa_${action}`, headers)
      if (res.status !== 200) {
        expect(res.status === 409 || res.status === 400 || res.status === 429 || res.status >= 502).toBe(true)
        continue
      }
      successes += 1
      const state = await mfaState(user.id)
      if (action === 'verify') expect(state.registered).toBe(true)
      else expect(state.enabled).toBe(action === 'enable')
      if (action === 'verify') secret = undefined
    }
    expect(successes).toBeGreaterThan(0)
  })
})
