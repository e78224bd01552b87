/**
 * Everything the Worker and its Durable Objects say to each other over Workers
 * RPC: each object's surface, and the plain data it takes and answers. Calls go
 * one way: the Worker asks, the object answers, and never calls the Worker back.
 *
 * An operation with a SaaSus call runs in three steps: `admit…` on the object
 * (its checks, and a reservation that counts the attempt or holds the code while
 * SaaSus decides), the SaaSus call in the Worker, then `record…` with how that
 * call ended. A reservation the Worker never comes back for lapses after
 * RESERVATION_MS (./reservations.ts). docs/account-protection.md has the order
 * of every operation and what a failure between two steps leaves.
 *
 * A storage failure is answered, never thrown (src/core/storage/faults.ts).
 */

import type { Done, FaultPoint } from '../storage/faults'

/** The request an operation is part of; events and log lines take their facts from it. */
export interface Caller {
  userId: string
  /** The Worker's clock (epoch ms): codes, lockouts, reservations and events are judged by it. */
  now: number
  requestId: string
  /** Two-letter country of the client, from Cloudflare (`request.cf.country`), if known. */
  country?: string
  userAgent?: string
  /** Set when someone else acts on this user: the tenant admin who resets their MFA. */
  actorId?: string
  /** With `actorId`: the tenant the admin acted as the admin of. */
  tenantId?: string
}

/**
 * How the Worker's SaaSus call ended: `ok`; `wrong_code` (SaaSus refused the
 * verification code: an attempt that counts); `failed` (anything else: nothing
 * is counted, and the Worker answers with the error its own call threw).
 */
export type UpstreamOutcome = 'ok' | 'wrong_code' | 'failed'

/** Why an operation may not go on. */
export type Refusal =
  | { refused: 'locked'; retryAfterSeconds: number }
  /** A wrong or replayed code: step-up, or a recovery code this user does not hold (or is being spent). */
  | { refused: 'wrong_code' }
  /** Step-up asked for, but the API holds no secret of this user's authenticator. */
  | { refused: 'step_up_unavailable' }
  /** Enabling without an authenticator registered through this API since MFA was last turned off. */
  | { refused: 'not_registered' }

export type Outcome<T extends object = object> = Done<T> | Refusal

/** An admitted verification, counted as a failure until recorded or until it lapses. */
export interface Admitted {
  reservation: string
}

export const EVENT_TYPES = [
  'authenticator_setup',
  'authenticator_registered',
  'mfa_enabled',
  'mfa_disabled',
  'recovery_codes_created',
  'recovery_code_used',
  'step_up_failed',
  'locked_out',
  'recovery_locked_out',
  'mfa_reset_by_admin',
] as const

export type EventType = (typeof EVENT_TYPES)[number]

/** An entry of the security activity (./events.ts): no secret, code, token or IP address. */
export interface AccountEvent {
  type: EventType
  /** Epoch ms of the last occurrence. */
  at: number
  /** Epoch ms of the first occurrence this entry counts. */
  firstAt: number
  count: number
  country?: string
  userAgent?: string
  /** `mfa_reset_by_admin`: the admin who reset it (the last one, for a repeated entry). */
  actorId?: string
}

export interface RecoveryCodesSummary {
  remaining: number
  /** Epoch ms of the current set, or null when there is none. */
  createdAt: number | null
}

/** One user's account object (`UserAccount`, binding `ACCOUNTS`, one per SaaSus user id). */
export interface UserAccountRpc {
  /** `GET /mfa_setup`, before SaaSus mints a secret: checks any step-up code (a counted attempt). */
  admitSetup(caller: Caller, stepUp: string | null): Promise<Outcome>
  /** `GET /mfa_setup`: keeps the secret SaaSus minted, sealed, as the pending one. */
  recordSetup(caller: Caller, secret: string): Promise<Done>

  /** `POST /mfa_verify`: the lockout, and a reservation for the attempt. */
  admitVerify(caller: Caller): Promise<Outcome<Admitted>>
  /** Ends the reservation; a wrong code counts, a success registers the pending secret if `code` is one of it. */
  recordVerify(caller: Caller, reservation: string, outcome: UpstreamOutcome, code: string): Promise<Done>

  /** `POST /mfa_enable`: only with an authenticator registered through this API since MFA was last off. */
  admitEnable(): Promise<Outcome>
  /** SaaSus turned MFA on. */
  recordEnabled(caller: Caller): Promise<Done>

  /** `POST /mfa_disable`: any step-up, then forgets the registration before SaaSus is asked. */
  admitDisable(caller: Caller, stepUp: string | null): Promise<Outcome>
  /** SaaSus turned MFA off: deletes the recovery codes. */
  recordDisabled(caller: Caller): Promise<Done>

  /**
   * A step-up code alone (a counted attempt), for a change outside this object: a tenant's policy, an
   * admin's reset. Null: no code was asked for, nothing to check.
   */
  checkStepUp(caller: Caller, stepUp: string | null): Promise<Outcome>

  /** A tenant admin resets this user's MFA: forgets the registration before SaaSus is asked. */
  admitReset(caller: Caller): Promise<Done>
  /**
   * SaaSus turned this user's MFA off for the admin (`caller.actorId`): deletes the recovery codes
   * and kept secrets, ends any lockout, and records `mfa_reset_by_admin`.
   */
  recordResetByAdmin(caller: Caller): Promise<Done>

  /** `POST /mfa_recover`: the recovery lockout, then holds the code (spent once) and forgets the registration. */
  admitRecover(caller: Caller, hash: string): Promise<Outcome>
  /** Releases the hold; on `ok`, spends the code (refused if another request spent it meanwhile). */
  recordRecovered(caller: Caller, hash: string, outcome: UpstreamOutcome): Promise<Outcome>

  /** `POST /mfa_recovery_codes` (no SaaSus call): any step-up, indexes the hashes, replaces the codes. */
  createRecoveryCodes(caller: Caller, stepUp: string | null, hashes: readonly string[]): Promise<Outcome>
  /** `GET /mfa_recovery_codes`. */
  recoveryCodes(): Promise<Done<RecoveryCodesSummary>>
  /** `GET /mfa_events`: newest first. */
  events(now: number): Promise<Done<{ events: AccountEvent[] }>>

  /** Tests only (../storage/faults.ts): off unless ACCOUNT_FAULTS is "enabled". */
  armFault(point: FaultPoint): Promise<void>
}

/** The one recovery-code index (`RecoveryCodeIndex`, binding `RECOVERY_INDEX`): whose code is it. */
export interface RecoveryIndexRpc {
  add(userId: string, hashes: readonly string[]): Promise<Done>
  /** The user id a code's hash belongs to, or null. */
  ownerOf(hash: string): Promise<Done<{ userId: string | null }>>
  /** Forgets codes that no longer work; only the user's own entries. */
  remove(userId: string, hashes: readonly string[]): Promise<Done>

  /** Tests only (../storage/faults.ts). */
  armFault(point: FaultPoint): Promise<void>
}
