/**
 * The bindings vitest.config.ts gives the test workers beyond wrangler.toml's,
 * for the tests to read as well. Plain values only: vitest.config.ts and the
 * Node scripts import this file too.
 */

/** The emulator's well-known development credentials (emulator/wrangler.toml [vars]). */
export const EMULATOR_CREDENTIALS = {
  SAASUS_SAAS_ID: 'emulator-saas-id',
  SAASUS_API_KEY: 'emulator-api-key',
  SAASUS_SECRET_KEY: 'emulator-secret-key',
} as const

/** The origin the tests' SPA is served from. */
export const SPA_ORIGIN = 'https://spa.example.com'

/** The API's ALLOWED_ORIGINS in the tests: the SPA, and a local SPA dev server. */
export const ALLOWED_ORIGINS = `${SPA_ORIGIN},http://localhost:3000`
