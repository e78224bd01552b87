/**
 * REQUEST_LOG: every request gets its log line by default; `failures` keeps only
 * the requests answered with an error code (for deployments whose log volume
 * matters more than a line per success).
 */
import { afterEach, describe, expect, it, vi } from 'vitest'
import { apiWith, bearer, freshUser } from '../support/harness'
import { company, tenantRoutes } from '../support/tenant'

interface Logged {
  status: number
  code?: string
  route: string | null
  userId?: string
  storage: number
  upstream: { operation: string }[]
}

function loggedRequests(spy: { mock: { calls: unknown[][] } }): Logged[] {
  return spy.mock.calls
    .map(([line]) => (typeof line === 'string' && line.startsWith('{') ? JSON.parse(line) : null))
    .filter((line) => line?.event === 'request')
}

afterEach(() => {
  vi.restoreAllMocks()
})

describe('REQUEST_LOG', () => {
  it('logs every request by default', async () => {
    const user = await freshUser()
    const spy = vi.spyOn(console, 'log')
    const api = apiWith({})
    await api('/mfa_status', { headers: bearer(user) })
    await api('/mfa_status', { headers: { Authorization: 'Bearer nope' } })
    expect(loggedRequests(spy).map((line) => line.status)).toEqual([200, 401])
  })

  it('with "failures", logs only the requests answered with an error code', async () => {
    const user = await freshUser()
    const spy = vi.spyOn(console, 'log')
    const api = apiWith({ REQUEST_LOG: 'failures' })
    await api('/mfa_status', { headers: bearer(user) })
    await api('/mfa_status', { headers: { Authorization: 'Bearer nope' } })
    expect(loggedRequests(spy)).toEqual([expect.objectContaining({ status: 401, code: 'invalid_token' })])
  })

  it('names a tenant route by its pattern, never the ids in its path, with the caller and its calls', async () => {
    const { tenant, admin, members } = await company()
    const spy = vi.spyOn(console, 'log')
    const routes = tenantRoutes(apiWith({}))
    await routes.members(admin, tenant.id, '?limit=1')
    await routes.reset(admin, tenant.id, members[0].id)
    const [page, reset] = loggedRequests(spy)
    expect(page).toMatchObject({ status: 200, route: '/tenants/:tenant_id/mfa_members', userId: admin.id, storage: 0 })
    expect(page?.upstream.map((call) => call.operation)).toEqual([
      'GetUserInfo',
      'GetTenantUsers',
      'GetUserMfaPreference',
    ])
    expect(reset).toMatchObject({ status: 200, route: '/tenants/:tenant_id/members/:user_id/mfa_reset', storage: 3 })
    expect(reset?.upstream.map((call) => call.operation)).toEqual([
      'GetUserInfo',
      'GetTenantUsers',
      'GetAllTenantUser',
      'UpdateUserMfaPreference',
    ])
    const text = JSON.stringify(loggedRequests(spy))
    expect(text).not.toContain(tenant.id)
    expect(text).not.toContain(members[0].id)
  })

  it('with "failures", logs only the tenant routes\' refusals, each with its code', async () => {
    const { tenant, admin, members } = await company()
    const spy = vi.spyOn(console, 'log')
    const routes = tenantRoutes(apiWith({ REQUEST_LOG: 'failures' }))
    await routes.policy(members[0], tenant.id)
    await routes.events(members[0], tenant.id)
    await routes.reset(admin, tenant.id, admin.id)
    expect(loggedRequests(spy)).toEqual([
      expect.objectContaining({ status: 403, code: 'not_tenant_admin', route: '/tenants/:tenant_id/mfa_events' }),
      expect.objectContaining({ status: 409, code: 'own_mfa_reset' }),
    ])
  })
})
