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
import { Hono } from 'hono'
import { ApiError } from '../shared/errors'
import { bearerToken, checkJsonBody, checkPathIds, methodCheck, refuseExpired } from '../shared/guards'
import { type FrontCheck, frontChecks, ROUTES, type RouteSpec } from '../shared/routes'
import { OPAQUE_TOKEN } from '../shared/tokens'
import type { FrontAppEnv } from './app-env'

/**
 * One check, of the request's headers, the body ./body.ts read (null: none) and the route's path
 * parameters (none on the forward path, whose routes have none); it throws the refusal.
 */
export type Check = (headers: Headers, body: Uint8Array | null, params: Readonly<Record<string, string>>) => void

const CHECKS: Record<FrontCheck, Check> = {
  pathIds(_headers, _body, params) {
    checkPathIds(params)
  },
  bearer(headers) {
    // The token's shape and its own `exp`, unverified: it can refuse a token early, never vouch for one.
    refuseExpired(bearerToken(headers.get('Authorization') ?? undefined))
  },
  accessToken(headers) {
    if (!OPAQUE_TOKEN.test(headers.get('X-Access-Token')?.trim() ?? '')) throw new ApiError('missing_access_token')
  },
  requestedWith(headers) {
    if (!headers.get('X-Requested-With')?.trim()) throw new ApiError('missing_requested_with')
  },
  json(headers, body) {
    checkJsonBody(headers.get('Content-Type') ?? undefined, body === null ? '' : new TextDecoder().decode(body))
  },
}

const checksOf = (route: RouteSpec): Check[] => frontChecks(route.guards).map((check) => CHECKS[check])

/**
 * For the forward path (./forward.ts): each route of the table without path parameters, by
 * `METHOD path`, to its checks. A request matching none (another method, a path with parameters,
 * a path the table does not have) is left to the app, which routes it as below.
 */
export function routeChecks(routes: Readonly<Record<string, RouteSpec>> = ROUTES): ReadonlyMap<string, Check[]> {
  return new Map(
    Object.values(routes)
      .filter((route) => !route.path.includes(':'))
      .map((route) => [`${route.method} ${route.path}`, checksOf(route)]),
  )
}

/** A Hono app that checks the method, runs each route's front checks, then passes the request on. */
export function requestShape(routes: Readonly<Record<string, RouteSpec>> = ROUTES): Hono<FrontAppEnv> {
  const checkMethod = methodCheck(routes)
  const app = new Hono<FrontAppEnv>().use(async function allowedMethodsHandler(c, next) {
    checkMethod(c.req.method, c.req.path)
    await next()
  })
  for (const route of Object.values(routes)) {
    const checks = checksOf(route)
    if (checks.length === 0) continue
    app.on(route.method, route.path, async (c, next) => {
      const params = c.req.param() as Record<string, string>
      for (const check of checks) check(c.req.raw.headers, c.get('body'), params)
      await next()
    })
  }
  return app
}
