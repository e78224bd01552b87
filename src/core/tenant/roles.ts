/**
 * Who is who in a tenant, from SaaSus's user info for the caller (`GET /userinfo`, `tenants[]`):
 * a member is in the list; an admin has, for that tenant, a role named in MFA_POLICY_ADMIN_ROLES,
 * in the env SAASUS_ENV_ID or (unset) in any. The user info is passed through from SaaSus as it
 * came (src/core/saasus/types.ts checks only that each tenant is an object), so each field is read
 * here with its type checked: a tenant without what is needed is not one the caller administers.
 */
import type { Settings } from '../config'
import type { UserAvailableTenant, UserInfo } from '../saasus/types'

/** The tenants SaaSus lists for the user, by id. */
export function tenantIdsOf(user: UserInfo): string[] {
  const ids = user.tenants.map((tenant) => (tenant as Partial<UserAvailableTenant>).id)
  return [...new Set(ids.filter((id): id is string => typeof id === 'string' && id !== ''))]
}

/** Whether the user administers the tenant (SaaSus lists them in it with an admin role). */
export function administersTenant(user: UserInfo, tenantId: string, admins: Settings['tenantAdmins']): boolean {
  const tenant = tenantOf(user, tenantId)
  return tenant !== undefined && administers(tenant, admins)
}

/** The user's entry for a tenant, if SaaSus lists them in it. */
export function tenantOf(user: UserInfo, tenantId: string): UserAvailableTenant | undefined {
  return user.tenants.find((tenant) => (tenant as Partial<UserAvailableTenant>).id === tenantId)
}

/**
 * Whether a user's entry for a tenant gives them one of the admin roles: their user info's entry
 * (`UserAvailableTenant`), or a tenant's `User` (`GetAllTenantUser`); both carry `envs[].roles[]`.
 */
export function administers(tenant: { envs?: unknown }, admins: Settings['tenantAdmins']): boolean {
  const envs: unknown = tenant.envs
  if (!Array.isArray(envs)) return false
  return envs.some((env: unknown) => {
    if (typeof env !== 'object' || env === null) return false
    const { id, roles } = env as { id?: unknown; roles?: unknown }
    if (admins.envId !== undefined && id !== admins.envId) return false
    return (
      Array.isArray(roles) &&
      roles.some((role: unknown) => {
        const name = typeof role === 'object' && role !== null ? (role as { role_name?: unknown }).role_name : undefined
        return typeof name === 'string' && admins.roles.includes(name)
      })
    )
  })
}
