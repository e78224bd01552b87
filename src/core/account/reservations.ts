/**
 * What an account object has admitted and the Worker has not yet come back
 * for: attempts whose outcome SaaSus is deciding (they count towards the limit
 * as failures already, ./lockout.ts), and recovery codes being spent (held, so
 * that a racing request for the same code is refused). Kept in memory: the
 * object serialises its user's requests, so the count is exact while it lives.
 *
 * A Worker that never comes back (it crashed, or timed out) must not leave an
 * attempt counted or a code held for good: each reservation lapses
 * RESERVATION_MS after it was made, judged by the callers' clock (Caller.now).
 */

/**
 * Longer than any SaaSus call can take: SAASUS_TIMEOUT_MS bounds a call, its
 * retry included, and may be set to at most 30 s (src/core/config.ts).
 */
export const RESERVATION_MS = 60 * 1000 // 1 minute

export class Reservations {
  /** Key → epoch ms when it lapses. */
  private readonly lapsesAt = new Map<string, number>()

  /** Makes a reservation under `key` (a new one if none is given) at `now`; returns its key. */
  open(now: number, key: string = crypto.randomUUID()): string {
    this.lapsesAt.set(key, now + RESERVATION_MS)
    return key
  }

  /** Ends a reservation; one already gone (lapsed, or lost with a restart) is no error. */
  close(key: string): void {
    this.lapsesAt.delete(key)
  }

  /** Whether `key` is reserved and has not lapsed by `now`. */
  holds(key: string, now: number): boolean {
    const lapsesAt = this.lapsesAt.get(key)
    return lapsesAt !== undefined && now < lapsesAt
  }

  /** How many have not lapsed by `now`; the lapsed ones are forgotten. */
  live(now: number): number {
    for (const [key, lapsesAt] of this.lapsesAt) if (now >= lapsesAt) this.lapsesAt.delete(key)
    return this.lapsesAt.size
  }
}
