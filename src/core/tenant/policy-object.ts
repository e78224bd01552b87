/**
 * One tenant's MFA policy and its history, in a Durable Object with SQLite storage (one object per
 * SaaSus tenant id). Every change is written with its event in one transaction; events are kept a
 * year, at most EVENTS_KEPT of them. Its RPC surface is ./protocol.ts.
 */
import { DurableObject } from 'cloudflare:workers'
import { configFor } from '../config'
import { answeringFaults, type Done, type FaultPoint, FaultSwitch } from '../storage/faults'
import { Outbox } from '../webhooks/outbox'
import {
  type Actor,
  DEFAULT_POLICY,
  type MfaPolicy,
  type TenantEvent,
  type TenantEventType,
  type TenantPolicyRpc,
} from './protocol'

export const EVENTS_KEPT = 1_000
export const EVENTS_LISTED = 100
export const EVENT_RETENTION_MS = 365 * 24 * 60 * 60 * 1000

const SCHEMA = [
  `CREATE TABLE IF NOT EXISTS policy (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    required INTEGER NOT NULL,
    grace_days INTEGER NOT NULL,
    required_since INTEGER,
    updated_at INTEGER NOT NULL,
    updated_by TEXT NOT NULL
  )`,
  `CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    type TEXT NOT NULL,
    at INTEGER NOT NULL,
    actor_id TEXT NOT NULL,
    target_user_id TEXT,
    required INTEGER,
    grace_days INTEGER
  )`,
]

type EventRow = {
  type: TenantEventType
  at: number
  actor_id: string
  target_user_id: string | null
  required: number | null
  grace_days: number | null
}

export class TenantPolicy extends DurableObject<Env> implements TenantPolicyRpc {
  private readonly sql: SqlStorage
  private readonly faults: FaultSwitch
  /** Each event's webhook, written with it (../webhooks/outbox.ts). */
  private readonly outbox: Outbox

  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env)
    this.sql = ctx.storage.sql
    for (const statement of SCHEMA) this.sql.exec(statement)
    this.faults = new FaultSwitch(env)
    this.outbox = new Outbox({
      sql: this.sql,
      storage: ctx.storage,
      queue: configFor(env).webhooks ? env.WEBHOOKS : undefined,
      faults: this.faults,
    })
  }

  policy(): Promise<Done<{ policy: MfaPolicy }>> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      return { ok: true, policy: this.read() }
    })
  }

  setPolicy(
    actor: Actor,
    change: { required: boolean; graceDays: number },
  ): Promise<Done<{ policy: MfaPolicy; changed: boolean }>> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      const before = this.read()
      const policy: MfaPolicy = {
        required: change.required,
        graceDays: change.graceDays,
        requiredSince: change.required ? (before.requiredSince ?? actor.now) : null,
      }
      if (policy.required === before.required && policy.graceDays === before.graceDays) {
        return { ok: true, policy: before, changed: false }
      }
      this.ctx.storage.transactionSync(() => {
        this.sql.exec(
          `INSERT OR REPLACE INTO policy (id, required, grace_days, required_since, updated_at, updated_by)
           VALUES (1, ?, ?, ?, ?, ?)`,
          policy.required ? 1 : 0,
          policy.graceDays,
          policy.requiredSince,
          actor.now,
          actor.userId,
        )
        this.insertEvent('mfa_policy_changed', actor, { required: policy.required, graceDays: policy.graceDays })
        this.faults.trip('commit')
      })
      this.committed('mfa_policy_changed', actor)
      return { ok: true, policy, changed: true }
    })
  }

  recordMemberReset(actor: Actor, targetUserId: string): Promise<Done> {
    return answeringFaults(() => {
      this.faults.trip('enter', 'record')
      this.ctx.storage.transactionSync(() => {
        this.insertEvent('member_mfa_reset', actor, { targetUserId })
        this.faults.trip('commit')
      })
      this.committed('member_mfa_reset', actor, targetUserId)
      return { ok: true }
    })
  }

  events(now: number): Promise<Done<{ events: TenantEvent[] }>> {
    return answeringFaults(() => {
      this.faults.trip('enter')
      const rows = this.sql.exec<EventRow>(
        `SELECT type, at, actor_id, target_user_id, required, grace_days FROM events
         WHERE at >= ? ORDER BY at DESC, id DESC LIMIT ?`,
        now - EVENT_RETENTION_MS,
        EVENTS_LISTED,
      )
      return { ok: true, events: [...rows].map(eventOf) }
    })
  }

  /** Hands the outbox's rows to the queue where the object's own hand-off did not. */
  override async alarm(): Promise<void> {
    await this.outbox.flush()
    this.outbox.armAlarm(Date.now())
  }

  async armFault(point: FaultPoint): Promise<void> {
    this.faults.arm(point)
  }

  /** After an event's transaction: the alarm (same synchronous step), the log line, the hand-off. */
  private committed(type: TenantEventType, actor: Actor, targetUserId?: string): void {
    this.outbox.armAlarm(actor.now)
    logTenantEvent(type, actor, targetUserId)
    void this.outbox.flush()
  }

  private read(): MfaPolicy {
    const row = this.sql
      .exec<{ required: number; grace_days: number; required_since: number | null }>(
        'SELECT required, grace_days, required_since FROM policy WHERE id = 1',
      )
      .toArray()[0]
    if (!row) return DEFAULT_POLICY
    return { required: row.required === 1, graceDays: row.grace_days, requiredSince: row.required_since }
  }

  /** Inside the change's transaction; also drops what is past retention or beyond EVENTS_KEPT. */
  private insertEvent(
    type: TenantEventType,
    actor: Actor,
    facts: { targetUserId?: string; required?: boolean; graceDays?: number },
  ): void {
    this.sql.exec(
      'INSERT INTO events (type, at, actor_id, target_user_id, required, grace_days) VALUES (?, ?, ?, ?, ?, ?)',
      type,
      actor.now,
      actor.userId,
      facts.targetUserId ?? null,
      facts.required === undefined ? null : facts.required ? 1 : 0,
      facts.graceDays ?? null,
    )
    // The webhook: about the member for a reset, about the admin for a policy change.
    this.outbox.add({
      type,
      at: actor.now,
      userId: facts.targetUserId ?? actor.userId,
      tenantId: actor.tenantId,
      actorId: actor.userId,
      ...(actor.country ? { country: actor.country } : {}),
      ...(actor.userAgent ? { userAgent: actor.userAgent } : {}),
    })
    this.sql.exec('DELETE FROM events WHERE at < ?', actor.now - EVENT_RETENTION_MS)
    this.sql.exec(
      'DELETE FROM events WHERE id NOT IN (SELECT id FROM events ORDER BY at DESC, id DESC LIMIT ?)',
      EVENTS_KEPT,
    )
  }
}

function eventOf(row: EventRow): TenantEvent {
  return {
    type: row.type,
    at: row.at,
    actorId: row.actor_id,
    ...(row.target_user_id === null ? {} : { targetUserId: row.target_user_id }),
    ...(row.required === null ? {} : { required: row.required === 1 }),
    ...(row.grace_days === null ? {} : { graceDays: row.grace_days }),
  }
}

/** The log line of a committed event: its type, the admin, the member, the request; nothing else. */
function logTenantEvent(type: TenantEventType, actor: Actor, targetUserId?: string): void {
  console.log(
    JSON.stringify({
      level: 'info',
      event: 'tenant_event',
      type,
      tenantId: actor.tenantId,
      actorId: actor.userId,
      ...(targetUserId ? { targetUserId } : {}),
      requestId: actor.requestId,
    }),
  )
}
