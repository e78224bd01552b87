/**
 * The account object's tables (SQLite in the Durable Object) and the reads and
 * writes of them. The order of an operation's steps is user-account.ts's; this
 * file only knows the rows. Everything here is synchronous: a caller's sequence
 * of these calls sees no other request in between.
 */
import { EVENTS_TABLE, migrateEvents } from './events'
import { type AttemptState, NO_ATTEMPTS } from './lockout'
import type { RecoveryCodesSummary } from './protocol'
import type { Sealed } from './secret-box'

/** Which attempt count: six-digit codes (verify, step-up), or recovery codes, each in a table of its own. */
export type Budget = 'codes' | 'recovery'
// Recovery codes count apart, so that wrong six-digit codes never block recovery.
const BUDGET_TABLE = { codes: 'attempts', recovery: 'recovery_attempts' } as const satisfies Record<Budget, string>

const SCHEMA = [
  // `pending`: handed out by /mfa_setup; `current`: registered at SaaSus by /mfa_verify.
  `CREATE TABLE IF NOT EXISTS authenticator (
    slot TEXT PRIMARY KEY CHECK (slot IN ('pending', 'current')),
    key_id TEXT NOT NULL,
    iv BLOB NOT NULL,
    ciphertext BLOB NOT NULL,
    last_step INTEGER NOT NULL DEFAULT 0
  )`,
  'CREATE TABLE IF NOT EXISTS recovery_codes (hash TEXT PRIMARY KEY, created_at INTEGER NOT NULL)',
  ...Object.values(BUDGET_TABLE).map(
    (table) => `CREATE TABLE IF NOT EXISTS ${table} (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    failures INTEGER NOT NULL,
    locked_until INTEGER NOT NULL
  )`,
  ),
  // An authenticator registered through this API since MFA was last turned off: enabling needs it.
  `CREATE TABLE IF NOT EXISTS registration (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    registered_at INTEGER NOT NULL
  )`,
  EVENTS_TABLE,
]

export type Slot = 'pending' | 'current'

export interface StoredSecret {
  sealed: Sealed
  /** The last step whose code was accepted: each code is good once. */
  lastStep: number
}

export class AccountTables {
  readonly sql: SqlStorage

  /** Creates the tables that do not exist yet: a fresh object needs no migration step. */
  constructor(sql: SqlStorage) {
    this.sql = sql
    for (const statement of SCHEMA) sql.exec(statement)
    migrateEvents(sql)
  }

  attempts(budget: Budget): AttemptState {
    const row = this.sql
      .exec<{ failures: number; locked_until: number }>(
        `SELECT failures, locked_until FROM ${BUDGET_TABLE[budget]} WHERE id = 1`,
      )
      .toArray()[0]
    return row ? { failures: row.failures, lockedUntil: row.locked_until } : NO_ATTEMPTS
  }

  saveAttempts(budget: Budget, state: AttemptState): void {
    this.sql.exec(
      `INSERT OR REPLACE INTO ${BUDGET_TABLE[budget]} (id, failures, locked_until) VALUES (1, ?, ?)`,
      state.failures,
      state.lockedUntil,
    )
  }

  /** Whether an authenticator was registered through this API since MFA was last turned off. */
  registered(): boolean {
    return this.sql.exec('SELECT 1 FROM registration WHERE id = 1').toArray().length > 0
  }

  saveRegistration(at: number): void {
    this.sql.exec('INSERT OR REPLACE INTO registration (id, registered_at) VALUES (1, ?)', at)
  }

  /** MFA is being turned off: enabling it again will need a new registration. */
  forgetRegistration(): void {
    this.sql.exec('DELETE FROM registration')
  }

  readSecret(slot: Slot): StoredSecret | undefined {
    const row = this.sql
      .exec<{ key_id: string; iv: ArrayBuffer; ciphertext: ArrayBuffer; last_step: number }>(
        'SELECT key_id, iv, ciphertext, last_step FROM authenticator WHERE slot = ?',
        slot,
      )
      .toArray()[0]
    return row && { sealed: { keyId: row.key_id, iv: row.iv, ciphertext: row.ciphertext }, lastStep: row.last_step }
  }

  writeSecret(slot: Slot, sealed: Sealed, lastStep: number): void {
    this.sql.exec(
      'INSERT OR REPLACE INTO authenticator (slot, key_id, iv, ciphertext, last_step) VALUES (?, ?, ?, ?, ?)',
      slot,
      sealed.keyId,
      sealed.iv,
      sealed.ciphertext,
      lastStep,
    )
  }

  deleteSecrets(slot?: Slot): void {
    if (slot) this.sql.exec('DELETE FROM authenticator WHERE slot = ?', slot)
    else this.sql.exec('DELETE FROM authenticator')
  }

  hasRecoveryCode(hash: string): boolean {
    return this.sql.exec('SELECT 1 FROM recovery_codes WHERE hash = ?', hash).toArray().length > 0
  }

  insertRecoveryCodes(hashes: readonly string[], createdAt: number): void {
    for (const hash of hashes) {
      this.sql.exec('INSERT INTO recovery_codes (hash, created_at) VALUES (?, ?)', hash, createdAt)
    }
  }

  /** Deletes every recovery code; returns their hashes, for the index. */
  deleteRecoveryCodes(): string[] {
    const hashes = this.sql.exec<{ hash: string }>('SELECT hash FROM recovery_codes').toArray()
    this.sql.exec('DELETE FROM recovery_codes')
    return hashes.map((row) => row.hash)
  }

  recoveryCodes(): RecoveryCodesSummary {
    const row = this.sql
      .exec<{ remaining: number; created_at: number | null }>(
        'SELECT COUNT(*) AS remaining, MAX(created_at) AS created_at FROM recovery_codes',
      )
      .one()
    return { remaining: row.remaining, createdAt: row.created_at }
  }
}
