/**
 * One user's account state, in a Durable Object with SQLite storage (one object
 * per SaaSus user id): the authenticator secret the API keeps (sealed), the
 * recovery code hashes, the attempt counts and the security events. Its RPC
 * surface, and the order an operation's calls come in, is ./protocol.ts.
 *
 * The object answers and never calls the Worker back. `admit…` runs its checks
 * (limit, step-up, registration) and reserves what the Worker's SaaSus call may
 * spend (an attempt, a recovery code: ./reservations.ts); `record…` ends the
 * reservation and commits the change with its event in one transaction. Each
 * check and its reservation, and each reservation's end and its commit, run
 * without a request in between (SQLite storage is synchronous), and one object
 * per user serialises that user's requests: that is what makes the counts exact
 * and a code single-use. docs/account-protection.md has the order of every
 * operation and what a failure between two steps leaves behind. Each RPC method
 * runs in `answeringFaults` (../storage/faults.ts): a storage failure is an answer.
 */
import { DurableObject } from 'cloudflare:workers'
import { configFor } from '../config'
import { answeringFaults, type Done, type FaultPoint, FaultSwitch, isUnavailable } from '../storage/faults'
import { Outbox } from '../webhooks/outbox'
import { eventsExpireAt, insertEvent, listEvents, logEvents, pruneEvents } from './events'
import { admit, afterFailure, NO_ATTEMPTS } from './lockout'
import { recoveryIndex } from './objects'
import type {
  AccountEvent,
  Admitted,
  Caller,
  EventType,
  Outcome,
  RecoveryCodesSummary,
  Refusal,
  UpstreamOutcome,
  UserAccountRpc,
} from './protocol'
import { Reservations } from './reservations'
import { createSecretBox, type SecretBox } from './secret-box'
import { AccountTables, type Budget } from './tables'
import { matchingStep } from './totp'

const sameBytes = (a: ArrayBuffer, b: ArrayBuffer) =>
  a.byteLength === b.byteLength && new Uint8Array(a).every((byte, i) => byte === new Uint8Array(b)[i])

export class UserAccount extends DurableObject<Env> implements UserAccountRpc {
  private readonly tables: AccountTables
  /** Absent without MFA_ENCRYPTION_KEY: secrets are then not kept and step-up is unavailable. */
  private readonly box: SecretBox | undefined
  private readonly faults: FaultSwitch
  /** Each event's webhook, written with it (../webhooks/outbox.ts). */
  private readonly outbox: Outbox
  /** Admitted six-digit code attempts (verify, step-up) not recorded yet: failures until then (./lockout.ts). */
  private readonly attempts = new Reservations()
  /** Recovery codes being spent, by hash: a second request for one is refused, not queued behind it. */
  private readonly spending = new Reservations()

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.tables = new AccountTables(ctx.storage.sql)
    const config = configFor(env)
    this.box = config.secretBoxKeys ? createSecretBox(config.secretBoxKeys) : undefined
    this.faults = new FaultSwitch(env)
    this.outbox = new Outbox({
      sql: ctx.storage.sql,
      storage: ctx.storage,
      queue: config.webhooks ? env.WEBHOOKS : undefined,
      faults: this.faults,
      otherAlarm: () => eventsExpireAt(this.tables.sql),
    })
  }

  /** Before SaaSus mints a secret: only the step-up code, if the route asked for one. */
  admitSetup(caller: Caller, stepUp: string | null): Promise<Outcome> {
    return this.checkStepUp(caller, stepUp)
  }

  recordSetup(caller: Caller, secret: string): Promise<Done> {
    return answeringFaults(async () => {
      this.faults.trip('enter', 'record')
      const sealed = this.box ? await this.box.seal(secret, caller.userId) : undefined
      this.commit(caller, ['authenticator_setup'], () => {
        if (sealed) this.tables.writeSecret('pending', sealed, 0)
        // Without a key the secret is not kept, and an older pending one is no longer SaaSus's.
        else this.tables.deleteSecrets('pending')
      })
      return { ok: true }
    })
  }

  admitVerify(caller: Caller): Promise<Outcome<Admitted>> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      return this.admitCode(caller) ?? { ok: true, reservation: this.attempts.open(caller.now) }
    })
  }

  recordVerify(caller: Caller, reservation: string, outcome: UpstreamOutcome, code: string): Promise<Done> {
    return answeringFaults(async () => {
      this.faults.trip('enter', 'record')
      // Recorded whether or not the reservation is still there (it may have lapsed): a wrong code counts.
      this.attempts.close(reservation)
      if (outcome === 'failed') return { ok: true }
      if (outcome === 'wrong_code') {
        this.recordFailure(caller, 'codes')
        return { ok: true }
      }
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
    })
  }

  /**
   * Enabling needs an authenticator registered through this API since MFA was
   * last turned off: else SaaSus would turn MFA back on with whatever it still
   * has registered, a lost device included.
   */
  admitEnable(): Promise<Outcome> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      return this.tables.registered() ? { ok: true } : { refused: 'not_registered' }
    })
  }

  recordEnabled(caller: Caller): Promise<Done> {
    return answeringFaults(() => {
      this.faults.trip('enter', 'record')
      this.commit(caller, ['mfa_enabled'], () => {})
      return { ok: true }
    })
  }

  admitDisable(caller: Caller, stepUp: string | null): Promise<Outcome> {
    return answeringFaults(async () => {
      this.faults.trip('enter')
      const refused = await this.stepUpIfAsked(caller, stepUp)
      if (refused) return refused
      // Before SaaSus is asked: whatever happens next, enabling again needs a new registration.
      this.ctx.storage.transactionSync(() => this.tables.forgetRegistration())
      return { ok: true }
    })
  }

  recordDisabled(caller: Caller): Promise<Done> {
    return answeringFaults(() => {
      this.faults.trip('enter', 'record')
      const spent = this.commit(caller, ['mfa_disabled'], () => this.tables.deleteRecoveryCodes())
      this.forgetInIndex(caller, spent)
      return { ok: true }
    })
  }

  checkStepUp(caller: Caller, stepUp: string | null): Promise<Outcome> {
    return answeringFaults(async () => {
      this.faults.trip('enter')
      return (await this.stepUpIfAsked(caller, stepUp)) ?? { ok: true }
    })
  }

  admitReset(_caller: Caller): Promise<Done> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      // As for /mfa_disable: whatever happens next, enabling again needs a new registration.
      this.ctx.storage.transactionSync(() => this.tables.forgetRegistration())
      return { ok: true }
    })
  }

  recordResetByAdmin(caller: Caller): Promise<Done> {
    return answeringFaults(() => {
      this.faults.trip('enter', 'record')
      // The member starts over with a new authenticator: a lockout run up on the lost one ends here.
      const spent = this.commit(caller, ['mfa_reset_by_admin'], () => this.startOver())
      this.forgetInIndex(caller, spent)
      return { ok: true }
    })
  }

  admitRecover(caller: Caller, hash: string): Promise<Outcome> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      if (this.spending.holds(hash, caller.now)) return { refused: 'wrong_code' }
      // Recovery codes have a budget of their own: wrong six-digit codes never block recovery.
      const locked = admit(this.tables.attempts('recovery'), 0, caller.now)
      if (locked) return { refused: 'locked', ...locked }
      if (!this.tables.hasRecoveryCode(hash)) {
        this.recordFailure(caller, 'recovery')
        return { refused: 'wrong_code' }
      }
      // Before SaaSus is asked, and before the hold (a storage failure here must not strand it).
      this.ctx.storage.transactionSync(() => this.tables.forgetRegistration())
      this.spending.open(caller.now, hash)
      return { ok: true }
    })
  }

  /**
   * Only when SaaSus turned MFA off are the codes (this one and the rest) and the
   * kept secrets deleted, in one transaction with the events.
   */
  recordRecovered(caller: Caller, hash: string, outcome: UpstreamOutcome): Promise<Outcome> {
    return answeringFaults(() => {
      this.faults.trip('enter', 'record')
      // From here on synchronous: no other request sees the code between its release and its deletion.
      this.spending.close(hash)
      if (outcome !== 'ok') return { ok: true }
      // Another request spent it after this one's hold lapsed: MFA is off either way, and the code spent once.
      if (!this.tables.hasRecoveryCode(hash)) return { refused: 'wrong_code' }
      // The owner is back in: a lockout a thief ran up with wrong codes ends here.
      const spent = this.commit(caller, ['recovery_code_used', 'mfa_disabled'], () => this.startOver())
      this.forgetInIndex(caller, spent)
      return { ok: true }
    })
  }

  /** The codes themselves never reach storage, only their hashes. */
  createRecoveryCodes(caller: Caller, stepUp: string | null, hashes: readonly string[]): Promise<Outcome> {
    return answeringFaults(async () => {
      this.faults.trip('enter')
      const refused = await this.stepUpIfAsked(caller, stepUp)
      if (refused) return refused
      // Indexed first: a code shown to the user must be findable. A failure after this leaves
      // index entries that no account honours, which is harmless.
      const indexed = await recoveryIndex(this.env).add(caller.userId, hashes)
      if (isUnavailable(indexed)) return indexed
      const replaced = this.commit(caller, ['recovery_codes_created'], () => {
        const old = this.tables.deleteRecoveryCodes()
        this.tables.insertRecoveryCodes(hashes, caller.now)
        return old
      })
      this.forgetInIndex(caller, replaced)
      return { ok: true }
    })
  }

  recoveryCodes(): Promise<Done<RecoveryCodesSummary>> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      return { ok: true, ...this.tables.recoveryCodes() }
    })
  }

  events(now: number): Promise<Done<{ events: AccountEvent[] }>> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      return { ok: true, events: listEvents(this.tables.sql, now) }
    })
  }

  /**
   * Hands the outbox's rows to the queue where the object's own hand-off did not (it crashed, or the
   * queue refused), and deletes events once they pass retention, even if the user never comes back.
   */
  override async alarm(): Promise<void> {
    await this.outbox.flush()
    pruneEvents(this.tables.sql, Date.now())
    this.outbox.armAlarm(Date.now())
  }

  async armFault(point: FaultPoint): Promise<void> {
    this.faults.arm(point)
  }

  /** The route's step-up code, when it asked for one (null: MFA_STEP_UP is off, or not needed here). */
  private stepUpIfAsked(caller: Caller, code: string | null): Promise<Refusal | undefined> {
    return code === null ? Promise.resolve(undefined) : this.stepUp(caller, code)
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
    const locked = this.admitCode(caller)
    if (locked) return locked
    // In flight while the code is checked (the check awaits Web Crypto, and other requests may run).
    const reservation = this.attempts.open(caller.now)
    let step: number | undefined
    try {
      step = await matchingStep(opened.plaintext, code, caller.now, current.lastStep)
    } finally {
      this.attempts.close(reservation)
    }
    // Synchronous from here: the replay check and the write see the same state.
    const latest = this.tables.readSecret('current')
    // A code of an authenticator replaced meanwhile is as wrong as any other.
    const replaced = !latest || !sameBytes(latest.sealed.iv, current.sealed.iv)
    if (step === undefined || replaced || step <= latest.lastStep) {
      this.recordFailure(caller, 'codes', 'step_up_failed')
      return { refused: 'wrong_code' }
    }
    this.ctx.storage.transactionSync(() => {
      this.tables.writeSecret('current', resealed ?? latest.sealed, step)
      this.tables.saveAttempts('codes', NO_ATTEMPTS)
    })
    return undefined
  }

  /**
   * MFA is off and the user sets up again from nothing: no kept secret, no attempt counted, no
   * recovery code (their hashes returned, for the index). Inside the change's transaction.
   */
  private startOver(): string[] {
    this.tables.deleteSecrets()
    this.tables.saveAttempts('codes', NO_ATTEMPTS)
    this.tables.saveAttempts('recovery', NO_ATTEMPTS)
    return this.tables.deleteRecoveryCodes()
  }

  /** The six-digit codes' lockout, with the attempts still in flight counted as failures already. */
  private admitCode(caller: Caller): Refusal | undefined {
    const locked = admit(this.tables.attempts('codes'), this.attempts.live(caller.now), caller.now)
    return locked && { refused: 'locked', ...locked }
  }

  private recordFailure(caller: Caller, budget: Budget, event?: EventType): void {
    const { state, lockedOut } = afterFailure(this.tables.attempts(budget), caller.now)
    const lockout: EventType = budget === 'codes' ? 'locked_out' : 'recovery_locked_out'
    const events: EventType[] = [...(event ? [event] : []), ...(lockedOut ? [lockout] : [])]
    this.commit(caller, events, () => this.tables.saveAttempts(budget, state))
  }

  /**
   * One transaction: the change, its events and their webhooks' outbox rows, or none of them. Then
   * the alarm (in the same synchronous step), the log lines, and the hand-off to the queue, which the
   * caller's answer does not wait for. Returns what the change did.
   */
  private commit<T>(caller: Caller, events: readonly EventType[], change: () => T): T {
    const result = this.ctx.storage.transactionSync(() => {
      const done = change()
      for (const type of events) {
        insertEvent(this.tables.sql, type, caller)
        this.outbox.add({ ...caller, type, at: caller.now })
      }
      this.faults.trip('commit')
      return done
    })
    if (events.length > 0) {
      this.outbox.armAlarm(caller.now)
      logEvents(events, caller)
      void this.outbox.flush()
    }
    return result
  }

  /** Drops codes that no longer work from the index, after the fact: an entry left behind is harmless. */
  private forgetInIndex(caller: Caller, hashes: readonly string[]): void {
    if (hashes.length === 0) return
    const stale = () =>
      console.warn(JSON.stringify({ level: 'warn', event: 'recovery_index_stale', requestId: caller.requestId }))
    this.ctx.waitUntil(
      recoveryIndex(this.env)
        .remove(caller.userId, hashes)
        .then((answer) => (isUnavailable(answer) ? stale() : undefined), stale),
    )
  }
}
