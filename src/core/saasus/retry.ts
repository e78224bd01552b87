/**
 * When a SaaSus call may be sent a second time: only reads (`GET /userinfo`,
 * `GET .../mfa/preference`), only once, and only when SaaSus gave no usable
 * answer. Writes are never repeated: a verification code is a guess the user
 * spends, and a write whose answer was lost may already have been applied.
 */
import { SaasusError } from './failure'

// 50–150 ms: long enough to step past a blip, and the jitter keeps many
// isolates that failed together from retrying together.
const RETRY_DELAY_MIN_MS = 50
const RETRY_DELAY_SPREAD_MS = 100

/**
 * A failure worth one more try of a read: a 5xx, a dropped connection or a
 * garbled body. Not a refusal (it would be refused again), not a timeout (the
 * caller's time is spent), not a 429 (SaaSus asked us to back off).
 */
export function isRetryable(error: unknown): boolean {
  return error instanceof SaasusError && error.kind === 'unavailable' && error.detail.status !== 429
}

/** The pause before the retry, in ms. */
export function retryDelayMs(random: () => number = Math.random): number {
  return RETRY_DELAY_MIN_MS + Math.floor(random() * RETRY_DELAY_SPREAD_MS)
}
