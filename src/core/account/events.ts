/**
 * Security activity: what happened to a user's MFA, kept in their account
 * object and written in the same transaction as the change it records. Each
 * event is also one structured log line, once its transaction is committed.
 *
 * What is kept, so that someone holding a stolen token cannot flush the record
 * of what they did (docs/account-protection.md, "Security activity"):
 * - a repeat of an event (same type) within a day of that entry's last
 *   occurrence adds to the entry's `count` instead of writing a new one, so no
 *   number of calls that change nothing makes more than one entry a day;
 * - evidence (an attack, or MFA turned off) is kept for the whole retention
 *   period, whatever else happens; routine entries only the newest ROUTINE_KEPT;
 * - nothing is kept past EVENT_RETENTION_MS after its last occurrence.
 *
 * An event holds its type, times, count, the client's country and user agent
 * (the last occurrence's): no secret, code, token or IP address.
 */
import type { AccountEvent, Caller, EventType } from './protocol'

/** Events that record an attack or MFA turned off: never pushed out by newer ones. */
export const EVIDENCE_TYPES: readonly EventType[] = [
  'mfa_disabled',
  'mfa_reset_by_admin',
  'recovery_code_used',
  'step_up_failed',
  'locked_out',
  'recovery_locked_out',
]

/** Routine entries (set up, registered, enabled, codes created) kept: the newest this many. */
export const ROUTINE_KEPT = 50
export const EVENT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000 // 90 days
/** A repeat within this long of an entry's last occurrence is counted in it. */
export const REPEAT_WINDOW_MS = 24 * 60 * 60 * 1000 // 1 day: at most one entry a day per type

// A user agent is free text of any length; a few hundred characters name any real browser.
const USER_AGENT_MAX = 256

export const EVENTS_TABLE = `CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  country TEXT,
  user_agent TEXT,
  first_at INTEGER,
  count INTEGER NOT NULL DEFAULT 1,
  actor_id TEXT
)`

/** Columns added after the first release: an object made before gets them on its next start. */
export function migrateEvents(sql: SqlStorage): void {
  const columns = new Set(
    sql
      .exec<{ name: string }>('PRAGMA table_info(events)')
      .toArray()
      .map((row) => row.name),
  )
  if (!columns.has('first_at')) sql.exec('ALTER TABLE events ADD COLUMN first_at INTEGER')
  if (!columns.has('count')) sql.exec('ALTER TABLE events ADD COLUMN count INTEGER NOT NULL DEFAULT 1')
  if (!columns.has('actor_id')) sql.exec('ALTER TABLE events ADD COLUMN actor_id TEXT')
}

const EVIDENCE_LIST = EVIDENCE_TYPES.map((type) => `'${type}'`).join(', ')

/** Records an event (a new entry, or one more of a recent one); call inside the change's transaction. */
export function insertEvent(sql: SqlStorage, type: EventType, caller: Caller): void {
  const country = caller.country ?? null
  const userAgent = caller.userAgent?.slice(0, USER_AGENT_MAX) ?? null
  const actorId = caller.actorId ?? null
  const recent = sql
    .exec<{ id: number }>(
      'SELECT id FROM events WHERE type = ? AND at <= ? AND at > ? ORDER BY at DESC, id DESC LIMIT 1',
      type,
      caller.now,
      caller.now - REPEAT_WINDOW_MS,
    )
    .toArray()[0]
  if (recent) {
    sql.exec(
      'UPDATE events SET count = count + 1, at = ?, country = ?, user_agent = ?, actor_id = ? WHERE id = ?',
      caller.now,
      country,
      userAgent,
      actorId,
      recent.id,
    )
  } else {
    sql.exec(
      'INSERT INTO events (type, at, first_at, count, country, user_agent, actor_id) VALUES (?, ?, ?, 1, ?, ?, ?)',
      type,
      caller.now,
      caller.now,
      country,
      userAgent,
      actorId,
    )
  }
  pruneEvents(sql, caller.now)
}

/** Deletes entries past retention, and routine entries beyond the newest ROUTINE_KEPT. */
export function pruneEvents(sql: SqlStorage, now: number): void {
  sql.exec('DELETE FROM events WHERE at < ?', now - EVENT_RETENTION_MS)
  sql.exec(
    `DELETE FROM events WHERE type NOT IN (${EVIDENCE_LIST}) AND id NOT IN
      (SELECT id FROM events WHERE type NOT IN (${EVIDENCE_LIST}) ORDER BY at DESC, id DESC LIMIT ?)`,
    ROUTINE_KEPT,
  )
}

/** When the oldest kept entry passes retention (for the object's alarm), or undefined when none is kept. */
export function eventsExpireAt(sql: SqlStorage): number | undefined {
  const oldest = sql.exec<{ at: number | null }>('SELECT MIN(at) AS at FROM events').one().at
  return oldest === null ? undefined : oldest + EVENT_RETENTION_MS
}

/** Every kept entry of the retention period, newest first. */
export function listEvents(sql: SqlStorage, now: number): AccountEvent[] {
  const rows = sql.exec<{
    type: EventType
    at: number
    first_at: number | null
    count: number
    country: string | null
    user_agent: string | null
    actor_id: string | null
  }>(
    'SELECT type, at, first_at, count, country, user_agent, actor_id FROM events WHERE at >= ? ORDER BY at DESC, id DESC',
    now - EVENT_RETENTION_MS,
  )
  return [...rows].map((row) => ({
    type: row.type,
    at: row.at,
    firstAt: row.first_at ?? row.at,
    count: row.count,
    ...(row.country ? { country: row.country } : {}),
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
    ...(row.actor_id ? { actorId: row.actor_id } : {}),
  }))
}

/** Events an operator may want alerts on: someone is guessing. */
const WARNINGS: readonly EventType[] = ['step_up_failed', 'locked_out', 'recovery_locked_out']

/** The log line of committed events: type, user and request, never the user agent (free text). */
export function logEvents(types: readonly EventType[], caller: Caller): void {
  for (const type of types) {
    console.log(
      JSON.stringify({
        level: WARNINGS.includes(type) ? 'warn' : 'info',
        event: 'account_event',
        type,
        userId: caller.userId,
        requestId: caller.requestId,
        ...(caller.actorId ? { actorId: caller.actorId } : {}),
        ...(caller.country ? { country: caller.country } : {}),
      }),
    )
  }
}
