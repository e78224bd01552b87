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

/**
 * The secret the emulator's webhook receiver (webhook-receiver.ts) verifies security webhooks with,
 * unless its SECURITY_WEBHOOK_SECRET says otherwise: give the API the same as its
 * SECURITY_WEBHOOK_SECRET. In the Standard Webhooks form, `whsec_` + base64 of 32 fixed bytes.
 * A well-known development value like the credentials above: never use it in production.
 */
export const DEV_WEBHOOK_SECRET = 'whsec_0fwT0yAipGpesj9SYvl349TVMQinRPCuiKZTrSDdgio='
