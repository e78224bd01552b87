/**
 * The session routes as the sample SPA meets them: /credentials turns the
 * hosted login's one-time code into tokens and the SaaSusRefreshToken cookie,
 * /refresh renews tokens from that cookie, /userinfo names the signed-in user,
 * /logout forgets the cookie. Each test signs in a fresh emulator user.
 */
import { describe, expect, it, vi } from 'vitest'
import { call, codeOf, freshUser } from '../support/harness'
import { jwtPayload } from '../support/sample-spa'
import { expireLoginCode, loginCode, signIn, XHR } from '../support/sign-in'
import { newTrace, saasusCalls } from '../support/trace'

const COOKIE_ATTRIBUTES = 'Max-Age=2592000; Path=/refresh; HttpOnly; Secure; SameSite=None; Partitioned'
const CLEARED_COOKIE = 'SaaSusRefreshToken=; Max-Age=0; Path=/refresh; HttpOnly; Secure; SameSite=None; Partitioned'
/** Ours first, then the other partition of ours and the sample SPA's Path=/ copy (test/security/sign-out.test.ts). */
const EXPIRED_COOKIES = [
  CLEARED_COOKIE,
  'SaaSusRefreshToken=; Max-Age=0; Path=/refresh; HttpOnly; Secure; SameSite=None',
  'SaaSusRefreshToken=; Max-Age=0; Path=/; Secure; SameSite=None',
]

describe('GET /credentials', () => {
  it('exchanges a fresh login code for an ID token, an access token and a refresh token', async () => {
    const user = await freshUser()
    const res = await call(`/credentials?code=${await loginCode(user.id)}`, { headers: XHR })
    expect(res.status).toBe(200)
    const body = (await res.json()) as Record<string, string>
    expect(Object.keys(body).sort()).toEqual(['access_token', 'id_token', 'refresh_token'])
    expect(jwtPayload(body.id_token ?? '')).toMatchObject({ sub: user.id, email: user.email })
  })

  it('sets the refresh token as an HttpOnly, Secure, partitioned cookie for /refresh only, for 30 days', async () => {
    const user = await freshUser()
    const res = await call(`/credentials?code=${await loginCode(user.id)}`, { headers: XHR })
    const { refresh_token } = (await res.json()) as { refresh_token: string }
    expect(res.headers.getSetCookie()).toEqual([`SaaSusRefreshToken=${refresh_token}; ${COOKIE_ATTRIBUTES}`])
  })

  it('tells caches not to keep the tokens', async () => {
    const user = await freshUser()
    const res = await call(`/credentials?code=${await loginCode(user.id)}`, { headers: XHR })
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })

  it('leaves refresh_token out of the body when REFRESH_TOKEN_IN_BODY is false, and still sets the cookie', async () => {
    const user = await freshUser()
    const res = await call(
      `/credentials?code=${await loginCode(user.id)}`,
      { headers: XHR },
      { REFRESH_TOKEN_IN_BODY: 'false' },
    )
    expect(Object.keys(await res.json()).sort()).toEqual(['access_token', 'id_token'])
    expect(res.headers.getSetCookie()[0]).toMatch(/^SaaSusRefreshToken=[^;]+; Max-Age=2592000; /)
  })

  it('uses the configured SameSite and lifetime, and no Partitioned unless SameSite=None', async () => {
    const user = await freshUser()
    const res = await call(
      `/credentials?code=${await loginCode(user.id)}`,
      { headers: XHR },
      { REFRESH_COOKIE_SAMESITE: 'Lax', REFRESH_COOKIE_MAX_AGE_SECONDS: '3600' },
    )
    const { refresh_token } = (await res.json()) as { refresh_token: string }
    expect(res.headers.getSetCookie()).toEqual([
      `SaaSusRefreshToken=${refresh_token}; Max-Age=3600; Path=/refresh; HttpOnly; Secure; SameSite=Lax`,
    ])
  })

  it('refuses a code that was already used with 400 invalid_login_code, and sets no cookie', async () => {
    const user = await freshUser()
    const code = await loginCode(user.id)
    expect((await call(`/credentials?code=${code}`, { headers: XHR })).status).toBe(200)
    const again = await call(`/credentials?code=${code}`, { headers: XHR })
    expect(again.status).toBe(400)
    expect(await codeOf(again)).toBe('invalid_login_code')
    expect(again.headers.getSetCookie()).toEqual([])
  })

  it('refuses a code past its 10 seconds with 400 invalid_login_code', async () => {
    const user = await freshUser()
    const code = await loginCode(user.id)
    await expireLoginCode(code)
    const res = await call(`/credentials?code=${code}`, { headers: XHR })
    expect(res.status).toBe(400)
    expect(await codeOf(res)).toBe('invalid_login_code')
  })

  it('refuses a code SaaSus never issued with 400 invalid_login_code', async () => {
    const res = await call(`/credentials?code=${crypto.randomUUID()}`, { headers: XHR })
    expect(res.status).toBe(400)
    expect(await codeOf(res)).toBe('invalid_login_code')
  })

  it('refuses a code that is not a UUID without asking SaaSus', async () => {
    const traceId = await newTrace()
    const res = await call('/credentials?code=not-a-code', { headers: { ...XHR, 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(400)
    expect(await codeOf(res)).toBe('invalid_login_code')
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it('answers 400 invalid_request without a code', async () => {
    const res = await call('/credentials', { headers: XHR })
    expect(res.status).toBe(400)
    expect(await codeOf(res)).toBe('invalid_request')
  })

  it('answers 503 upstream_unavailable when SaaSus drops the connection, and sets no cookie', async () => {
    const user = await freshUser()
    const traceId = await newTrace({ dropRate: 1 })
    const res = await call(`/credentials?code=${await loginCode(user.id)}`, {
      headers: { ...XHR, 'X-SaaSus-Trace-Id': traceId },
    })
    expect(res.status).toBe(503)
    expect(await codeOf(res)).toBe('upstream_unavailable')
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('answers 504 upstream_timeout when SaaSus does not answer in time', async () => {
    const user = await freshUser()
    const traceId = await newTrace({ latencyMs: 1_000 })
    const res = await call(
      `/credentials?code=${await loginCode(user.id)}`,
      { headers: { ...XHR, 'X-SaaSus-Trace-Id': traceId } },
      { SAASUS_TIMEOUT_MS: '200' },
    )
    expect(res.status).toBe(504)
    expect(await codeOf(res)).toBe('upstream_timeout')
  })
})

describe('GET /refresh', () => {
  it('renews the ID and access tokens from the cookie', async () => {
    const session = await signIn()
    const res = await call('/refresh', { headers: { ...XHR, Cookie: session.cookie } })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { id_token: string; access_token: string }
    expect(Object.keys(body).sort()).toEqual(['access_token', 'id_token'])
    expect(body.id_token).not.toBe(session.credentials.id_token)
    expect(jwtPayload(body.id_token).sub).toBe(session.user.id)
    expect(res.headers.get('Cache-Control')).toBe('no-store')
  })

  it('keeps the cookie as it is when SaaSus does not rotate the refresh token', async () => {
    const session = await signIn()
    const res = await call('/refresh', { headers: { ...XHR, Cookie: session.cookie } })
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('gives an ID token that /userinfo accepts', async () => {
    const session = await signIn()
    const refreshed = await call('/refresh', { headers: { ...XHR, Cookie: session.cookie } })
    const { id_token } = (await refreshed.json()) as { id_token: string }
    const res = await call('/userinfo', { headers: { Authorization: `Bearer ${id_token}` } })
    expect(res.status).toBe(200)
    expect(((await res.json()) as { id: string }).id).toBe(session.user.id)
  })

  it('answers 401 missing_refresh_token without the cookie, and sets no cookie', async () => {
    const res = await call('/refresh', { headers: { ...XHR, Cookie: 'other=1' } })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('missing_refresh_token')
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('answers 401 invalid_refresh_token and clears the cookie when SaaSus refuses the token', async () => {
    const res = await call('/refresh', { headers: { ...XHR, Cookie: 'SaaSusRefreshToken=made-up-token' } })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('invalid_refresh_token')
    expect(res.headers.getSetCookie()).toEqual(EXPIRED_COOKIES)
  })

  it('clears a cookie that cannot hold a refresh token without asking SaaSus', async () => {
    const traceId = await newTrace()
    const res = await call('/refresh', {
      headers: { ...XHR, Cookie: 'SaaSusRefreshToken=%20two%20words', 'X-SaaSus-Trace-Id': traceId },
    })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('invalid_refresh_token')
    expect(res.headers.getSetCookie()).toEqual(EXPIRED_COOKIES)
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it('keeps the cookie when SaaSus is unavailable (503), so the next try can succeed', async () => {
    const session = await signIn()
    const traceId = await newTrace({ dropRate: 1 })
    const res = await call('/refresh', { headers: { ...XHR, Cookie: session.cookie, 'X-SaaSus-Trace-Id': traceId } })
    expect(res.status).toBe(503)
    expect(res.headers.getSetCookie()).toEqual([])
    expect((await call('/refresh', { headers: { ...XHR, Cookie: session.cookie } })).status).toBe(200)
  })
})

describe('GET /userinfo', () => {
  it("returns the signed-in user's UserInfo, with tenants and roles to route by", async () => {
    const session = await signIn()
    const res = await call('/userinfo', { headers: { Authorization: `Bearer ${session.credentials.id_token}` } })
    expect(res.status).toBe(200)
    const info = (await res.json()) as {
      id: string
      email: string
      tenants: { envs: { roles: { role_name: string }[] }[] }[]
    }
    expect(info).toMatchObject({ id: session.user.id, email: session.user.email, sign_in_id: '' })
    expect(info.tenants[0]?.envs[0]?.roles[0]?.role_name).toBe('admin')
  })

  it('answers 401 invalid_token without a bearer token', async () => {
    const res = await call('/userinfo', { headers: XHR })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('invalid_token')
  })

  it("answers 401 invalid_token once the ID token's exp has passed", async () => {
    const session = await signIn({ idTokenLifetimeSeconds: 2 })
    const { exp } = jwtPayload(session.credentials.id_token)
    await new Promise((resolve) => setTimeout(resolve, exp * 1000 - Date.now() + 50))
    const res = await call('/userinfo', { headers: { Authorization: `Bearer ${session.credentials.id_token}` } })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('invalid_token')
  })
})

describe('POST /logout', () => {
  it('clears the cookie with the attributes it was set with', async () => {
    const session = await signIn()
    const res = await call('/logout', { method: 'POST', headers: { ...XHR, Cookie: session.cookie } })
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ message: 'Signed out' })
    expect(res.headers.getSetCookie()).toEqual(EXPIRED_COOKIES)
  })

  it('clears it even when the browser sent none (the cookie is scoped to /refresh)', async () => {
    const res = await call('/logout', { method: 'POST', headers: XHR })
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie()).toEqual(EXPIRED_COOKIES)
  })
})

describe('REFRESH_COOKIE_PATH: the API mounted under a prefix a proxy strips', () => {
  // The SPA calls /api/refresh; the proxy forwards /refresh. The cookie must say /api/refresh, or
  // the browser never sends it back (RFC 6265 §5.1.4 path-match).
  const PREFIXED = { REFRESH_COOKIE_PATH: '/api/refresh' }
  const EXPIRED_PREFIXED = EXPIRED_COOKIES.map((cookie) => cookie.replace('Path=/refresh;', 'Path=/api/refresh;'))

  it('is /refresh by default, for setting and clearing alike', async () => {
    const set = await call(`/credentials?code=${await loginCode((await freshUser()).id)}`, { headers: XHR })
    expect(set.headers.getSetCookie()[0]).toMatch(/; Path=\/refresh; /)
    const cleared = await call('/logout', { method: 'POST', headers: XHR })
    expect(cleared.headers.getSetCookie().map((cookie) => /Path=([^;]*)/.exec(cookie)?.[1])).toEqual([
      '/refresh',
      '/refresh',
      '/',
    ])
  })

  it('sets the cookie at the configured path on /credentials', async () => {
    const user = await freshUser()
    const res = await call(`/credentials?code=${await loginCode(user.id)}`, { headers: XHR }, PREFIXED)
    const { refresh_token } = (await res.json()) as { refresh_token: string }
    expect(res.headers.getSetCookie()).toEqual([
      `SaaSusRefreshToken=${refresh_token}; ${COOKIE_ATTRIBUTES.replace('Path=/refresh', 'Path=/api/refresh')}`,
    ])
  })

  it('clears it at the configured path when /refresh is refused, and still renews from it', async () => {
    const session = await signIn()
    expect((await call('/refresh', { headers: { ...XHR, Cookie: session.cookie } }, PREFIXED)).status).toBe(200)
    const refused = await call('/refresh', { headers: { ...XHR, Cookie: 'SaaSusRefreshToken=made-up' } }, PREFIXED)
    expect(refused.status).toBe(401)
    expect(refused.headers.getSetCookie()).toEqual(EXPIRED_PREFIXED)
  })

  it('clears it at the configured path on /logout, and the Path=/ copy as before', async () => {
    const res = await call('/logout', { method: 'POST', headers: XHR }, PREFIXED)
    expect(res.status).toBe(200)
    expect(res.headers.getSetCookie()).toEqual(EXPIRED_PREFIXED)
  })

  it('refuses a path that is not the refresh route (a prefix alone would send the cookie everywhere)', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {})
    try {
      for (const value of ['/api', '/api/refresh/', 'api/refresh', '/api/refresh;Domain=x']) {
        const res = await call('/logout', { method: 'POST', headers: XHR }, { REFRESH_COOKIE_PATH: value })
        expect([res.status, await codeOf(res)], value).toEqual([500, 'misconfigured'])
        expect(res.headers.getSetCookie()).toEqual([])
      }
      // The log names the variable and what it takes, once per env: one line per value tried.
      const lines = logged.mock.calls
        .map(([line]) => JSON.parse(String(line)))
        .filter((line) => line.event === 'misconfigured')
      expect(lines).toHaveLength(4)
      for (const line of lines) {
        expect(line).toEqual({
          level: 'error',
          event: 'misconfigured',
          problems: [expect.stringMatching(/^REFRESH_COOKIE_PATH: must be where browsers call \/refresh: /)],
        })
      }
    } finally {
      logged.mockRestore()
    }
  })
})
