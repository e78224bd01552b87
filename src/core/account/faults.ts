/**
 * Storage faults for tests of the failure order (docs/account-protection.md):
 * an object can be told to fail once at a named point of its next operation.
 * Off unless the env has ACCOUNT_FAULTS = "enabled", which only the test
 * configuration (vitest.config.ts) sets; wrangler.toml never does, so in
 * production arming one throws and nothing ever trips.
 */

/** `enter`: the object cannot be reached; `commit`: its last transaction fails (and rolls back). */
export type FaultPoint = 'enter' | 'commit'

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

  /** Throws once where a fault was armed. */
  trip(point: FaultPoint): void {
    if (this.armed.delete(point)) throw new StorageFault(point)
  }
}
