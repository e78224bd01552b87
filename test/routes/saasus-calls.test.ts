/**
 * No wasted work: each route makes exactly the SaaSus calls it needs, once.
 * A mutation is two calls (resolve the user, then the change); a repeated
 * status read is one. Counted by the emulator per X-SaaSus-Trace-Id.
 */
import { exports } from 'cloudflare:workers'
import { TOTP } from 'otpauth'
import { describe, expect, it } from 'vitest'

const EMULATOR = 'https://api.saasus.io/_emulator'

async function freshUser(): Promise<{ id_token: string; access_token: string }> {
  const res = await fetch(`${EMULATOR}/users`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: `${crypto.randomUUID()}@example.com` }),
  })
  return (await res.json()) as { id_token: string; access_token: string }
}

/** The calls made under one trace id, by operation. */
async function callsOf(traceId: string): Promise<Record<string, number>> {
  const res = await fetch(`${EMULATOR}/calls?traceId=${traceId}`)
  return ((await res.json()) as { byOperation: Record<string, number> }).byOperation
}

function send(path: string, init: { method?: string; headers?: Record<string, string>; body?: string }) {
  return exports.default.fetch(new Request(`https://mfa.example.com${path}`, init))
}

describe('SaaSus calls per request', () => {
  it('setup, verify, enable and disable each make exactly two calls: the user, then the change', async () => {
    const user = await freshUser()
    const headers = (traceId: string) => ({
      Authorization: `Bearer ${user.id_token}`,
      'X-Access-Token': user.access_token,
      'X-SaaSus-Trace-Id': traceId,
      'Content-Type': 'application/json',
    })
    const traces = { setup: crypto.randomUUID(), verify: crypto.randomUUID(), enable: crypto.randomUUID() }
    const disableTrace = crypto.randomUUID()

    const setup = await send('/mfa_setup', { headers: headers(traces.setup) })
    const { qrCodeUrl } = (await setup.json()) as { qrCodeUrl: string }
    const secret = new URL(qrCodeUrl).searchParams.get('secret') ?? ''
    const code = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate()
    const verify = await send('/mfa_verify', {
      method: 'POST',
      headers: headers(traces.verify),
      body: JSON.stringify({ verification_code: code }),
    })
    const enable = await send('/mfa_enable', { method: 'POST', headers: headers(traces.enable), body: '{}' })
    const disable = await send('/mfa_disable', { method: 'POST', headers: headers(disableTrace), body: '{}' })
    expect([setup.status, verify.status, enable.status, disable.status]).toEqual([200, 200, 200, 200])

    expect(await callsOf(traces.setup)).toEqual({
      'GET /v1/auth/userinfo': 1,
      'POST /v1/auth/users/{user_id}/mfa/software-token/secret-code': 1,
    })
    expect(await callsOf(traces.verify)).toEqual({
      'GET /v1/auth/userinfo': 1,
      'PUT /v1/auth/users/{user_id}/mfa/software-token': 1,
    })
    expect(await callsOf(traces.enable)).toEqual({
      'GET /v1/auth/userinfo': 1,
      'PATCH /v1/auth/users/{user_id}/mfa/preference': 1,
    })
    expect(await callsOf(disableTrace)).toEqual({
      'GET /v1/auth/userinfo': 1,
      'PATCH /v1/auth/users/{user_id}/mfa/preference': 1,
    })
  })

  it('a repeated status read makes one call: the preference', async () => {
    const user = await freshUser()
    const traceId = crypto.randomUUID()
    const read = () =>
      send('/mfa_status', { headers: { Authorization: `Bearer ${user.id_token}`, 'X-SaaSus-Trace-Id': traceId } })
    await read()
    const before = await callsOf(traceId)
    expect((await read()).status).toBe(200)
    const after = await callsOf(traceId)
    expect(after['GET /v1/auth/userinfo']).toBe(before['GET /v1/auth/userinfo'])
    expect(after['GET /v1/auth/users/{user_id}/mfa/preference']).toBe(2)
  })

  it('a request refused before any work (bad token shape) makes no call at all', async () => {
    const traceId = crypto.randomUUID()
    const res = await send('/mfa_status', { headers: { Authorization: 'Bearer ', 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(401)
    expect(await callsOf(traceId)).toEqual({})
  })
})
