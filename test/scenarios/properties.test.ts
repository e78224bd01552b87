/**
 * Property-based tests over the headers, bodies and paths of every route: with
 * SaaSus healthy, no input makes the API answer 5xx; with SaaSus failing, a 5xx
 * is always one of the upstream codes. Either way every answer is JSON with a
 * success shape or a catalogue code, and no body carries a token, a SaaSus
 * credential or anything SaaSus said.
 */
import fc from 'fast-check'
import { beforeAll, describe, expect, it } from 'vitest'
import { ERRORS } from '../../src/shared/errors'
import { EMULATOR_CREDENTIALS } from '../support/bindings'
import { apiWith, freshUser, SPA_ORIGIN, type TestUser } from '../support/harness'
import { type FaultsInput, newTrace } from '../support/trace'

const ROUTES = ['/mfa_status', '/mfa_setup', '/mfa_verify', '/mfa_enable', '/mfa_disable']
const UPSTREAM_CODES = ['upstream_error', 'upstream_unavailable', 'upstream_timeout']
// Short, so that stalls end quickly; the API is otherwise configured as in every test.
const api = apiWith({ SAASUS_TIMEOUT_MS: '250' })

let user: TestUser
let other: TestUser
beforeAll(async () => {
  user = await freshUser()
  other = await freshUser()
})

/** Header-safe text: visible ASCII and spaces (Headers refuses control characters). */
const headerText = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) })

// Weighted towards what gets past CORS and authentication, so that SaaSus is reached often.
const requests = () =>
  fc.record({
    method: fc.oneof(
      { arbitrary: fc.constantFrom('GET', 'POST'), weight: 4 },
      fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD'),
    ),
    path: fc.oneof(
      { arbitrary: fc.constantFrom(...ROUTES), weight: 6 },
      fc.constantFrom(...ROUTES).chain((route) => fc.webPath().map((tail) => `${route}${tail}`)),
      fc.webPath(),
      fc.constantFrom(...ROUTES).chain((route) => fc.webQueryParameters().map((query) => `${route}?${query}`)),
    ),
    authorization: fc.option(
      fc.oneof(
        { arbitrary: fc.constant(() => `Bearer ${user.id_token}`), weight: 6 },
        fc.constant(() => `Bearer ${other.id_token}`),
        headerText.map((text) => () => text),
        headerText.map((text) => () => `Bearer ${text}`),
      ),
      { freq: 10 },
    ),
    accessToken: fc.option(
      fc.oneof(
        { arbitrary: fc.constant(() => user.access_token), weight: 4 },
        fc.constant(() => other.access_token),
        headerText.map((text) => () => text),
      ),
    ),
    contentType: fc.option(
      fc.oneof(
        {
          arbitrary: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain'),
          weight: 4,
        },
        headerText,
      ),
    ),
    // Mostly absent (nil 1 time in 2), as from curl or a same-origin page.
    origin: fc.option(
      fc.oneof(fc.constantFrom(SPA_ORIGIN, 'null', 'https://spa.example.com.evil.example'), headerText),
      { freq: 2 },
    ),
    body: fc.option(
      fc.oneof(
        {
          arbitrary: fc.stringMatching(/^\d{6}$/).map((code) => JSON.stringify({ verification_code: code })),
          weight: 4,
        },
        fc.json(),
        fc.string(),
        fc.constant('{}'),
        fc.integer({ min: 4_000, max: 6_000 }).map((size) => 'x'.repeat(size)),
      ),
    ),
    extra: fc.dictionary(
      fc.constantFrom('X-Requested-With', 'X-SaaSus-Referer', 'Referer', 'Accept', 'Access-Control-Request-Method'),
      headerText,
      { maxKeys: 3 },
    ),
  })

type Generated = ReturnType<typeof requests> extends fc.Arbitrary<infer T> ? T : never

async function send(request: Generated, traceId: string): Promise<Response> {
  const headers = new Headers(request.extra)
  if (request.authorization) headers.set('Authorization', request.authorization())
  if (request.accessToken) headers.set('X-Access-Token', request.accessToken())
  if (request.contentType) headers.set('Content-Type', request.contentType)
  if (request.origin !== null) headers.set('Origin', request.origin)
  headers.set('X-SaaSus-Trace-Id', traceId)
  const hasBody = request.body !== null && request.method !== 'GET' && request.method !== 'HEAD'
  return api(request.path, { method: request.method, headers, ...(hasBody ? { body: request.body } : {}) })
}

/** What every answer must be, whatever was asked. Returns the error code, if any. */
async function checkAnswer(res: Response, method: string): Promise<string | undefined> {
  expect(res.headers.get('Cache-Control')).toBe('no-store')
  if (method === 'HEAD' || res.status === 204) return undefined
  expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
  const text = await res.text()
  for (const secret of [user.id_token, user.access_token, other.id_token, other.access_token]) {
    expect(text).not.toContain(secret)
  }
  for (const credential of Object.values(EMULATOR_CREDENTIALS)) expect(text).not.toContain(credential)
  expect(text).not.toMatch(/SAASUSSIGV1|internal_server_error|Injected fault|Emulator error|\bat .*:\d+/)
  const body = JSON.parse(text) as Record<string, unknown>
  if (res.status < 400) {
    expect(['enabled', 'qrCodeUrl', 'message'].filter((key) => key in body)).toHaveLength(1)
    return undefined
  }
  const code = body.code as keyof typeof ERRORS
  expect(Object.keys(ERRORS)).toContain(code)
  if (body.field !== undefined) {
    // A request field at fault: the message names it.
    expect(code).toBe('invalid_request')
    expect(body).toEqual({ error: expect.stringMatching(new RegExp(`^${body.field} `)), code, field: body.field })
  } else expect(body).toEqual({ error: ERRORS[code].message, code })
  expect(res.status).toBe(ERRORS[code].status)
  return code
}

describe('with SaaSus healthy', () => {
  it('no request gets a 5xx, and every answer is JSON with a known shape and nothing sensitive', async () => {
    const traceId = await newTrace({})
    const seen = new Set<string>()
    await fc.assert(
      fc.asyncProperty(requests(), async (request) => {
        const res = await send(request, traceId)
        expect(res.status).toBeLessThan(500)
        seen.add((await checkAnswer(res, request.method)) ?? String(res.status))
      }),
      { numRuns: 250 },
    )
    // The inputs reached past authentication to SaaSus, not only to the 401s.
    expect(seen).toContain('200')
    expect(seen.size).toBeGreaterThanOrEqual(8)
  })
})

describe('with SaaSus failing', () => {
  const faults: fc.Arbitrary<FaultsInput> = fc.record({
    serverErrorRate: fc.double({ min: 0, max: 1, noNaN: true }),
    dropRate: fc.double({ min: 0, max: 1, noNaN: true }),
    malformedRate: fc.double({ min: 0, max: 1, noNaN: true }),
    stallRate: fc.double({ min: 0, max: 0.3, noNaN: true }),
    failNext: fc.integer({ min: 0, max: 3 }),
  })

  it('a 5xx is always an upstream code, and every answer still has a known shape', async () => {
    await fc.assert(
      fc.asyncProperty(requests(), faults, async (request, injected) => {
        const res = await send(request, await newTrace(injected))
        const code = await checkAnswer(res, request.method)
        if (res.status >= 500 && code !== undefined) expect(UPSTREAM_CODES).toContain(code)
      }),
      { numRuns: 120 },
    )
  })
})
