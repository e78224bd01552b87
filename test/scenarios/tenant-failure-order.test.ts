/**
 * The failure order of the tenant operations that touch SaaSus and storage (docs/tenant-policy.md,
 * "Failure order"), in the style of account-failure-order.test.ts: a failure between any two steps,
 * injected into the emulator (SaaSus) or an object (src/core/storage/faults.ts: the member's
 * account object or the tenant's policy object), leaves exactly what the table says. A reset never
 * leaves a member with MFA on at SaaSus and an authenticator the API would enable again without a
 * new registration; a policy change is never stored without its event, nor its event without it.
 *
 * A reset: (1) the member's object forgets the registration (`admitReset`) → (2) SaaSus turns the
 * member's MFA off → (3) the member's object deletes their codes and kept secrets with the
 * `mfa_reset_by_admin` event (`recordResetByAdmin`) → (4) the tenant's object records
 * `member_mfa_reset` (`recordMemberReset`). Each object's record step can fail two ways, the
 * object unreachable (`record`) or its transaction failing (`commit`); each such row runs with both.
 */
import { describe, expect, it } from 'vitest'
import { json, occurrences, userAccount, withStepUp } from '../support/account'
import { apiWith, bearer, call, codeAt, currentCode, mfaState, setup, type TestUser, verify } from '../support/harness'
import {
  company,
  freshTenant,
  policyOf,
  type TestTenant,
  tenantPolicyObject,
  tenantRoutes,
  userIn,
} from '../support/tenant'
import { newTrace, saasusCalls } from '../support/trace'

const routes = tenantRoutes()
const AFTER_SAASUS = ['record', 'commit'] as const
const PATCH_PREFERENCE = 'PATCH /v1/auth/users/{user_id}/mfa/preference'

const expectStorageUnavailable = async (res: Response) => {
  expect(res.status).toBe(503)
  expect(await res.json()).toMatchObject({ code: 'storage_unavailable' })
}

/** The admin's reset of a member, under a trace of its own. */
const reset = (admin: TestUser, tenant: TestTenant, member: TestUser, traceId?: string) =>
  call(
    `/tenants/${tenant.id}/members/${member.id}/mfa_reset`,
    json({}, { ...bearer(admin), ...(traceId ? { 'X-SaaSus-Trace-Id': traceId } : {}) }),
  )

/** A member of the company with an authenticator registered through the API, MFA on and ten recovery codes. */
async function enrolledMember(tenant: TestTenant): Promise<TestUser> {
  const member = await userIn([tenant, ['user']])
  expect((await verify(member, currentCode(await setup(member)))).status).toBe(200)
  expect((await call('/mfa_enable', json({}, bearer(member)))).status).toBe(200)
  expect((await call('/mfa_recovery_codes', json({}, bearer(member)))).status).toBe(200)
  return member
}

/** How many recovery codes the member has left. */
async function codesLeft(member: TestUser): Promise<number> {
  const res = await call('/mfa_recovery_codes', { headers: bearer(member) })
  expect(res.status).toBe(200)
  return ((await res.json()) as { remaining: number }).remaining
}

interface ListedTenantEvent {
  type: string
  actor_id: string
  target_user_id?: string
  required?: boolean
  grace_days?: number
}

async function tenantEvents(admin: TestUser, tenant: TestTenant): Promise<ListedTenantEvent[]> {
  const res = await routes.events(admin, tenant.id)
  expect(res.status).toBe(200)
  return ((await res.json()) as { events: ListedTenantEvent[] }).events
}

/** A company whose first member is enrolled (MFA on, codes made). */
async function companyWithEnrolledMember() {
  const { tenant, admin } = await company()
  return { tenant, admin, member: await enrolledMember(tenant) }
}

describe('POST …/members/{user_id}/mfa_reset: member object forgets the registration → SaaSus turns MFA off → member object deletes codes and secrets + event → tenant object records the reset', () => {
  it('the member object down first: 503, SaaSus not asked, MFA on, codes and registration kept', async () => {
    const { tenant, admin, member } = await companyWithEnrolledMember()
    const traceId = await newTrace({})
    await userAccount(member.id).armFault('enter')
    await expectStorageUnavailable(await reset(admin, tenant, member, traceId))
    expect((await saasusCalls(traceId)).byOperation[PATCH_PREFERENCE] ?? 0).toBe(0)
    expect((await mfaState(member.id)).enabled).toBe(true)
    expect(await codesLeft(member)).toBe(10)
    expect(await occurrences(member, 'mfa_reset_by_admin')).toBe(0)
    expect(await tenantEvents(admin, tenant)).toEqual([])
    // The registration was never forgotten: enabling (a no-op at SaaSus) needs no new setup.
    expect((await call('/mfa_enable', json({}, bearer(member)))).status).toBe(200)
  })

  it.each([
    { fault: 'a 503', faults: { failNext: 1, methods: ['PATCH' as const] }, statuses: [503] },
    { fault: 'server errors', faults: { serverErrorRate: 1, methods: ['PATCH' as const] }, statuses: [502, 503] },
  ])(
    'SaaSus fails ($fault): its error, MFA on and the codes kept; enabling again needs a new registration',
    async ({ faults, statuses }) => {
      const { tenant, admin, member } = await companyWithEnrolledMember()
      const traceId = await newTrace(faults)
      const res = await reset(admin, tenant, member, traceId)
      expect(statuses).toContain(res.status)
      expect(['upstream_error', 'upstream_unavailable']).toContain(((await res.json()) as { code: string }).code)
      // Asked once, never again: a write is not retried.
      expect((await saasusCalls(traceId)).byOperation[PATCH_PREFERENCE]).toBe(1)
      expect((await mfaState(member.id)).enabled).toBe(true)
      expect(await codesLeft(member)).toBe(10)
      expect(await occurrences(member, 'mfa_reset_by_admin')).toBe(0)
      expect(await tenantEvents(admin, tenant)).toEqual([])
      // The registration went before SaaSus was asked, as after a failed disable: the lost
      // authenticator cannot be enabled again; the member sets up a new one.
      const enable = await call('/mfa_enable', json({}, bearer(member)))
      expect([enable.status, ((await enable.json()) as { code: string }).code]).toEqual([409, 'mfa_not_registered'])
      // A retried reset completes.
      expect((await reset(admin, tenant, member)).status).toBe(200)
      expect((await mfaState(member.id)).enabled).toBe(false)
      expect(await codesLeft(member)).toBe(0)
    },
  )

  it.each(AFTER_SAASUS)(
    'the member object failing (%s) after SaaSus turned MFA off: 503, MFA off, the codes still there, no event; a retried reset completes',
    async (fault) => {
      const { tenant, admin, member } = await companyWithEnrolledMember()
      await userAccount(member.id).armFault(fault)
      await expectStorageUnavailable(await reset(admin, tenant, member))
      expect((await mfaState(member.id)).enabled).toBe(false)
      expect(await codesLeft(member)).toBe(10)
      expect(await occurrences(member, 'mfa_reset_by_admin')).toBe(0)
      // The tenant's object is not told of a reset its member's object did not record.
      expect(await tenantEvents(admin, tenant)).toEqual([])

      expect((await reset(admin, tenant, member)).status).toBe(200)
      expect(await codesLeft(member)).toBe(0)
      expect(await occurrences(member, 'mfa_reset_by_admin')).toBe(1)
      expect(await tenantEvents(admin, tenant)).toEqual([
        expect.objectContaining({ type: 'member_mfa_reset', actor_id: admin.id, target_user_id: member.id }),
      ])
    },
  )

  it.each(AFTER_SAASUS)(
    'the tenant object failing (%s) at the last step: 503, the member fully reset, no tenant event; a retried reset records it',
    async (fault) => {
      const { tenant, admin, member } = await companyWithEnrolledMember()
      await tenantPolicyObject(tenant.id).armFault(fault)
      await expectStorageUnavailable(await reset(admin, tenant, member))
      expect((await mfaState(member.id)).enabled).toBe(false)
      expect(await codesLeft(member)).toBe(0)
      expect(await occurrences(member, 'mfa_reset_by_admin')).toBe(1)
      expect(await tenantEvents(admin, tenant)).toEqual([])

      // The retry resets the member again (harmless: nothing is left to delete) and records it in both.
      expect((await reset(admin, tenant, member)).status).toBe(200)
      expect(await tenantEvents(admin, tenant)).toEqual([
        expect.objectContaining({ type: 'member_mfa_reset', actor_id: admin.id, target_user_id: member.id }),
      ])
      expect(await occurrences(member, 'mfa_reset_by_admin')).toBe(2)
    },
  )
})

describe("PUT …/mfa_policy: tenant object reads the policy → (turning a requirement off, with step-up) the admin's object checks the code → tenant object writes the policy + event", () => {
  it('the tenant object down: 503, the policy unchanged, no event; a retry succeeds', async () => {
    const { tenant, admin } = await company()
    await tenantPolicyObject(tenant.id).armFault('enter')
    await expectStorageUnavailable(await routes.setPolicy(admin, tenant.id, { required: true, grace_days: 7 }))
    expect(await policyOf(admin, tenant)).toMatchObject({ required: false, grace_days: 14, required_since: null })
    expect(await tenantEvents(admin, tenant)).toEqual([])

    expect((await routes.setPolicy(admin, tenant.id, { required: true, grace_days: 7 })).status).toBe(200)
    expect(await policyOf(admin, tenant)).toMatchObject({ required: true, grace_days: 7 })
  })

  it('the write failing at commit: 503, the policy and its history as they were (rolled back); a retry succeeds', async () => {
    const { tenant, admin } = await company()
    const set = await routes.setPolicy(admin, tenant.id, { required: true, grace_days: 14 })
    expect(set.status).toBe(200)
    const before = await policyOf(admin, tenant)
    const eventsBefore = await tenantEvents(admin, tenant)
    expect(eventsBefore).toHaveLength(1)

    await tenantPolicyObject(tenant.id).armFault('commit')
    await expectStorageUnavailable(await routes.setPolicy(admin, tenant.id, { required: true, grace_days: 30 }))
    expect(await policyOf(admin, tenant)).toEqual(before)
    expect(await tenantEvents(admin, tenant)).toEqual(eventsBefore)

    expect((await routes.setPolicy(admin, tenant.id, { required: true, grace_days: 30 })).status).toBe(200)
    const after = await policyOf(admin, tenant)
    // Changed while on: the grace period keeps its start.
    expect(after).toEqual({ ...before, grace_days: 30 })
    expect((await tenantEvents(admin, tenant)).map((event) => event.grace_days)).toEqual([30, 14])
  })

  it("the admin's object down at the step-up check: 503, the requirement still on, no event", async () => {
    const tenant = await freshTenant()
    const admin = await userIn([tenant, ['admin']])
    const secret = await setup(admin)
    expect((await verify(admin, currentCode(secret))).status).toBe(200)
    expect((await call('/mfa_enable', json({}, bearer(admin)))).status).toBe(200)
    const stepUp = tenantRoutes(withStepUp())
    expect((await stepUp.setPolicy(admin, tenant.id, { required: true })).status).toBe(200)
    await userAccount(admin.id).armFault('enter')
    const off = { required: false, verification_code: codeAt(secret, 1) }
    await expectStorageUnavailable(await stepUp.setPolicy(admin, tenant.id, off))
    expect(await policyOf(admin, tenant)).toMatchObject({ required: true })
    expect(await tenantEvents(admin, tenant)).toHaveLength(1)
    // The code was never checked, so never spent: it turns the requirement off now.
    expect((await stepUp.setPolicy(admin, tenant.id, off)).status).toBe(200)
  })

  it('a failed commit of a requirement turned on starts no grace period', async () => {
    const { tenant, admin, members } = await company()
    await tenantPolicyObject(tenant.id).armFault('commit')
    await expectStorageUnavailable(await routes.setPolicy(admin, tenant.id, { required: true }))
    const status = await call('/mfa_status', { headers: bearer(members[0]) })
    expect(await status.json()).toMatchObject({ required: false, enroll_by: null })
  })
})

describe('GET /mfa_status: the preference from SaaSus and, per tenant of the caller, its policy (cached 30 s per isolate, else its object)', () => {
  it('a tenant object unreachable while its policy is not cached: 503 storage_unavailable; the next read answers', async () => {
    // A tenant of its own: no isolate has its policy cached.
    const tenant = await freshTenant()
    const member = await userIn([tenant, ['user']])
    await tenantPolicyObject(tenant.id).armFault('enter')
    await expectStorageUnavailable(await call('/mfa_status', { headers: bearer(member) }))
    const res = await call('/mfa_status', { headers: bearer(member) })
    expect([res.status, await res.json()]).toEqual([200, { enabled: false, required: false, enroll_by: null }])
  })

  it('one of several tenants unreachable: the whole read is 503, never an answer that leaves a requirement out', async () => {
    const [requiring, other] = [await freshTenant(), await freshTenant()]
    const admin = await userIn([requiring, ['admin']])
    expect((await routes.setPolicy(admin, requiring.id, { required: true })).status).toBe(200)
    const member = await userIn([requiring, ['user']], [other, ['user']])
    await tenantPolicyObject(other.id).armFault('enter')
    await expectStorageUnavailable(await call('/mfa_status', { headers: bearer(member) }))
  })

  it('a tenant object unreachable while its policy is cached: answered from the cache', async () => {
    // One isolate's cache: the same API in this isolate warms it and reads it.
    const api = apiWith({})
    const tenant = await freshTenant()
    const admin = await userIn([tenant, ['admin']])
    const member = await userIn([tenant, ['user']])
    expect((await tenantRoutes(api).setPolicy(admin, tenant.id, { required: true })).status).toBe(200)
    await tenantPolicyObject(tenant.id).armFault('enter')
    const res = await api('/mfa_status', { headers: bearer(member) })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ required: true, enroll_by: expect.any(String) })
    // The fault is still armed: it strikes the next operation that enters the object.
    expect(await tenantPolicyObject(tenant.id).policy()).toEqual({ refused: 'unavailable', point: 'enter' })
  })
})

describe('the tenant object itself', () => {
  it('answers a fault as unavailable, not thrown across RPC, and rolls a failed transaction back whole', async () => {
    const tenant = await freshTenant()
    const actor = { tenantId: tenant.id, userId: crypto.randomUUID(), now: Date.now(), requestId: 'failure-order-test' }
    const object = tenantPolicyObject(tenant.id)
    await object.armFault('enter')
    expect(await object.events(Date.now())).toEqual({ refused: 'unavailable', point: 'enter' })
    await object.armFault('commit')
    expect(await object.setPolicy(actor, { required: true, graceDays: 3 })).toEqual({
      refused: 'unavailable',
      point: 'commit',
    })
    await object.armFault('commit')
    expect(await object.recordMemberReset(actor, crypto.randomUUID())).toEqual({
      refused: 'unavailable',
      point: 'commit',
    })
    await object.armFault('record')
    expect(await object.recordMemberReset(actor, crypto.randomUUID())).toEqual({
      refused: 'unavailable',
      point: 'record',
    })
    expect(await object.policy()).toMatchObject({ ok: true, policy: { required: false, graceDays: 14 } })
    expect(await object.events(Date.now())).toEqual({ ok: true, events: [] })
  })
})
