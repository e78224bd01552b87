/**
 * Threat: a page on another site uses the browser's ambient credentials or its
 * users' tokens to read or change MFA settings. CORS must grant exactly the
 * allow-listed origins, echo them (never `*`), and give everyone else nothing.
 */
import { describe, expect, it } from 'vitest'
import { bearer, call, newUser, SPA_ORIGIN } from './support/harness'

const SPA_HEADERS = 'authorization,content-type,x-access-token,x-requested-with,x-saasus-referer'
const ROUTES: [string, string][] = [
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

function grantHeaders(res: Response): string[] {
  return [...res.headers.keys()].filter((name) => name.startsWith('access-control-'))
}

describe('preflight from an allowed origin', () => {
  it.each(ROUTES)('grants %s %s with the exact origin and credentials', async (method, path) => {
    const res = await preflight(path, method, SPA_ORIGIN)
    expect(res.status).toBe(204)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true')
    expect(res.headers.get('Access-Control-Allow-Methods')?.split(', ')).toContain(method)
    expect(res.headers.get('Vary')).toContain('Origin')
  })

  it('allows every header the sample SPA sends, compared case-insensitively', async () => {
    const res = await preflight('/mfa_verify', 'POST', SPA_ORIGIN, 'AUTHORIZATION,X-Access-Token,x-saasus-referer')
    const allowed = (res.headers.get('Access-Control-Allow-Headers') ?? '').toLowerCase().split(/,\s*/)
    for (const name of SPA_HEADERS.split(',')) expect(allowed).toContain(name)
  })

  it('lets the browser cache the answer for two hours, the most Chromium keeps', async () => {
    const res = await preflight('/mfa_status', 'GET', SPA_ORIGIN)
    expect(res.headers.get('Access-Control-Max-Age')).toBe('7200')
  })

  it('never answers with the wildcard origin', async () => {
    const res = await preflight('/mfa_status', 'GET', SPA_ORIGIN)
    expect(res.headers.get('Access-Control-Allow-Origin')).not.toBe('*')
  })
})

describe('preflight from any other origin', () => {
  it.each([
    ['an unknown site', 'https://evil.example'],
    ['the null origin of sandboxed frames and file: pages', 'null'],
    ['the allowed host over another scheme', 'http://spa.example.com'],
    ['the allowed host on another port', 'https://spa.example.com:8443'],
    ['a suffix trick', 'https://spa.example.com.evil.example'],
    ['a prefix trick', 'https://evilspa.example.com'],
    ['a trailing slash', 'https://spa.example.com/'],
  ])('gives %s no grant at all', async (_, origin) => {
    const res = await preflight('/mfa_status', 'GET', origin)
    expect(res.status).toBe(403)
    expect(grantHeaders(res)).toEqual([])
    expect(await res.json()).toMatchObject({ code: 'origin_not_allowed' })
  })
})

describe('actual requests', () => {
  it('echo an allowed origin with credentials, on success and on errors alike', async () => {
    const user = await newUser({ email: `cors-${crypto.randomUUID()}@example.com` })
    for (const headers of [bearer(user), { Authorization: 'Bearer nope' }]) {
      const res = await call('/mfa_status', { headers: { ...headers, Origin: SPA_ORIGIN } })
      expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
      expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true')
      expect(res.headers.get('Vary')).toContain('Origin')
    }
  })

  it('expose Retry-After and X-Request-Id to the SPA, which CORS hides otherwise', async () => {
    const res = await call('/mfa_status', { headers: { Authorization: 'Bearer nope', Origin: SPA_ORIGIN } })
    expect(res.headers.get('Access-Control-Expose-Headers')).toBe('Retry-After, X-Request-Id')
    expect(res.headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  it('from an origin outside the list are refused before SaaSus is asked, with no grant', async () => {
    const user = await newUser({ email: `cors-${crypto.randomUUID()}@example.com` })
    const res = await call('/mfa_disable', {
      method: 'POST',
      headers: { ...bearer(user), Origin: 'https://evil.example' },
    })
    expect(res.status).toBe(403)
    expect(grantHeaders(res)).toEqual([])
    expect(await res.json()).toMatchObject({ code: 'origin_not_allowed' })
  })

  it('without an Origin (curl, servers) are served without CORS headers but with Vary: Origin', async () => {
    const user = await newUser({ email: `cors-${crypto.randomUUID()}@example.com` })
    const res = await call('/mfa_status', { headers: bearer(user) })
    expect(res.status).toBe(200)
    expect(grantHeaders(res)).toEqual([])
    expect(res.headers.get('Vary')).toContain('Origin')
  })
})
