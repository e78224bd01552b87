/**
 * How the dead-letter object is found (wrangler.core.toml `[[durable_objects.bindings]]`
 * WEBHOOK_DEAD_LETTER_BOX): one per deployment. Kept apart from the class, which imports
 * `cloudflare:workers`.
 */
import type { DeadLetterBoxRpc } from './dead-letter-protocol'

const BOX_NAME = 'webhook-dead-letters'

export const deadLetterBox = (env: Env): DeadLetterBoxRpc =>
  env.WEBHOOK_DEAD_LETTER_BOX.get(env.WEBHOOK_DEAD_LETTER_BOX.idFromName(BOX_NAME))
