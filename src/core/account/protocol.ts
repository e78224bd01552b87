/**
 * What the Worker and the account objects say to each other over Workers RPC:
 * who is asking, what SaaSus answered, and how an operation ended. Plain data
 * only, so it crosses the RPC boundary as is.
 */

/** The request an operation is part of; events and log lines take their facts from it. */
export interface Caller {
  userId: string
  /** The Worker's clock (epoch ms): codes, lockouts and events are judged by it. */
  now: number
  requestId: string
  /** Two-letter country of the client, from Cloudflare (`request.cf.country`), if known. */
  country?: string
  userAgent?: string
}

/**
 * The SaaSus call of an operation, made by the Worker when the object asks for it
 * (so its client, trace headers and log stay the Worker's): `ok`, `refused` (a
 * wrong verification code: an attempt that counts) or `failed` (anything else;
 * the Worker keeps the error to answer with).
 */
export type UpstreamOutcome = 'ok' | 'refused' | 'failed'

/** Why an operation did not happen. */
export type Refusal =
  | { refused: 'locked'; retryAfterSeconds: number }
  /** A wrong or replayed code: step-up, SaaSus verification, or a recovery code this user does not hold. */
  | { refused: 'wrong_code' }
  /** Step-up asked for, but the API holds no secret of this user's authenticator. */
  | { refused: 'step_up_unavailable' }
  /** Enabling without an authenticator registered through this API since MFA was last turned off. */
  | { refused: 'not_registered' }
  /** The SaaSus call did not succeed; nothing was changed. */
  | { refused: 'upstream' }

export type Outcome<T extends object = object> = ({ ok: true } & T) | Refusal

export interface RecoveryCodesSummary {
  remaining: number
  /** Epoch ms of the current set, or null when there is none. */
  createdAt: number | null
}
