/**
 * The emulator's well-known development credentials: what it expects a client
 * to sign with (its wrangler.toml [vars] say the same, for `wrangler dev`).
 * Never real: anyone may read them here. The tests, `npm run dev` and the bench
 * give them to the API when it talks to the emulator.
 */
export const EMULATOR_CREDENTIALS = {
  SAASUS_SAAS_ID: 'emulator-saas-id',
  SAASUS_API_KEY: 'emulator-api-key',
  SAASUS_SECRET_KEY: 'emulator-secret-key',
} as const
