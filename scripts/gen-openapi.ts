/**
 * `npm run gen:openapi`: writes public/openapi.json, the document the Worker
 * serves at /openapi.json, from src/openapi/document.ts (the routes' zod schemas,
 * the operations table and the error catalogue). With --check it only compares,
 * and fails if the committed document has drifted from its sources.
 */
import { join } from 'node:path'
import { buildSync } from 'esbuild'
import { writeOrCheck } from './generated-file.ts'
import { ROOT } from './stack.ts'

const OUTPUT = join(ROOT, 'public', 'openapi.json')

// The Worker's sources import without file extensions, which Node's type
// stripping does not resolve: bundle the builder with esbuild, then run it.
const bundle = buildSync({
  entryPoints: [join(ROOT, 'src', 'openapi', 'document.ts')],
  bundle: true,
  format: 'esm',
  platform: 'neutral',
  write: false,
  logLevel: 'error',
})
const code = bundle.outputFiles[0]?.text ?? ''
const { buildOpenApiDocument } = (await import(
  `data:text/javascript;base64,${Buffer.from(code).toString('base64')}`
)) as {
  buildOpenApiDocument: () => unknown
}
const generated = `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`

writeOrCheck(OUTPUT, generated, 'npm run gen:openapi')
