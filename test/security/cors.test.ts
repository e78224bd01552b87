/**
 * Threat: a page on another origin calls the API from a signed-in user's browser
 * and reads the answers: the user's MFA state, or a fresh authenticator secret
 * it could register itself. The allow-list is exact: the `null` origin
 * (sandboxed iframes, file: pages) and near misses of an allowed origin (other
 * scheme, other port, suffixes and prefixes, letter case, a list smuggled into
 * one header) get no CORS grant, their preflights are refused, and their
 * requests are refused before SaaSus is called.
 */
import { describe, expect, it } from 'vitest'
import { call, callsMade, countingTrace, newUser, SPA_ORIGIN, withAccessToken } from './support/harness'

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

const CORS_GRANTS = ['Access-Control-Allow-Origin', 'Access-Control-Allow-Credentials', 'Access-Control-Allow-Headers']

describe('near-miss origins', () => {
  it.each(NEAR_MISSES)('a preflight from %j is refused with 403 and no grant', async (origin) => {
    const res = await call('/mfa_setup', {
      method: 'OPTIONS',
      headers: {
        Origin: origin,
        'Access-Control-Request-Method': 'GET',
        'Access-Control-Request-Headers': 'authorization',
      },
    })
    expect(res.status).toBe(403)
    for (const name of CORS_GRANTS) expect(res.headers.get(name)).toBeNull()
  })

  it.each(NEAR_MISSES.filter((origin) => origin !== ''))(
    'a request from %j is refused with 403 before SaaSus is called',
    async (origin) => {
      const user = await newUser()
      const traceId = await countingTrace()
      const res = await call('/mfa_setup', {
        headers: { ...withAccessToken(user), Origin: origin, 'X-SaaSus-Trace-Id': traceId },
      })
      expect(res.status).toBe(403)
      expect(await res.json()).toMatchObject({ code: 'origin_not_allowed' })
      for (const name of CORS_GRANTS) expect(res.headers.get(name)).toBeNull()
      expect(await callsMade(traceId)).toBe(0)
    },
  )
})

describe('the allowed origin', () => {
  it('gets its exact origin back with credentials, next to the secure headers', async () => {
    const user = await newUser()
    const res = await call('/mfa_status', { headers: { ...withAccessToken(user), Origin: SPA_ORIGIN } })
    expect(res.status).toBe(200)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
    expect(res.headers.get('Access-Control-Allow-Credentials')).toBe('true')
    expect(res.headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin')
  })

  it('gets the grant on its errors too, so the SPA can read the code', async () => {
    const res = await call('/mfa_status', { headers: { Origin: SPA_ORIGIN } })
    expect(res.status).toBe(401)
    expect(res.headers.get('Access-Control-Allow-Origin')).toBe(SPA_ORIGIN)
  })
})
