/**
 * `npm run gen:openapi`: writes public/openapi.json, the document the Worker
 * serves at /openapi.json, from src/openapi/document.ts (the routes' zod schemas,
 * the operations table and the error catalogue). With --check it only compares,
 * and fails if the committed document has drifted from its sources.
 */
import { join } from 'node:path'
import { writeOrCheck } from './generated-file.ts'
import { importBundled } from './import-bundled.ts'
import { ROOT } from './stack.ts'

const OUTPUT = join(ROOT, 'public', 'openapi.json')

const { buildOpenApiDocument } = await importBundled<{ buildOpenApiDocument: () => unknown }>(
  "export { buildOpenApiDocument } from './src/openapi/document.ts'",
)
const generated = `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`

writeOrCheck(OUTPUT, generated, 'npm run gen:openapi')
