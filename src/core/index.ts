/**
 * The Worker's entry point: the app (its type, for `hc<AppType>` from `hono/client`, lives in
 * app.ts) and the queue consumer that delivers security webhooks (./webhooks/delivery.ts). The
 * Durable Object classes (account state, tenant policies, webhook dead letters: wrangler.core.toml
 * `[[durable_objects.bindings]]`) are exported from here.
 */
import { app } from './app'
import { consumeBatch } from './webhooks/delivery'

export { RecoveryCodeIndex } from './account/recovery-index'
export { UserAccount } from './account/user-account'
export type { AppType } from './app'
export { TenantPolicy } from './tenant/policy-object'
export { WebhookDeadLetterBox } from './webhooks/dead-letters'

export default {
  fetch: app.fetch,
  queue: consumeBatch,
} satisfies ExportedHandler<Env>
