/**
 * The bindings vitest.config.ts gives the test workers beyond wrangler.toml's,
 * for the tests to read as well. Plain values only: vitest.config.ts and the
 * Node scripts import this file too.
 */

import { DEV_WEBHOOK_SECRET } from '../../emulator/src/credentials.ts'

export { DEV_WEBHOOK_SECRET, EMULATOR_CREDENTIALS } from '../../emulator/src/credentials.ts'

/** The origin the tests' SPA is served from. */
export const SPA_ORIGIN = 'https://spa.example.com'

/** The API's ALLOWED_ORIGINS in the tests: the SPA, and a local SPA dev server. */
export const ALLOWED_ORIGINS = `${SPA_ORIGIN},http://localhost:3000`

/** The front's [vars] (wrangler.toml), as the front worker of the tests gets them. */
export const FRONT_BINDINGS = { SERVE_API_REFERENCE: 'false', REQUEST_LOG: 'all' }

/**
 * The core's webhook settings in the `webhooks` project (vitest.config.ts): the emulator's receiver
 * (every outbound fetch of the core reaches the emulator, host kept), its development secret, a
 * short timeout and retries at once, so that a dead letter is reached in seconds.
 */
export const WEBHOOK_URL = 'https://hooks.example.com/_emulator/webhooks'
export const WEBHOOK_BINDINGS = {
  SECURITY_WEBHOOK_URL: WEBHOOK_URL,
  SECURITY_WEBHOOK_SECRET: DEV_WEBHOOK_SECRET,
  SECURITY_WEBHOOK_TIMEOUT_MS: '1000',
  SECURITY_WEBHOOK_RETRY_DELAYS: '0',
}
