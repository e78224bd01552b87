/**
 * Tests run inside workerd. The Worker under test is the API's core, configured
 * from wrangler.core.toml with the emulator's credentials; every outbound `fetch`
 * it makes (to https://api.saasus.io, host kept) is answered by the emulator
 * worker, built here from emulator/src. The front (src/front/, built here too)
 * runs beside it as the `front` worker, its CORE binding pointing at the core:
 * the tests' `call()` goes through it, as a browser's request does.
 *
 * SaaSus's words for a refusal are undocumented, so the route suite runs once
 * per dialect the emulator can refuse in (emulator/src/dialects.ts): the whole
 * suite in the emulator's own words, and the route files again in each other.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { buildSync } from 'esbuild'
import { defineConfig } from 'vitest/config'
import { REFUSAL_DIALECTS } from './emulator/src/dialects.ts'
import { DEV_MFA_ENCRYPTION_KEY, EMULATOR_SECRETS } from './scripts/wrangler-local.ts'
import { ALLOWED_ORIGINS, EMULATOR_CREDENTIALS, FRONT_BINDINGS, WEBHOOK_BINDINGS } from './test/support/bindings.ts'

const EMULATOR_BUNDLE = '.wrangler/test/emulator.js'
const FRONT_BUNDLE = '.wrangler/test/front.js'

for (const [entry, outfile] of [
  ['emulator/src/index.ts', EMULATOR_BUNDLE],
  ['test/support/front-worker.ts', FRONT_BUNDLE],
] as const) {
  buildSync({
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    mainFields: ['module', 'main'],
    conditions: ['workerd', 'worker', 'browser'],
    logLevel: 'error',
  })
}

/** The plugin renames the Worker under test after its project; the front's CORE binding needs that name. */
const workerUnderTest = (project: string) => `vitest-plugin-runner-${project.replace(/[^a-z0-9-]/gi, '_')}`

/** The files that answer "what does the SPA get?": they run in every dialect. */
const ROUTE_SUITE = [
  'test/routes/mfa.test.ts',
  'test/routes/session.test.ts',
  'test/scenarios/sample-spa-mfa.test.ts',
  'test/scenarios/refusal-dialects.test.ts',
]

// wrangler.core.toml declares the SaaSus credentials and MFA_ENCRYPTION_KEY as required secrets. The plugin reads it as
// `wrangler dev` does, from .dev.vars or else the environment, and warns when they are missing
// there, although the bindings below give them: so the environment has them too.
Object.assign(process.env, EMULATOR_SECRETS)

// Account protection: the development key for kept secrets, and the storage faults its tests inject
// (src/core/account/faults.ts; off wherever this binding is absent, as in wrangler.toml).
const ACCOUNT_BINDINGS = { MFA_ENCRYPTION_KEY: DEV_MFA_ENCRYPTION_KEY, ACCOUNT_FAULTS: 'enabled' }

const workers = (dialect: string, project: string, bindings: Record<string, string> = {}) =>
  cloudflareTest({
    wrangler: { configPath: './wrangler.core.toml' },
    miniflare: {
      bindings: { ...EMULATOR_CREDENTIALS, ...ACCOUNT_BINDINGS, ...bindings },
      serviceBindings: { FRONT: 'front', PUBLIC_FILES: 'public-files' },
      outboundService: 'emulator',
      workers: [
        {
          name: 'front',
          modules: true,
          scriptPath: FRONT_BUNDLE,
          compatibilityDate: '2026-11-01',
          bindings: { ...FRONT_BINDINGS, ALLOWED_ORIGINS },
          serviceBindings: { CORE: workerUnderTest(project) },
          assets: {
            directory: './public',
            binding: 'ASSETS',
            routerConfig: { has_user_worker: true, invoke_user_worker_ahead_of_assets: true },
          },
        },
        // public/ alone, as the ASSETS of the front that apiWith runs in the test's own isolate.
        {
          name: 'public-files',
          modules: true,
          script: 'export default { fetch: () => new Response(null, { status: 404 }) }',
          compatibilityDate: '2026-11-01',
          assets: { directory: './public', routerConfig: { has_user_worker: false } },
        },
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
  '"event":"front_request"',
  '"event":"saasus_call_failed"',
  '"event":"saasus_credentials_refused"',
  '"event":"account_event"',
  '"event":"storage_failed"',
  '"event":"tenant_event"',
  '"event":"webhook_delivery_failed"',
  '"event":"webhook_dead_lettered"',
]

// MFA_ENCRYPTION_KEY as `openssl rand -base64 32` prints it, with step-up on: the core and its account
// objects given them as a deployment is (test/scenarios/bare-encryption-key.test.ts).
const BARE_KEY_FILE = 'test/scenarios/bare-encryption-key.test.ts'
const BARE_KEY_BINDINGS = {
  MFA_ENCRYPTION_KEY: 'zOdFWolI+1Qyo5vFnDVurycB397I8cOX1pOLm8jPvBk=',
  MFA_STEP_UP: 'required',
  // Webhooks on too, so that every route, the dead letters' included, is served.
  ...WEBHOOK_BINDINGS,
}

const onConsoleLog = (log: string) => !QUIET.some((event) => log.includes(event))

// Security webhooks on (test/support/bindings.ts): their own files, and the route suite again, since
// every recorded event then also goes through the outbox and the real queue to the emulator's receiver.
const WEBHOOK_FILES = 'test/webhooks/**/*.test.ts'

export default defineConfig({
  test: {
    onConsoleLog,
    projects: [
      {
        plugins: [workers('emulator', 'workerd')],
        // The bare key's file runs in its own project, with the bindings it is about.
        test: { name: 'workerd', include: ['test/**/*.test.ts'], exclude: [BARE_KEY_FILE, WEBHOOK_FILES] },
      },
      {
        plugins: [workers('emulator', 'webhooks', WEBHOOK_BINDINGS)],
        // A webhook arrives within a queue batch (a second) or its retries: the tests wait for it, bounded.
        test: { name: 'webhooks', include: [WEBHOOK_FILES, ...ROUTE_SUITE], testTimeout: 60_000 },
      },
      {
        plugins: [workers('emulator', 'bare-key', BARE_KEY_BINDINGS)],
        test: { name: 'bare-key', include: [BARE_KEY_FILE] },
      },
      ...REFUSAL_DIALECTS.filter((dialect) => dialect !== 'emulator').map((dialect) => ({
        plugins: [workers(dialect, `dialect:${dialect}`)],
        test: { name: `dialect:${dialect}`, include: ROUTE_SUITE },
      })),
    ],
  },
})
