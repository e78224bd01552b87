/**
 * The outbox of an object that records security events (an account object, a tenant's policy): one
 * row per event to send as a webhook, written in the same transaction as the change and its event,
 * so that a change is never recorded without its webhook, nor a webhook sent for a change rolled back.
 *
 * The order of writes (docs/webhooks.md, "What a failure leaves"):
 *   1. the change, its event and its outbox row: one transaction; the object's alarm is set, in the
 *      same synchronous step, to go off HANDOFF_GRACE_MS later;
 *   2. after the object has answered, `flush` hands the due rows to the queue (`sendBatch`);
 *   3. only once the queue has them are the rows deleted (sent), and the alarm set to what is left.
 * A crash before 3 leaves the rows, and the alarm hands them over again: a webhook may go twice,
 * under the same `webhook-id`, and is never dropped. A queue that refuses puts the rows off, with
 * growing delays, until it takes them.
 *
 * With webhooks off (no SECURITY_WEBHOOK_URL) nothing is written here and nothing is sent.
 */
import type { FaultSwitch } from '../storage/faults'
import { type EventFacts, newWebhookId, type WebhookMessage, webhookBody } from './message'

export const OUTBOX_TABLE = `CREATE TABLE IF NOT EXISTS outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  due_at INTEGER NOT NULL
)`

/** How long after a commit the alarm looks for rows the object's own hand-off did not deliver. */
export const HANDOFF_GRACE_MS = 30_000
/** Rows handed to the queue at once (a `sendBatch` takes at most 100 messages). */
export const HANDOFF_BATCH = 100
/** The longest a row waits between two hand-offs the queue refused. */
const HANDOFF_BACKOFF_MAX_MS = 60 * 60 * 1000

/** The producer side of the webhook queue (wrangler.core.toml `[[queues.producers]]` WEBHOOKS). */
export type WebhookQueue = Pick<Queue<WebhookMessage>, 'sendBatch'>

export interface OutboxOptions {
  sql: SqlStorage
  storage: DurableObjectStorage
  /** Absent when webhooks are off: no row is written, none sent. */
  queue: WebhookQueue | undefined
  faults: FaultSwitch
  /** When the object's alarm must go off for its own reasons (events to prune), if ever. */
  otherAlarm?: () => number | undefined
}

export class Outbox {
  private readonly options: OutboxOptions
  /** The hand-off running now; a second asked meanwhile runs after it (one at a time: no row sent twice by us). */
  private running: Promise<void> | undefined
  private again = false

  constructor(options: OutboxOptions) {
    this.options = options
    options.sql.exec(OUTBOX_TABLE)
  }

  get enabled(): boolean {
    return this.options.queue !== undefined
  }

  /** One row for one event. Call inside the change's transaction. */
  add(facts: EventFacts): void {
    if (!this.enabled) return
    this.options.sql.exec(
      'INSERT INTO outbox (id, body, created_at, due_at) VALUES (?, ?, ?, ?)',
      newWebhookId(),
      webhookBody(facts),
      facts.at,
      facts.at,
    )
  }

  /**
   * Sets the alarm to the earliest of: a hand-off to check (HANDOFF_GRACE_MS from now, or a put-off
   * row's due time) and the object's own. Synchronous call, so that right after a commit it is part
   * of the same write.
   */
  armAlarm(now: number): void {
    const { sql, storage, otherAlarm } = this.options
    // Rows left from before webhooks were turned off wait, without waking the object, until they are on again.
    const due = this.enabled ? sql.exec<{ at: number | null }>('SELECT MIN(due_at) AS at FROM outbox').one().at : null
    const outbox = due === null ? undefined : Math.max(due, now + HANDOFF_GRACE_MS)
    const times = [outbox, otherAlarm?.()].filter((time): time is number => time !== undefined)
    if (times.length > 0) void storage.setAlarm(Math.min(...times))
    else void storage.deleteAlarm()
  }

  /** Hands every due row to the queue; never throws (a failure leaves the rows for the alarm). */
  flush(now = Date.now()): Promise<void> {
    if (!this.enabled) return Promise.resolve()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      try {
        do {
          this.again = false
          if (!(await this.handOff(now))) break
          now = Date.now()
        } while (this.again || this.dueCount(now) > 0)
      } catch (error) {
        // A crash between the queue and the mark (a test's fault, or storage): the alarm sends again.
        logHandOff('webhook_handoff_interrupted', error)
      } finally {
        this.running = undefined
      }
    })()
    return this.running
  }

  private dueCount(now: number): number {
    return this.options.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM outbox WHERE due_at <= ?', now).one().n
  }

  /** One batch: handed over and marked sent, or put off. Whether there was anything to hand over. */
  private async handOff(now: number): Promise<boolean> {
    const { sql, queue, faults } = this.options
    const rows = sql
      .exec<{ id: string; body: string; attempts: number }>(
        'SELECT id, body, attempts FROM outbox WHERE due_at <= ? ORDER BY seq LIMIT ?',
        now,
        HANDOFF_BATCH,
      )
      .toArray()
    if (rows.length === 0 || !queue) return false
    // Tests: the object stops between its commit and the queue.
    faults.trip('handOff')
    try {
      await queue.sendBatch(rows.map(({ id, body }) => ({ body: { id, body }, contentType: 'json' })))
    } catch (error) {
      // The queue did not take them: each row waits longer, the alarm tries again.
      for (const row of rows) {
        const wait = Math.min(HANDOFF_GRACE_MS * 2 ** row.attempts, HANDOFF_BACKOFF_MAX_MS)
        sql.exec('UPDATE outbox SET attempts = attempts + 1, due_at = ? WHERE id = ?', now + wait, row.id)
      }
      logHandOff('webhook_handoff_failed', error, rows.length)
      this.armAlarm(now)
      return false
    }
    // Tests: the object stops after the queue took the rows, before they are marked sent.
    faults.trip('sent')
    for (const row of rows) sql.exec('DELETE FROM outbox WHERE id = ?', row.id)
    this.armAlarm(now)
    return true
  }
}

function logHandOff(event: string, error: unknown, rows?: number): void {
  // The error's own words, bounded and reduced to plain characters: never a body.
  const cause =
    error instanceof Error ? `${error.name}: ${error.message}`.replace(/[^\w .:-]/g, '_').slice(0, 120) : 'unknown'
  console.warn(JSON.stringify({ level: 'warn', event, cause, ...(rows === undefined ? {} : { rows }) }))
}
