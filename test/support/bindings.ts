/**
 * The bindings vitest.config.ts gives the test workers beyond wrangler.toml's,
 * for the tests to read as well. Plain values only: vitest.config.ts and the
 * Node scripts import this file too.
 */

export { EMULATOR_CREDENTIALS } from '../../emulator/src/credentials.ts'

/** The origin the tests' SPA is served from. */
export const SPA_ORIGIN = 'https://spa.example.com'

/** The API's ALLOWED_ORIGINS in the tests: the SPA, and a local SPA dev server. */
export const ALLOWED_ORIGINS = `${SPA_ORIGIN},http://localhost:3000`

/** The front's [vars] (wrangler.toml), as the front worker of the tests gets them. */
export const FRONT_BINDINGS = { SERVE_API_REFERENCE: 'false', REQUEST_LOG: 'all' }
