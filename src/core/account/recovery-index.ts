/**
 * Where a recovery code's owner is found: one global object mapping the hash of
 * every live code to its user id, for `POST /mfa_recover`, whose caller has no
 * token to say who they are. It only says where to ask: the owner's account
 * object decides whether the code is good, so an entry left behind by a failure
 * (docs/account-protection.md, "Failure order") can never make a code work.
 */
import { DurableObject } from 'cloudflare:workers'
import { answeringFaults, type Done, type FaultPoint, FaultSwitch } from '../storage/faults'
import type { RecoveryIndexRpc } from './protocol'

export class RecoveryCodeIndex extends DurableObject<Env> implements RecoveryIndexRpc {
  private readonly sql: SqlStorage
  private readonly faults: FaultSwitch

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    this.sql.exec('CREATE TABLE IF NOT EXISTS owners (hash TEXT PRIMARY KEY, user_id TEXT NOT NULL)')
    this.faults = new FaultSwitch(env)
  }

  add(userId: string, hashes: readonly string[]): Promise<Done> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      this.ctx.storage.transactionSync(() => {
        for (const hash of hashes) {
          this.sql.exec('INSERT OR REPLACE INTO owners (hash, user_id) VALUES (?, ?)', hash, userId)
        }
      })
      return { ok: true }
    })
  }

  ownerOf(hash: string): Promise<Done<{ userId: string | null }>> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      const row = this.sql.exec<{ user_id: string }>('SELECT user_id FROM owners WHERE hash = ?', hash).toArray()[0]
      return { ok: true, userId: row?.user_id ?? null }
    })
  }

  remove(userId: string, hashes: readonly string[]): Promise<Done> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      this.ctx.storage.transactionSync(() => {
        for (const hash of hashes) this.sql.exec('DELETE FROM owners WHERE hash = ? AND user_id = ?', hash, userId)
      })
      return { ok: true }
    })
  }

  async armFault(point: FaultPoint): Promise<void> {
    this.faults.arm(point)
  }
}
