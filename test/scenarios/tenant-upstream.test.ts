/**
 * The tenant routes with SaaSus failing, slow, garbled or refusing in its many words. The new calls,
 * `GetTenantUsers` (the members page, and the reset's check that the target is a member) and
 * `GetAllTenantUser` (the reset's check that the target administers no tenant the admin does not),
 * and the members page's preference reads have nothing a user can get wrong: whatever goes wrong with them
 * is answered as docs/errors.md says (502 `upstream_error`, 503 `upstream_unavailable`, 504
 * `upstream_timeout`, our credentials refused 502 `upstream_misconfigured`), never a 500, never
 * SaaSus's body. In every refusal dialect of the emulator the routes answer as in its own words.
 *
 * A fault meant for one call alone (the tenant's users, say, and not `/userinfo` before it) is
 * aimed: the API runs in this isolate (apiWith), and the SaaSus calls it picks are sent under a
 * trace of their own (SAASUSSIGV1 does not sign the trace header), whose faults are the test's.
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { CREDENTIAL_DIALECTS, type Dialect, REFUSAL_DIALECTS } from '../../emulator/src/dialects'
import { json, occurrences } from '../support/account'
import {
  apiWith,
  bearer,
  call,
  currentCode,
  EMULATOR,
  freshUser,
  mfaState,
  setup,
  type TestUser,
  verify,
} from '../support/harness'
import { company, type TestTenant, tenantRoutes, userIn } from '../support/tenant'
import { type FaultsInput, newTrace, saasusCalls } from '../support/trace'

afterEach(() => {
  vi.restoreAllMocks()
})

/** The API in this isolate. */
const api = apiWith({})
/** With a short SaaSus timeout, for the calls made to wait past it (the emulator answers in a few ms otherwise). */
const impatient = apiWith({ SAASUS_TIMEOUT_MS: '500' })

type Api = (path: string, init?: RequestInit) => Promise<Response>

/** An API that sends every request under a trace. */
const traced =
  (through: Api, traceId: string): Api =>
  (path, init = {}) => {
    const headers = new Headers(init.headers)
    headers.set('X-SaaSus-Trace-Id', traceId)
    return through(path, { ...init, headers })
  }

/** A SaaSus call of the API, by method and the definition's path. */
type Pick = (method: string, path: string) => boolean
const TENANT_USERS: Pick = (method, path) => method === 'GET' && /^\/v1\/auth\/tenants\/[^/]+\/users$/.test(path)
const USER_TENANTS: Pick = (method, path) => method === 'GET' && /^\/v1\/auth\/tenants\/all\/users\/[^/]+$/.test(path)
const PREFERENCE_READ: Pick = (method, path) =>
  method === 'GET' && /^\/v1\/auth\/users\/[^/]+\/mfa\/preference$/.test(path)
const PREFERENCE_WRITE: Pick = (method, path) =>
  method === 'PATCH' && /^\/v1\/auth\/users\/[^/]+\/mfa\/preference$/.test(path)

/**
 * Sends the SaaSus calls `pick` chooses, made in this isolate, under `traceId` instead of the
 * request's own trace: that trace's faults strike them and no other call.
 */
function aim(pick: Pick, traceId: string): void {
  const original = globalThis.fetch
  vi.spyOn(globalThis, 'fetch').mockImplementation((input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : input)
    const method = (init?.method ?? (input instanceof Request ? input.method : 'GET')).toUpperCase()
    if (url.origin !== EMULATOR || !pick(method, url.pathname)) return original(input, init)
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined))
    headers.set('X-SaaSus-Trace-Id', traceId)
    return original(input, { ...init, headers })
  })
}

interface Fault {
  fault: string
  faults: FaultsInput
  /** What the API answers, by status: some faults (a 500 or a 503, at random) have two answers. */
  answers: [number, string][]
  /** The API to ask: the impatient one for a call that does not answer in time. */
  through?: Api
}

/** A 500 typed as SaaSus types one, carrying words a log may show but an answer never. */
const TYPED_500: Dialect = {
  every_call: { status: 500, body: { type: 'internal_server_error', message: 'upstream-secret-words 4242' } },
}

const FAULTS: Fault[] = [
  { fault: 'a 500', faults: { dialect: TYPED_500 }, answers: [[502, 'upstream_error']] },
  {
    fault: 'server errors (500 or 503)',
    faults: { serverErrorRate: 1 },
    answers: [
      [502, 'upstream_error'],
      [503, 'upstream_unavailable'],
    ],
  },
  { fault: 'a 503', faults: { failNext: 1_000 }, answers: [[503, 'upstream_unavailable']] },
  {
    fault: 'no answer in time',
    faults: { latencyMs: 2_000 },
    answers: [[504, 'upstream_timeout']],
    through: impatient,
  },
  { fault: 'a 200 whose body is not JSON', faults: { malformedRate: 1 }, answers: [[502, 'upstream_error']] },
  { fault: 'a dropped connection', faults: { dropRate: 1 }, answers: [[503, 'upstream_unavailable']] },
]

/** The answer is one of the fault's, in the catalogue's words alone: no SaaSus body, never a 500. */
async function expectClassified(res: Response, answers: Fault['answers']): Promise<void> {
  const text = await res.text()
  const body = JSON.parse(text) as { error: string; code: string }
  expect(answers).toContainEqual([res.status, body.code])
  expect(body).toEqual({ error: expect.any(String), code: body.code })
  for (const words of [
    'upstream-secret-words',
    'Injected fault',
    'internal_server_error',
    'Service Unavailable',
    '{"enabled"',
  ]) {
    expect(text).not.toContain(words)
  }
  expect(res.headers.get('WWW-Authenticate')).toBeNull()
}

/** Operations the emulator saw under a trace. */
const operations = async (traceId: string) => Object.keys((await saasusCalls(traceId)).byOperation).sort()

/** A member with an authenticator registered through the API and MFA on. */
async function enrolledMember(tenant: TestTenant): Promise<TestUser> {
  const member = await userIn([tenant, ['user']])
  expect((await verify(member, currentCode(await setup(member)))).status).toBe(200)
  expect((await call('/mfa_enable', json({}, bearer(member)))).status).toBe(200)
  return member
}

describe.each(FAULTS)('SaaSus failing: $fault', ({ faults, answers, through = api }) => {
  it("on GetTenantUsers of the members page: the documented answer, and no member's preference asked", async () => {
    const { tenant, admin } = await company()
    const [own, faulted] = [await newTrace({}), await newTrace(faults)]
    aim(TENANT_USERS, faulted)
    const res = await tenantRoutes(traced(through, own)).members(admin, tenant.id)
    await expectClassified(res, answers)
    expect(await operations(faulted)).toEqual(['GET /v1/auth/tenants/{tenant_id}/users'])
    expect(await operations(own)).toEqual(['GET /v1/auth/userinfo'])
  })

  it("on the members' preference reads: the documented answer, not a page with members left out", async () => {
    const { tenant, admin } = await company()
    const [own, faulted] = [await newTrace({}), await newTrace(faults)]
    aim(PREFERENCE_READ, faulted)
    const res = await tenantRoutes(traced(through, own)).members(admin, tenant.id)
    await expectClassified(res, answers)
    expect(await operations(faulted)).toEqual(['GET /v1/auth/users/{user_id}/mfa/preference'])
    expect(await operations(own)).toEqual(['GET /v1/auth/tenants/{tenant_id}/users', 'GET /v1/auth/userinfo'])
  })

  it("on GetTenantUsers of a reset: the documented answer, the member's MFA and history untouched", async () => {
    const { tenant, admin } = await company()
    const member = await enrolledMember(tenant)
    const [own, faulted] = [await newTrace({}), await newTrace(faults)]
    aim(TENANT_USERS, faulted)
    const res = await tenantRoutes(traced(through, own)).reset(admin, tenant.id, member.id)
    await expectClassified(res, answers)
    expect(await operations(faulted)).toEqual(['GET /v1/auth/tenants/{tenant_id}/users'])
    expect(await operations(own)).toEqual(['GET /v1/auth/userinfo'])
    expect((await mfaState(member.id)).enabled).toBe(true)
    expect(await occurrences(member, 'mfa_reset_by_admin')).toBe(0)
    // The member's object was never entered: the registration stands, enabling needs no new setup.
    expect((await call('/mfa_enable', json({}, bearer(member)))).status).toBe(200)
  })

  it("on GetAllTenantUser of a reset: the documented answer, the member's MFA and history untouched", async () => {
    const { tenant, admin } = await company()
    const member = await enrolledMember(tenant)
    const [own, faulted] = [await newTrace({}), await newTrace(faults)]
    aim(USER_TENANTS, faulted)
    const res = await tenantRoutes(traced(through, own)).reset(admin, tenant.id, member.id)
    await expectClassified(res, answers)
    expect(await operations(faulted)).toEqual(['GET /v1/auth/tenants/all/users/{user_id}'])
    expect(await operations(own)).toEqual(['GET /v1/auth/tenants/{tenant_id}/users', 'GET /v1/auth/userinfo'])
    expect((await mfaState(member.id)).enabled).toBe(true)
    expect(await occurrences(member, 'mfa_reset_by_admin')).toBe(0)
    expect((await call('/mfa_enable', json({}, bearer(member)))).status).toBe(200)
  })

  it("on the reset's own call (the preference turned off): the documented answer, asked once", async () => {
    const { tenant, admin } = await company()
    const member = await enrolledMember(tenant)
    const [own, faulted] = [await newTrace({}), await newTrace(faults)]
    aim(PREFERENCE_WRITE, faulted)
    const res = await tenantRoutes(traced(through, own)).reset(admin, tenant.id, member.id)
    await expectClassified(res, answers)
    // A write is never retried.
    expect((await saasusCalls(faulted)).byOperation).toEqual({ 'PATCH /v1/auth/users/{user_id}/mfa/preference': 1 })
    expect(await occurrences(member, 'mfa_reset_by_admin')).toBe(0)
  })
})

describe('a read that fails once is tried again', () => {
  it('GetTenantUsers: a 503 then an answer gives the page', async () => {
    const { tenant, admin } = await company()
    const [own, faulted] = [await newTrace({}), await newTrace({ failNext: 1 })]
    aim(TENANT_USERS, faulted)
    const res = await tenantRoutes(traced(api, own)).members(admin, tenant.id)
    expect(res.status).toBe(200)
    expect(((await res.json()) as { members: unknown[] }).members).toHaveLength(3)
    expect((await saasusCalls(faulted)).byOperation).toEqual({ 'GET /v1/auth/tenants/{tenant_id}/users': 2 })
  })
})

describe.each(REFUSAL_DIALECTS)('SaaSus refusing in the %s dialect', (dialect) => {
  const walk = async () => {
    const traceId = await newTrace({ dialect })
    const { tenant, admin, members } = await company()
    const enrolled = await enrolledMember(tenant)
    const routes = tenantRoutes(traced(call, traceId))
    return { traceId, tenant, admin, member: members[0], enrolled, routes, send: traced(call, traceId) }
  }

  it('the five routes answer as in the emulator’s own words', async () => {
    const { traceId, tenant, admin, member, enrolled, routes } = await walk()
    const set = await routes.setPolicy(admin, tenant.id, { required: true, grace_days: 7 })
    expect([set.status, await set.json()]).toEqual([200, expect.objectContaining({ required: true, grace_days: 7 })])
    expect(await (await routes.policy(member, tenant.id)).json()).toMatchObject({ required: true })

    const page = await routes.members(admin, tenant.id)
    expect(page.status).toBe(200)
    const listed = ((await page.json()) as { members: { user_id: string; mfa_enabled: boolean }[] }).members
    expect(listed).toHaveLength(4)
    expect(listed.find((entry) => entry.user_id === enrolled.id)?.mfa_enabled).toBe(true)
    expect(listed.find((entry) => entry.user_id === member.id)?.mfa_enabled).toBe(false)

    expect((await routes.reset(admin, tenant.id, enrolled.id)).status).toBe(200)
    expect((await mfaState(enrolled.id)).enabled).toBe(false)
    const events = await routes.events(admin, tenant.id)
    expect(((await events.json()) as { events: { type: string }[] }).events.map((event) => event.type)).toEqual([
      'member_mfa_reset',
      'mfa_policy_changed',
    ])
    // The calls were made in the dialect: the tenant's users among them.
    expect((await saasusCalls(traceId)).byOperation['GET /v1/auth/tenants/{tenant_id}/users']).toBeGreaterThan(0)
  })

  it('its refusals are the catalogue’s, decided without asking SaaSus anything a user could get wrong', async () => {
    const { tenant, admin, member, routes, send } = await walk()
    const outsider = await userIn()
    const codeOf = async (res: Response) => [res.status, ((await res.json()) as { code: string }).code]
    expect(await codeOf(await routes.policy(outsider, tenant.id))).toEqual([404, 'tenant_not_found'])
    expect(await codeOf(await routes.members(member, tenant.id))).toEqual([403, 'not_tenant_admin'])
    expect(await codeOf(await routes.reset(admin, tenant.id, outsider.id))).toEqual([404, 'member_not_found'])
    expect(await codeOf(await routes.reset(admin, tenant.id, admin.id))).toEqual([409, 'own_mfa_reset'])
    const unknown = await send(`/tenants/${tenant.id}/mfa_policy`, {
      headers: { Authorization: 'Bearer not-a-token-saasus-issued' },
    })
    expect(await codeOf(unknown)).toEqual([401, 'invalid_token'])
  })

  it('GET /mfa_status of a member of a requiring tenant still answers required and enroll_by', async () => {
    const { tenant, admin, member, enrolled, routes, send } = await walk()
    expect((await routes.setPolicy(admin, tenant.id, { required: true, grace_days: 3 })).status).toBe(200)
    const status = await send('/mfa_status', { headers: bearer(member) })
    expect(status.status).toBe(200)
    const body = (await status.json()) as { enabled: boolean; required: boolean; enroll_by: string }
    expect(body).toMatchObject({ enabled: false, required: true })
    expect(Date.parse(body.enroll_by)).toBeGreaterThan(Date.now() + 2 * 24 * 60 * 60 * 1000)
    // MFA on: required, and no deadline.
    const on = await send('/mfa_status', { headers: bearer(enrolled) })
    expect(await on.json()).toMatchObject({ enabled: true, required: true, enroll_by: null })
  })
})

describe.each(CREDENTIAL_DIALECTS)('SaaSus refusing our credentials (%s)', (dialect) => {
  it('every tenant route, and /mfa_status, answers 502 upstream_misconfigured, never a 401', async () => {
    const { tenant, admin, members } = await company()
    const routes = tenantRoutes(traced(call, await newTrace({ dialect })))
    const answers = [
      await routes.policy(admin, tenant.id),
      await routes.setPolicy(admin, tenant.id, { required: true }),
      await routes.members(admin, tenant.id),
      await routes.events(admin, tenant.id),
      await routes.reset(admin, tenant.id, members[0].id),
      await traced(call, await newTrace({ dialect }))('/mfa_status', { headers: bearer(members[1]) }),
    ]
    for (const res of answers) {
      expect(res.headers.get('WWW-Authenticate')).toBeNull()
      expect([res.status, await res.json()]).toEqual([
        502,
        { error: expect.any(String), code: 'upstream_misconfigured' },
      ])
    }
  })

  it('with the admin resolved moments ago: the members page and a reset ask SaaSus and answer 502; the reads that ask nothing answer', async () => {
    const { tenant, admin, members } = await company()
    // Resolved (and cached for the reads) under the emulator's own words.
    expect((await tenantRoutes(api).policy(admin, tenant.id)).status).toBe(200)
    const traceId = await newTrace({ dialect })
    const routes = tenantRoutes(traced(api, traceId))
    expect((await routes.policy(admin, tenant.id)).status).toBe(200)
    expect((await routes.events(admin, tenant.id)).status).toBe(200)
    expect(await operations(traceId)).toEqual([])
    for (const res of [await routes.members(admin, tenant.id), await routes.reset(admin, tenant.id, members[0].id)]) {
      expect([res.status, await res.json()]).toEqual([
        502,
        { error: expect.any(String), code: 'upstream_misconfigured' },
      ])
    }
  })

  it('aimed at GetTenantUsers alone: 502 upstream_misconfigured', async () => {
    const { tenant, admin } = await company()
    const [own, refused] = [await newTrace({}), await newTrace({ dialect })]
    aim(TENANT_USERS, refused)
    const res = await tenantRoutes(traced(api, own)).members(admin, tenant.id)
    expect([res.status, await res.json()]).toEqual([502, { error: expect.any(String), code: 'upstream_misconfigured' }])
  })

  it("aimed at a reset's GetAllTenantUser alone: 502 upstream_misconfigured, the member untouched", async () => {
    const { tenant, admin } = await company()
    const member = await enrolledMember(tenant)
    const [own, refused] = [await newTrace({}), await newTrace({ dialect })]
    aim(USER_TENANTS, refused)
    const res = await tenantRoutes(traced(api, own)).reset(admin, tenant.id, member.id)
    expect([res.status, await res.json()]).toEqual([502, { error: expect.any(String), code: 'upstream_misconfigured' }])
    expect((await mfaState(member.id)).enabled).toBe(true)
  })
})

describe('aiming', () => {
  it('strikes only the calls it picks (a check of the test itself)', async () => {
    const user = await freshUser({ tenants: [] })
    const [own, faulted] = [await newTrace({}), await newTrace({ failNext: 1_000 })]
    aim(TENANT_USERS, faulted)
    const res = await traced(api, own)('/mfa_status', { headers: bearer(user) })
    expect(res.status).toBe(200)
    expect((await saasusCalls(faulted)).total).toBe(0)
  })
})
