/**
 * `npm run test:e2e`: browser tests in Node, driving Debian's Chromium with
 * playwright-core against `wrangler dev` processes of the API and the emulator.
 * One file, run serially; every wait is bounded.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    testTimeout: 60_000,
    hookTimeout: 150_000,
    // A page's answer may take seconds when the two cores are busy (a browser, two wrangler dev).
    expect: { poll: { timeout: 10_000 } },
  },
})
