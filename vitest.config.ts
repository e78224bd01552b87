/**
 * Tests run inside workerd. The API under test is configured from wrangler.toml
 * with the emulator's credentials; every outbound `fetch` it makes (to
 * https://api.saasus.io, host kept) is answered by the emulator worker, built
 * here from emulator/src.
 *
 * SaaSus's words for a refusal are undocumented, so the route suite runs once
 * per dialect the emulator can refuse in (emulator/src/dialects.ts): the whole
 * suite in the emulator's own words, and the route files again in each other.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { buildSync } from 'esbuild'
import { defineConfig } from 'vitest/config'
import { REFUSAL_DIALECTS } from './emulator/src/dialects.ts'
import { DEV_MFA_ENCRYPTION_KEY } from './scripts/stack.ts'
import { ALLOWED_ORIGINS, EMULATOR_CREDENTIALS } from './test/support/bindings.ts'

const EMULATOR_BUNDLE = '.wrangler/test/emulator.js'

buildSync({
  entryPoints: ['emulator/src/index.ts'],
  outfile: EMULATOR_BUNDLE,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  mainFields: ['module', 'main'],
  conditions: ['workerd', 'worker', 'browser'],
  logLevel: 'error',
})

/** The files that answer "what does the SPA get?": they run in every dialect. */
const ROUTE_SUITE = [
  'test/routes/mfa.test.ts',
  'test/routes/session.test.ts',
  'test/scenarios/sample-spa-mfa.test.ts',
  'test/scenarios/refusal-dialects.test.ts',
]

// wrangler.toml declares the SaaSus credentials and MFA_ENCRYPTION_KEY as required secrets. The plugin reads it as
// `wrangler dev` does, from .dev.vars or else the environment, and warns when they are missing
// there, although the bindings below give them: so the environment has them too.
Object.assign(process.env, EMULATOR_CREDENTIALS, { MFA_ENCRYPTION_KEY: DEV_MFA_ENCRYPTION_KEY })

// Account protection: the development key for kept secrets, and the storage faults its tests inject
// (src/account/faults.ts; off wherever this binding is absent, as in wrangler.toml).
const ACCOUNT_BINDINGS = { MFA_ENCRYPTION_KEY: DEV_MFA_ENCRYPTION_KEY, ACCOUNT_FAULTS: 'enabled' }

const workers = (dialect: string) =>
  cloudflareTest({
    wrangler: { configPath: './wrangler.toml' },
    miniflare: {
      bindings: { ...EMULATOR_CREDENTIALS, ALLOWED_ORIGINS, ...ACCOUNT_BINDINGS },
      outboundService: 'emulator',
      workers: [
        {
          name: 'emulator',
          modules: true,
          scriptPath: EMULATOR_BUNDLE,
          compatibilityDate: '2026-11-01',
          bindings: { ...EMULATOR_CREDENTIALS, EMULATOR_DIALECT: dialect },
        },
      ],
    },
  })

// The API's one-line-per-request log and its SaaSus failure lines would drown the report.
const QUIET = [
  '"event":"request"',
  '"event":"saasus_call_failed"',
  '"event":"saasus_credentials_refused"',
  '"event":"account_event"',
  '"event":"storage_failed"',
]

const onConsoleLog = (log: string) => !QUIET.some((event) => log.includes(event))

export default defineConfig({
  test: {
    onConsoleLog,
    projects: [
      { plugins: [workers('emulator')], test: { name: 'workerd', include: ['test/**/*.test.ts'] } },
      ...REFUSAL_DIALECTS.filter((dialect) => dialect !== 'emulator').map((dialect) => ({
        plugins: [workers(dialect)],
        test: { name: `dialect:${dialect}`, include: ROUTE_SUITE },
      })),
    ],
  },
})
