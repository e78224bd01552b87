/**
 * The routes' side of the tenant policy objects (./protocol.ts): one function per operation, each
 * one counted round trip (src/core/storage/call.ts), a storage failure `503 storage_unavailable`.
 * Policies read for `GET /mfa_status` go through the isolate's cache (./policy-cache.ts); a write
 * refreshes this isolate's entry.
 */
import { clientOf } from '../account/gateway'
import type { AppEnv } from '../app-env'
import { type StorageContext, storageCall } from '../storage/call'
import { tenantObject } from './objects'
import { policyCache } from './policy-cache'
import type { Actor, MfaPolicy, TenantEvent, TenantPolicyRpc } from './protocol'

interface Ctx extends StorageContext {
  env: Env
  req: { raw: Request; header(name: string): string | undefined }
  get(key: 'storageCalls'): AppEnv['Variables']['storageCalls']
  get(key: 'user'): AppEnv['Variables']['user']
  get(key: 'requestId'): AppEnv['Variables']['requestId']
}

/** One tenant's policy object, as the signed-in user (an admin, for the changes) reaches it. */
export function tenantPolicyOf(c: Ctx, tenantId: string) {
  const stub: TenantPolicyRpc = tenantObject(c.env, tenantId)
  const actor = (): Actor => ({
    tenantId,
    userId: c.get('user').id,
    now: Date.now(),
    requestId: c.get('requestId'),
    ...clientOf(c.req),
  })

  return {
    /** Read afresh from the object, never from the cache (an admin sees what is stored). */
    async policy(): Promise<MfaPolicy> {
      const { policy } = await storageCall(c, 'tenantPolicy', () => stub.policy())
      policyCache.store(tenantId, policy)
      return policy
    },

    async setPolicy(change: { required: boolean; graceDays: number }): Promise<MfaPolicy> {
      const { policy } = await storageCall(c, 'setTenantPolicy', () => stub.setPolicy(actor(), change))
      policyCache.store(tenantId, policy)
      return policy
    },

    recordMemberReset: async (targetUserId: string): Promise<void> => {
      await storageCall(c, 'recordMemberReset', () => stub.recordMemberReset(actor(), targetUserId))
    },

    events: async (): Promise<TenantEvent[]> =>
      (await storageCall(c, 'tenantEvents', () => stub.events(Date.now()))).events,
  }
}

/** The policies of these tenants: from the isolate's cache while fresh, else from their objects, in parallel. */
export function policiesOf(c: Ctx, tenantIds: readonly string[]): Promise<MfaPolicy[]> {
  return Promise.all(
    tenantIds.map(async (tenantId) => policyCache.fresh(tenantId) ?? tenantPolicyOf(c, tenantId).policy()),
  )
}
