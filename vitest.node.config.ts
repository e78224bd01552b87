/**
 * Tests that run in Node rather than workerd: the OpenAPI validity check
 * (its validator compiles schemas at run time, which workerd forbids), the
 * docs' links, and the settings `npm run dev` checks (its scripts are Node modules).
 * The browser tests have their own config (e2e/vitest.config.ts).
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test-node/**/*.test.ts'],
    environment: 'node',
  },
})
