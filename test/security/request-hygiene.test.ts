/**
 * Threats: oversized or malformed bodies used to exhaust the Worker or to reach
 * SaaSus with junk; MFA answers (a fresh secret, a user's MFA state) kept by a
 * shared cache or a browser's back/forward cache; the API's JSON rendered, framed
 * or sniffed as a page. Every response, errors included, carries the defences.
 * And a refusal the client never reads: a 413 sent while the client is still
 * sending, its connection closed under it (RFC 9112 §9.6).
 */
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import type { FrontAppEnv } from '../../src/front/app-env'
import { unreadBodyDrained } from '../../src/front/body'
import { ERRORS } from '../../src/shared/errors'
import { readBodyWithin } from '../../src/shared/request-limits'
import { apiWith, bearer, call, codeOf, freshUser, SPA_ORIGIN, withAccessToken } from '../support/harness'
import { newTrace, saasusCalls } from '../support/trace'

const LIMIT = 4 * 1024

function postJson(path: string, body: BodyInit, headers: Record<string, string>) {
  return call(path, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body })
}

const MiB = 1024 * 1024

/** A client's body of `size` bytes (endless without one), sent in 64 KiB chunks as the API reads; `seen` is what it read. */
function sentBody(size = Number.POSITIVE_INFINITY) {
  const chunk = new Uint8Array(64 * 1024).fill(0x20)
  const seen = { sent: 0, cancelled: false }
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      // A chunk at a time, as from a network: the reader's timers run in between.
      await scheduler.wait(0)
      if (seen.sent >= size) return controller.close()
      const next = chunk.subarray(0, Math.min(chunk.byteLength, size - seen.sent))
      seen.sent += next.byteLength
      controller.enqueue(next)
    },
    cancel() {
      seen.cancelled = true
    },
  })
  return { stream, seen }
}

/** The same, its length declared (`Content-Length`): written as the API reads it. */
function declaredBody(size: number) {
  const { readable, writable } = new FixedLengthStream(size)
  const chunk = new Uint8Array(64 * 1024).fill(0x20)
  const seen = { written: 0, failed: false }
  const writer = writable.getWriter()
  const writing = (async () => {
    try {
      for (let at = 0; at < size; at += chunk.byteLength) {
        const next = chunk.subarray(0, Math.min(chunk.byteLength, size - at))
        await writer.write(next)
        seen.written += next.byteLength
      }
      await writer.close()
    } catch {
      seen.failed = true
    }
  })()
  return { stream: readable, seen, writing }
}

const refused = (promise: Promise<unknown>) => expect(promise).rejects.toMatchObject({ code: 'payload_too_large' })

describe('body size', () => {
  it('refuses a body over 4 KiB with 413 payload_too_large before any SaaSus call', async () => {
    const user = await freshUser()
    const traceId = await newTrace()
    const body = JSON.stringify({ verification_code: '123456', pad: 'x'.repeat(LIMIT) })
    const res = await postJson('/mfa_verify', body, { ...withAccessToken(user), 'X-SaaSus-Trace-Id': traceId })
    expect(res.status).toBe(413)
    expect(await res.json()).toEqual({ error: expect.any(String), code: 'payload_too_large' })
    expect((await saasusCalls(traceId)).total).toBe(0)
  })

  it('refuses a streamed body without Content-Length once it passes 4 KiB', async () => {
    const user = await freshUser()
    const chunk = new TextEncoder().encode(' '.repeat(1024))
    // Five KiB, all queued before the API reads: the stream is done when the API stops reading,
    // so no half-sent body is left for workerd to report as a broken pipe.
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 5; i++) controller.enqueue(chunk)
        controller.close()
      },
    })
    const res = await call('/mfa_enable', {
      method: 'POST',
      headers: { ...bearer(user), 'Content-Type': 'application/json' },
      body,
    })
    expect([res.status, await codeOf(res)]).toEqual([413, 'payload_too_large'])
  })

  it('reads the rest of a 2 MB streamed body it refuses, so the client has sent it all when the 413 comes', async () => {
    const user = await freshUser()
    const { stream, seen } = sentBody(2 * MiB)
    const res = await call('/mfa_verify', {
      method: 'POST',
      headers: { ...withAccessToken(user), 'Content-Type': 'application/json' },
      body: stream,
    })
    expect([res.status, await codeOf(res)]).toEqual([413, 'payload_too_large'])
    expect(seen).toEqual({ sent: 2 * MiB, cancelled: false })
  })

  it('reads the rest of a 2 MB body of declared length it refuses, before answering 413', async () => {
    const user = await freshUser()
    const { stream, seen, writing } = declaredBody(2 * MiB)
    const res = await call('/mfa_verify', {
      method: 'POST',
      headers: { ...withAccessToken(user), 'Content-Type': 'application/json' },
      body: stream,
    })
    expect([res.status, await codeOf(res)]).toEqual([413, 'payload_too_large'])
    await writing
    expect(seen).toEqual({ written: 2 * MiB, failed: false })
  })

  it('stops reading a refused body past the drain bound, and cancels it', async () => {
    const { stream, seen } = sentBody()
    const request = new Request('https://api.test/', { method: 'POST', body: stream })
    await refused(readBodyWithin(request, 16, { maxBytes: 256 * 1024, maxMs: 1_000 }))
    expect(seen.cancelled).toBe(true)
    expect(seen.sent).toBeLessThanOrEqual(256 * 1024 + 2 * 64 * 1024)
  })

  it('stops waiting for a refused body that stalls, after the drain time, and cancels it', async () => {
    const seen = { cancelled: false }
    // 32 bytes, then nothing more: a client that stopped sending without closing.
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new Uint8Array(32))
      },
      cancel() {
        seen.cancelled = true
      },
    })
    const request = new Request('https://api.test/', { method: 'POST', body: stream })
    const started = Date.now()
    await refused(readBodyWithin(request, 16, { maxBytes: MiB, maxMs: 50 }))
    expect(Date.now() - started).toBeLessThan(1_000)
    expect(seen.cancelled).toBe(true)
  })

  it('refuses unread a body declared longer than the drain bound', async () => {
    const { stream, seen } = sentBody(2 * MiB)
    const headers = { 'Content-Length': String(2 * MiB) }
    const request = new Request('https://api.test/', { method: 'POST', headers, body: stream })
    await refused(readBodyWithin(request, 16, { maxBytes: MiB, maxMs: 60_000 }))
    expect(seen.cancelled).toBe(true)
    // At most what the stream queued before anyone read.
    expect(seen.sent).toBeLessThanOrEqual(64 * 1024)
  })

  it('reads a body a refusal made before the limit left unread, before that answer goes', async () => {
    const app = new Hono<FrontAppEnv>().use(unreadBodyDrained()).post('/', (c) => c.text('refused', 403))
    const { stream, seen } = sentBody(2 * MiB)
    const res = await app.request('/', { method: 'POST', body: stream })
    expect(res.status).toBe(403)
    expect(seen).toEqual({ sent: 2 * MiB, cancelled: false })
  })

  it('accepts a body of exactly 4 KiB', async () => {
    const user = await freshUser()
    const json = JSON.stringify({ verification_code: '123456' })
    const res = await postJson('/mfa_verify', json + ' '.repeat(LIMIT - json.length), withAccessToken(user))
    // Past the limit check: SaaSus refuses the code (no setup was done).
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_verification_code' })
  })
})

describe('bodies that are not JSON', () => {
  it.each(['/mfa_verify', '/mfa_enable', '/mfa_disable'])('%s refuses text/plain with 415', async (path) => {
    const user = await freshUser()
    const res = await call(path, {
      method: 'POST',
      headers: { ...withAccessToken(user), 'Content-Type': 'text/plain' },
      body: '{}',
    })
    expect(res.status).toBe(415)
    expect(await res.json()).toMatchObject({ code: 'unsupported_media_type' })
  })

  it.each(['/mfa_verify', '/mfa_enable', '/mfa_disable'])(
    '%s refuses broken JSON with 400 invalid_json',
    async (path) => {
      const user = await freshUser()
      const res = await postJson(path, '{"verification_code": ', withAccessToken(user))
      expect(res.status).toBe(400)
      expect(await res.json()).toMatchObject({ code: 'invalid_json' })
    },
  )
})

describe('unknown routes', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/mfa_statuss'],
    ['GET', '/.env'],
    ['GET', '/mfa_status/../../etc/passwd'],
  ])('%s %s → 404 not_found as JSON', async (method, path) => {
    // Paths under /mfa_* are authenticated first (a 401 without a token), so send one.
    const res = await call(path, { method, headers: bearer(await freshUser()) })
    expect(res.status).toBe(404)
    expect(res.headers.get('Content-Type')).toMatch(/^application\/json/)
    expect(await res.json()).toEqual({ error: ERRORS.not_found.message, code: 'not_found' })
  })

  it.each([
    ['GET', '/mfa_verify', 'POST'],
    ['POST', '/mfa_status', 'GET, HEAD'],
    ['DELETE', '/mfa_disable', 'POST'],
  ])('%s %s, a known path under another method → 405 with Allow: %s', async (method, path, allow) => {
    const res = await call(path, { method, headers: bearer(await freshUser()) })
    expect([res.status, res.headers.get('Allow')]).toEqual([405, allow])
    expect(await res.json()).toEqual({ error: ERRORS.method_not_allowed.message, code: 'method_not_allowed' })
  })
})

describe('headers on every response', () => {
  const cases: [string, () => Promise<Response>][] = [
    ['a success', async () => call('/mfa_status', { headers: bearer(await freshUser()) })],
    ['a 401', () => call('/mfa_status')],
    ['a 404', () => call('/nowhere')],
    ['a 403 for a foreign origin', () => call('/mfa_status', { headers: { Origin: 'https://evil.example' } })],
    [
      'a preflight',
      () =>
        call('/mfa_verify', {
          method: 'OPTIONS',
          headers: { Origin: SPA_ORIGIN, 'Access-Control-Request-Method': 'POST' },
        }),
    ],
    ['a 413', async () => postJson('/mfa_enable', 'x'.repeat(LIMIT + 1), bearer(await freshUser()))],
    [
      'a 500 misconfigured (the core)',
      () => apiWith({ SAASUS_SECRET_KEY: '' })('/mfa_status', { headers: { Authorization: 'Bearer abc' } }),
    ],
    [
      'a 504',
      async () => {
        const user = await freshUser()
        const api = apiWith({ SAASUS_TIMEOUT_MS: '100' })
        return api('/mfa_status', {
          headers: { ...bearer(user), 'X-SaaSus-Trace-Id': await newTrace({ latencyMs: 500 }) },
        })
      },
    ],
  ]

  it.each(cases)('%s carries Cache-Control: no-store', async (_, send) => {
    expect((await send()).headers.get('Cache-Control')).toBe('no-store')
  })

  it.each(cases)('%s carries the secure headers', async (_, send) => {
    const headers = (await send()).headers
    expect(headers.get('X-Content-Type-Options')).toBe('nosniff')
    expect(headers.get('X-Frame-Options')).toBe('DENY')
    expect(headers.get('Content-Security-Policy')).toBe("default-src 'none'; frame-ancestors 'none'")
    expect(headers.get('Strict-Transport-Security')).toMatch(/^max-age=\d+/)
    expect(headers.get('Referrer-Policy')).toBe('no-referrer')
    expect(headers.get('Cross-Origin-Resource-Policy')).toBe('same-origin')
  })

  it.each(cases)('%s carries an X-Request-Id', async (_, send) => {
    expect((await send()).headers.get('X-Request-Id')).toMatch(/^[0-9a-f-]{36}$/)
  })

  // A preflight has its own Vary; a misconfigured API answers the same to every origin.
  const byOrigin = cases.filter(([name]) => name !== 'a preflight' && name !== 'a 500 misconfigured')
  it.each(byOrigin)('%s carries Vary: Origin', async (_, send) => {
    expect((await send()).headers.get('Vary')).toMatch(/\bOrigin\b/)
  })
})
