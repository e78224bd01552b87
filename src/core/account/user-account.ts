/**
 * One user's account state, in a Durable Object with SQLite storage (one object
 * per SaaSus user id): the authenticator secret the API keeps (sealed), the
 * recovery code hashes, the attempt count and the security events.
 *
 * Each operation is one RPC from the Worker. The object runs it in order: its
 * own checks (limit, step-up), then the SaaSus call through the function the
 * Worker passed (so SaaSus is asked only when the checks pass, and the call's
 * client, trace headers and log stay the Worker's), then one transaction that
 * commits the change with its event. One object per user serialises that user's
 * operations, which is what makes the counts exact and a code single-use.
 * docs/account-protection.md has the order of every operation and what a
 * failure between two steps leaves behind.
 */
import { DurableObject } from 'cloudflare:workers'
import { configFor } from '../config'
import { type EventType, eventsExpireAt, insertEvent, listEvents, logEvents, pruneEvents } from './events'
import { type FaultPoint, FaultSwitch } from './faults'
import { admit, afterFailure, NO_ATTEMPTS } from './lockout'
import { recoveryIndex } from './objects'
import type { Caller, Outcome, RecoveryCodesSummary, Refusal, UpstreamOutcome } from './protocol'
import { createSecretBox, type SecretBox } from './secret-box'
import { AccountTables, type Budget } from './tables'
import { matchingStep } from './totp'

const sameBytes = (a: ArrayBuffer, b: ArrayBuffer) =>
  a.byteLength === b.byteLength && new Uint8Array(a).every((byte, i) => byte === new Uint8Array(b)[i])

/** A step the object takes through the Worker: the SaaSus call of the operation. */
type Upstream = () => Promise<UpstreamOutcome>

export class UserAccount extends DurableObject<Env> {
  private readonly tables: AccountTables
  /** Absent without MFA_ENCRYPTION_KEY: secrets are then not kept and step-up is unavailable. */
  private readonly box: SecretBox | undefined
  private readonly faults: FaultSwitch
  /** Admitted attempts whose outcome is not known yet (./lockout.ts). */
  private inFlight = 0
  /** Recovery codes being spent now: a second request for one is refused, not queued behind it. */
  private readonly spending = new Set<string>()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.tables = new AccountTables(ctx.storage.sql)
    const keys = configFor(env).secretBoxKeys
    this.box = keys ? createSecretBox(keys) : undefined
    this.faults = new FaultSwitch(env)
  }

  /** `GET /mfa_setup`: after any step-up, asks the Worker to mint a secret at SaaSus and keeps it as pending. */
  async setup(caller: Caller, stepUp: string | null, mint: () => Promise<string | null>): Promise<Outcome> {
    this.faults.trip('enter')
    if (stepUp !== null) {
      const refused = await this.stepUp(caller, stepUp)
      if (refused) return refused
    }
    const secret = await mint()
    if (secret === null) return { refused: 'upstream' }
    const sealed = this.box ? await this.box.seal(secret, caller.userId) : undefined
    this.commit(caller, ['authenticator_setup'], () => {
      if (sealed) this.tables.writeSecret('pending', sealed, 0)
      // Without a key the secret is not kept, and an older pending one is no longer SaaSus's.
      else this.tables.deleteSecrets('pending')
    })
    return { ok: true }
  }

  /** `POST /mfa_verify`: a counted attempt; on success the pending secret becomes the current one. */
  async verify(caller: Caller, code: string, check: Upstream): Promise<Outcome> {
    this.faults.trip('enter')
    const refused = await this.attempt(caller, async () => {
      const outcome = await check()
      return outcome === 'refused' ? 'wrong' : outcome
    })
    if (refused) return refused
    // SaaSus registered the secret it minted last. Keep it as current only if the code proves it is
    // the pending one held here (two setups racing could have left another); else hold none.
    const pending = this.tables.readSecret('pending')
    const opened = pending && this.box ? await this.box.open(pending.sealed, caller.userId) : undefined
    const step = opened ? await matchingStep(opened.plaintext, code, caller.now) : undefined
    this.commit(caller, ['authenticator_registered'], () => {
      this.tables.saveAttempts('codes', NO_ATTEMPTS)
      this.tables.saveRegistration(caller.now)
      this.tables.deleteSecrets()
      if (pending && step !== undefined) this.tables.writeSecret('current', pending.sealed, step)
    })
    return { ok: true }
  }

  /**
   * `POST /mfa_enable`: only with an authenticator registered through this API
   * since MFA was last turned off (else SaaSus would turn MFA back on with
   * whatever it still has registered, a lost device included); then records
   * the event once SaaSus has turned MFA on.
   */
  async enable(caller: Caller, apply: Upstream): Promise<Outcome> {
    this.faults.trip('enter')
    if (!this.tables.registered()) return { refused: 'not_registered' }
    if ((await apply()) !== 'ok') return { refused: 'upstream' }
    this.commit(caller, ['mfa_enabled'], () => {})
    return { ok: true }
  }

  /** `POST /mfa_disable`: after any step-up, turns MFA off at SaaSus, then deletes the recovery codes. */
  async disable(caller: Caller, stepUp: string | null, apply: Upstream): Promise<Outcome> {
    this.faults.trip('enter')
    if (stepUp !== null) {
      const refused = await this.stepUp(caller, stepUp)
      if (refused) return refused
    }
    // Before SaaSus is asked: whatever happens next, enabling again needs a new registration.
    this.ctx.storage.transactionSync(() => this.tables.forgetRegistration())
    if ((await apply()) !== 'ok') return { refused: 'upstream' }
    let spent: string[] = []
    this.commit(caller, ['mfa_disabled'], () => {
      spent = this.tables.deleteRecoveryCodes()
    })
    this.forgetInIndex(caller, spent)
    return { ok: true }
  }

  /**
   * `POST /mfa_recovery_codes`: after any step-up, indexes the new hashes, then
   * replaces the old codes with them. The codes themselves never reach storage.
   */
  async createRecoveryCodes(caller: Caller, stepUp: string | null, hashes: readonly string[]): Promise<Outcome> {
    this.faults.trip('enter')
    if (stepUp !== null) {
      const refused = await this.stepUp(caller, stepUp)
      if (refused) return refused
    }
    // Indexed first: a code shown to the user must be findable. A failure after this leaves
    // index entries that no account honours, which is harmless.
    await recoveryIndex(this.env).add(caller.userId, hashes)
    let replaced: string[] = []
    this.commit(caller, ['recovery_codes_created'], () => {
      replaced = this.tables.deleteRecoveryCodes()
      this.tables.insertRecoveryCodes(hashes, caller.now)
    })
    this.forgetInIndex(caller, replaced)
    return { ok: true }
  }

  /**
   * `POST /mfa_recover`: spends a recovery code once. SaaSus is asked to turn MFA
   * off while the code is held here; only when it did are the codes (this one and
   * the rest) and the kept secrets deleted, in one transaction with the events.
   */
  async recover(caller: Caller, hash: string, apply: Upstream): Promise<Outcome> {
    this.faults.trip('enter')
    if (this.spending.has(hash)) return { refused: 'wrong_code' }
    // Recovery codes have a budget of their own: wrong six-digit codes never block recovery.
    const locked = admit(this.tables.attempts('recovery'), 0, caller.now)
    if (locked) return { refused: 'locked', ...locked }
    if (!this.tables.hasRecoveryCode(hash)) {
      this.recordFailure(caller, 'recovery')
      return { refused: 'wrong_code' }
    }
    // Before SaaSus is asked, and before the hold (a storage failure here must not strand it).
    this.ctx.storage.transactionSync(() => this.tables.forgetRegistration())
    this.spending.add(hash)
    let outcome: UpstreamOutcome
    try {
      outcome = await apply()
    } catch {
      outcome = 'failed'
    }
    // From here on synchronous: no other request sees the code between its release and its deletion.
    this.spending.delete(hash)
    if (outcome !== 'ok') return { refused: 'upstream' }
    let spent: string[] = []
    this.commit(caller, ['recovery_code_used', 'mfa_disabled'], () => {
      spent = this.tables.deleteRecoveryCodes()
      this.tables.deleteSecrets()
      // The owner is back in: a lockout a thief ran up with wrong codes ends here.
      this.tables.saveAttempts('codes', NO_ATTEMPTS)
      this.tables.saveAttempts('recovery', NO_ATTEMPTS)
    })
    this.forgetInIndex(caller, spent)
    return { ok: true }
  }

  /** `GET /mfa_recovery_codes`. */
  recoveryCodes(): RecoveryCodesSummary {
    this.faults.trip('enter')
    return this.tables.recoveryCodes()
  }

  /** `GET /mfa_events`: newest first. */
  events(now: number) {
    this.faults.trip('enter')
    return listEvents(this.tables.sql, now)
  }

  /** Deletes events once they pass retention, even if the user never comes back. */
  override async alarm(): Promise<void> {
    pruneEvents(this.tables.sql, Date.now())
    const expiresAt = eventsExpireAt(this.tables.sql)
    if (expiresAt !== undefined) await this.ctx.storage.setAlarm(expiresAt)
  }

  /** Tests only (./faults.ts): off unless ACCOUNT_FAULTS is "enabled". */
  armFault(point: FaultPoint): void {
    this.faults.arm(point)
  }

  /**
   * A step-up code: a current code of the registered authenticator, each good
   * once. A counted attempt: a wrong or replayed code is a failure.
   */
  private async stepUp(caller: Caller, code: string): Promise<Refusal | undefined> {
    const box = this.box
    const current = this.tables.readSecret('current')
    if (!box || !current) return { refused: 'step_up_unavailable' }
    const opened = await box.open(current.sealed, caller.userId)
    if (!opened) {
      // Sealed under a key no longer listed in MFA_ENCRYPTION_KEY: the operator's to fix.
      console.error(JSON.stringify({ level: 'error', event: 'secret_unreadable', keyId: current.sealed.keyId }))
      return { refused: 'step_up_unavailable' }
    }
    const resealed = opened.stale ? await box.seal(opened.plaintext, caller.userId) : undefined
    return this.attempt(
      caller,
      async () => {
        const step = await matchingStep(opened.plaintext, code, caller.now, current.lastStep)
        // Synchronous from here: the replay check and the write see the same state.
        const latest = this.tables.readSecret('current')
        // A code of an authenticator replaced meanwhile is as wrong as any other.
        const replaced = !latest || !sameBytes(latest.sealed.iv, current.sealed.iv)
        if (step === undefined || replaced || step <= latest.lastStep) return 'wrong'
        this.ctx.storage.transactionSync(() => {
          this.tables.writeSecret('current', resealed ?? latest.sealed, step)
          this.tables.saveAttempts('codes', NO_ATTEMPTS)
        })
        return 'ok'
      },
      'step_up_failed',
    )
  }

  /**
   * One counted attempt: admitted under the limit, in flight while `check` runs,
   * and a wrong answer recorded as a failure in the same synchronous step that
   * ends its flight. A success is committed by the caller.
   */
  private async attempt(
    caller: Caller,
    check: () => Promise<'ok' | 'wrong' | 'failed'>,
    failureEvent?: EventType,
  ): Promise<Refusal | undefined> {
    const locked = admit(this.tables.attempts('codes'), this.inFlight, caller.now)
    if (locked) return { refused: 'locked', ...locked }
    this.inFlight += 1
    let result: 'ok' | 'wrong' | 'failed'
    try {
      result = await check()
    } finally {
      this.inFlight -= 1
    }
    if (result === 'ok') return undefined
    if (result === 'failed') return { refused: 'upstream' }
    this.recordFailure(caller, 'codes', failureEvent)
    return { refused: 'wrong_code' }
  }

  private recordFailure(caller: Caller, budget: Budget, event?: EventType): void {
    const { state, lockedOut } = afterFailure(this.tables.attempts(budget), caller.now)
    const lockout: EventType = budget === 'codes' ? 'locked_out' : 'recovery_locked_out'
    const events: EventType[] = [...(event ? [event] : []), ...(lockedOut ? [lockout] : [])]
    this.commit(caller, events, () => this.tables.saveAttempts(budget, state))
  }

  /** One transaction: the change and its events, or neither. Then their log lines. */
  private commit(caller: Caller, events: readonly EventType[], change: () => void): void {
    this.ctx.storage.transactionSync(() => {
      change()
      for (const type of events) insertEvent(this.tables.sql, type, caller)
      this.faults.trip('commit')
    })
    if (events.length === 0) return
    logEvents(events, caller)
    const expiresAt = eventsExpireAt(this.tables.sql)
    if (expiresAt !== undefined) void this.ctx.storage.setAlarm(expiresAt)
  }

  /** Drops codes that no longer work from the index, after the fact: an entry left behind is harmless. */
  private forgetInIndex(caller: Caller, hashes: readonly string[]): void {
    if (hashes.length === 0) return
    this.ctx.waitUntil(
      recoveryIndex(this.env)
        .remove(caller.userId, hashes)
        .catch(() =>
          console.warn(JSON.stringify({ level: 'warn', event: 'recovery_index_stale', requestId: caller.requestId })),
        ),
    )
  }
}
