/**
 * Threat: logs travel further than the API (log pipelines, dashboards, support
 * staff, third-party tails). An ID or access token, an authenticator secret, a
 * verification code, a SaaSus credential or request signature, or the
 * `/userinfo?token=` URL written to a log is a credential handed to all of them.
 * This file captures every console line of a full run, failures included, and
 * scans it for each secret value used; it also checks the line's shape.
 */
import { env } from 'cloudflare:workers'
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest'
import { app } from '../../src/core/app'
import { EMULATOR_CREDENTIALS } from '../support/bindings'
import {
  API,
  apiWith,
  bearer,
  call,
  currentCode,
  freshUser,
  SPA_ORIGIN,
  secretOf,
  type TestUser,
  verify,
  withAccessToken,
  wrongCode,
} from '../support/harness'
import { newTrace } from '../support/trace'

const lines: string[] = []
const secrets = new Set<string>(Object.values(EMULATOR_CREDENTIALS))
let requests = 0

const remember = (...values: string[]) => {
  for (const value of values) secrets.add(value)
}
const counted = async (response: Response | Promise<Response>) => {
  requests += 1
  return response
}

async function fullRun(): Promise<void> {
  const user: TestUser = await freshUser()
  const other = await freshUser()
  remember(user.id_token, user.access_token, other.id_token, other.access_token)
  const headers = withAccessToken(user)
  const json = { ...headers, 'Content-Type': 'application/json' }

  // The happy path.
  await counted(call('/mfa_status', { headers }))
  const setupRes = await counted(call('/mfa_setup', { headers: { ...headers, Origin: SPA_ORIGIN } }))
  const secret = secretOf(((await setupRes.json()) as { qrCodeUrl: string }).qrCodeUrl)
  const wrong = wrongCode(secret)
  remember(secret, wrong)
  await counted(verify(user, wrong))
  const right = currentCode(secret)
  remember(right)
  await counted(verify(user, right))
  await counted(call('/mfa_enable', { method: 'POST', headers: json, body: '{}' }))
  await counted(call('/mfa_disable', { method: 'POST', headers: json, body: '{}' }))

  // Refusals: tokens SaaSus does not know, another user's access token, bad bodies.
  const forged = `eyJhbGciOiJub25lIn0.${btoa(crypto.randomUUID())}.forged`
  remember(forged)
  await counted(call('/mfa_status', { headers: { Authorization: `Bearer ${forged}` } }))
  await counted(call('/mfa_setup', { headers: { ...bearer(user), 'X-Access-Token': other.access_token } }))
  // Refused by the front, which runs in this isolate here so that its lines are caught too.
  const inProcess = apiWith({})
  await counted(inProcess('/mfa_verify', { method: 'POST', headers: json, body: '{"verification_code": "12' }))
  await counted(inProcess('/mfa_verify', { method: 'POST', headers: json, body: 'x'.repeat(5_000) }))
  await counted(call(`/mfa_status/${user.id_token}?token=${user.id_token}`, { headers }))
  await counted(inProcess('/mfa_status', { headers: { ...headers, Origin: 'https://evil.example' } }))

  // SaaSus failing in every way it can.
  for (const faults of [{ serverErrorRate: 1 }, { dropRate: 1 }, { malformedRate: 1 }, { failNext: 1 }]) {
    const traceId = await newTrace(faults)
    await counted(call('/mfa_status', { headers: { ...headers, 'X-SaaSus-Trace-Id': traceId } }))
    await counted(verify(user, right, { 'X-SaaSus-Trace-Id': traceId }))
  }
  const slow = apiWith({ SAASUS_TIMEOUT_MS: '100' })
  const stalled = await newTrace({ stallRate: 1 })
  await counted(slow('/mfa_setup', { headers: { ...headers, 'X-SaaSus-Trace-Id': stalled } }))

  // The brute-force guard tripping.
  for (let attempt = 0; attempt < 6; attempt++) await counted(verify(user, wrong))

  // Misconfiguration.
  await counted(app.request(`${API}/mfa_status`, { headers }, { ...env, SAASUS_API_KEY: '' }) as Promise<Response>)
}

beforeAll(async () => {
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const
  const spies = methods.map((method) =>
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map(String).join(' '))
    }),
  )
  try {
    await fullRun()
  } finally {
    for (const spy of spies) spy.mockRestore()
  }
})

afterAll(() => {
  lines.length = 0
})

const requestLines = () =>
  lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line.event === 'request')

/** The line of the Worker that answered: the core's, or the front's for what it refused itself. */
const answeredLines = () => [
  ...requestLines(),
  ...lines
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((line) => line.event === 'front_request' && line.answeredBy === 'front'),
]

describe('the logs of a full run', () => {
  it('contain none of the tokens, secrets, codes or credentials used', () => {
    const log = lines.join('\n')
    expect(lines.length).toBeGreaterThan(0)
    for (const secret of secrets) expect(log).not.toContain(secret)
  })

  it('contain no signature, no SaaSus URL and no query string', () => {
    const log = lines.join('\n')
    expect(log).not.toMatch(/SAASUSSIGV1|Sig=|[0-9a-f]{64}/i)
    expect(log).not.toMatch(/userinfo\?|token=|api\.saasus\.io|\?/i)
  })

  it('are JSON, one line each', () => {
    for (const line of lines) {
      expect(line).not.toContain('\n')
      expect(() => JSON.parse(line)).not.toThrow()
    }
  })

  it('hold exactly one request line per request', () => {
    expect(answeredLines()).toHaveLength(requests)
    expect(new Set(answeredLines().map((line) => line.requestId)).size).toBe(requests)
  })

  it("hold no front line for a request the core answered: the core's line is its line", () => {
    const frontLines = lines
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((line) => line.event === 'front_request')
    expect(frontLines.length).toBeGreaterThan(0)
    const coreIds = new Set(requestLines().map((line) => line.requestId))
    for (const line of frontLines) {
      expect(line.answeredBy).toBe('front')
      expect(coreIds.has(line.requestId)).toBe(false)
    }
  })

  it('give each request its route, status, duration and upstream calls', () => {
    for (const line of requestLines()) {
      expect(line).toMatchObject({ method: expect.any(String), status: expect.any(Number), ms: expect.any(Number) })
      expect(line.route === null || typeof line.route === 'string').toBe(true)
      expect(line.upstream).toEqual(expect.any(Array))
    }
  })

  it('name the error code of every failed request', () => {
    for (const line of requestLines().filter((line) => (line.status as number) >= 400)) {
      expect(line.code).toEqual(expect.any(String))
    }
  })

  it('show the rate-limited verification reached SaaSus only for /userinfo', () => {
    const limited = requestLines().filter((line) => line.code === 'too_many_attempts')
    expect(limited.length).toBeGreaterThan(0)
    for (const line of limited) {
      for (const call of line.upstream as { operation: string }[]) expect(call.operation).toBe('GetUserInfo')
    }
  })

  it('mark the retry of a read', () => {
    const retried = requestLines().flatMap((line) => line.upstream as { retry?: boolean }[])
    expect(retried.some((call) => call.retry === true)).toBe(true)
  })

  it('log an unknown path as no route, never the path a client sent', () => {
    const unknown = requestLines().filter((line) => line.code === 'not_found')
    expect(unknown.length).toBeGreaterThan(0)
    for (const line of unknown) expect(line.route).toBeNull()
  })
})
