/**
 * The front's first line of checks: those of a route's guards that need no SaaSus (the route
 * table's `frontChecks`, src/shared/routes.ts), made where the user is so a malformed request
 * never travels to the core. Each is the shared guard the core runs too (src/shared/guards.ts);
 * the core still makes every check itself: it must be safe alone.
 *
 * A path of the table asked with a method it does not answer is refused first, `405` with `Allow`.
 * Routes are matched by Hono's router, as the core matches them, so a path with parameters
 * (`/tenants/:tenantId/…`) gets its checks like any other.
 */
import { Hono, type MiddlewareHandler } from 'hono'
import { ApiError } from '../shared/errors'
import { bearerToken, checkJsonBody, methodCheck, refuseExpired } from '../shared/guards'
import { type FrontCheck, frontChecks, ROUTES, type RouteSpec } from '../shared/routes'
import { OPAQUE_TOKEN } from '../shared/tokens'
import type { FrontAppEnv } from './app-env'

type Context = Parameters<MiddlewareHandler<FrontAppEnv>>[0]

const CHECKS: Record<FrontCheck, (c: Context) => void> = {
  bearer(c) {
    // The token's shape and its own `exp`, unverified: it can refuse a token early, never vouch for one.
    refuseExpired(bearerToken(c.req.header('Authorization')))
  },
  accessToken(c) {
    if (!OPAQUE_TOKEN.test(c.req.header('X-Access-Token')?.trim() ?? '')) throw new ApiError('missing_access_token')
  },
  requestedWith(c) {
    if (!c.req.header('X-Requested-With')?.trim()) throw new ApiError('missing_requested_with')
  },
  json(c) {
    // The bytes ./body.ts kept (null: none).
    const bytes = c.get('body')
    checkJsonBody(c.req.header('Content-Type'), bytes === null ? '' : new TextDecoder().decode(bytes))
  },
}

/** A Hono app that checks the method, runs each route's front checks, then passes the request on. */
export function requestShape(routes: Readonly<Record<string, RouteSpec>> = ROUTES): Hono<FrontAppEnv> {
  const checkMethod = methodCheck(routes)
  const app = new Hono<FrontAppEnv>().use(async function allowedMethodsHandler(c, next) {
    checkMethod(c.req.method, c.req.path)
    await next()
  })
  for (const route of Object.values(routes)) {
    const checks = frontChecks(route.guards).map((check) => CHECKS[check])
    if (checks.length === 0) continue
    app.on(route.method, route.path, async (c, next) => {
      for (const check of checks) check(c)
      await next()
    })
  }
  return app
}
