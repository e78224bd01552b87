/**
 * The emulator's tenants, their users and roles, as spec/saasus-authapi.yml types them: the
 * tenants of /userinfo (`UserAvailableTenant`, envs with roles), GetTenantUsers (`Users`) and
 * GetTenantUser (`User`), asked with a SAASUSSIGV1 signature as the API signs (src/core/saasus/request.ts);
 * and the development API that makes tenants and changes memberships. Tests that change
 * memberships make their own tenant and users: the seeded ones are only read.
 */
import { describe, expect, it } from 'vitest'
import type { User, UserAvailableEnv, UserAvailableTenant, UserInfo } from '../../emulator/src/saasus-types'
import { SEEDED_TENANTS, SEEDED_USERS, type TenantMembershipInput } from '../../emulator/src/store'
import { parseConfig } from '../../src/core/config'
import { signedRequest } from '../../src/core/saasus/request'
import { EMULATOR_CREDENTIALS } from '../support/bindings'
import { EMULATOR, freshUser, seededUsers, type TestUser } from '../support/harness'
import { saasusCalls } from '../support/trace'

const settings = parseConfig({ ...EMULATOR_CREDENTIALS }).saasus
const [tenantA, tenantB] = SEEDED_TENANTS
const daveId = SEEDED_USERS[3]?.id ?? ''

interface Answer<T = unknown> {
  status: number
  body: T
}

/** A signed GET of the Auth API, as the API's client sends it. */
async function authApi<T>(path: string, query?: Record<string, string>, headers: Record<string, string> = {}) {
  const { url, init } = await signedRequest(settings.authApiUrl, settings, { method: 'GET', path, query }, headers)
  const res = await fetch(url, init)
  return { status: res.status, body: (await res.json()) as T } satisfies Answer<T>
}

const userInfo = (user: TestUser) => authApi<UserInfo>('/userinfo', { token: user.id_token })
const tenantUsers = (tenantId: string) => authApi<{ users: User[] }>(`/tenants/${tenantId}/users`)
const tenantUser = (tenantId: string, userId: string) => authApi<User>(`/tenants/${tenantId}/users/${userId}`)

/** The development API, JSON in and out. */
async function dev<T = unknown>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const res = await fetch(`${EMULATOR}/_emulator${path}`, {
    method,
    ...(body === undefined ? {} : { headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) }),
  })
  return { status: res.status, body: (await res.json()) as T }
}

interface DevTenant {
  id: string
  name: string
  members: { user_id: string; envs: { id: number; roles: string[] }[] }[]
}

/** A fresh user in exactly these tenants (POST /_emulator/users `tenants`), with an e-mail unless given a sign-in ID. */
async function userIn(tenants: TenantMembershipInput[], identity: { sign_in_id?: string } = {}): Promise<TestUser> {
  const name = identity.sign_in_id ? identity : { email: `${crypto.randomUUID()}@example.com` }
  const res = await dev<TestUser>('POST', '/users', { ...name, tenants })
  expect(res.status).toBe(201)
  return res.body
}

async function newTenant(name?: string): Promise<{ id: string; name: string }> {
  const res = await dev<{ id: string; name: string }>('POST', '/tenants', name === undefined ? {} : { name })
  expect(res.status).toBe(201)
  return res.body
}

const env = (id: 1 | 3, ...roles: string[]): UserAvailableEnv => ({
  id,
  name: id === 1 ? 'dev' : 'prod',
  display_name: id === 1 ? 'Development' : 'Production',
  roles: roles.map((role) => ({
    role_name: role,
    display_name: ({ admin: 'Administrator', user: 'User' } as Record<string, string>)[role] ?? role,
  })),
})

/** A tenant of /userinfo as the definition requires it: every required field of UserAvailableTenant. */
const available = (tenant: { id: string; name: string }, ...envs: UserAvailableEnv[]): UserAvailableTenant => ({
  id: tenant.id,
  name: tenant.name,
  completed_sign_up: true,
  envs,
  user_attribute: {},
  back_office_staff_email: 'backoffice@example.com',
})

/** A member as GetTenantUsers answers it: every required field of User. */
const member = (tenant: { id: string; name: string }, user: TestUser, ...envs: UserAvailableEnv[]): User => ({
  id: user.id,
  tenant_id: tenant.id,
  tenant_name: tenant.name,
  email: user.email,
  sign_in_id: user.sign_in_id,
  attributes: {},
  envs,
})

const seeded = async (name: string) => {
  const user = (await seededUsers()).find((u) => u.email === name || u.sign_in_id === name)
  if (!user) throw new Error(`the emulator lacks the seeded user ${name}`)
  return user
}

describe('the seeded tenants', () => {
  it('are the two written in store.ts, with their seeded members first, in creation order', async () => {
    const { status, body } = await dev<DevTenant[]>('GET', '/tenants')
    expect(status).toBe(200)
    const [a, b] = [tenantA.id, tenantB.id].map((id) => body.find((tenant) => tenant.id === id))
    expect(a?.name).toBe('Emulated Tenant Inc.')
    expect(b?.name).toBe('Second Tenant LLC')
    const [alice, bob, carol, dave] = SEEDED_USERS.map((user) => user.id)
    expect(a?.members.slice(0, 3)).toEqual([
      { user_id: alice, envs: [{ id: 1, roles: ['admin'] }] },
      { user_id: bob, envs: [{ id: 1, roles: ['user'] }] },
      { user_id: carol, envs: [{ id: 1, roles: ['user'] }] },
    ])
    expect(b?.members.slice(0, 2)).toEqual([
      { user_id: bob, envs: [{ id: 1, roles: ['user'] }] },
      { user_id: dave, envs: [{ id: 1, roles: ['admin'] }] },
    ])
  })

  it("show in /userinfo as the definition's UserAvailableTenant, bob in both", async () => {
    const bob = await seeded('bob+mfa@example.com')
    const expected: UserInfo = {
      id: bob.id,
      email: 'bob+mfa@example.com',
      sign_in_id: '',
      user_attribute: {},
      tenants: [available(tenantA, env(1, 'user')), available(tenantB, env(1, 'user'))],
    }
    expect(await userInfo(bob)).toEqual({ status: 200, body: expected })
    const dave = await seeded('dave@example.com')
    expect(dave.id).toBe(daveId)
    expect((await userInfo(dave)).body.tenants).toEqual([available(tenantB, env(1, 'admin'))])
    const carol = await seeded('carol_signin')
    expect((await userInfo(carol)).body).toMatchObject({ email: '', sign_in_id: 'carol_signin' })
  })

  it("answer GetTenantUsers with {users: [User]}, the seeded members first in the users' creation order", async () => {
    const [bob, dave] = [await seeded('bob+mfa@example.com'), await seeded('dave@example.com')]
    const { status, body } = await tenantUsers(tenantB.id)
    expect(status).toBe(200)
    expect(Object.keys(body)).toEqual(['users'])
    expect(body.users.slice(0, 2)).toEqual([
      member(tenantB, bob, env(1, 'user')),
      member(tenantB, dave, env(1, 'admin')),
    ])
    const carol = await seeded('carol_signin')
    expect((await tenantUser(tenantA.id, carol.id)).body).toEqual(member(tenantA, carol, env(1, 'user')))
  })
})

describe('GetTenantUsers and GetTenantUser', () => {
  it('list every member with each env and its roles, in the order the users were created, not joined', async () => {
    const tenant = await newTenant('Order Test Co.')
    const early = await userIn([])
    const admin = await userIn([{ id: tenant.id, roles: ['admin'] }])
    const envs = [
      { id: 3, roles: ['admin', 'user'] },
      { id: 1, roles: ['user'] },
    ]
    const both = await userIn([{ id: tenant.id, envs }], { sign_in_id: `signin_${crypto.randomUUID().slice(0, 8)}` })
    // The earliest user joins last, and the admin's roles change: neither moves anyone.
    expect((await dev('PUT', `/tenants/${tenant.id}/members/${early.email}`, { roles: ['user'] })).status).toBe(200)
    expect((await dev('PUT', `/tenants/${tenant.id}/members/${admin.id}`, { roles: ['admin', 'user'] })).status).toBe(
      200,
    )
    expect(await tenantUsers(tenant.id)).toEqual({
      status: 200,
      body: {
        users: [
          member(tenant, early, env(1, 'user')),
          member(tenant, admin, env(1, 'admin', 'user')),
          member(tenant, both, env(1, 'user'), env(3, 'admin', 'user')),
        ],
      },
    })
    expect(await tenantUser(tenant.id, both.id)).toEqual({
      status: 200,
      body: member(tenant, both, env(1, 'user'), env(3, 'admin', 'user')),
    })
  })

  it('answer a tenant with no members with an empty list', async () => {
    const tenant = await newTenant()
    expect(tenant.name).toBeTruthy()
    expect(await tenantUsers(tenant.id)).toEqual({ status: 200, body: { users: [] } })
  })

  it('answer an unknown tenant 500 tenant_not_found, the only failure the definition documents', async () => {
    const unknown = crypto.randomUUID()
    const alice = await seeded('alice@example.com')
    for (const answer of [await tenantUsers(unknown), await tenantUser(unknown, alice.id)]) {
      expect(answer).toEqual({ status: 500, body: { type: 'tenant_not_found', message: expect.any(String) } })
    }
  })

  it('answer GetTenantUser 404 Error for a user who is no member, or no user at all', async () => {
    const alice = await seeded('alice@example.com')
    for (const userId of [alice.id, crypto.randomUUID()]) {
      expect(await tenantUser(tenantB.id, userId)).toEqual({
        status: 404,
        body: { type: expect.any(String), message: expect.any(String) },
      })
    }
  })

  it('are refused 401 unsigned, or signed for another tenant', async () => {
    const unsigned = await fetch(`${settings.authApiUrl}/tenants/${tenantA.id}/users`)
    expect(unsigned.status).toBe(401)
    expect(await unsigned.json()).toEqual({ type: 'invalid_signature', message: expect.any(String) })
    const { init } = await signedRequest(settings.authApiUrl, settings, {
      method: 'GET',
      path: `/tenants/${tenantA.id}/users`,
    })
    expect((await fetch(`${settings.authApiUrl}/tenants/${tenantB.id}/users`, init)).status).toBe(401)
  })

  it('are counted by operation, the ids templated', async () => {
    const traceId = `test-${crypto.randomUUID()}`
    const dave = await seeded('dave@example.com')
    await authApi(`/tenants/${tenantB.id}/users`, undefined, { 'X-SaaSus-Trace-Id': traceId })
    await authApi(`/tenants/${tenantB.id}/users/${dave.id}`, undefined, { 'X-SaaSus-Trace-Id': traceId })
    await authApi(`/tenants/${tenantA.id}/users/${dave.id}`, undefined, { 'X-SaaSus-Trace-Id': traceId })
    expect((await saasusCalls(traceId)).byOperation).toEqual({
      'GET /v1/auth/tenants/{tenant_id}/users': 1,
      'GET /v1/auth/tenants/{tenant_id}/users/{user_id}': 2,
    })
  })
})

describe('memberships, as the development API changes them', () => {
  it('show on the next /userinfo and GetTenantUsers: joined, roles changed, removed', async () => {
    const tenant = await newTenant('Lifecycle Ltd.')
    const user = await userIn([])
    expect((await userInfo(user)).body.tenants).toEqual([])

    const joined = await dev('PUT', `/tenants/${tenant.id}/members/${user.email}`, { roles: ['admin'] })
    expect(joined).toEqual({
      status: 200,
      body: { tenant_id: tenant.id, user_id: user.id, envs: [{ id: 1, roles: ['admin'] }] },
    })
    // The same ID token: SaaSus builds /userinfo's tenants when asked, not at sign-in.
    expect((await userInfo(user)).body.tenants).toEqual([available(tenant, env(1, 'admin'))])
    expect((await tenantUsers(tenant.id)).body.users).toEqual([member(tenant, user, env(1, 'admin'))])

    const changed = await dev('PUT', `/tenants/${tenant.id}/members/${user.id}`, {
      envs: [
        { id: 1, roles: ['user'] },
        { id: 3, roles: ['user'] },
      ],
    })
    expect(changed.status).toBe(200)
    expect((await userInfo(user)).body.tenants).toEqual([available(tenant, env(1, 'user'), env(3, 'user'))])
    expect((await tenantUser(tenant.id, user.id)).body).toEqual(member(tenant, user, env(1, 'user'), env(3, 'user')))
    expect((await dev('GET', `/users/${user.id}`)).body).toMatchObject({
      tenants: [
        {
          id: tenant.id,
          name: 'Lifecycle Ltd.',
          envs: [
            { id: 1, roles: ['user'] },
            { id: 3, roles: ['user'] },
          ],
        },
      ],
    })
    expect((await dev<DevTenant>('GET', `/tenants/${tenant.id}`)).body.members).toEqual([
      {
        user_id: user.id,
        envs: [
          { id: 1, roles: ['user'] },
          { id: 3, roles: ['user'] },
        ],
      },
    ])

    expect((await dev('DELETE', `/tenants/${tenant.id}/members/${user.email}`)).status).toBe(200)
    expect((await userInfo(user)).body.tenants).toEqual([])
    expect((await tenantUsers(tenant.id)).body).toEqual({ users: [] })
    expect((await tenantUser(tenant.id, user.id)).status).toBe(404)
    expect((await dev('DELETE', `/tenants/${tenant.id}/members/${user.email}`)).status).toBe(404)
  })

  it('put a user in two tenants in the order the tenants were made', async () => {
    const [first, second] = [await newTenant(), await newTenant()]
    const user = await userIn([
      { id: second.id, roles: ['user'] },
      { id: first.id, roles: ['admin'] },
    ])
    expect((await userInfo(user)).body.tenants).toEqual([
      available(first, env(1, 'admin')),
      available(second, env(1, 'user')),
    ])
  })

  it('keep a new user without tenants in the first seeded tenant, roles in env 1 (admin unless told)', async () => {
    const admin = await freshUser()
    const plain = await freshUser({ roles: ['user'] })
    expect((await userInfo(admin)).body.tenants).toEqual([available(tenantA, env(1, 'admin'))])
    expect((await userInfo(plain)).body.tenants).toEqual([available(tenantA, env(1, 'user'))])
  })

  it('are refused 400 for an unknown tenant or env, or roles given twice over, and create no one', async () => {
    const tenant = await newTenant()
    const email = `${crypto.randomUUID()}@example.com`
    for (const body of [
      { email, tenants: [{ id: crypto.randomUUID(), roles: ['user'] }] },
      { email, tenants: [{ id: tenant.id, envs: [{ id: 2, roles: ['user'] }] }] },
      { email, tenants: [{ id: tenant.id, roles: ['user'], envs: [{ id: 1, roles: ['user'] }] }] },
      { email, roles: ['admin'], tenants: [{ id: tenant.id }] },
      { email, tenants: [{ id: tenant.id }, { id: tenant.id }] },
    ]) {
      expect((await dev('POST', '/users', body)).status, JSON.stringify(body)).toBe(400)
    }
    expect((await dev('GET', `/users/${email}`)).status).toBe(404)

    const user = await freshUser()
    for (const [path, body, status] of [
      [`/tenants/${crypto.randomUUID()}/members/${user.id}`, { roles: ['user'] }, 404],
      [`/tenants/${tenant.id}/members/nobody@example.com`, { roles: ['user'] }, 404],
      [`/tenants/${tenant.id}/members/${user.id}`, { envs: [{ id: 2, roles: ['user'] }] }, 400],
      [`/tenants/${tenant.id}/members/${user.id}`, { roles: 'admin' }, 400],
    ] as const) {
      expect((await dev('PUT', path, body)).status, path).toBe(status)
    }
    expect((await tenantUsers(tenant.id)).body.users).toEqual([])
  })
})
