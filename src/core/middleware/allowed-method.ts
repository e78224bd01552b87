/**
 * `405 method_not_allowed` with `Allow` for a path of the route table (src/shared/routes.ts) asked
 * with a method it does not answer, before any guard runs: the front refuses it first
 * (src/front/request-shape.ts), the same shared check; the core makes it again, safe on its own.
 */
import type { MiddlewareHandler } from 'hono'
import { methodCheck } from '../../shared/guards'
import { ROUTES, type RouteSpec } from '../../shared/routes'
import type { AppEnv } from '../app-env'
import { documented } from '../openapi/describe'

/**
 * App-wide: every route registered after it gets `405` in its description.
 * @example app.use(requireAllowedMethod()).route('/', mfaRoutes)
 */
export const requireAllowedMethod = (
  routes: Readonly<Record<string, RouteSpec>> = ROUTES,
): MiddlewareHandler<AppEnv> => {
  const checkMethod = methodCheck(routes)
  return documented(
    async function requireAllowedMethodHandler(c, next) {
      checkMethod(c.req.method, c.req.path)
      await next()
    },
    { errors: ['method_not_allowed'] },
  )
}
