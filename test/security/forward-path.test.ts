/**
 * Threat: the front's forward path (src/front/forward.ts), which stands in front of the front's app
 * to spare a forwarded request the app's middleware, answering otherwise than the app: a header lost
 * (CORS, a secure header, the id), a check skipped, a cookie merged, a body changed on its way to the
 * core. The app (src/front/app.ts `frontApp`) is the definition: the path must give its answers.
 */
import { describe, expect, it } from 'vitest'
import { FORWARD, frontApp } from '../../src/front/app'
import { forwardFirst } from '../../src/front/forward'
import { apiWith, bearer, freshUser, SPA_ORIGIN, type TestUser } from '../support/harness'
import { loginCode, XHR } from '../support/sign-in'
import { unsignedJwt } from '../support/tokens'

/** The front as deployed, and the requests that reached its app (those the path left to it). */
function countedFront() {
  const app = frontApp()
  const appFetch = app.fetch
  const seen: string[] = []
  app.fetch = (request, env, executionCtx) => {
    seen.push(`${request.method} ${new URL(request.url).pathname}`)
    return appFetch(request, env, executionCtx)
  }
  return { front: forwardFirst(app, FORWARD), seen }
}

interface Exchange {
  status: number
  headers: [string, string][]
  cookies: string[]
  body: string
  /** What the core was sent: method, path and body (its id is checked against the answer's). */
  forwarded: { method: string; path: string; body: string; id: null }[]
}

/** One request through `front` and what it answered, the request id (new each time) left out. */
async function exchange(
  through: ReturnType<typeof countedFront>['front'] | ReturnType<typeof frontApp>,
  path: string,
  init: () => RequestInit,
): Promise<Exchange> {
  // What the core was sent, each a copy (the harness clones it; the core reads its own).
  const sent: Request[] = []
  const api = apiWith(
    {},
    (request) => {
      sent.push(request)
      return undefined
    },
    through,
  )
  const res = await api(path, init())
  const id = res.headers.get('X-Request-Id')
  const forwarded = await Promise.all(
    sent.map(async (request) => {
      // The core is given the id the client is given.
      expect(request.headers.get('X-Request-Id')).toBe(id)
      return { method: request.method, path: new URL(request.url).pathname, body: await request.text(), id: null }
    }),
  )
  return {
    status: res.status,
    headers: [...res.headers].filter(([name]) => name !== 'x-request-id' && name !== 'set-cookie').sort(),
    cookies: res.headers.getSetCookie(),
    body: await res.text(),
    forwarded,
  }
}

const fromSpa = (user: TestUser, extra: Record<string, string> = {}) => ({
  ...bearer(user),
  Origin: SPA_ORIGIN,
  ...extra,
})

/** Requests the forward path takes whole: a route of the table, an allowed origin or none, its checks met. */
const FORWARDED: [string, string, (user: TestUser) => RequestInit][] = [
  ['a cached status read, from the SPA', '/mfa_status', (user) => ({ headers: fromSpa(user) })],
  ['a status read without Origin (curl)', '/mfa_status', (user) => ({ headers: bearer(user) })],
  [
    'a verify with a wrong code',
    '/mfa_verify',
    (user) => ({
      method: 'POST',
      headers: fromSpa(user, { 'X-Access-Token': user.access_token, 'Content-Type': 'application/json' }),
      body: JSON.stringify({ verification_code: '000000' }),
    }),
  ],
  [
    'an enable before any setup (the core refuses it)',
    '/mfa_enable',
    (user) => ({ method: 'POST', headers: fromSpa(user, { 'Content-Type': 'application/json' }), body: '{}' }),
  ],
  ['an enable with no body at all', '/mfa_enable', (user) => ({ method: 'POST', headers: fromSpa(user) })],
  ['the user info', '/userinfo', (user) => ({ headers: fromSpa(user) })],
  [
    'a logout, whose answer clears three cookies',
    '/logout',
    () => ({ method: 'POST', headers: { ...XHR, Origin: SPA_ORIGIN } }),
  ],
  ['the security events', '/mfa_events', (user) => ({ headers: fromSpa(user) })],
  [
    'a body the core refuses (not JSON, after the bearer: the core checks it)',
    '/mfa_enable',
    (user) => ({ method: 'POST', headers: fromSpa(user, { 'Content-Type': 'text/plain' }), body: 'hello' }),
  ],
  [
    'a streamed body (no Content-Length)',
    '/mfa_enable',
    (user) => ({
      method: 'POST',
      headers: fromSpa(user, { 'Content-Type': 'application/json' }),
      body: new Blob(['{}']).stream(),
    }),
  ],
]

/** Requests the path leaves to the app: each is answered by it, and the same as the app alone answers. */
const LEFT_TO_THE_APP: [string, string, (user: TestUser) => RequestInit][] = [
  [
    'a preflight',
    '/mfa_status',
    () => ({ method: 'OPTIONS', headers: { Origin: SPA_ORIGIN, 'Access-Control-Request-Method': 'GET' } }),
  ],
  [
    'an origin off the list',
    '/mfa_status',
    (user) => ({ headers: { ...bearer(user), Origin: 'https://evil.example' } }),
  ],
  ['no bearer', '/mfa_status', () => ({ headers: { Origin: SPA_ORIGIN } })],
  [
    'an expired bearer',
    '/mfa_status',
    () => ({ headers: { Authorization: `Bearer ${unsignedJwt({ sub: 'x', exp: 1 })}`, Origin: SPA_ORIGIN } }),
  ],
  ['a HEAD', '/mfa_status', (user) => ({ method: 'HEAD', headers: fromSpa(user) })],
  ['another method on a route of the table', '/mfa_status', (user) => ({ method: 'POST', headers: fromSpa(user) })],
  ['a path the table does not have', '/nowhere', (user) => ({ headers: fromSpa(user) })],
  [
    'a recovery whose body is not JSON (the path reads it, then hands it over)',
    '/mfa_recover',
    () => ({ method: 'POST', headers: { Origin: SPA_ORIGIN, 'Content-Type': 'text/plain' }, body: 'hello' }),
  ],
  [
    'the cookie routes without X-Requested-With',
    '/logout',
    () => ({ method: 'POST', headers: { Origin: SPA_ORIGIN } }),
  ],
  ['the API description', '/openapi.json', () => ({ headers: { Origin: SPA_ORIGIN } })],
]

describe('the forward path answers as the app alone', () => {
  it.each(FORWARDED)('%s: taken, and answered alike', async (_, path, init) => {
    const user = await freshUser()
    const { front, seen } = countedFront()
    const fast = await exchange(front, path, () => init(user))
    expect(seen).toEqual([])
    const slow = await exchange(frontApp(), path, () => init(user))
    expect(fast).toEqual(slow)
    expect(fast.forwarded).toHaveLength(1)
  })

  it('a body over the bound: refused by the path, drained, as the app refuses it', async () => {
    const user = await freshUser()
    const init = () => ({
      method: 'POST',
      headers: fromSpa(user, { 'X-Access-Token': user.access_token, 'Content-Type': 'application/json' }),
      body: JSON.stringify({ verification_code: '0'.repeat(5_000) }),
    })
    const { front, seen } = countedFront()
    const fast = await exchange(front, '/mfa_verify', init)
    expect(seen).toEqual([])
    expect(fast.status).toBe(413)
    expect(fast.forwarded).toEqual([])
    expect(fast).toEqual(await exchange(frontApp(), '/mfa_verify', init))
  })

  it('the sign-in callback: its cookie passes as the app passes it', async () => {
    const user = await freshUser()
    const { front, seen } = countedFront()
    // Each login code works once: one per way through.
    const fast = await exchange(front, `/credentials?code=${await loginCode(user.id)}`, () => ({ headers: XHR }))
    const slow = await exchange(frontApp(), `/credentials?code=${await loginCode(user.id)}`, () => ({ headers: XHR }))
    expect(seen).toEqual([])
    expect(fast.status).toBe(200)
    expect(fast.cookies).toHaveLength(1)
    expect(fast.cookies[0]?.split('=')[0]).toBe(slow.cookies[0]?.split('=')[0])
    expect(fast.headers).toEqual(slow.headers)
  })

  it.each(LEFT_TO_THE_APP)('%s: left to the app, and answered as the app alone answers', async (_, path, init) => {
    const user = await freshUser()
    const { front, seen } = countedFront()
    const fast = await exchange(front, path, () => init(user))
    expect(seen).toHaveLength(1)
    const slow = await exchange(frontApp(), path, () => init(user))
    expect(fast).toEqual(slow)
  })
})
