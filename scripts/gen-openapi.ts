/**
 * `npm run gen:openapi`: writes public/openapi.json, the document the Worker
 * serves at /openapi.json, from the app's routes as src/openapi/document.ts reads
 * them (each route's description, its guards' facts, the zod schemas and the
 * error catalogue). A route without a description fails. With --check it only compares,
 * and fails if the committed document has drifted from its sources.
 */
import { join } from 'node:path'
import { writeOrCheck } from './generated-file.ts'
import { importBundled } from './import-bundled.ts'
import { ROOT } from './stack.ts'

const OUTPUT = join(ROOT, 'public', 'openapi.json')

const { app, buildOpenApiDocument } = await importBundled<{
  app: { routes: readonly { method: string; path: string; handler: unknown }[] }
  buildOpenApiDocument: (routes: readonly { method: string; path: string; handler: unknown }[]) => unknown
}>("export { buildOpenApiDocument } from './src/openapi/document.ts'; export { app } from './src/app.ts'")
const generated = `${JSON.stringify(buildOpenApiDocument(app.routes), null, 2)}\n`

writeOrCheck(OUTPUT, generated, 'npm run gen:openapi')
