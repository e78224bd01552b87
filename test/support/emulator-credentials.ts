/** The emulator's well-known development credentials (emulator/wrangler.toml [vars]). */
export const EMULATOR_CREDENTIALS = {
  SAASUS_SAAS_ID: 'emulator-saas-id',
  SAASUS_API_KEY: 'emulator-api-key',
  SAASUS_SECRET_KEY: 'emulator-secret-key',
} as const
