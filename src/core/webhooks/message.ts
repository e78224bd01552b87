/**
 * A security webhook: what leaves the API for one recorded event. The body is made once, when the
 * event is written (./outbox.ts), and every attempt sends those bytes under the same `webhook-id`;
 * only `webhook-timestamp` and the signature are made anew per attempt (./delivery.ts).
 *
 * The body holds the event's type, when it happened, and who and where: never a token, a code, a
 * recovery code, a secret or an IP address (docs/webhooks.md has every type's payload).
 */
import { toBase64url } from '../../shared/tokens'

/** The JSON body a receiver gets, exactly these keys. */
export interface WebhookBody {
  /** The event's type as `/mfa_events` (or a tenant's `/mfa_events`) names it. */
  type: string
  /** ISO 8601, when the event happened (the request's clock). */
  timestamp: string
  data: {
    /** Whose MFA the event is about; for a tenant's policy change, the admin who changed it. */
    user_id: string
    /** Events recorded for a tenant: its policy changes and its admins' resets. */
    tenant_id?: string
    /** An admin's action: the admin. */
    actor_user_id?: string
    /** Two-letter country of the client, from Cloudflare; null when unknown. */
    country: string | null
    /** The client's User-Agent (at most 256 characters); null when none was sent. */
    user_agent: string | null
  }
}

/** What the object hands the queue: the id every attempt carries, and the body's exact bytes. */
export interface WebhookMessage {
  id: string
  body: string
}

// A user agent is free text of any length; a few hundred characters name any real browser.
const USER_AGENT_MAX = 256

/** The facts of one event, as the object that records it knows them. */
export interface EventFacts {
  type: string
  /** Epoch ms. */
  at: number
  userId: string
  tenantId?: string
  actorId?: string
  country?: string
  userAgent?: string
}

export function webhookBody(facts: EventFacts): string {
  const body: WebhookBody = {
    type: facts.type,
    timestamp: new Date(facts.at).toISOString(),
    data: {
      user_id: facts.userId,
      ...(facts.tenantId ? { tenant_id: facts.tenantId } : {}),
      ...(facts.actorId ? { actor_user_id: facts.actorId } : {}),
      country: facts.country ?? null,
      user_agent: facts.userAgent?.slice(0, USER_AGENT_MAX) ?? null,
    },
  }
  return JSON.stringify(body)
}

/** A webhook's id, as newWebhookId makes it. */
export const WEBHOOK_ID = /^msg_[\w-]{1,64}$/
/** A kept dead letter's: a webhook's, or `raw_<queue message id>` for a message that was not one. */
export const DEAD_LETTER_ID = /^(msg|raw)_[\w-]{1,64}$/

/** `msg_` + 22 base64url characters (128 random bits): unique per event, kept across retries. */
export function newWebhookId(): string {
  return `msg_${toBase64url(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))}`
}

/** A queue message of ours (a message of another shape is dead-lettered as it is, never retried). */
export function isWebhookMessage(value: unknown): value is WebhookMessage {
  if (typeof value !== 'object' || value === null) return false
  const { id, body } = value as Record<string, unknown>
  return typeof id === 'string' && WEBHOOK_ID.test(id) && typeof body === 'string'
}
