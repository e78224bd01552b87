/**
 * Threat: logs travel further than the API (log pipelines, dashboards, support
 * staff, third-party tails). An ID or access token, an authenticator secret, a
 * verification code, a SaaSus credential or request signature, or the
 * `/userinfo?token=` URL written to a log is a credential handed to all of them;
 * an e-mail address is personal data they have no need of. This file captures
 * every console line of a full run, failures included, the tenant routes and
 * their objects' `tenant_event` lines among them, and scans it for each secret
 * value and e-mail used; it also checks the line's shape.
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
  codeAt,
  currentCode,
  freshUser,
  SPA_ORIGIN,
  secretOf,
  type TestUser,
  verify,
  withAccessToken,
  wrongCode,
} from '../support/harness'
import { company, tenantRoutes } from '../support/tenant'
import { newTrace } from '../support/trace'

const lines: string[] = []
const secrets = new Set<string>(Object.values(EMULATOR_CREDENTIALS))
/** The e-mail addresses of the tenant run's users, which the members page answers and no log may hold. */
const emails: string[] = []
/** The tenant id, in upper case, of a request the front refused. */
let malformedId = 'unset'
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

  await tenantRun()
}

/** The tenant routes: an admin's policy, members page, history and reset, with step-up; members' reads; refusals. */
async function tenantRun(): Promise<void> {
  const { tenant, admin, members } = await company()
  const [member, other] = members
  const stepUp = apiWith({ MFA_STEP_UP: 'required' })
  const tenants = tenantRoutes(stepUp)
  for (const user of [admin, member, other]) remember(user.id_token, user.access_token)
  emails.push(admin.email, member.email, other.email)
  // The admin's MFA on (step-up needs it), the member's too (the reset turns it off).
  const secrets: Record<string, string> = {}
  for (const user of [admin, member]) {
    const res = await counted(stepUp('/mfa_setup', { headers: withAccessToken(user) }))
    const secret = secretOf(((await res.json()) as { qrCodeUrl: string }).qrCodeUrl)
    const code = currentCode(secret)
    secrets[user.id] = secret
    remember(secret, code)
    await counted(verify(user, code))
    await counted(
      call('/mfa_enable', {
        method: 'POST',
        headers: { ...bearer(user), 'Content-Type': 'application/json' },
        body: '{}',
      }),
    )
  }
  const adminCode = (steps: number) => {
    const code = codeAt(secrets[admin.id] as string, steps)
    remember(code)
    return code
  }

  await counted(tenants.setPolicy(admin, tenant.id, { required: true, grace_days: 7 }))
  await counted(tenants.policy(member, tenant.id))
  await counted(stepUp('/mfa_status', { headers: bearer(other) }))
  await counted(tenants.members(admin, tenant.id, '?limit=2'))
  await counted(tenants.members(admin, tenant.id, '?cursor=not-ours'))
  await counted(tenants.events(admin, tenant.id))
  // A reset with the admin's code; then one with a wrong code, and turning the requirement off without one.
  await counted(tenants.reset(admin, tenant.id, member.id, { verification_code: adminCode(1) }))
  await counted(
    tenants.reset(admin, tenant.id, other.id, { verification_code: wrongCode(secrets[admin.id] as string) }),
  )
  await counted(tenants.setPolicy(admin, tenant.id, { required: false }))
  // Refusals: a member on an admin's route, an admin resetting themselves, a malformed id at the front.
  await counted(tenants.members(member, tenant.id))
  await counted(tenants.reset(admin, tenant.id, admin.id, {}))
  malformedId = tenant.id.toUpperCase()
  await counted(apiWith({})(`/tenants/${malformedId}/mfa_policy`, { headers: bearer(admin) }))
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

describe('the logs of the tenant routes', () => {
  const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>)

  it('hold no e-mail address, though the members page answered them', () => {
    expect(emails.filter(Boolean).length).toBeGreaterThan(0)
    const log = lines.join('\n')
    for (const email of emails.filter(Boolean)) expect(log).not.toContain(email)
    expect(log).not.toMatch(/[\w.+-]+@[\w-]+\.[\w.]+/)
  })

  it('give each tenant event its own line: type, tenant, admin, member, request, and nothing else', () => {
    const events = parsed().filter((line) => line.event === 'tenant_event')
    // The requirement turned off without the admin's code was refused (step_up_required): no event.
    expect(events.map((line) => line.type).sort()).toEqual(['member_mfa_reset', 'mfa_policy_changed'])
    for (const line of events) {
      const keys = [
        'level',
        'event',
        'type',
        'tenantId',
        'actorId',
        'requestId',
        ...(line.targetUserId ? ['targetUserId'] : []),
      ]
      expect(Object.keys(line).sort()).toEqual(keys.sort())
      for (const value of Object.values(line)) expect(typeof value).toBe('string')
    }
    // The request id of each event is its request's, which names the route by its pattern.
    const requests = new Map(requestLines().map((line) => [line.requestId, line]))
    for (const line of events) {
      const request = requests.get(line.requestId)
      expect(request?.route).toMatch(/^\/tenants\/:tenant_id\//)
    }
  })

  it('name the tenant routes by their pattern, never the ids a client sent, and carry no code or token', () => {
    const tenantLines = answeredLines().filter((line) => String(line.route ?? '').startsWith('/tenants/'))
    expect(tenantLines.length).toBeGreaterThanOrEqual(10)
    expect(new Set(tenantLines.map((line) => line.route))).toEqual(
      new Set([
        '/tenants/:tenant_id/mfa_policy',
        '/tenants/:tenant_id/mfa_members',
        '/tenants/:tenant_id/mfa_events',
        '/tenants/:tenant_id/members/:user_id/mfa_reset',
      ]),
    )
    expect(tenantLines.map((line) => line.code).filter(Boolean)).toEqual(
      expect.arrayContaining(['invalid_request', 'invalid_verification_code', 'not_tenant_admin', 'own_mfa_reset']),
    )
    const text = JSON.stringify(tenantLines)
    for (const secret of secrets) expect(text).not.toContain(secret)
    expect(text).not.toMatch(/"verification_code"|not-ours|\?/)
    // The malformed id the front refused is in no line: its line has no route, and never the path.
    expect(lines.join('\n')).not.toContain(malformedId)
    expect(
      answeredLines().find((line) => line.answeredBy === 'front' && line.code === 'invalid_request'),
    ).toMatchObject({
      status: 400,
    })
  })
})
