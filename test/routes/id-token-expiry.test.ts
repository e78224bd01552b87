/**
 * An ID token whose own `exp` has passed is refused at once, without a SaaSus
 * round trip, with a challenge that says so (RFC 6750 §3), so the SPA knows to
 * refresh rather than send the user to sign in again. The token is not trusted
 * for anything else: a JWT that has not expired is still checked by SaaSus.
 */
import { describe, expect, it } from 'vitest'
import { call, callsMade, countingTrace } from './support/harness'

const base64url = (value: unknown) =>
  btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')
const jwt = (exp: number) => `${base64url({ alg: 'RS256' })}.${base64url({ sub: 'someone', exp })}.c2ln`
const nowSeconds = () => Math.floor(Date.now() / 1000)

describe('an expired ID token', () => {
  it.each(['/mfa_status', '/mfa_setup', '/userinfo'])('is 401 invalid_token on %s, saying it expired', async (path) => {
    const traceId = await countingTrace()
    const res = await call(path, {
      headers: { Authorization: `Bearer ${jwt(nowSeconds() - 60)}`, 'X-SaaSus-Trace-Id': traceId },
    })
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toBe(
      'Bearer error="invalid_token", error_description="The ID token has expired"',
    )
    expect(await res.json()).toMatchObject({ code: 'invalid_token' })
    expect(await callsMade(traceId)).toBe(0)
  })

  it('is refused on the mutations too, before any SaaSus call', async () => {
    for (const path of ['/mfa_verify', '/mfa_enable', '/mfa_disable']) {
      const traceId = await countingTrace()
      const res = await call(path, {
        method: 'POST',
        headers: { Authorization: `Bearer ${jwt(nowSeconds() - 1)}`, 'X-SaaSus-Trace-Id': traceId },
      })
      expect(res.status).toBe(401)
      expect(await callsMade(traceId)).toBe(0)
    }
  })
})

describe('a token that is not expired, or not a JWT', () => {
  it.each([
    ['a JWT whose exp is ahead', () => jwt(nowSeconds() + 600)],
    ['an opaque token', () => 'opaque-token-value'],
  ])('%s is asked of SaaSus, and its refusal has the plain challenge', async (_, token) => {
    const traceId = await countingTrace()
    const res = await call('/mfa_status', {
      headers: { Authorization: `Bearer ${token()}`, 'X-SaaSus-Trace-Id': traceId },
    })
    expect(await callsMade(traceId)).toBeGreaterThan(0)
    // The counting trace answers 503, so SaaSus "failed": what matters is that it was asked.
    expect(res.status).not.toBe(401)
  })
})
