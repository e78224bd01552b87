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
 * which a page can only add through a CORS preflight, and the CORS allow-list
 * refuses the preflight of any origin it does not list.
 */
import { describe, expect, it } from 'vitest'
import { call, loginCode, newUser, SPA_ORIGIN, signIn, XHR } from './support/sign-in'

const HOSTILE = 'https://attacker.example'

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { code: string }).code
}

describe('a simple cross-site request (no Origin, no custom header)', () => {
  it('cannot spend a login code at /credentials, and sets no cookie', async () => {
    const user = await newUser()
    const code = await loginCode(user.id)
    const forged = await call(`/credentials?code=${code}`)
    expect(forged.status).toBe(403)
    expect(await errorCode(forged)).toBe('missing_requested_with')
    expect(forged.headers.getSetCookie()).toEqual([])
    // The code was never sent to SaaSus: the SPA can still use it.
    expect((await call(`/credentials?code=${code}`, { headers: XHR })).status).toBe(200)
  })

  it('cannot run /refresh with the cookie', async () => {
    const session = await signIn()
    const forged = await call('/refresh', { headers: { Cookie: session.cookie } })
    expect(forged.status).toBe(403)
    expect(await errorCode(forged)).toBe('missing_requested_with')
    expect(forged.headers.getSetCookie()).toEqual([])
  })

  it('cannot sign the user out with /logout', async () => {
    const session = await signIn()
    const forged = await call('/logout', { method: 'POST', headers: { Cookie: session.cookie } })
    expect(forged.status).toBe(403)
    expect(forged.headers.getSetCookie()).toEqual([])
  })
})

describe('a script on a site outside ALLOWED_ORIGINS', () => {
  it('has its preflight for /refresh refused, so the browser never sends the call', async () => {
    const res = await call('/refresh', {
      method: 'OPTIONS',
      headers: {
        Origin: HOSTILE,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'x-requested-with',
      },
    })
    expect(res.status).toBe(403)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBeNull()
  })

  it('is refused at /refresh even when it forges the header, before SaaSus is asked', async () => {
    const session = await signIn()
    const res = await call('/refresh', { headers: { ...XHR, Origin: HOSTILE, Cookie: session.cookie } })
    expect(res.status).toBe(403)
    expect(await errorCode(res)).toBe('origin_not_allowed')
  })

  it('is refused at /logout (a form post carries its Origin)', async () => {
    const res = await call('/logout', {
      method: 'POST',
      headers: { Origin: HOSTILE, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    })
    expect(res.status).toBe(403)
    expect(await errorCode(res)).toBe('origin_not_allowed')
  })
})

describe('the SPA on an allowed origin', () => {
  it('gets the credentialed CORS grant the browser needs to store the cookie from /credentials', async () => {
    const user = await newUser()
    const res = await call(`/credentials?code=${await loginCode(user.id)}`, {
      headers: { ...XHR, Origin: SPA_ORIGIN },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true')
    expect(res.headers.getSetCookie()).toHaveLength(1)
  })

  it('may send X-Requested-With in a preflight for /refresh', async () => {
    const res = await call('/refresh', {
      method: 'OPTIONS',
      headers: {
        Origin: SPA_ORIGIN,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'x-requested-with',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Headers')).toContain('X-Requested-With')
  })
})
