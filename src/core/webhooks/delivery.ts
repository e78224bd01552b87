/**
 * The core's queue consumer (its `queue()` handler, src/core/index.ts). For the webhook queue: one
 * signed POST per message to SECURITY_WEBHOOK_URL, within SECURITY_WEBHOOK_TIMEOUT_MS; a 2xx
 * acknowledges it, anything else (another status, a timeout, a refused connection) retries it after
 * the next of SECURITY_WEBHOOK_RETRY_DELAYS, and after the consumer's last retry the queue moves it
 * to the dead-letter queue. For the dead-letter queue: each message is kept in the dead-letter
 * object (./dead-letters.ts) until an operator replays it.
 *
 * Signed with the `standardwebhooks` package: `webhook-id` is the event's (the same on every
 * attempt), `webhook-timestamp` and `webhook-signature` are made for each attempt, so that a
 * receiver's five-minute tolerance holds on a retry hours later.
 */
import { Webhook } from 'standardwebhooks'
import { ConfigError, reportConfigError } from '../../shared/config-error'
import { configFor } from '../config'
import { isWebhookMessage, type WebhookMessage } from './message'
import { deadLetterBox } from './objects'
import type { WebhookSettings } from './settings'

/** A dead-letter queue is named so (wrangler.core.toml): its batches are kept, not delivered. */
const isDeadLetterQueue = (queue: string) => queue.endsWith('-dead-letters')

/** Sent as `User-Agent`, so a receiver's logs can tell our deliveries apart. */
const USER_AGENT = 'saasus-mfa-edge-webhooks/1'

/** When webhooks are off or misconfigured, a message waits this long before its next try (it is kept, not sent). */
const IDLE_RETRY_SECONDS = 3600

export async function consumeBatch(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  if (isDeadLetterQueue(batch.queue)) return keepDeadLetters(batch, env)
  let settings: WebhookSettings | undefined
  try {
    settings = configFor(env).webhooks
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error
    reportConfigError(env, error)
  }
  if (!settings) {
    // Turned off (or broken) after these were queued: kept in the queue, then in the dead letters.
    batch.retryAll({ delaySeconds: IDLE_RETRY_SECONDS })
    return
  }
  const signer = new Webhook(settings.secret)
  await Promise.all(
    batch.messages.map(async (message) => {
      if (!isWebhookMessage(message.body)) {
        // Not ours to sign: kept as it is with the dead letters, never retried.
        await env.WEBHOOK_DEAD_LETTERS.send(message.body, { contentType: 'json' })
        message.ack()
        return
      }
      const failure = await deliver(message.body, settings, signer)
      if (failure === undefined) {
        message.ack()
        return
      }
      const delays = settings.retryDelays
      const delaySeconds = delays[Math.min(message.attempts - 1, delays.length - 1)] ?? 0
      console.warn(
        JSON.stringify({
          level: 'warn',
          event: 'webhook_delivery_failed',
          webhookId: message.body.id,
          attempt: message.attempts,
          failure,
          retryInSeconds: delaySeconds,
        }),
      )
      message.retry({ delaySeconds })
    }),
  )
}

/** One attempt: undefined when the receiver answered 2xx, else why not (a status, `timeout` or `unreachable`). */
async function deliver(
  message: WebhookMessage,
  settings: WebhookSettings,
  signer = new Webhook(settings.secret),
): Promise<string | undefined> {
  const sentAt = new Date()
  try {
    const response = await fetch(settings.url, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'User-Agent': USER_AGENT,
        'webhook-id': message.id,
        'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
        'webhook-signature': signer.sign(message.id, sentAt, message.body),
      },
      body: message.body,
      // A redirect is not followed: the signed request goes only where it was configured to.
      redirect: 'manual',
      signal: AbortSignal.timeout(settings.timeoutMs),
    })
    // Nothing of the answer is read: only its status counts.
    await response.body?.cancel()
    return response.status >= 200 && response.status < 300 ? undefined : String(response.status)
  } catch (error) {
    return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')
      ? 'timeout'
      : 'unreachable'
  }
}

/** Dead letters are moved into the dead-letter object; any it could not keep come back later. */
async function keepDeadLetters(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const letters = batch.messages.map((message) => ({
    queueMessageId: message.id,
    message: isWebhookMessage(message.body) ? message.body : undefined,
    raw: isWebhookMessage(message.body) ? undefined : JSON.stringify(message.body ?? null).slice(0, 8_192),
  }))
  try {
    const { depth } = await deadLetterBox(env).keep(letters, Date.now())
    console.error(
      JSON.stringify({
        level: 'error',
        event: 'webhook_dead_lettered',
        webhookIds: letters.flatMap((letter) => (letter.message ? [letter.message.id] : [])),
        count: letters.length,
        depth,
      }),
    )
    batch.ackAll()
  } catch (error) {
    // The dead-letter object out of reach: the queue brings the batch again in a minute.
    const cause = error instanceof Error ? error.name : 'unknown'
    console.error(
      JSON.stringify({ level: 'error', event: 'webhook_dead_letters_unkept', count: letters.length, cause }),
    )
    batch.retryAll({ delaySeconds: 60 })
  }
}
