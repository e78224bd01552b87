/**
 * What the Worker (its queue consumer, the operator's routes) and the dead-letter object
 * (`WebhookDeadLetterBox`, ./dead-letters.ts) say to each other over Workers RPC.
 */
import type { WebhookMessage } from './message'

/** A message of the dead-letter queue: a webhook (`message`), or anything else as JSON text (`raw`). */
export interface DeadLetter {
  queueMessageId: string
  message?: WebhookMessage
  raw?: string
}

/** Where a dead letter stands in the list (oldest first): when it died, then its id. */
export interface DeadLetterPosition {
  deadAt: number
  id: string
}

/** A kept dead letter, as the operator's list shows it. */
export interface KeptDeadLetter {
  /** The webhook's `webhook-id`, or `raw_<queue message id>` for a message that was not a webhook. */
  id: string
  /** Epoch ms it was (last) dead-lettered. */
  deadAt: number
  /** How many times it reached the dead-letter queue (more than once: replayed, and it died again). */
  deaths: number
  /** The webhook's body as sent; for a raw message, its JSON text. */
  body: string
  /** A webhook, which replay sends again; a raw message is only listed. */
  replayable: boolean
}

export interface DeadLetterBoxRpc {
  /** Keeps these (a webhook dead-lettered again counts one more death); answers how many are kept. */
  keep(letters: readonly DeadLetter[], now: number): Promise<{ depth: number }>
  /**
   * The oldest kept first, at most `limit`, after `after` (the last of the page before) when given;
   * `more` when others follow; `depth` counts all.
   */
  list(limit: number, after?: DeadLetterPosition): Promise<{ depth: number; letters: KeptDeadLetter[]; more: boolean }>
  /**
   * Sends these webhooks (by id; none named: the oldest `limit`) to the webhook queue again, under
   * their own ids, and stops counting them once the queue took them (one that dies again is kept
   * again, one more death). Answers which went, and how many are left.
   */
  replay(ids: readonly string[] | undefined, limit: number): Promise<{ replayed: string[]; depth: number }>
}
