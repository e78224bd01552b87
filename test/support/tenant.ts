/**
 * What the tenant-policy tests share: tenants of their own at the emulator (so test files running
 * side by side never share one), members with roles, the five /tenants routes, and the tenant's
 * policy object (for injected storage faults).
 */
import { env } from 'cloudflare:workers'
import { tenantObject } from '../../src/core/tenant/objects'
import type { Api } from './account'
import { bearer, call, currentCode, EMULATOR, freshUser, setup, type TestUser, verify } from './harness'

export interface TestTenant {
  id: string
  name: string
}

/** A new tenant at the emulator, with nobody in it. */
export async function freshTenant(name = `Tenant ${crypto.randomUUID().slice(0, 8)}`): Promise<TestTenant> {
  const res = await fetch(`${EMULATOR}/_emulator/tenants`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ name }),
  })
  if (res.status !== 201) throw new Error(`emulator refused to create a tenant: ${res.status}`)
  return res.json()
}

/** Roles per env id, as the emulator's development API takes them. */
export type EnvRoles = { id: number; roles: string[] }[]

/** Adds a user to a tenant, or replaces their roles there (`roles`: in env 1; `envs`: per env). */
export async function join(tenant: TestTenant, user: TestUser, roles: string[] | { envs: EnvRoles }): Promise<void> {
  const res = await fetch(`${EMULATOR}/_emulator/tenants/${tenant.id}/members/${user.id}`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(Array.isArray(roles) ? { roles } : roles),
  })
  if (res.status !== 200) throw new Error(`emulator refused the membership: ${res.status}`)
}

/** Takes a user out of a tenant at the emulator. */
export async function leave(tenant: TestTenant, user: TestUser): Promise<void> {
  const res = await fetch(`${EMULATOR}/_emulator/tenants/${tenant.id}/members/${user.id}`, { method: 'DELETE' })
  if (res.status !== 200) throw new Error(`emulator refused to remove the member: ${res.status}`)
}

/** A fresh user in exactly these tenants (none: in no tenant at all). */
export async function userIn(...memberships: [TestTenant, string[]][]): Promise<TestUser> {
  const user = await freshUser({ tenants: memberships.map(([tenant, roles]) => ({ id: tenant.id, roles })) })
  return user
}

/**
 * Turns a user's MFA on through the API (setup, verify, enable), so that the API keeps the secret
 * for step-up, as enrolledUser in ./account.ts does for a user of the seeded tenant; the secret.
 */
export async function enroll(user: TestUser, api: Api = call): Promise<string> {
  const secret = await setup(user)
  const verified = await verify(user, currentCode(secret))
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.status}`)
  const enabled = await api('/mfa_enable', { method: 'POST', headers: bearer(user) })
  if (enabled.status !== 200) throw new Error(`enable failed: ${enabled.status}`)
  return secret
}

export interface Company {
  tenant: TestTenant
  admin: TestUser
  /** Two members without the admin role; the second signs in with a sign-in ID. */
  members: [TestUser, TestUser]
}

/** A tenant with an admin and two members, all fresh. */
export async function company(): Promise<Company> {
  const tenant = await freshTenant()
  const admin = await userIn([tenant, ['admin']])
  const first = await userIn([tenant, ['user']])
  const second = await freshUser({
    sign_in_id: `member_${crypto.randomUUID().slice(0, 8)}`,
    tenants: [{ id: tenant.id, roles: ['user'] }],
  })
  return { tenant, admin, members: [first, second] }
}

const jsonInit = (method: string, user: TestUser, body: unknown): RequestInit => ({
  method,
  headers: { ...bearer(user), 'Content-Type': 'application/json' },
  body: JSON.stringify(body),
})

/** The five routes, as `user` calls them (through the front by default). */
export const tenantRoutes = (api: Api = call) => ({
  policy: (user: TestUser, tenantId: string) => api(`/tenants/${tenantId}/mfa_policy`, { headers: bearer(user) }),
  setPolicy: (user: TestUser, tenantId: string, body: unknown) =>
    api(`/tenants/${tenantId}/mfa_policy`, jsonInit('PUT', user, body)),
  members: (user: TestUser, tenantId: string, query = '') =>
    api(`/tenants/${tenantId}/mfa_members${query}`, { headers: bearer(user) }),
  events: (user: TestUser, tenantId: string) => api(`/tenants/${tenantId}/mfa_events`, { headers: bearer(user) }),
  reset: (user: TestUser, tenantId: string, memberId: string, body: unknown = {}) =>
    api(`/tenants/${tenantId}/members/${memberId}/mfa_reset`, jsonInit('POST', user, body)),
})

/** The tenant's policy object itself. */
export const tenantPolicyObject = (tenantId: string) => tenantObject(env, tenantId)

/** A tenant's policy as the API lists it. */
export interface ListedPolicy {
  tenant_id: string
  required: boolean
  grace_days: number
  required_since: string | null
}

/** The policy as a member reads it (any member may); fails the test unless it is a 200. */
export async function policyOf(reader: TestUser, tenant: TestTenant, api: Api = call): Promise<ListedPolicy> {
  const res = await tenantRoutes(api).policy(reader, tenant.id)
  if (res.status !== 200) throw new Error(`reading the policy: ${res.status} ${await res.text()}`)
  return res.json()
}
