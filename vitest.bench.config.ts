/**
 * `npm run bench:cpu`: the handler's own work per route, inside workerd, with
 * SaaSus answered instantly by bench/cpu/instant-saasus.ts. Not part of
 * `npm test`: it measures, it asserts nothing.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { buildSync } from 'esbuild'
import { defineConfig } from 'vitest/config'
import { EMULATOR_CREDENTIALS } from './test/support/bindings'

const STUB_BUNDLE = '.wrangler/bench/instant-saasus.js'

buildSync({
  entryPoints: ['bench/cpu/instant-saasus.ts'],
  outfile: STUB_BUNDLE,
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  logLevel: 'error',
})

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        // A short timeout: every SaaSus call arms an AbortSignal.timeout, and a bench runs thousands of
        // requests in one test context, whose active timers workerd caps at 10,000. SaaSus answers at once.
        bindings: { ...EMULATOR_CREDENTIALS, ALLOWED_ORIGINS: 'https://spa.example.com', SAASUS_TIMEOUT_MS: '100' },
        outboundService: 'instant-saasus',
        workers: [{ name: 'instant-saasus', modules: true, scriptPath: STUB_BUNDLE, compatibilityDate: '2026-11-01' }],
      },
    }),
  ],
  test: {
    include: [],
    // The request log lines are still written (their cost is the route's); they are just not printed.
    onConsoleLog: (log) => !log.includes('"event":"request"'),
    benchmark: { include: ['bench/cpu/**/*.bench.ts'] },
  },
})
