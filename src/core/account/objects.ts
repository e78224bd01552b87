/**
 * How the account objects are found (wrangler.core.toml `[[durable_objects.bindings]]`):
 * one per SaaSus user id, and one index of recovery codes. Kept apart from the
 * classes, which import `cloudflare:workers`, so the app's module graph (and the
 * Node scripts that bundle it) never loads them.
 */

/** The one index object's name. */
const INDEX_NAME = 'recovery-codes'

export const accountObject = (env: Env, userId: string) => env.ACCOUNTS.get(env.ACCOUNTS.idFromName(userId))

export const recoveryIndex = (env: Env) => env.RECOVERY_INDEX.get(env.RECOVERY_INDEX.idFromName(INDEX_NAME))
