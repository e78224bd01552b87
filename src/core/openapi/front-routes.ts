/**
 * What the front (src/front/) answers itself, described for the OpenAPI document: `/openapi.json`,
 * and the origin allow-list every other route passes first. The front serves them from assets
 * and a plain check, without zod; the descriptions live here, read only by `npm run generate`.
 */
import * as z from 'zod/mini'
import { describeRoute, documented } from './describe'
import type { RouteEntry } from './document'

// Every route past this point is the core's, reached through the front: it may be unreachable. The
// front refuses another method on a route's path itself (src/front/request-shape.ts).
const passOn = documented((_c, next) => next(), {
  errors: ['origin_not_allowed', 'method_not_allowed', 'core_unavailable'],
})

/** Put before the core's `app.routes`: the order is the one a request meets them in. */
export const frontRoutes: readonly RouteEntry[] = [
  {
    method: 'GET',
    path: '/openapi.json',
    handler: describeRoute({
      operationId: 'getOpenApi',
      summary: 'This document',
      // The front's method check knows this path too (src/front/app.ts).
      errors: ['method_not_allowed'],
      response: { schema: z.looseObject({ openapi: z.string() }), example: { openapi: '3.1.1' } },
    }),
  },
  { method: 'ALL', path: '/*', handler: passOn },
]
