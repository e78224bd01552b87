/**
 * `npm run gen:openapi`: writes two files from the core's routes (each route's description, its
 * guards' facts, the zod schemas and the error catalogue), with what the front answers itself
 * in front of them (src/core/openapi/front-routes.ts):
 *
 * - public/openapi.json, the document the front serves at /openapi.json (src/core/openapi/document.ts);
 * - src/front/route-checks.json, the request-shape checks the front makes per route
 *   (src/core/openapi/front-checks.ts), so the front never drifts from the core's guards.
 *
 * A route without a description fails. With --check it only compares, and fails if a committed
 * file has drifted from its sources.
 */
import { join } from 'node:path'
import { writeOrCheck } from './generated-file.ts'
import { importBundled } from './import-bundled.ts'
import { ROOT } from './stack.ts'

type Routes = readonly { method: string; path: string; handler: unknown }[]

const { app, buildOpenApiDocument, frontChecks, frontRoutes } = await importBundled<{
  app: { routes: Routes }
  buildOpenApiDocument: (routes: Routes) => unknown
  frontChecks: (routes: Routes) => Record<string, string[]>
  frontRoutes: Routes
}>(`export { buildOpenApiDocument } from './src/core/openapi/document.ts'
export { frontChecks } from './src/core/openapi/front-checks.ts'
export { frontRoutes } from './src/core/openapi/front-routes.ts'
export { app } from './src/core/app.ts'`)

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

writeOrCheck(
  join(ROOT, 'public', 'openapi.json'),
  json(buildOpenApiDocument([...frontRoutes, ...app.routes])),
  'npm run gen:openapi',
)
writeOrCheck(join(ROOT, 'src', 'front', 'route-checks.json'), json(frontChecks(app.routes)), 'npm run gen:openapi')
