/**
 * What every Durable Object of the core (the account objects, src/core/account/; the tenant
 * policies, src/core/tenant/) answers when its storage fails, and the faults tests inject to make
 * it fail: an object can be told to fail once at a named point of its next operation. Off unless
 * the env has ACCOUNT_FAULTS = "enabled", which only the test configuration (vitest.config.ts)
 * sets; wrangler.core.toml never does, so in production arming one throws and nothing ever trips.
 *
 * An object answers a failure of its storage (`Unavailable`) rather than throwing it: workerd
 * reports an exception thrown out of an RPC method as uncaught in the object, even when the Worker
 * catches it, and a storage failure is an answer the Worker expects (503), not a crash.
 */

/**
 * Where a test's injected storage fault strikes. `enter`: the object cannot be reached (at the
 * next call of any operation); `record`: it cannot be reached when the Worker comes back with
 * SaaSus's answer (the next `record…` call); `commit`: its last transaction fails (and rolls back).
 * The webhook outbox's (src/core/webhooks/outbox.ts), after the object has answered: `handOff`, it
 * stops between its commit and the queue; `sent`, after the queue took the rows, before marking them.
 */
export type FaultPoint = 'enter' | 'record' | 'commit' | 'handOff' | 'sent'

/**
 * The object could not do the operation: its storage failed, at `point` (today only an injected
 * fault). Whatever it had begun is rolled back or never written; the Worker answers 503.
 */
export interface Unavailable {
  refused: 'unavailable'
  point: FaultPoint
}

export const isUnavailable = (answer: object): answer is Unavailable =>
  'refused' in answer && answer.refused === 'unavailable'

/** What an operation that refuses nothing answers: done (with what it read), or its storage failed. */
export type Done<T extends object = object> = ({ ok: true } & T) | Unavailable

export class StorageFault extends Error {
  constructor(readonly point: FaultPoint) {
    super(`injected storage fault at ${point}`)
    this.name = 'StorageFault'
  }
}

/**
 * Runs one RPC operation of an object. A fault it trips stops it where it is, as a failing storage
 * call would (a transaction rolls back), and is answered as `unavailable` instead of thrown on:
 * an exception thrown out of an RPC method is reported by workerd as uncaught in the object.
 */
export async function answeringFaults<T>(operation: () => T | Promise<T>): Promise<T | Unavailable> {
  try {
    return await operation()
  } catch (error) {
    if (error instanceof StorageFault) return { refused: 'unavailable', point: error.point }
    throw error
  }
}

export class FaultSwitch {
  private readonly armed = new Set<FaultPoint>()

  constructor(env: object) {
    this.enabled = (env as { ACCOUNT_FAULTS?: unknown }).ACCOUNT_FAULTS === 'enabled'
  }

  private readonly enabled: boolean

  arm(point: FaultPoint): void {
    if (!this.enabled) throw new Error('storage faults are off (ACCOUNT_FAULTS is not "enabled")')
    this.armed.add(point)
  }

  /** Throws once where a fault was armed: at the first of `points` armed. */
  trip(...points: FaultPoint[]): void {
    for (const point of points) if (this.armed.delete(point)) throw new StorageFault(point)
  }
}
