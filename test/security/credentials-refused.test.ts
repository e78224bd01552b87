/**
 * Threat to availability: the API's own SaaSus credentials stop working (a
 * mistyped SAASUS_SECRET_KEY, a rotated API key, an IP restriction on the SaaS).
 * Were that answered 401, every SPA built on the samples would send its users to
 * sign in again, in a loop, while the operator's log said nothing about
 * credentials. Each route must answer 502 upstream_misconfigured instead, and the
 * log must name the likely cause at error level. The emulator refuses every call
 * in each credentials dialect (emulator/src/dialects.ts).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CREDENTIAL_DIALECTS } from '../../emulator/src/dialects'
import { call, codeOf, freshUser, verify, withAccessToken } from '../support/harness'
import { XHR } from '../support/sign-in'
import { newTrace } from '../support/trace'

const ROUTES: [string, string, Record<string, string>?][] = [
  ['GET', '/mfa_status'],
  ['GET', '/mfa_setup'],
  ['POST', '/mfa_enable'],
  ['POST', '/mfa_disable'],
  ['GET', '/userinfo'],
  ['GET', '/credentials?code=7f3c9a52-2b1e-4c6d-9e8f-0a1b2c3d4e5f', XHR],
  ['GET', '/refresh', { ...XHR, Cookie: 'SaaSusRefreshToken=some-refresh-token' }],
]

afterEach(() => {
  vi.restoreAllMocks()
})

describe.each(CREDENTIAL_DIALECTS)('when SaaSus refuses our credentials (%s)', (dialect) => {
  it.each(ROUTES)('%s %s answers 502 upstream_misconfigured, never a 401', async (method, path, extra) => {
    const user = await freshUser()
    const traceId = await newTrace({ dialect })
    const headers = { ...withAccessToken(user), ...extra, 'X-SaaSus-Trace-Id': traceId }
    const res = await call(path, { method, headers })
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ code: 'upstream_misconfigured' })
    expect(res.headers.get('WWW-Authenticate')).toBeNull()
    expect(res.headers.getSetCookie()).toEqual([])
  })

  it('POST /mfa_verify answers 502 upstream_misconfigured, never a 401', async () => {
    const traceId = await newTrace({ dialect })
    const res = await verify(await freshUser(), '123456', { 'X-SaaSus-Trace-Id': traceId })
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({ code: 'upstream_misconfigured' })
  })

  it('logs an error naming the likely cause and the operation, with SaaSus trace id and no token', async () => {
    const errors: string[] = []
    vi.spyOn(console, 'error').mockImplementation((line: string) => void errors.push(line))
    const user = await freshUser()
    const traceId = await newTrace({ dialect })
    await call('/mfa_status', { headers: { ...withAccessToken(user), 'X-SaaSus-Trace-Id': traceId } })
    const refused = errors.map((line) => JSON.parse(line)).find((line) => line.event === 'saasus_credentials_refused')
    expect(refused).toMatchObject({
      level: 'error',
      operation: 'GetUserInfo',
      verdict: 'misconfigured',
      likelyCause: expect.stringMatching(/SAASUS_|IP restriction/),
      saasusTraceId: traceId,
    })
    expect(errors.join('\n')).not.toContain(user.id_token)
  })
})

describe('an unworded 401 where SaaSus documents none (/credentials) is ours too', () => {
  const bare = { every_call: { status: 401, body: { type: 'unauthorized', message: 'Unauthorized' } } }

  it.each(ROUTES.filter(([, path]) => path.startsWith('/credentials') || path === '/refresh'))(
    '%s %s answers 502 upstream_misconfigured',
    async (method, path, extra) => {
      const traceId = await newTrace({ dialect: bare })
      const res = await call(path, { method, headers: { ...extra, 'X-SaaSus-Trace-Id': traceId } })
      expect([res.status, await codeOf(res)]).toEqual([502, 'upstream_misconfigured'])
    },
  )

  it('while on /userinfo, which documents 401 for a refused ID token, it stays 401 invalid_token', async () => {
    const traceId = await newTrace({ dialect: bare })
    const res = await call('/userinfo', {
      headers: { ...withAccessToken(await freshUser()), 'X-SaaSus-Trace-Id': traceId },
    })
    expect([res.status, await codeOf(res)]).toEqual([401, 'invalid_token'])
  })
})
