/**
 * Threat: cross-site request forgery on the routes that set or read the
 * SaaSusRefreshToken cookie. With `SameSite=None` the browser attaches the
 * cookie to requests that a page on any other site starts. A hostile page could
 * (a) make /refresh run with the victim's cookie, (b) sign the victim out with
 * /logout, or (c) plant its own session in the victim's browser ("login CSRF")
 * by sending the victim to /credentials with a code of the attacker's account.
 *
 * Defence: a browser sends no `Origin` on a simple cross-site GET (an <img>, a
 * link, a top-level navigation), so these routes also require `X-Requested-With`,
 * which a page can only add through a CORS preflight; the CORS allow-list
 * refuses the preflight, and any request, of an origin it does not list (tested
 * in cors.test.ts with the rest of CORS).
 */
import { describe, expect, it } from 'vitest'
import { call, codeOf, freshUser } from '../support/harness'
import { loginCode, signIn, XHR } from '../support/sign-in'
import { newTrace, saasusCalls } from '../support/trace'

describe('a simple cross-site request (no Origin, no custom header)', () => {
  it('cannot spend a login code at /credentials, and sets no cookie', async () => {
    const user = await freshUser()
    const code = await loginCode(user.id)
    const traceId = await newTrace()
    const forged = await call(`/credentials?code=${code}`, { headers: { 'X-SaaSus-Trace-Id': traceId } })
    expect(forged.status).toBe(403)
    expect(await codeOf(forged)).toBe('missing_requested_with')
    expect(forged.headers.getSetCookie()).toEqual([])
    // The code was never sent to SaaSus: the SPA can still use it.
    expect((await saasusCalls(traceId)).total).toBe(0)
    expect((await call(`/credentials?code=${code}`, { headers: XHR })).status).toBe(200)
  })

  it('cannot run /refresh with the cookie', async () => {
    const session = await signIn()
    const traceId = await newTrace()
    const forged = await call('/refresh', { headers: { Cookie: session.cookie, 'X-SaaSus-Trace-Id': traceId } })
    expect(forged.status).toBe(403)
    expect(await codeOf(forged)).toBe('missing_requested_with')
    expect(forged.headers.getSetCookie()).toEqual([])
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it('cannot sign the user out with /logout', async () => {
    const session = await signIn()
    const forged = await call('/logout', { method: 'POST', headers: { Cookie: session.cookie } })
    expect(forged.status).toBe(403)
    expect(await codeOf(forged)).toBe('missing_requested_with')
    // No expired cookie either: the browser keeps the session.
    expect(forged.headers.getSetCookie()).toEqual([])
  })
})

describe('the SPA, which adds X-Requested-With', () => {
  it.each([
    ['/credentials without a code', 'GET', '/credentials', 400],
    ['/refresh without a cookie', 'GET', '/refresh', 401],
    ['/logout', 'POST', '/logout', 200],
  ])('gets past the guard on %s (any value will do)', async (_, method, path, status) => {
    const res = await call(path, { method, headers: { 'X-Requested-With': 'anything' } })
    expect(res.status).toBe(status)
  })
})
