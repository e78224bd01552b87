/**
 * A tenant's members for its admins (GET /tenants/{tenant_id}/mfa_members): a page at a time,
 * ordered by user id, with whether each has MFA on, at 1 + n SaaSus calls a page of n. And the
 * reset of a member who lost their authenticator (POST …/members/{user_id}/mfa_reset): MFA off at
 * SaaSus, their codes and kept secrets gone, a new registration needed, recorded on both sides;
 * never the admin's own, never someone outside the tenant, with step-up when it is required.
 */
import { describe, expect, it } from 'vitest'
import { createRecoveryCodes, events, withStepUp } from '../support/account'
import { bearer, call, codeAt, mfaState, type TestUser } from '../support/harness'
import { type Company, company, enroll, tenantRoutes, userIn } from '../support/tenant'
import { newTrace, saasusCalls } from '../support/trace'

const routes = tenantRoutes()
const GET_TENANT_USERS = 'GET /v1/auth/tenants/{tenant_id}/users'
const GET_PREFERENCE = 'GET /v1/auth/users/{user_id}/mfa/preference'

interface Member {
  user_id: string
  email: string
  sign_in_id: string
  mfa_enabled: boolean
}

interface Page {
  members: Member[]
  next_cursor: string | null
}

/** A page of members, as `admin` asks for it, under a trace when given. */
async function page(admin: TestUser, tenantId: string, query = '', traceId?: string): Promise<Page> {
  const res = await call(`/tenants/${tenantId}/mfa_members${query}`, {
    headers: { ...bearer(admin), ...(traceId ? { 'X-SaaSus-Trace-Id': traceId } : {}) },
  })
  expect(res.status).toBe(200)
  return res.json()
}

const everyone = ({ admin, members }: Company) => [admin, ...members]
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)

const expectError = async (res: Response, status: number, code: string) => {
  expect([res.status, ((await res.json()) as { code: string }).code]).toEqual([status, code])
}

describe('GET /tenants/{tenant_id}/mfa_members', () => {
  it('lists every member ordered by user id, with e-mail or sign-in ID, and whether MFA is on', async () => {
    const tenant = await company()
    await enroll(tenant.members[0])
    const { members, next_cursor } = await page(tenant.admin, tenant.tenant.id)
    expect(next_cursor).toBeNull()
    expect(members).toEqual(
      everyone(tenant)
        .sort(byId)
        .map((user) => ({
          user_id: user.id,
          email: user.email,
          sign_in_id: user.sign_in_id,
          mfa_enabled: user.id === tenant.members[0].id,
        })),
    )
    // The second member signs in with a sign-in ID: no e-mail.
    expect(members.find((member) => member.user_id === tenant.members[1].id)).toMatchObject({
      email: '',
      sign_in_id: tenant.members[1].sign_in_id,
    })
  })

  it('walks every member a page at a time with next_cursor; the last page has null', async () => {
    const tenant = await company()
    const seen: string[] = []
    let query = '?limit=1'
    for (let pages = 1; ; pages++) {
      const { members, next_cursor } = await page(tenant.admin, tenant.tenant.id, query)
      expect(members).toHaveLength(1)
      seen.push(...members.map((member) => member.user_id))
      if (next_cursor === null) {
        expect(pages).toBe(3)
        break
      }
      expect(pages).toBeLessThan(3)
      query = `?limit=1&cursor=${encodeURIComponent(next_cursor)}`
    }
    expect(seen).toEqual(
      everyone(tenant)
        .sort(byId)
        .map((user) => user.id),
    )

    // A page as long as what is left is the last one.
    const { next_cursor } = await page(tenant.admin, tenant.tenant.id, '?limit=3')
    expect(next_cursor).toBeNull()
  })

  it('refuses a limit other than 1 to 50, and a cursor it did not hand out, naming the field', async () => {
    const { tenant, admin } = await company()
    for (const [query, field] of [
      ['?limit=0', 'limit'],
      ['?limit=51', 'limit'],
      ['?limit=abc', 'limit'],
      ['?limit=1.5', 'limit'],
      ['?cursor=garbage', 'cursor'],
      [`?cursor=${btoa('before:x')}`, 'cursor'],
    ]) {
      const traceId = await newTrace()
      const res = await call(`/tenants/${tenant.id}/mfa_members${query}`, {
        headers: { ...bearer(admin), 'X-SaaSus-Trace-Id': traceId },
      })
      expect({ query, status: res.status, answer: await res.json() }).toMatchObject({
        query,
        status: 400,
        answer: { code: 'invalid_request', field },
      })
      // Nothing of the tenant is asked for a page that cannot be answered.
      expect((await saasusCalls(traceId)).byOperation[GET_TENANT_USERS]).toBeUndefined()
    }
  })

  it('costs 1 + n SaaSus calls for a page of n: the tenant users, then each listed member', async () => {
    const tenant = await company()
    await userIn([tenant.tenant, ['user']])
    const first = await newTrace()
    const { next_cursor } = await page(tenant.admin, tenant.tenant.id, '?limit=2', first)
    const second = await newTrace()
    const rest = await page(tenant.admin, tenant.tenant.id, `?limit=2&cursor=${next_cursor}`, second)
    expect(rest.members).toHaveLength(2)
    for (const traceId of [first, second]) {
      const { byOperation } = await saasusCalls(traceId)
      expect([byOperation[GET_TENANT_USERS], byOperation[GET_PREFERENCE]]).toEqual([1, 2])
    }
  })
})

describe('POST /tenants/{tenant_id}/members/{user_id}/mfa_reset', () => {
  it("turns the member's MFA off, deletes their recovery codes, and records it on both sides", async () => {
    const { tenant, admin, members } = await company()
    const [member] = members
    await enroll(member)
    expect(await createRecoveryCodes(member)).toHaveLength(10)

    const res = await routes.reset(admin, tenant.id, member.id)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ message: "The member's MFA has been reset" })

    expect((await mfaState(member.id)).enabled).toBe(false)
    const codes = await call('/mfa_recovery_codes', { headers: bearer(member) })
    expect(await codes.json()).toEqual({ remaining: 0, created_at: null })
    expect((await events(member))[0]).toMatchObject({ type: 'mfa_reset_by_admin', actor_id: admin.id })
    const tenantEvents = await routes.events(admin, tenant.id)
    expect(((await tenantEvents.json()) as { events: unknown[] }).events).toEqual([
      { type: 'member_mfa_reset', at: expect.any(String), actor_id: admin.id, target_user_id: member.id },
    ])
    // The member's own list shows the reset, the admin's shows nothing of it.
    expect((await events(admin)).map((event) => event.type)).not.toContain('mfa_reset_by_admin')
  })

  it("asks SaaSus four things: who the admin is, the tenant users, the member's tenants, to turn the MFA off", async () => {
    const { tenant, admin, members } = await company()
    await enroll(members[0])
    const traceId = await newTrace()
    const res = await call(`/tenants/${tenant.id}/members/${members[0].id}/mfa_reset`, {
      method: 'POST',
      headers: { ...bearer(admin), 'X-SaaSus-Trace-Id': traceId },
    })
    expect(res.status).toBe(200)
    expect((await saasusCalls(traceId)).byOperation).toEqual({
      'GET /v1/auth/userinfo': 1,
      [GET_TENANT_USERS]: 1,
      'GET /v1/auth/tenants/all/users/{user_id}': 1,
      'PATCH /v1/auth/users/{user_id}/mfa/preference': 1,
    })
  })

  it('leaves the member to register a new authenticator: enabling again is 409 mfa_not_registered', async () => {
    const { tenant, admin, members } = await company()
    const [member] = members
    await enroll(member)
    expect((await routes.reset(admin, tenant.id, member.id)).status).toBe(200)
    await expectError(await call('/mfa_enable', { method: 'POST', headers: bearer(member) }), 409, 'mfa_not_registered')
    expect((await mfaState(member.id)).enabled).toBe(false)
    // Once registered anew, the member turns MFA on again.
    await enroll(member)
    expect((await mfaState(member.id)).enabled).toBe(true)
  })

  it("refuses an admin's own reset with 409 own_mfa_reset, and changes nothing", async () => {
    const { tenant, admin } = await company()
    await enroll(admin)
    const traceId = await newTrace()
    const res = await call(`/tenants/${tenant.id}/members/${admin.id}/mfa_reset`, {
      method: 'POST',
      headers: { ...bearer(admin), 'X-SaaSus-Trace-Id': traceId },
    })
    await expectError(res, 409, 'own_mfa_reset')
    expect((await mfaState(admin.id)).enabled).toBe(true)
    expect((await events(admin)).map((event) => event.type)).not.toContain('mfa_reset_by_admin')
    expect(((await (await routes.events(admin, tenant.id)).json()) as { events: unknown[] }).events).toEqual([])
    // Refused before the tenant's users are asked for.
    expect((await saasusCalls(traceId)).byOperation[GET_TENANT_USERS]).toBeUndefined()
  })

  it('refuses someone not in the tenant with 404 member_not_found', async () => {
    const { tenant, admin } = await company()
    const outsider = await userIn()
    for (const userId of [crypto.randomUUID(), outsider.id]) {
      await expectError(await routes.reset(admin, tenant.id, userId), 404, 'member_not_found')
    }
    expect(((await (await routes.events(admin, tenant.id)).json()) as { events: unknown[] }).events).toEqual([])
  })

  it("with step-up required and the admin's MFA on, needs the admin's current code", async () => {
    const api = withStepUp()
    const stepUpRoutes = tenantRoutes(api)
    const { tenant, admin, members } = await company()
    const [member] = members
    const secret = await enroll(admin, api)
    await enroll(member, api)

    await expectError(await stepUpRoutes.reset(admin, tenant.id, member.id), 403, 'step_up_required')
    expect((await mfaState(member.id)).enabled).toBe(true)
    const withCode = await stepUpRoutes.reset(admin, tenant.id, member.id, { verification_code: codeAt(secret, 1) })
    expect(withCode.status).toBe(200)
    expect((await mfaState(member.id)).enabled).toBe(false)
  })

  it("with step-up required and the admin's MFA off, needs no code", async () => {
    const stepUpRoutes = tenantRoutes(withStepUp())
    const { tenant, admin, members } = await company()
    await enroll(members[0])
    expect((await stepUpRoutes.reset(admin, tenant.id, members[0].id)).status).toBe(200)
    expect((await mfaState(members[0].id)).enabled).toBe(false)
  })
})
