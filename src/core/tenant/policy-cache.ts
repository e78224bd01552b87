/**
 * A per-isolate cache of tenant policies, so that `GET /mfa_status`, which every member's SPA asks
 * on each visit, needs no storage round trip for a tenant whose policy was read moments ago. An
 * entry is served for POLICY_CACHE_SECONDS at most: a change an admin makes reaches every member
 * within that long (at once on the isolate that wrote it). Bounded: the least recently stored
 * entries go first. Only policies are kept, which hold nothing secret.
 */
import type { MfaPolicy } from './protocol'

export const POLICY_CACHE_SECONDS = 30
export const POLICY_CACHE_MAX_ENTRIES = 1_000

export function createPolicyCache(now: () => number = Date.now) {
  const entries = new Map<string, { policy: MfaPolicy; expiresAt: number }>()
  return {
    fresh(tenantId: string): MfaPolicy | undefined {
      const entry = entries.get(tenantId)
      if (entry === undefined) return undefined
      if (entry.expiresAt > now()) return entry.policy
      entries.delete(tenantId)
      return undefined
    },
    store(tenantId: string, policy: MfaPolicy): void {
      entries.delete(tenantId)
      entries.set(tenantId, { policy, expiresAt: now() + POLICY_CACHE_SECONDS * 1000 })
      while (entries.size > POLICY_CACHE_MAX_ENTRIES) {
        const oldest = entries.keys().next().value
        if (oldest === undefined) break
        entries.delete(oldest)
      }
    },
    clear(): void {
      entries.clear()
    },
  }
}

/** The cache every request on this isolate shares. */
export const policyCache = createPolicyCache()
