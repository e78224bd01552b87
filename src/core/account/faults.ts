/**
 * Storage faults for tests of the failure order (docs/account-protection.md):
 * an object can be told to fail once at a named point of its next operation
 * (`FaultPoint`, ./protocol.ts). Off unless the env has ACCOUNT_FAULTS =
 * "enabled", which only the test configuration (vitest.config.ts) sets;
 * wrangler.core.toml never does, so in production arming one throws and nothing
 * ever trips.
 */
import type { FaultPoint, Unavailable } from './protocol'

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
