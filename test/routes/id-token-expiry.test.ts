/**
 * An ID token whose own `exp` has passed is refused at once, without a SaaSus
 * round trip, with a challenge that says so (RFC 6750 §3), so the SPA knows to
 * refresh rather than send the user to sign in again. The token is not trusted
 * for anything else: a JWT that has not expired is still checked by SaaSus.
 */
import { describe, expect, it } from 'vitest'
import { call, codeOf } from '../support/harness'
import { unsignedJwt } from '../support/tokens'
import { newTrace, saasusCalls } from '../support/trace'

const nowSeconds = () => Math.floor(Date.now() / 1000)
const expired = () => unsignedJwt({ sub: 'someone', exp: nowSeconds() - 60 })

describe('an expired ID token', () => {
  it.each(['/mfa_status', '/mfa_setup', '/userinfo'])('is 401 invalid_token on %s, saying it expired', async (path) => {
    const traceId = await newTrace()
    const res = await call(path, { headers: { Authorization: `Bearer ${expired()}`, 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toBe(
      'Bearer error="invalid_token", error_description="The ID token has expired"',
    )
    expect(await codeOf(res)).toBe('invalid_token')
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it.each(['/mfa_verify', '/mfa_enable', '/mfa_disable'])(
    'is refused on POST %s too, saying it expired, before any SaaSus call',
    async (path) => {
      const traceId = await newTrace()
      const res = await call(path, {
        method: 'POST',
        headers: { Authorization: `Bearer ${expired()}`, 'X-SaaSus-Trace-Id': traceId },
      })
      expect(res.status).toBe(401)
      expect(res.headers.get('WWW-Authenticate')).toContain('The ID token has expired')
      expect((await saasusCalls(traceId)).total).toBe(0)
    },
  )
})

describe('a token that is not expired, or not a JWT', () => {
  it.each([
    ['a JWT whose exp is ahead', () => unsignedJwt({ sub: 'someone', exp: nowSeconds() + 600 })],
    ['an opaque token', () => 'opaque-token-value'],
  ])('%s is asked of SaaSus, and its refusal has the plain challenge', async (_, token) => {
    const traceId = await newTrace()
    const res = await call('/mfa_status', {
      headers: { Authorization: `Bearer ${token()}`, 'X-SaaSus-Trace-Id': traceId },
    })
    expect((await saasusCalls(traceId)).byOperation).toEqual({ 'GET /v1/auth/userinfo': 1 })
    // SaaSus does not know the token: refused, without the claim that it expired.
    expect(res.status).toBe(401)
    expect(res.headers.get('WWW-Authenticate')).toBe('Bearer error="invalid_token"')
  })
})
