/**
 * One structured JSON log line per request (or, with REQUEST_LOG=failures, per
 * request answered with an error code), written when the response is final:
 * request id, method, route pattern, status, duration, error code, and each
 * SaaSus call (operation, status, duration). The id is the front's (src/front/
 * request-log.ts), sent in X-Request-Id, so one id finds both Workers' lines.
 *
 * Built only from values this API chose: the route *pattern* (never the path or
 * query a client sent, which may carry anything), the catalogue code, and the
 * client's call records, which hold no URL, header or body. So no token, secret,
 * signature, verification code or `/userinfo?token=` URL can reach the log.
 */
import type { MiddlewareHandler } from 'hono'
import { matchedRoutes } from 'hono/route'
import { logRequest } from '../../shared/log'
import type { AppEnv } from '../app-env'

/** The pattern of the route that answered (e.g. `/mfa_verify`), or null for none (404, preflight). */
function routePattern(c: Parameters<MiddlewareHandler<AppEnv>>[0]): string | null {
  // Middleware is registered for every method ('ALL'); a route for its own method.
  return matchedRoutes(c).findLast((route) => route.method !== 'ALL')?.path ?? null
}

/** The front's id as it makes them (a UUID); anything else is not the front's, and a new one is made. */
const FRONT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

export const requestLog = (): MiddlewareHandler<AppEnv> =>
  async function requestLogHandler(c, next) {
    const started = Date.now()
    const fromFront = c.req.header('X-Request-Id') ?? ''
    const requestId = FRONT_ID.test(fromFront) ? fromFront : crypto.randomUUID()
    c.set('requestId', requestId)
    await next()
    // Clients can quote it to support; it is also the key to this line in the logs.
    c.res.headers.set('X-Request-Id', requestId)

    const errorCode = c.get('errorCode')
    const user = c.get('user')
    logRequest(
      {
        event: 'request',
        requestId,
        method: c.req.method,
        route: routePattern(c),
        status: c.res.status,
        ms: Date.now() - started,
        ...(errorCode ? { code: errorCode } : {}),
        ...(user ? { userId: user.id } : {}),
        upstream: (c.get('upstreamCalls') ?? []).map(({ operation, status, ms, retry }) => ({
          operation,
          status,
          ms,
          ...(retry ? { retry } : {}),
        })),
        // Round trips to the account objects (src/core/account/gateway.ts); `npm run bench` reads it.
        storage: c.get('storageCalls') ?? 0,
      },
      // REQUEST_LOG=failures keeps only the requests answered with an error code.
      { failed: errorCode !== undefined, requestLog: c.get('settings')?.requestLog },
    )
  }
