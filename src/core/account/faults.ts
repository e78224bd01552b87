/**
 * Storage faults for tests of the failure order (docs/account-protection.md):
 * an object can be told to fail once at a named point of its next operation.
 * Off unless the env has ACCOUNT_FAULTS = "enabled", which only the test
 * configuration (vitest.config.ts) sets; wrangler.core.toml never does, so in
 * production arming one throws and nothing ever trips.
 */

/**
 * `enter`: the object cannot be reached (at the next call of any operation);
 * `record`: it cannot be reached when the Worker comes back with SaaSus's answer
 * (the next `record…` call); `commit`: its last transaction fails (and rolls back).
 */
export type FaultPoint = 'enter' | 'record' | 'commit'

export class StorageFault extends Error {
  constructor(point: FaultPoint) {
    super(`injected storage fault at ${point}`)
    this.name = 'StorageFault'
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
