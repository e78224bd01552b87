/**
 * Part of `npm run generate`: writes public/openapi.json, the document the front serves at
 * /openapi.json (src/core/openapi/document.ts), from the core's routes (each route's description,
 * its guards' facts from the route table, the zod schemas and the error catalogue), with what the
 * front answers itself in front of them (src/core/openapi/front-routes.ts). Built here rather than
 * in a Worker, so neither bundle carries `z.toJSONSchema`.
 *
 * A route without a description fails. With --check it only compares, and fails if the committed
 * file has drifted from its sources.
 */
import { join } from 'node:path'
import { writeOrCheck } from './generated-file.ts'
import { importBundled } from './import-bundled.ts'
import { ROOT } from './wrangler-local.ts'

type Routes = readonly { method: string; path: string; handler: unknown }[]

const { app, buildOpenApiDocument, frontRoutes } = await importBundled<{
  app: { routes: Routes }
  buildOpenApiDocument: (routes: Routes) => unknown
  frontRoutes: Routes
}>(`export { buildOpenApiDocument } from './src/core/openapi/document.ts'
export { frontRoutes } from './src/core/openapi/front-routes.ts'
export { app } from './src/core/app.ts'`)

const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`

writeOrCheck(
  join(ROOT, 'public', 'openapi.json'),
  json(buildOpenApiDocument([...frontRoutes, ...app.routes])),
  'npm run generate',
)
