/**
 * Threat: an attacker who holds a victim's ID and access tokens (a stolen
 * session, a malicious browser extension) registers their own authenticator, or
 * guesses the six-digit code of the victim's, by trying codes as fast as the API
 * answers: a million codes fall in hours without a limit. The guard counts
 * attempts per user at the edge and, over the limit, never calls SaaSus.
 */
import { beforeEach, describe, expect, it } from 'vitest'
import {
  call,
  clearOfLimitWindowEnd,
  currentCode,
  freshUser,
  mfaState,
  setup,
  verify,
  withAccessToken,
  wrongCode,
} from '../support/harness'
import { newTrace, saasusCalls } from '../support/trace'

// wrangler.toml [[ratelimits]]: MFA_VERIFY_LIMITER 5 / 60 s, MFA_SETUP_LIMITER 10 / 60 s.
const VERIFY_LIMIT = 5
const SETUP_LIMIT = 10

// Each test spends a minute's budget: none may straddle the end of the binding's window.
beforeEach(() => clearOfLimitWindowEnd())

describe('POST /mfa_verify', () => {
  it(`answers ${VERIFY_LIMIT} wrong codes a minute with 400`, async () => {
    const user = await freshUser()
    const secret = await setup(user)
    for (let attempt = 1; attempt <= VERIFY_LIMIT; attempt++) {
      const res = await verify(user, wrongCode(secret))
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'invalid_verification_code' })
    }
  })

  it('answers the next attempt 429 too_many_attempts with Retry-After, even with the right code', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    for (let attempt = 1; attempt <= VERIFY_LIMIT; attempt++) await verify(user, wrongCode(secret))

    const res = await verify(user, currentCode(secret))
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toBe('60')
    expect(await res.json()).toEqual({ error: expect.any(String), code: 'too_many_attempts' })
  })

  it('does not send the code to SaaSus over the limit: the right code registers nothing', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    for (let attempt = 1; attempt <= VERIFY_LIMIT; attempt++) await verify(user, wrongCode(secret))

    const traceId = await newTrace()
    expect((await verify(user, currentCode(secret), { 'X-SaaSus-Trace-Id': traceId })).status).toBe(429)
    // The user is resolved (the limit is per user); the verification itself is never sent.
    expect((await saasusCalls(traceId)).byOperation).toEqual({ 'GET /v1/auth/userinfo': 1 })
    expect(await mfaState(user.id)).toMatchObject({ registered: false, pending: true })
  })

  it('counts per user: one user over the limit leaves another untouched', async () => {
    const [victim, bystander] = [await freshUser(), await freshUser()]
    const victimSecret = await setup(victim)
    for (let attempt = 1; attempt <= VERIFY_LIMIT + 1; attempt++) await verify(victim, wrongCode(victimSecret))

    const bystanderSecret = await setup(bystander)
    expect((await verify(bystander, currentCode(bystanderSecret))).status).toBe(200)
  })

  it('spends no attempt on a malformed body: it is 400 invalid_request even after five real guesses', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    for (let attempt = 1; attempt <= VERIFY_LIMIT; attempt++) await verify(user, wrongCode(secret))
    for (const malformed of ['12345a', 123456]) {
      const res = await call('/mfa_verify', {
        method: 'POST',
        headers: { ...withAccessToken(user), 'Content-Type': 'application/json' },
        body: JSON.stringify({ verification_code: malformed }),
      })
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'invalid_request' })
    }
  })

  it('spends no attempt on a malformed body: five of them leave all five guesses', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    for (let attempt = 1; attempt <= VERIFY_LIMIT; attempt++) expect((await verify(user, 'abc')).status).toBe(400)
    for (let attempt = 1; attempt < VERIFY_LIMIT; attempt++) await verify(user, wrongCode(secret))
    expect((await verify(user, currentCode(secret))).status).toBe(200)
  })

  it('spends no attempt on a request without X-Access-Token', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    for (let attempt = 1; attempt <= VERIFY_LIMIT; attempt++) {
      const res = await verify(user, currentCode(secret), { 'X-Access-Token': '' })
      expect(await res.json()).toMatchObject({ code: 'missing_access_token' })
    }
    expect((await verify(user, currentCode(secret))).status).toBe(200)
  })
})

describe('GET /mfa_setup', () => {
  it(`mints a secret ${SETUP_LIMIT} times a minute, then answers 429 without minting another`, async () => {
    const user = await freshUser()
    let lastSecret = ''
    for (let attempt = 1; attempt <= SETUP_LIMIT; attempt++) lastSecret = await setup(user)

    const traceId = await newTrace()
    const res = await call('/mfa_setup', { headers: { ...withAccessToken(user), 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(429)
    expect(res.headers.get('Retry-After')).toBe('60')
    expect(await res.json()).toMatchObject({ code: 'too_many_attempts' })
    expect((await saasusCalls(traceId)).byOperation).toEqual({ 'GET /v1/auth/userinfo': 1 })
    // Had SaaSus been asked, the pending secret would have been replaced.
    expect((await verify(user, currentCode(lastSecret))).status).toBe(200)
  })
})

describe('the routes without a limit', () => {
  it('serve status, enable and disable past the verify limit', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    expect((await verify(user, currentCode(secret))).status).toBe(200)
    for (let attempt = 1; attempt <= VERIFY_LIMIT; attempt++) await verify(user, wrongCode(secret))

    const headers = withAccessToken(user)
    expect((await call('/mfa_enable', { method: 'POST', headers })).status).toBe(200)
    expect((await call('/mfa_status', { headers })).status).toBe(200)
    expect((await call('/mfa_disable', { method: 'POST', headers })).status).toBe(200)
  })
})
