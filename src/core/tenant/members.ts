/**
 * A page of a tenant's members with whether each has MFA on, for its admins. SaaSus answers a
 * tenant's users in one list (`GetTenantUsers`) and each user's MFA in one call of its own
 * (`GetUserMfaPreference`), so a page of n members costs 1 + n SaaSus calls, at most
 * PREFERENCE_CONCURRENCY at a time (the Workers runtime's limit of simultaneous open connections
 * per request is six). Members are ordered by user id; the cursor is the last id of the page, so a
 * member added or removed between pages neither repeats nor shifts the others.
 */
import { ApiError } from '../../shared/errors'
import type { Settings } from '../config'
import { cursorAfter, cursorPosition } from '../cursor'
import type { SaasusClient } from '../saasus/client'
import type { TenantUser, UserInfo } from '../saasus/types'
import { upstream } from '../upstream'
import { administers, administersTenant } from './roles'

export const MEMBERS_PAGE_DEFAULT = 20
export const MEMBERS_PAGE_MAX = 50
export const PREFERENCE_CONCURRENCY = 6

/** Nothing a tenant's admin can do makes these calls refuse: any refusal is SaaSus's trouble. */
const AS_OUTAGE = { unauthorized: 'upstream_error', rejected: 'upstream_error' } as const

export interface MemberMfa extends TenantUser {
  mfaEnabled: boolean
}

/** Runs `work` on each item, at most `limit` at once, keeping the order of the items. */
async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const index = next++
      results[index] = await work(items[index] as T)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

export async function membersPage(
  saasus: SaasusClient,
  tenantId: string,
  page: { cursor: string | undefined; limit: number },
): Promise<{ members: MemberMfa[]; nextCursor: string | null }> {
  const after = page.cursor === undefined ? undefined : cursorPosition(page.cursor)
  if (page.cursor !== undefined && after === undefined) {
    throw new ApiError('invalid_request', { field: { name: 'cursor', problem: 'is not a cursor this API handed out' } })
  }
  const { users } = await upstream(saasus.getTenantUsers(tenantId), AS_OUTAGE)
  const byId = new Map(users.map((user) => [user.id, user]))
  const ordered = [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  const rest = after === undefined ? ordered : ordered.filter((user) => user.id > after)
  const listed = rest.slice(0, page.limit)
  const members = await mapLimited(listed, PREFERENCE_CONCURRENCY, async (user) => {
    const preference = await upstream(saasus.getMfaPreference(user.id), AS_OUTAGE)
    return { id: user.id, email: user.email, sign_in_id: user.sign_in_id, mfaEnabled: preference.enabled }
  })
  const last = listed.at(-1)
  return { members, nextCursor: rest.length > listed.length && last ? cursorAfter(last.id) : null }
}

/**
 * The member an admin (the caller) may reset: a member of the tenant SaaSus lists (`GetTenantUsers`),
 * not the caller, and administering no tenant the caller does not administer too (`GetAllTenantUser`).
 * MFA is the user's, in every tenant: an admin of A resetting a member of A who is B's admin would
 * weaken B's admin account, so only someone who administers every tenant they do may.
 */
export async function resettableMember(
  saasus: SaasusClient,
  tenantId: string,
  userId: string,
  caller: UserInfo,
  admins: Settings['tenantAdmins'],
): Promise<TenantUser> {
  if (userId === caller.id) throw new ApiError('own_mfa_reset')
  const { users } = await upstream(saasus.getTenantUsers(tenantId), AS_OUTAGE)
  const member = users.find((user) => user.id === userId)
  if (!member) throw new ApiError('member_not_found')
  // Listed in this tenant, so SaaSus knows them in one at least: any failure here is SaaSus's.
  const { users: memberships } = await upstream(saasus.getUserTenants(member.id), AS_OUTAGE)
  const beyond = memberships.some(
    (membership) =>
      membership.tenant_id !== tenantId &&
      administers(membership, admins) &&
      !administersTenant(caller, membership.tenant_id, admins),
  )
  if (beyond) throw new ApiError('admin_of_other_tenant')
  return member
}
