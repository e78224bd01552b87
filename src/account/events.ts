/**
 * Security activity: what happened to a user's MFA, kept in their account
 * object and written in the same transaction as the change it records. The last
 * EVENTS_SHOWN are kept, none longer than EVENT_RETENTION_MS. Each event is also
 * one structured log line, once its transaction is committed.
 *
 * An event holds its type, time, the client's country and user agent: no
 * secret, code, token or IP address.
 */
import type { Caller } from './protocol'

export const EVENT_TYPES = [
  'authenticator_setup',
  'authenticator_registered',
  'mfa_enabled',
  'mfa_disabled',
  'recovery_codes_created',
  'recovery_code_used',
  'step_up_failed',
  'locked_out',
] as const

export type EventType = (typeof EVENT_TYPES)[number]

export interface AccountEvent {
  type: EventType
  /** Epoch ms. */
  at: number
  country?: string
  userAgent?: string
}

export const EVENTS_SHOWN = 50
export const EVENT_RETENTION_MS = 90 * 24 * 60 * 60 * 1000 // 90 days

// A user agent is free text of any length; a few hundred characters name any real browser.
const USER_AGENT_MAX = 256

export const EVENTS_TABLE = `CREATE TABLE IF NOT EXISTS events (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  type TEXT NOT NULL,
  at INTEGER NOT NULL,
  country TEXT,
  user_agent TEXT
)`

/** Inserts an event and drops what is no longer kept; call inside the change's transaction. */
export function insertEvent(sql: SqlStorage, type: EventType, caller: Caller): void {
  sql.exec(
    'INSERT INTO events (type, at, country, user_agent) VALUES (?, ?, ?, ?)',
    type,
    caller.now,
    caller.country ?? null,
    caller.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
  )
  pruneEvents(sql, caller.now)
}

/** Deletes events past retention or beyond the newest EVENTS_SHOWN. */
export function pruneEvents(sql: SqlStorage, now: number): void {
  sql.exec(
    'DELETE FROM events WHERE at < ? OR id NOT IN (SELECT id FROM events ORDER BY id DESC LIMIT ?)',
    now - EVENT_RETENTION_MS,
    EVENTS_SHOWN,
  )
}

/** When the oldest kept event passes retention (for the object's alarm), or undefined when none is kept. */
export function eventsExpireAt(sql: SqlStorage): number | undefined {
  const oldest = sql.exec<{ at: number | null }>('SELECT MIN(at) AS at FROM events').one().at
  return oldest === null ? undefined : oldest + EVENT_RETENTION_MS
}

export function listEvents(sql: SqlStorage, now: number): AccountEvent[] {
  const rows = sql.exec<{ type: EventType; at: number; country: string | null; user_agent: string | null }>(
    'SELECT type, at, country, user_agent FROM events WHERE at >= ? ORDER BY id DESC LIMIT ?',
    now - EVENT_RETENTION_MS,
    EVENTS_SHOWN,
  )
  return [...rows].map((row) => ({
    type: row.type,
    at: row.at,
    ...(row.country ? { country: row.country } : {}),
    ...(row.user_agent ? { userAgent: row.user_agent } : {}),
  }))
}

/** The log line of committed events: type, user and request, never the user agent (free text). */
export function logEvents(types: readonly EventType[], caller: Caller): void {
  for (const type of types) {
    console.log(
      JSON.stringify({
        level: type === 'locked_out' || type === 'step_up_failed' ? 'warn' : 'info',
        event: 'account_event',
        type,
        userId: caller.userId,
        requestId: caller.requestId,
        ...(caller.country ? { country: caller.country } : {}),
      }),
    )
  }
}
