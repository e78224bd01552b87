/**
 * A tenant's MFA policy (docs/tenant-policy.md): any member reads it, its admins set it; turning a
 * requirement on starts its grace period, keeping it on keeps the start, setting what is set records
 * nothing; every change is in the tenant's history. What members see of it in GET /mfa_status
 * (`required`, `enroll_by`), and what a cached status read costs. Step-up for turning a requirement
 * off, and who is an admin (MFA_POLICY_ADMIN_ROLES, SAASUS_ENV_ID, roles changed at SaaSus).
 *
 * Each test makes its tenants and users at the emulator: files running side by side share none.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { withStepUp } from '../support/account'
import { apiWith, bearer, call, codeAt, freshUser, type TestUser, wrongCode } from '../support/harness'
import {
  company,
  enroll,
  freshTenant,
  join,
  type ListedPolicy,
  leave,
  policyOf,
  type TestTenant,
  tenantRoutes,
  userIn,
} from '../support/tenant'
import { newTrace, saasusCalls } from '../support/trace'

const DAY_MS = 24 * 60 * 60 * 1000
const routes = tenantRoutes()

interface TenantEvent {
  type: string
  at: string
  actor_id: string
  required?: boolean
  grace_days?: number
  target_user_id?: string
}

interface Status {
  enabled: boolean
  method?: string
  required: boolean
  enroll_by: string | null
}

/** The tenant's history as an admin reads it. */
async function eventsOf(admin: TestUser, tenant: TestTenant): Promise<TenantEvent[]> {
  const res = await routes.events(admin, tenant.id)
  expect(res.status).toBe(200)
  return ((await res.json()) as { events: TenantEvent[] }).events
}

/** PUT by an admin that must succeed; the policy it answers. */
async function setPolicy(admin: TestUser, tenant: TestTenant, body: unknown, api = routes): Promise<ListedPolicy> {
  const res = await api.setPolicy(admin, tenant.id, body)
  expect(res.status).toBe(200)
  return res.json()
}

async function statusOf(user: TestUser, api = call): Promise<Status> {
  const res = await api('/mfa_status', { headers: bearer(user) })
  expect(res.status).toBe(200)
  return res.json()
}

const expectError = async (res: Response, status: number, code: string) => {
  expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([status, code])
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('GET /tenants/{tenant_id}/mfa_policy', () => {
  it('answers any member the default for a tenant that never set one', async () => {
    const { tenant, admin, members } = await company()
    for (const reader of [admin, ...members]) {
      expect(await policyOf(reader, tenant)).toEqual({
        tenant_id: tenant.id,
        required: false,
        grace_days: 14,
        required_since: null,
      })
    }
  })
})

describe('PUT /tenants/{tenant_id}/mfa_policy', () => {
  it('turned on by an admin: required_since is now, grace_days 14 when omitted, and members read it', async () => {
    const { tenant, admin, members } = await company()
    const before = Date.now()
    const set = await setPolicy(admin, tenant, { required: true })
    const after = Date.now()
    expect(set).toMatchObject({ tenant_id: tenant.id, required: true, grace_days: 14 })
    const since = Date.parse(set.required_since ?? '')
    expect(since).toBeGreaterThanOrEqual(before)
    expect(since).toBeLessThanOrEqual(after)
    expect(await policyOf(members[0], tenant)).toEqual(set)
  })

  it('accepts grace_days 0 and 90, the bounds', async () => {
    for (const grace_days of [0, 90]) {
      const { tenant, admin } = await company()
      expect(await setPolicy(admin, tenant, { required: true, grace_days })).toMatchObject({
        required: true,
        grace_days,
      })
    }
  })

  it('refuses a malformed body with 400 invalid_request naming the field, and changes nothing', async () => {
    const { tenant, admin } = await company()
    // The message says what the field takes, so a developer can mend the request without the docs.
    const range = 'grace_days must be a whole number of days from 0 to 90'
    const cases: [unknown, string, string][] = [
      [{ required: true, grace_days: -1 }, 'grace_days', range],
      [{ required: true, grace_days: 91 }, 'grace_days', range],
      [{ required: true, grace_days: 1.5 }, 'grace_days', 'grace_days must be a whole number'],
      [{ required: true, grace_days: '7' }, 'grace_days', 'grace_days must be a number'],
      [{ grace_days: 7 }, 'required', 'required is required'],
      [{}, 'required', 'required is required'],
      [{ required: 'true' }, 'required', 'required must be a boolean'],
    ]
    for (const [body, field, error] of cases) {
      const res = await routes.setPolicy(admin, tenant.id, body)
      expect({ body, status: res.status, answer: await res.json() }).toEqual({
        body,
        status: 400,
        answer: { error, code: 'invalid_request', field },
      })
    }
    expect(await policyOf(admin, tenant)).toMatchObject({ required: false, required_since: null })
    expect(await eventsOf(admin, tenant)).toEqual([])
  })

  it('keeps required_since when grace_days changes while required; turning it off clears it', async () => {
    const { tenant, admin } = await company()
    const on = await setPolicy(admin, tenant, { required: true, grace_days: 14 })
    // A step of the clock between the two: a start taken anew would differ.
    await new Promise((resolve) => setTimeout(resolve, 20))
    const longer = await setPolicy(admin, tenant, { required: true, grace_days: 30 })
    expect(longer).toEqual({ ...on, grace_days: 30 })
    expect(await setPolicy(admin, tenant, { required: false })).toEqual({
      tenant_id: tenant.id,
      required: false,
      grace_days: 14,
      required_since: null,
    })
  })

  it('records each change, newest first, with the admin, required and grace_days; the same values record nothing', async () => {
    const { tenant, admin } = await company()
    const second = await userIn([tenant, ['admin']])
    const on = await setPolicy(admin, tenant, { required: true, grace_days: 14 })
    await setPolicy(admin, tenant, { required: true, grace_days: 7 })
    // Already set: answered as it stands, nothing recorded.
    const same = await setPolicy(admin, tenant, { required: true, grace_days: 7 })
    expect(same).toEqual({ ...on, grace_days: 7 })
    await setPolicy(second, tenant, { required: false })

    const events = await eventsOf(admin, tenant)
    expect(
      events.map(({ type, actor_id, required, grace_days }) => ({ type, actor_id, required, grace_days })),
    ).toEqual([
      { type: 'mfa_policy_changed', actor_id: second.id, required: false, grace_days: 14 },
      { type: 'mfa_policy_changed', actor_id: admin.id, required: true, grace_days: 7 },
      { type: 'mfa_policy_changed', actor_id: admin.id, required: true, grace_days: 14 },
    ])
    const times = events.map((event) => Date.parse(event.at))
    expect(times.every((at) => Number.isFinite(at))).toBe(true)
    expect([...times].sort((a, b) => b - a)).toEqual(times)
    expect(events[2]?.at).toBe(on.required_since)
  })
})

describe('GET /mfa_status of a member', () => {
  it('says MFA is required and by when: required_since + grace_days', async () => {
    const { tenant, admin, members } = await company()
    expect(await statusOf(members[0])).toEqual({ enabled: false, required: false, enroll_by: null })
    const policy = await setPolicy(admin, tenant, { required: true, grace_days: 7 })
    const deadline = new Date(Date.parse(policy.required_since ?? '') + 7 * DAY_MS).toISOString()
    for (const member of members) {
      expect(await statusOf(member)).toEqual({ enabled: false, required: true, enroll_by: deadline })
    }
  })

  it('with grace_days 0, the deadline is the start itself', async () => {
    const { tenant, admin, members } = await company()
    const policy = await setPolicy(admin, tenant, { required: true, grace_days: 0 })
    expect((await statusOf(members[0])).enroll_by).toBe(policy.required_since)
  })

  it('has no deadline once the member has MFA on', async () => {
    const { tenant, admin, members } = await company()
    await enroll(members[0])
    await setPolicy(admin, tenant, { required: true, grace_days: 7 })
    expect(await statusOf(members[0])).toEqual({
      enabled: true,
      method: 'softwareToken',
      required: true,
      enroll_by: null,
    })
  })

  it('is the earliest deadline among the tenants requiring MFA', async () => {
    const [first, second, third, relaxed] = [
      await freshTenant(),
      await freshTenant(),
      await freshTenant(),
      await freshTenant(),
    ]
    const admin = await userIn([first, ['admin']], [second, ['admin']], [third, ['admin']], [relaxed, ['admin']])
    const member = await userIn([first, ['user']], [second, ['user']], [third, ['user']], [relaxed, ['user']])
    // Set in this order: the earliest deadline is neither the first tenant's, nor the last set, nor the earliest start.
    await setPolicy(admin, first, { required: true, grace_days: 30 })
    const earliest = await setPolicy(admin, second, { required: true, grace_days: 5 })
    await setPolicy(admin, third, { required: true, grace_days: 60 })
    const deadline = new Date(Date.parse(earliest.required_since ?? '') + 5 * DAY_MS).toISOString()
    expect(await statusOf(member)).toEqual({ enabled: false, required: true, enroll_by: deadline })
  })

  it('is not required of a user in no tenant, nor of one whose tenant stopped requiring it', async () => {
    const loner = await freshUser({ tenants: [] })
    expect(await statusOf(loner)).toEqual({ enabled: false, required: false, enroll_by: null })

    const { tenant, admin, members } = await company()
    await setPolicy(admin, tenant, { required: true })
    expect((await statusOf(members[0])).required).toBe(true)
    await setPolicy(admin, tenant, { required: false })
    expect(await statusOf(members[0])).toEqual({ enabled: false, required: false, enroll_by: null })
  })

  it('read again with the same token costs one SaaSus call (the preference) and no storage round trip', async () => {
    const api = apiWith({})
    const { tenant, admin, members } = await company()
    await setPolicy(admin, tenant, { required: true }, tenantRoutes(api))
    const logged = vi.spyOn(console, 'log')
    const read = async (traceId: string) => {
      const res = await api('/mfa_status', { headers: { ...bearer(members[0]), 'X-SaaSus-Trace-Id': traceId } })
      expect(res.status).toBe(200)
      return res.json() as Promise<Status>
    }
    const first = await read(await newTrace())
    const again = await newTrace()
    expect(await read(again)).toEqual(first)
    expect(first.required).toBe(true)

    expect((await saasusCalls(again)).byOperation).toEqual({ 'GET /v1/auth/users/{user_id}/mfa/preference': 1 })
    const lines = logged.mock.calls
      .map(([line]) => (typeof line === 'string' && line.startsWith('{') ? JSON.parse(line) : null))
      .filter((line) => line?.event === 'request' && line.route === '/mfa_status')
    expect(lines).toHaveLength(2)
    expect(lines[1]).toMatchObject({ status: 200, storage: 0 })
    expect(lines[1].upstream).toHaveLength(1)
  })
})

describe('turning a requirement off with step-up (MFA_STEP_UP=required)', () => {
  const api = withStepUp()
  const stepUpRoutes = tenantRoutes(api)

  it("needs the admin's current code when the admin's MFA is on; turning it on needs none", async () => {
    const { tenant, admin } = await company()
    const secret = await enroll(admin, api)
    const on = await setPolicy(admin, tenant, { required: true, grace_days: 10 }, stepUpRoutes)

    await expectError(await stepUpRoutes.setPolicy(admin, tenant.id, { required: false }), 403, 'step_up_required')
    expect(await policyOf(admin, tenant)).toEqual(on)
    const wrong = { required: false, verification_code: wrongCode(secret) }
    await expectError(await stepUpRoutes.setPolicy(admin, tenant.id, wrong), 400, 'invalid_verification_code')
    expect(await policyOf(admin, tenant)).toEqual(on)
    expect((await eventsOf(admin, tenant)).length).toBe(1)

    const off = await setPolicy(admin, tenant, { required: false, verification_code: codeAt(secret, 1) }, stepUpRoutes)
    expect(off).toMatchObject({ required: false, required_since: null })
  })

  it("needs no code when the admin's MFA is off", async () => {
    const { tenant, admin } = await company()
    await setPolicy(admin, tenant, { required: true }, stepUpRoutes)
    expect(await setPolicy(admin, tenant, { required: false }, stepUpRoutes)).toMatchObject({ required: false })
  })
})

describe('who is an admin', () => {
  it('MFA_POLICY_ADMIN_ROLES names the roles: with "owner, admin", an owner is one', async () => {
    const owners = tenantRoutes(apiWith({ MFA_POLICY_ADMIN_ROLES: 'owner, admin' }))
    const { tenant, admin } = await company()
    const owner = await userIn([tenant, ['owner']])
    // By default an owner is a member only.
    await expectError(await routes.setPolicy(owner, tenant.id, { required: true }), 403, 'not_tenant_admin')
    expect((await owners.setPolicy(owner, tenant.id, { required: true })).status).toBe(200)
    expect((await owners.setPolicy(admin, tenant.id, { required: true, grace_days: 3 })).status).toBe(200)
    expect((await owners.events(owner, tenant.id)).status).toBe(200)
  })

  it('SAASUS_ENV_ID counts the roles of that env only', async () => {
    const inEnv3 = tenantRoutes(apiWith({ SAASUS_ENV_ID: '3' }))
    const tenant = await freshTenant()
    const devAdmin = await freshUser({
      tenants: [
        {
          id: tenant.id,
          envs: [
            { id: 1, roles: ['admin'] },
            { id: 3, roles: ['user'] },
          ],
        },
      ],
    })
    const prodAdmin = await freshUser({ tenants: [{ id: tenant.id, envs: [{ id: 3, roles: ['admin'] }] }] })

    await expectError(await inEnv3.setPolicy(devAdmin, tenant.id, { required: true }), 403, 'not_tenant_admin')
    expect((await inEnv3.policy(devAdmin, tenant.id)).status).toBe(200)
    expect((await inEnv3.setPolicy(prodAdmin, tenant.id, { required: true })).status).toBe(200)
    // Unset, any env's role counts.
    expect((await routes.setPolicy(devAdmin, tenant.id, { required: true, grace_days: 3 })).status).toBe(200)
  })

  it('a role taken away at SaaSus stops counting at once for changes, and for reads after the user cache', async () => {
    const { tenant, admin, members } = await company()
    const uncached = tenantRoutes(apiWith({ USER_CACHE_TTL_SECONDS: '0' }))
    // A read resolves the admin, and the user cache keeps them for this token.
    expect((await routes.events(admin, tenant.id)).status).toBe(200)
    await join(tenant, admin, ['user'])

    await expectError(await routes.setPolicy(admin, tenant.id, { required: true }), 403, 'not_tenant_admin')
    await expectError(await routes.reset(admin, tenant.id, members[0].id), 403, 'not_tenant_admin')
    expect((await policyOf(admin, tenant)).required).toBe(false)
    // The documented bound: a read may reuse the user resolved moments ago.
    expect((await routes.events(admin, tenant.id)).status).toBe(200)
    await expectError(await uncached.events(admin, tenant.id), 403, 'not_tenant_admin')
    await expectError(await uncached.members(admin, tenant.id), 403, 'not_tenant_admin')
  })

  it('a member taken out of the tenant at SaaSus is refused changes at once: 404 tenant_not_found', async () => {
    const { tenant, admin } = await company()
    expect((await routes.policy(admin, tenant.id)).status).toBe(200)
    await leave(tenant, admin)
    await expectError(await routes.setPolicy(admin, tenant.id, { required: true }), 404, 'tenant_not_found')
  })
})

describe('a trace of the calls', () => {
  it('turning a requirement on asks SaaSus who the admin is, and nothing else', async () => {
    const { tenant, admin } = await company()
    const traceId = await newTrace()
    const res = await call(`/tenants/${tenant.id}/mfa_policy`, {
      method: 'PUT',
      headers: { ...bearer(admin), 'Content-Type': 'application/json', 'X-SaaSus-Trace-Id': traceId },
      body: JSON.stringify({ required: true }),
    })
    expect(res.status).toBe(200)
    expect((await saasusCalls(traceId)).byOperation).toEqual({ 'GET /v1/auth/userinfo': 1 })
  })
})
