/**
 * The tenant guards of the route table (src/shared/routes.ts): whether the caller is in the path's
 * tenant and administers it, and whether the path's member is another member of it. Both read
 * SaaSus's answers (the caller's user info, the tenant's users); src/core/tenant/roles.ts decides.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../../shared/errors'
import type { AppEnv } from '../app-env'
import { documented } from '../openapi/describe'
import { resettableMember } from '../tenant/members'
import { administers, tenantOf } from '../tenant/roles'
import { UPSTREAM_ERRORS } from '../upstream'

/** A tenant the caller is not in is not found, whether or not it exists: tenant ids cannot be probed. */
export const requireTenant = (role: 'member' | 'admin'): MiddlewareHandler<AppEnv> =>
  documented(
    async function requireTenantHandler(c, next) {
      const tenantId = c.req.param('tenant_id') ?? ''
      const tenant = tenantOf(c.get('user'), tenantId)
      if (!tenant) throw new ApiError('tenant_not_found')
      const admin = administers(tenant, c.get('settings').tenantAdmins)
      if (role === 'admin' && !admin) throw new ApiError('not_tenant_admin')
      c.set('tenant', { id: tenantId, admin })
      await next()
    },
    { errors: role === 'admin' ? ['tenant_not_found', 'not_tenant_admin'] : ['tenant_not_found'] },
  )

/**
 * The path's `user_id`: a member of the path's tenant the caller may reset (src/core/tenant/members.ts):
 * not the caller (an admin resets their own MFA with /mfa_disable), and no admin of a tenant the caller is not.
 */
export const requireOtherMember = (): MiddlewareHandler<AppEnv> =>
  documented(
    async function requireOtherMemberHandler(c, next) {
      const member = await resettableMember(
        c.get('saasus'),
        c.get('tenant').id,
        c.req.param('user_id') ?? '',
        c.get('user'),
        c.get('settings').tenantAdmins,
      )
      c.set('member', member)
      await next()
    },
    { errors: ['own_mfa_reset', 'member_not_found', 'admin_of_other_tenant', ...UPSTREAM_ERRORS] },
  )
