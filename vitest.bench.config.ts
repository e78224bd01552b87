/**
 * `npm run bench:cpu`: the handler's own work per route, inside workerd, with
 * SaaSus answered instantly by bench/cpu/instant-saasus.ts. Not part of
 * `npm test`: it measures, it asserts nothing.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { buildSync } from 'esbuild'
import { defineConfig } from 'vitest/config'
import { EMULATOR_SECRETS } from './scripts/wrangler-local.ts'

const STUB_BUNDLE = '.wrangler/bench/instant-saasus.js'

buildSync({
  entryPoints: ['bench/cpu/instant-saasus.ts'],
  outfile: STUB_BUNDLE,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  logLevel: 'error',
})

// wrangler.core.toml declares these as required secrets; the plugin looks for them in the environment.
Object.assign(process.env, EMULATOR_SECRETS)

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.core.toml' },
      miniflare: {
        // A short timeout: every SaaSus call arms an AbortSignal.timeout, and a bench runs thousands of
        // requests in one test context, whose active timers workerd caps at 10,000. SaaSus answers at once.
        bindings: { ...EMULATOR_SECRETS, SAASUS_TIMEOUT_MS: '100' },
        outboundService: 'instant-saasus',
        workers: [{ name: 'instant-saasus', modules: true, scriptPath: STUB_BUNDLE, compatibilityDate: '2026-11-01' }],
      },
    }),
  ],
  test: {
    include: [],
    // The request log lines are still written (their cost is the route's); they are just not printed.
    onConsoleLog: (log) => !/"event":"(request|front_request|account_event)"/.test(log),
    benchmark: { include: ['bench/cpu/**/*.bench.ts'] },
  },
})
