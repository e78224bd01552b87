/**
 * Threat: a cached identity outlives the token it came from. A revoked or
 * expired ID token must not change MFA state, and a cache entry must never
 * outlive the token's own `exp`; the cache must not hold tokens an attacker
 * could lift from memory. Also the point of the cache: a repeated read costs
 * one SaaSus call.
 *
 * Each test uses a fresh emulator user and its own X-SaaSus-Trace-Id, so the
 * emulator's per-trace call counts are the test's own.
 */
import { describe, expect, it } from 'vitest'
import { userCache } from '../../src/core/middleware/user-cache'
import { apiWith, call, freshUser } from '../support/harness'
import { newTrace, saasusCalls } from '../support/trace'

async function userinfoCalls(traceId: string): Promise<number> {
  return (await saasusCalls(traceId)).byOperation['GET /v1/auth/userinfo'] ?? 0
}

/** A request with an ID token, under a trace. */
function send(path: string, token: string, traceId: string, method = 'GET'): Promise<Response> {
  return call(path, { method, headers: { Authorization: `Bearer ${token}`, 'X-SaaSus-Trace-Id': traceId } })
}

describe('GET /mfa_status with the user cache', () => {
  it('resolves a repeated ID token without a second /userinfo call', async () => {
    const user = await freshUser()
    const traceId = await newTrace()
    expect((await send('/mfa_status', user.id_token, traceId)).status).toBe(200)
    expect((await send('/mfa_status', user.id_token, traceId)).status).toBe(200)
    expect(await userinfoCalls(traceId)).toBe(1)
  })

  it('calls /userinfo every time when USER_CACHE_TTL_SECONDS is 0', async () => {
    const user = await freshUser()
    const traceId = await newTrace()
    const cacheOff = apiWith({ USER_CACHE_TTL_SECONDS: '0' })
    for (let i = 0; i < 2; i++) {
      const headers = { Authorization: `Bearer ${user.id_token}`, 'X-SaaSus-Trace-Id': traceId }
      expect((await cacheOff('/mfa_status', { headers })).status).toBe(200)
    }
    expect(await userinfoCalls(traceId)).toBe(2)
  })

  it("stops serving a cached user once the token's exp has passed", async () => {
    const user = await freshUser({ id_token_lifetime_seconds: 2 })
    const traceId = await newTrace()
    expect((await send('/mfa_status', user.id_token, traceId)).status).toBe(200)
    expect(await userinfoCalls(traceId)).toBe(1)
    // exp has whole-second resolution: 3 s is past it whenever within the second the user was made.
    await new Promise((resolve) => setTimeout(resolve, 3_000))
    const afterExpiry = await send('/mfa_status', user.id_token, traceId)
    expect(afterExpiry.status).toBe(401)
    // Refused from the token's own exp, before the cache and without asking SaaSus again.
    expect(afterExpiry.headers.get('WWW-Authenticate')).toContain('The ID token has expired')
    expect(await userinfoCalls(traceId)).toBe(1)
  })

  it('keeps only a SHA-256 of the token, never the token', async () => {
    const user = await freshUser()
    await send('/mfa_status', user.id_token, await newTrace())
    const keys = userCache.keys()
    expect(keys.length).toBeGreaterThan(0)
    for (const key of keys) expect(key).toMatch(/^[0-9a-f]{64}$/)
    expect(keys).not.toContain(user.id_token)
  })
})

describe('routes that change state', () => {
  it.each([
    ['POST', '/mfa_disable'],
    ['GET', '/mfa_setup'],
    ['POST', '/mfa_verify'],
    ['POST', '/mfa_enable'],
  ])('%s %s resolves the user afresh even right after a cached read', async (method, path) => {
    const user = await freshUser()
    const traceId = await newTrace()
    await send('/mfa_status', user.id_token, traceId)
    await send('/mfa_status', user.id_token, traceId)
    await send(path, user.id_token, traceId, method)
    expect(await userinfoCalls(traceId)).toBe(2)
  })
})
