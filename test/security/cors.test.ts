/**
 * Threat: a page on another origin calls the API from a signed-in user's
 * browser and reads the answers (the user's MFA state, a fresh authenticator
 * secret it could register itself, a session's tokens) or changes them. CORS
 * grants exactly the allow-listed origins, echoed with credentials and never
 * `*`. The `null` origin (sandboxed iframes, file: pages) and near misses of an
 * allowed origin (other scheme, other port, suffixes and prefixes, letter case,
 * a list smuggled into one header) get no grant at all: their preflights are
 * refused, and their requests are refused before SaaSus is called.
 *
 * Every CORS test is here, the session routes' included; the other half of the
 * session routes' CSRF defence (X-Requested-With) is in csrf.test.ts.
 */
import { describe, expect, it } from 'vitest'
import { ROUTES } from '../../src/shared/routes'
import { API, bearer, call, codeOf, freshUser, SPA_ORIGIN, withAccessToken } from '../support/harness'
import { loginCode, signIn, XHR } from '../support/sign-in'
import { newTrace, saasusCalls } from '../support/trace'

// vitest.config.ts allows https://spa.example.com and http://localhost:3000.
const NEAR_MISSES = [
  'null',
  'http://spa.example.com',
  'https://spa.example.com:8443',
  'https://spa.example.com:443',
  'https://spa.example.com.evil.example',
  'https://spa.example.com.',
  'https://evilspa.example.com',
  'https://evil.spa.example.com',
  'https://spa.example.co',
  'https://spa-example.com',
  'https://spa.example.com/',
  'HTTPS://SPA.EXAMPLE.COM',
  'https://spa.example.com, https://evil.example',
  'https://spa.example.com%2e.evil.example',
  'https://spa.example.com@evil.example',
  'http://localhost:3001',
  'https://localhost:3000',
  'http://127.0.0.1:3000',
  'http://localhost',
  '*',
  '',
]
const HOSTILE = 'https://evil.example'

const SPA_HEADERS = 'authorization,content-type,x-access-token,x-requested-with,x-saasus-referer'
const MFA_ROUTES: [string, string][] = [
  ['GET', '/mfa_status'],
  ['GET', '/mfa_setup'],
  ['POST', '/mfa_verify'],
  ['POST', '/mfa_enable'],
  ['POST', '/mfa_disable'],
]

function preflight(path: string, method: string, origin: string, headers = SPA_HEADERS) {
  return call(path, {
    method: 'OPTIONS',
    headers: { Origin: origin, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': headers },
  })
}

/** Every CORS header of a response: none at all for an origin outside the list. */
function grantHeaders(res: Response): string[] {
  return [...res.headers.keys()].filter((name) => name.startsWith('access-control-'))
}

describe('a preflight from an allowed origin', () => {
  it.each(MFA_ROUTES)('grants %s %s with the exact origin and credentials', async (method, path) => {
    const res = await preflight(path, method, SPA_ORIGIN)
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true')
    expect(res.headers.get('Access-Control-Allow-Methods')?.split(', ')).toContain(method)
    expect(res.headers.get('Vary')).toContain('Origin')
  })

  // Every route of the table, not only the samples': a method left out of the grant is a route no browser can call.
  it.each(
    Object.values(ROUTES).map(
      (route) => [route.method, route.path.replace(/:\w+/g, '7f3c9a52-2b1e-4c6d-9e8f-0a1b2c3d4e5f')] as const,
    ),
  )('grants %s %s, as every route of the table', async (method, path) => {
    const res = await preflight(path, method, SPA_ORIGIN)
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Methods')?.split(', ')).toContain(method)
  })

  it('allows every header the sample SPA sends, compared case-insensitively', async () => {
    const res = await preflight('/mfa_verify', 'POST', SPA_ORIGIN, 'AUTHORIZATION,X-Access-Token,x-saasus-referer')
    const allowed = (res.headers.get('Access-Control-Allow-Headers') ?? '').toLowerCase().split(/,\s*/)
    for (const name of SPA_HEADERS.split(',')) expect(allowed).toContain(name)
  })

  it('allows X-Requested-With for /refresh, the header the session routes require', async () => {
    const res = await preflight('/refresh', 'GET', SPA_ORIGIN, 'x-requested-with')
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Headers')).toContain('X-Requested-With')
  })

  it('lets the browser cache the answer for two hours, the most Chromium keeps', async () => {
    const res = await preflight('/mfa_status', 'GET', SPA_ORIGIN)
    expect(res.headers.get('Access-Control-Max-Age')).toBe('7200')
  })

  it('echoes each allowed origin, never the wildcard, which browsers refuse with credentials', async () => {
    const res = await preflight('/mfa_status', 'GET', 'http://localhost:3000')
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe('http://localhost:3000')
  })
})

describe('a preflight from any other origin', () => {
  it.each([HOSTILE, ...NEAR_MISSES])('from %j is refused with 403 origin_not_allowed and no grant', async (origin) => {
    const res = await preflight('/mfa_setup', 'GET', origin, 'authorization')
    expect(res.status).toBe(403)
    expect(grantHeaders(res)).toEqual([])
    expect(await codeOf(res)).toBe('origin_not_allowed')
  })

  it('for /refresh is refused, so the browser never sends the call with the cookie', async () => {
    const res = await preflight('/refresh', 'GET', HOSTILE, 'x-requested-with')
    expect(res.status).toBe(403)
    expect(grantHeaders(res)).toEqual([])
  })
})

describe('a request from any other origin', () => {
  it.each([HOSTILE, ...NEAR_MISSES.filter((origin) => origin !== '')])(
    'from %j is refused with 403 before SaaSus is called',
    async (origin) => {
      const user = await freshUser()
      const traceId = await newTrace()
      const res = await call('/mfa_setup', {
        headers: { ...withAccessToken(user), Origin: origin, 'X-SaaSus-Trace-Id': traceId },
      })
      expect(res.status).toBe(403)
      expect(await codeOf(res)).toBe('origin_not_allowed')
      expect(grantHeaders(res)).toEqual([])
      expect((await saasusCalls(traceId)).total).toBe(0)
    },
  )

  it.each(MFA_ROUTES)('to %s %s is refused before SaaSus is called, and changes nothing', async (method, path) => {
    const user = await freshUser()
    const traceId = await newTrace()
    const res = await call(path, {
      method,
      headers: { ...withAccessToken(user), Origin: HOSTILE, 'X-SaaSus-Trace-Id': traceId },
    })
    expect([res.status, await codeOf(res)]).toEqual([403, 'origin_not_allowed'])
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it('to /refresh is refused before SaaSus is asked, even when it forges X-Requested-With', async () => {
    const session = await signIn()
    const traceId = await newTrace()
    const res = await call('/refresh', {
      headers: { ...XHR, Origin: HOSTILE, Cookie: session.cookie, 'X-SaaSus-Trace-Id': traceId },
    })
    expect([res.status, await codeOf(res)]).toEqual([403, 'origin_not_allowed'])
    expect(res.headers.getSetCookie()).toEqual([])
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it('to /logout is refused (a form post carries its Origin)', async () => {
    const res = await call('/logout', {
      method: 'POST',
      headers: { Origin: HOSTILE, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'a=1',
    })
    expect([res.status, await codeOf(res)]).toEqual([403, 'origin_not_allowed'])
    expect(res.headers.getSetCookie()).toEqual([])
  })
})

describe('a request from an allowed origin', () => {
  it('gets its exact origin back with credentials, on success and on errors alike, so the SPA reads both', async () => {
    const user = await freshUser()
    for (const headers of [bearer(user), { Authorization: 'Bearer nope' }]) {
      const res = await call('/mfa_status', { headers: { ...headers, Origin: SPA_ORIGIN } })
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
      expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true')
      expect(res.headers.get('Vary')).toContain('Origin')
    }
  })

  it('keeps the secure headers beside the grant', async () => {
    const user = await freshUser()
    const res = await call('/mfa_status', { headers: { ...withAccessToken(user), Origin: SPA_ORIGIN } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
    expect(res.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin')
  })

  it('may read Retry-After and X-Request-Id, which CORS hides otherwise', async () => {
    const res = await call('/mfa_status', { headers: { Authorization: 'Bearer nope', Origin: SPA_ORIGIN } })
    expect(res.headers.get('Access-Control-Expose-Headers')).toBe('Retry-After, X-Request-Id')
    expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('gets the credentialed grant the browser needs to store the cookie from /credentials', async () => {
    const user = await freshUser()
    const res = await call(`/credentials?code=${await loginCode(user.id)}`, {
      headers: { ...XHR, Origin: SPA_ORIGIN },
    })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true')
    expect(res.headers.getSetCookie()).toHaveLength(1)
  })
})

describe("a request from the API's own origin (not in the list)", () => {
  it('is not cross-site, so it is served, without a grant', async () => {
    const user = await freshUser()
    const res = await call('/mfa_status', { headers: { ...bearer(user), Origin: API } })
    expect(res.status).toBe(200)
    expect(grantHeaders(res)).toEqual([])
  })
})

describe('a request without Origin (curl, servers)', () => {
  it('is served without CORS headers but with Vary: Origin', async () => {
    const user = await freshUser()
    const res = await call('/mfa_status', { headers: bearer(user) })
    expect(res.status).toBe(200)
    expect(grantHeaders(res)).toEqual([])
    expect(res.headers.get('Vary')).toContain('Origin')
  })
})
