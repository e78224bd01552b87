/**
 * Threat: one tenant's people reaching another tenant's policy, history, members or their MFA;
 * a member acting as an admin; a stranger probing which tenant ids exist. Two companies, A and B,
 * each with an admin and two members, a user who is a member of both, and a user in no tenant.
 * Every caller is tried on every route of A, of B and of a tenant id that was never created:
 *
 * - not in the tenant (or no such tenant): `404 tenant_not_found`, one body for both cases;
 * - a member who is not an admin: the policy (200), and `403 not_tenant_admin` elsewhere;
 * - the tenant's admin: 2xx on every route.
 *
 * A refused change leaves the tenant's policy, its history and the target's MFA as they were.
 */
import { beforeAll, describe, expect, it } from 'vitest'
import { ERRORS, type ErrorCode } from '../../src/shared/errors'
import { mfaState, type TestUser } from '../support/harness'
import { type Company, company, enroll, type TestTenant, tenantRoutes, userIn } from '../support/tenant'

const routes = tenantRoutes()

type TenantName = 'A' | 'B' | 'never created'
type CallerName = 'admin of A' | 'member of A' | 'admin of B' | 'member of B' | 'member of both' | 'in no tenant'
type Role = 'admin' | 'member'

/** Who each caller is in each tenant. */
const ROLES: Record<CallerName, Partial<Record<TenantName, Role>>> = {
  'admin of A': { A: 'admin' },
  'member of A': { A: 'member' },
  'admin of B': { B: 'admin' },
  'member of B': { B: 'member' },
  'member of both': { A: 'member', B: 'member' },
  'in no tenant': {},
}

const ROUTE_NAMES = ['policy', 'setPolicy', 'members', 'events', 'reset'] as const
type RouteName = (typeof ROUTE_NAMES)[number]

/** What each caller gets on each route of a tenant, from who they are there. */
function expected(role: Role | undefined, route: RouteName): { status: number; code?: ErrorCode } {
  if (role === undefined) return { status: 404, code: 'tenant_not_found' }
  if (role === 'member' && route !== 'policy') return { status: 403, code: 'not_tenant_admin' }
  return { status: 200 }
}

interface World {
  A: Company
  B: Company
  both: TestUser
  stranger: TestUser
  /** A tenant id SaaSus has never heard of, and a user id likewise. */
  nowhere: TestTenant
  nobody: string
}

let world: World

beforeAll(async () => {
  const [A, B] = [await company(), await company()]
  world = {
    A,
    B,
    both: await userIn([A.tenant, ['user']], [B.tenant, ['user']]),
    stranger: await userIn(),
    nowhere: { id: crypto.randomUUID(), name: 'never created' },
    nobody: crypto.randomUUID(),
  }
  // Each company's second member has MFA on: a reset that got through would show at the emulator.
  await enroll(A.members[1])
  await enroll(B.members[1])
})

const callerOf = (name: CallerName): TestUser =>
  ({
    'admin of A': world.A.admin,
    'member of A': world.A.members[0],
    'admin of B': world.B.admin,
    'member of B': world.B.members[0],
    'member of both': world.both,
    'in no tenant': world.stranger,
  })[name]

const tenantOf = (name: TenantName): { tenant: TestTenant; admin?: TestUser; target: string } => {
  if (name === 'never created') return { tenant: world.nowhere, target: world.nobody }
  const { tenant, admin, members } = world[name]
  return { tenant, admin, target: members[1].id }
}

async function send(route: RouteName, caller: TestUser, tenantId: string, target: string): Promise<Response> {
  switch (route) {
    case 'policy':
      return routes.policy(caller, tenantId)
    case 'setPolicy':
      return routes.setPolicy(caller, tenantId, { required: true, grace_days: 21 })
    case 'members':
      return routes.members(caller, tenantId)
    case 'events':
      return routes.events(caller, tenantId)
    case 'reset':
      return routes.reset(caller, tenantId, target)
  }
}

/** What an admin of the tenant sees of it: the policy and the history. */
async function stateOf(tenant: TestTenant, admin: TestUser): Promise<unknown> {
  const [policy, events] = await Promise.all([routes.policy(admin, tenant.id), routes.events(admin, tenant.id)])
  expect([policy.status, events.status]).toEqual([200, 200])
  return { policy: await policy.json(), events: await events.json() }
}

const CALLERS = Object.keys(ROLES) as CallerName[]
const TENANTS: TenantName[] = ['A', 'B', 'never created']
const PAIRS = CALLERS.flatMap((caller) => TENANTS.map((tenant) => [caller, tenant] as const))

describe('every caller on every route of every tenant', () => {
  it.each(PAIRS)('%s, on tenant %s', async (callerName, tenantName) => {
    const caller = callerOf(callerName)
    const { tenant, admin, target } = tenantOf(tenantName)
    const role = ROLES[callerName][tenantName]
    const before = admin && role !== 'admin' ? await stateOf(tenant, admin) : undefined
    const targetBefore = tenantName === 'never created' ? undefined : await mfaState(target)

    for (const route of ROUTE_NAMES) {
      const res = await send(route, caller, tenant.id, target)
      const want = expected(role, route)
      const body = (await res.json()) as { code?: string }
      if (want.code) {
        // The catalogue's body, word for word: a tenant that exists answers as one that does not.
        expect({ route, status: res.status, body }).toEqual({
          route,
          status: want.status,
          body: { error: ERRORS[want.code].message, code: want.code },
        })
      } else {
        expect({ route, status: res.status, code: body.code }).toEqual({ route, status: want.status, code: undefined })
      }
    }

    if (admin && before !== undefined) expect(await stateOf(tenant, admin)).toEqual(before)
    if (targetBefore && role !== 'admin') expect(await mfaState(target)).toEqual(targetBefore)
    if (targetBefore && role === 'admin') {
      expect((await mfaState(target)).enabled).toBe(false)
      // On again for the callers after this one: a reset that got through would show.
      await enroll(tenant.id === world.A.tenant.id ? world.A.members[1] : world.B.members[1])
    }
  })
})

describe('an admin of one tenant and another tenant', () => {
  it("cannot reset a member of B through A's path nor B's, and B's member keeps MFA on", async () => {
    const { A, B } = world
    const target = await userIn([B.tenant, ['user']])
    await enroll(target)
    const before = await stateOf(B.tenant, B.admin)

    const throughA = await routes.reset(A.admin, A.tenant.id, target.id)
    expect([throughA.status, await throughA.json()]).toEqual([
      404,
      { error: ERRORS.member_not_found.message, code: 'member_not_found' },
    ])
    const throughB = await routes.reset(A.admin, B.tenant.id, target.id)
    expect([throughB.status, ((await throughB.json()) as { code: string }).code]).toEqual([404, 'tenant_not_found'])
    // B's admin, through A's path: not even in A.
    const adminOfB = await routes.reset(A.admin, A.tenant.id, B.admin.id)
    expect([adminOfB.status, ((await adminOfB.json()) as { code: string }).code]).toEqual([404, 'member_not_found'])

    expect((await mfaState(target.id)).enabled).toBe(true)
    expect(await stateOf(B.tenant, B.admin)).toEqual(before)
  })

  it('cannot reset a member of A who administers B: 403 admin_of_other_tenant, their MFA stays on', async () => {
    const { A, B } = world
    // B's admin is also a plain member of A: A's admin resetting them would weaken B's admin account.
    const target = await userIn([A.tenant, ['user']], [B.tenant, ['admin']])
    await enroll(target)
    const before = await stateOf(A.tenant, A.admin)
    const res = await routes.reset(A.admin, A.tenant.id, target.id)
    expect([res.status, await res.json()]).toEqual([
      403,
      { error: ERRORS.admin_of_other_tenant.message, code: 'admin_of_other_tenant' },
    ])
    expect((await mfaState(target.id)).enabled).toBe(true)
    expect(await stateOf(A.tenant, A.admin)).toEqual(before)

    // Someone who administers both tenants may: nothing of B's is reached that they do not run.
    const adminOfBoth = await userIn([A.tenant, ['admin']], [B.tenant, ['admin']])
    const reset = await routes.reset(adminOfBoth, A.tenant.id, target.id)
    expect(reset.status).toBe(200)
    expect((await mfaState(target.id)).enabled).toBe(false)
  })

  it("can neither read nor change B's policy, whatever the body; B's policy and history stay", async () => {
    const { A, B } = world
    const set = await routes.setPolicy(B.admin, B.tenant.id, { required: true, grace_days: 9 })
    expect(set.status).toBe(200)
    const before = await stateOf(B.tenant, B.admin)
    for (const body of [{ required: false }, { required: true, grace_days: 0 }, { required: false, grace_days: 90 }]) {
      const res = await routes.setPolicy(A.admin, B.tenant.id, body)
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([404, 'tenant_not_found'])
      expect(await stateOf(B.tenant, B.admin)).toEqual(before)
    }
    for (const read of [routes.policy, routes.events, routes.members]) {
      const res = await read(A.admin, B.tenant.id)
      expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([404, 'tenant_not_found'])
    }
  })
})
