/**
 * The attempt limit: failed verifications (a wrong code at SaaSus, a wrong or
 * replayed step-up code, a recovery code the user does not hold) are counted
 * per user in the account object, exactly. After MAX_FAILURES in a row the
 * user waits, a minute at first and twice as long after each further failure,
 * an hour at most; a success clears the count.
 *
 * Attempts whose outcome is not known yet count as failures already, so that
 * concurrent requests cannot slip past the limit while SaaSus is deciding
 * (the object's reservations, ./reservations.ts, until recorded or lapsed).
 */

export const MAX_FAILURES = 5
const FIRST_WAIT_MS = 60 * 1000 // 1 minute
const MAX_WAIT_MS = 60 * 60 * 1000 // 1 hour
/** When an attempt is refused only because others are still in flight: they end within seconds. */
const IN_FLIGHT_RETRY_SECONDS = 1

export interface AttemptState {
  /** Consecutive failures since the last success. */
  failures: number
  /** Epoch ms before which no attempt is admitted; 0 for none. */
  lockedUntil: number
}

export const NO_ATTEMPTS: AttemptState = { failures: 0, lockedUntil: 0 }

/** How long the user waits after this many consecutive failures. */
export function waitAfter(failures: number): number {
  if (failures < MAX_FAILURES) return 0
  return Math.min(FIRST_WAIT_MS * 2 ** Math.min(failures - MAX_FAILURES, 16), MAX_WAIT_MS)
}

/**
 * Whether one more attempt may run now, with `inFlight` attempts already
 * running: none while locked; below the limit, only as many as could all fail
 * without passing it; once past it, one at a time.
 */
export function admit(state: AttemptState, inFlight: number, now: number): { retryAfterSeconds: number } | undefined {
  if (now < state.lockedUntil) return { retryAfterSeconds: Math.ceil((state.lockedUntil - now) / 1000) }
  const room = Math.max(1, MAX_FAILURES - state.failures)
  return inFlight < room ? undefined : { retryAfterSeconds: IN_FLIGHT_RETRY_SECONDS }
}

/** The state after a failure, and whether it locked the user out. */
export function afterFailure(state: AttemptState, now: number): { state: AttemptState; lockedOut: boolean } {
  const failures = state.failures + 1
  const wait = waitAfter(failures)
  return { state: { failures, lockedUntil: wait > 0 ? now + wait : 0 }, lockedOut: wait > 0 }
}
