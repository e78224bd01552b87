/**
 * The webhook settings (SECURITY_WEBHOOK_*), as src/core/config.ts validates them. No zod here, so
 * the checks can be shared with the scripts that start the API.
 */

/** What the delivery needs: where, the signing secret, how long a receiver may take, when to try again. */
export interface WebhookSettings {
  url: string
  /** `whsec_` + base64, the Standard Webhooks form; only the delivery (./delivery.ts) reads it. */
  secret: string
  timeoutMs: number
  /**
   * Seconds before each retry: the first after the first failed attempt, the last repeated. How many
   * retries there are is the queue consumer's `max_retries` (wrangler.core.toml).
   */
  retryDelays: readonly number[]
}

/**
 * The default schedule: 10 s, 1 min, 5 min, 30 min, 2 h, 6 h, 12 h (the longest a Queues retry can
 * wait). Seven retries, wrangler.core.toml's `max_retries`: about 21 hours from the first attempt to
 * the dead-letter queue.
 */
export const DEFAULT_RETRY_DELAYS: readonly number[] = [10, 60, 300, 1800, 7200, 21_600, 43_200]

/** https anywhere; http only to this machine (local development against the emulator's receiver). */
export function webhookUrlAllowed(value: string): boolean {
  let url: URL
  try {
    url = new URL(value)
  } catch {
    return false
  }
  if (url.username || url.password) return false
  if (url.protocol === 'https:') return true
  return url.protocol === 'http:' && ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)
}

const SECRET_PREFIX = 'whsec_'

/** `whsec_` + the base64 of 24 to 64 bytes (the Standard Webhooks specification's bounds). */
export function webhookSecretValid(value: string): boolean {
  if (!value.startsWith(SECRET_PREFIX)) return false
  const encoded = value.slice(SECRET_PREFIX.length)
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded) || encoded.length % 4 === 1) return false
  let bytes: number
  try {
    bytes = atob(encoded).length
  } catch {
    return false
  }
  return bytes >= 24 && bytes <= 64
}
