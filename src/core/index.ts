/**
 * The Worker's entry point. The app and its type (for `hc<AppType>` from
 * `hono/client`) live in app.ts; the Durable Object classes (the account
 * state and the tenant policies: wrangler.core.toml `[[durable_objects.bindings]]`) are exported from here.
 */
import { app } from './app'

export { RecoveryCodeIndex } from './account/recovery-index'
export { UserAccount } from './account/user-account'
export type { AppType } from './app'
export { TenantPolicy } from './tenant/policy-object'
export default app
