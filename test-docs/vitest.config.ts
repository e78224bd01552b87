/**
 * `npm run test:docs`: the pages' runnable blocks against `npm run dev` on the ports the pages
 * name (8787, 8788), so they must be free. In order, one file; not part of `npm test`.
 */
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test-docs/**/*.test.ts'],
    environment: 'node',
    fileParallelism: false,
    sequence: { concurrent: false },
    reporters: ['verbose'],
  },
})
