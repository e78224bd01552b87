/**
 * Tests run inside workerd. The API under test is configured from wrangler.toml
 * with the emulator's credentials; every outbound `fetch` it makes (to
 * https://api.saasus.io, host kept) is answered by the emulator worker, built
 * here from emulator/src.
 */
import { cloudflareTest } from '@cloudflare/vitest-plugin'
import { buildSync } from 'esbuild'
import { defineConfig } from 'vitest/config'
import { EMULATOR_CREDENTIALS } from './test/emulator-credentials'

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

/** The origin the tests' SPA is served from. */
export const SPA_ORIGIN = 'https://spa.example.com'

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: { ...EMULATOR_CREDENTIALS, ALLOWED_ORIGINS: `${SPA_ORIGIN},http://localhost:3000` },
        outboundService: 'emulator',
        workers: [
          {
            name: 'emulator',
            modules: true,
            scriptPath: EMULATOR_BUNDLE,
            compatibilityDate: '2026-11-01',
            bindings: { ...EMULATOR_CREDENTIALS },
          },
        ],
      },
    }),
  ],
  test: {
    include: ['test/**/*.test.ts'],
    // The API's one-line-per-request log (src/middleware/request-log.ts) would drown the report.
    onConsoleLog: (log) => !log.includes('"event":"request"'),
  },
})
