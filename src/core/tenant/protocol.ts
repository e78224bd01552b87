/**
 * What the Worker and a tenant's policy object (`TenantPolicy`, binding `TENANT_POLICIES`, one per
 * SaaSus tenant id) say to each other over Workers RPC: the policy, its history, and the plain data
 * they carry. As with the account objects, the Worker asks and the object answers; a storage
 * failure is answered, never thrown (src/core/storage/faults.ts).
 */
import type { Done, FaultPoint } from '../storage/faults'

/** A tenant's MFA rule. A tenant that never set one has DEFAULT_POLICY. */
export interface MfaPolicy {
  /** Every member of the tenant must turn MFA on. */
  required: boolean
  /** Days a member has, from `requiredSince`, to turn MFA on. */
  graceDays: number
  /** Epoch ms since when MFA is required; null while it is not. */
  requiredSince: number | null
}

export const GRACE_DAYS_DEFAULT = 14
export const GRACE_DAYS_MAX = 90

export const DEFAULT_POLICY: MfaPolicy = { required: false, graceDays: GRACE_DAYS_DEFAULT, requiredSince: null }

/** An admin's request: who, when (the Worker's clock), and the request's id for the log line. */
export interface Actor {
  /** The tenant the object is (for its log lines: an object does not know its own name). */
  tenantId: string
  userId: string
  now: number
  requestId: string
  /** The admin's client, for the event's webhook (src/core/webhooks/): Cloudflare's country, the User-Agent. */
  country?: string
  userAgent?: string
}

export const TENANT_EVENT_TYPES = ['mfa_policy_changed', 'member_mfa_reset'] as const
export type TenantEventType = (typeof TENANT_EVENT_TYPES)[number]

/** An entry of a tenant's MFA history: what an admin did, never a secret, code or token. */
export interface TenantEvent {
  type: TenantEventType
  /** Epoch ms. */
  at: number
  /** The admin who did it. */
  actorId: string
  /** `member_mfa_reset`: whose MFA was reset. */
  targetUserId?: string
  /** `mfa_policy_changed`: the policy it set. */
  required?: boolean
  graceDays?: number
}

export interface TenantPolicyRpc {
  /** The tenant's policy (DEFAULT_POLICY when none was set). */
  policy(): Promise<Done<{ policy: MfaPolicy }>>
  /**
   * Sets the policy, with its `mfa_policy_changed` event in one transaction. A requirement turned on
   * starts its grace period now; one kept on keeps its start. Setting what is already set changes
   * nothing and records nothing (`changed: false`).
   */
  setPolicy(
    actor: Actor,
    change: { required: boolean; graceDays: number },
  ): Promise<Done<{ policy: MfaPolicy; changed: boolean }>>
  /** An admin reset a member's MFA: the `member_mfa_reset` event. */
  recordMemberReset(actor: Actor, targetUserId: string): Promise<Done>
  /** The history, newest first. */
  events(now: number): Promise<Done<{ events: TenantEvent[] }>>

  /** Tests only (../storage/faults.ts). */
  armFault(point: FaultPoint): Promise<void>
}
