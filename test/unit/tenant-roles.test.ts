/**
 * Who is who in a tenant, from SaaSus's user info (src/core/tenant/roles.ts). The user info is
 * passed through as SaaSus sent it, each tenant checked only as an object, so a tenant entry
 * lacking what is needed (no envs, roles not a list, a role name that is not a string) must make
 * nobody an admin, and never throw.
 */
import { describe, expect, it } from 'vitest'
import type { UserAvailableTenant, UserInfo } from '../../src/core/saasus/types'
import { administers, tenantIdsOf, tenantOf } from '../../src/core/tenant/roles'

const TENANT = '7f3c9a52-2b1e-4c6d-9e8f-0a1b2c3d4e5f'
const OTHER = '3b9d6c1e-8a4f-4f2b-9c7d-5e6f7a8b9c0d'
const ADMIN_ROLES = { roles: ['admin'], envId: undefined }

const role = (role_name: unknown) => ({ role_name, display_name: String(role_name) })
const env = (id: unknown, roles: unknown) => ({ id, name: `env ${id}`, display_name: `Env ${id}`, roles })

/** A tenant entry of the user info, with whatever envs it is given (as SaaSus might send them). */
const tenant = (envs: unknown, id: unknown = TENANT): UserAvailableTenant =>
  ({
    id,
    name: 'Tenant',
    completed_sign_up: true,
    envs,
    user_attribute: {},
    back_office_staff_email: 'backoffice@example.com',
  }) as UserAvailableTenant

const user = (tenants: unknown[]): UserInfo => ({
  id: 'u-1',
  email: 'u@example.com',
  sign_in_id: '',
  user_attribute: {},
  tenants: tenants as UserAvailableTenant[],
})

describe('administers', () => {
  it('is true for a role named in MFA_POLICY_ADMIN_ROLES, in any env when SAASUS_ENV_ID is unset', () => {
    expect(administers(tenant([env(1, [role('admin')])]), ADMIN_ROLES)).toBe(true)
    expect(administers(tenant([env(1, [role('user')]), env(3, [role('admin')])]), ADMIN_ROLES)).toBe(true)
    expect(administers(tenant([env(1, [role('user'), role('sadmin')])]), ADMIN_ROLES)).toBe(false)
    expect(administers(tenant([env(1, [role('owner')])]), { roles: ['owner', 'admin'], envId: undefined })).toBe(true)
  })

  it('matches role names exactly: no case folding, no substrings', () => {
    for (const name of ['Admin', 'ADMIN', 'admin ', 'administrator', 'sadmin', '']) {
      expect({ name, admin: administers(tenant([env(1, [role(name)])]), ADMIN_ROLES) }).toEqual({ name, admin: false })
    }
  })

  it('with SAASUS_ENV_ID, counts the roles of that env only', () => {
    const inEnv3 = { roles: ['admin'], envId: 3 }
    expect(administers(tenant([env(1, [role('admin')]), env(3, [role('user')])]), inEnv3)).toBe(false)
    expect(administers(tenant([env(1, [role('user')]), env(3, [role('admin')])]), inEnv3)).toBe(true)
    // An env id written as a string is not that env.
    expect(administers(tenant([env('3', [role('admin')])]), inEnv3)).toBe(false)
  })

  it('is false, without throwing, for a malformed entry', () => {
    const malformed: [string, unknown][] = [
      ['no envs', undefined],
      ['envs null', null],
      ['envs an object', { 1: [role('admin')] }],
      ['an env null', [null]],
      ['an env a string', ['admin']],
      ['roles missing', [{ id: 1 }]],
      ['roles not an array', [env(1, role('admin'))]],
      ['roles a string', [env(1, 'admin')]],
      ['a role a bare string', [env(1, ['admin'])]],
      ['a role null', [env(1, [null])]],
      ['role_name not a string', [env(1, [role(['admin'])])]],
      ['role_name a number', [env(1, [{ role_name: 1 }])]],
      ['role_name missing', [env(1, [{ display_name: 'admin' }])]],
    ]
    for (const [what, envs] of malformed) {
      expect({ what, admin: administers(tenant(envs), ADMIN_ROLES) }).toEqual({ what, admin: false })
    }
    // A malformed env beside a good one: the good one still counts.
    expect(administers(tenant([null, env(1, 'admin'), env(3, [role('admin')])]), ADMIN_ROLES)).toBe(true)
  })
})

describe('tenantIdsOf and tenantOf', () => {
  it('lists each tenant id once, skipping entries without a string id', () => {
    const info = user([
      tenant([], TENANT),
      tenant([], OTHER),
      tenant([], TENANT),
      tenant([], ''),
      tenant([], 42),
      tenant([], undefined),
      {},
    ])
    expect(tenantIdsOf(info)).toEqual([TENANT, OTHER])
    expect(tenantIdsOf(user([]))).toEqual([])
  })

  it("finds the user's entry by exact id only", () => {
    const entry = tenant([env(1, [role('admin')])])
    const info = user([{}, entry])
    expect(tenantOf(info, TENANT)).toBe(entry)
    expect(tenantOf(info, TENANT.toUpperCase())).toBeUndefined()
    expect(tenantOf(info, OTHER)).toBeUndefined()
    expect(tenantOf(info, '')).toBeUndefined()
  })
})
