/**
 * `npm run generate`: every generated file, from its source. `-- --check` only compares, and
 * fails naming the file that drifted (`npm test` runs it so):
 *
 * - types/ from the two wrangler configs (./cf-typegen.ts);
 * - spec/saasus-authapi.d.ts from the official SaaSus Auth API definition (./gen-saasus.ts);
 * - public/openapi.json from the core's routes (./gen-openapi.ts);
 * - client/index.d.ts, the SPA's `saasus-mfa-edge/client` types, from the core's routes (./gen-client.ts).
 */
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { ROOT } from './wrangler-local.ts'

for (const generator of ['cf-typegen.ts', 'gen-saasus.ts', 'gen-openapi.ts', 'gen-client.ts']) {
  const result = spawnSync(process.execPath, [join(ROOT, 'scripts', generator), ...process.argv.slice(2)], {
    cwd: ROOT,
    stdio: 'inherit',
  })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
