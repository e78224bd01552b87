/**
 * What the webhook tests share (the `webhooks` project of vitest.config.ts, webhooks on): the
 * emulator's receiver (emulator/src/webhook-receiver.ts) as the tests read and steer it, waiting for
 * what the real queue delivers, the dead-letter object, and requests signed as an operator's.
 */
import type { z } from 'zod'
import type { behaviourSchema, Attempt as ReceiverAttempt } from '../../emulator/src/webhook-receiver'
import { operatorHeaders } from '../../src/core/webhooks/operator'
import { DEV_WEBHOOK_SECRET } from './bindings'
import { API, call, EMULATOR } from './harness'

export interface WebhookEvent {
  type: string
  timestamp: string
  data: Record<string, unknown>
}

/** One attempt as the receiver records it, its event read as the API's body. */
export type Attempt = Omit<ReceiverAttempt, 'event'> & { event?: WebhookEvent }

export interface Accepted extends WebhookEvent {
  webhook_id: string
  attempts: number
}

export interface Received {
  attempts: Attempt[]
  accepted: Accepted[]
}

export async function received(): Promise<Received> {
  const res = await fetch(`${EMULATOR}/_emulator/webhooks`)
  if (res.status !== 200) throw new Error(`receiver: ${res.status}`)
  return res.json()
}

/** What the receiver took of one user's events (`data.user_id`), in the order it took them. */
export async function acceptedFor(userId: string): Promise<Accepted[]> {
  return (await received()).accepted.filter((event) => event.data.user_id === userId)
}

/** Every attempt at one webhook, as the receiver counted them. */
export async function attemptsAt(webhookId: string): Promise<Attempt[]> {
  return (await received()).attempts.filter((attempt) => attempt.webhook_id === webhookId)
}

/**
 * Polls until `read` answers something (the queue delivers within a batch timeout of a second, a
 * retry after its delay); bounded, so a webhook that never comes fails the test with `what`.
 */
export async function eventually<T>(read: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const value = await read()
    if (value !== undefined) return value
    if (Date.now() > until) throw new Error(`no ${what} within ${ms} ms`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

/** The receiver's accepted webhooks of a user, once there are at least `count` (of `types`, when given). */
export function acceptedEventually(userId: string, count: number, types?: readonly string[]): Promise<Accepted[]> {
  return eventually(async () => {
    const events = (await acceptedFor(userId)).filter((event) => !types || types.includes(event.type))
    return events.length >= count ? events : undefined
  }, `${count} webhook(s) for ${userId}`)
}

/** The receiver's plans (emulator/src/webhook-receiver.ts), as a PUT sends them: any left out take their defaults. */
export type Behaviour = z.input<typeof behaviourSchema>

export async function steer(behaviour: Behaviour): Promise<void> {
  const res = await fetch(`${EMULATOR}/_emulator/webhooks/behaviour`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(behaviour),
  })
  if (res.status !== 200) throw new Error(`receiver behaviour: ${res.status} ${await res.text()}`)
}

/**
 * A request signed as an operator's (src/core/webhooks/operator.ts), through the front; `secret` and
 * `at` may be another's, to be refused.
 */
export function asOperator(
  path: string,
  init: RequestInit & { body?: string } = {},
  options: { secret?: string; at?: Date; signedPath?: string; signedBody?: string } = {},
): Promise<Response> {
  const method = init.method ?? 'GET'
  const url = new URL(`${API}${path}`)
  const signed = operatorHeaders(
    options.secret ?? DEV_WEBHOOK_SECRET,
    {
      method,
      pathAndQuery: options.signedPath ?? url.pathname + url.search,
      body: options.signedBody ?? init.body ?? '',
    },
    options.at,
  )
  const headers = new Headers(init.headers)
  for (const [name, value] of Object.entries(signed)) headers.set(name, value)
  return call(path, { ...init, method, headers })
}

export interface ListedDeadLetter {
  webhook_id: string
  dead_at: string
  deaths: number
  replayable: boolean
  body: string
}

export async function deadLetters(): Promise<{ depth: number; dead_letters: ListedDeadLetter[] }> {
  const res = await asOperator('/webhooks/dead_letters?limit=100')
  if (res.status !== 200) throw new Error(`dead letters: ${res.status} ${await res.text()}`)
  return res.json()
}

/** The rows of an object's outbox (src/core/webhooks/outbox.ts), read in the object. */
export type OutboxRow = { id: string; body: string; attempts: number }
export const OUTBOX_QUERY = 'SELECT id, body, attempts FROM outbox ORDER BY seq'
