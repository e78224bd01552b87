/**
 * CORS for SPAs that call with credentials: an exact-match allow-list.
 *
 * Written here rather than taken from `hono/cors` because that one sends
 * `Access-Control-Allow-Credentials` and answers preflights for every origin; this
 * one gives an origin outside the list nothing at all, and never `*` (browsers
 * refuse `*` with credentials anyway, per the Fetch standard's CORS check).
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../shared/errors'
import type { FrontAppEnv } from './app-env'

export interface CorsOptions {
  /** Request headers a preflight may ask for (compared case-insensitively by browsers). */
  allowHeaders: readonly string[]
  allowMethods: readonly string[]
  /** Response headers the SPA's JavaScript may read. @default [] */
  exposeHeaders?: readonly string[]
  /** Seconds a browser may cache a preflight answer. */
  maxAgeSeconds: number
}

/**
 * What CORS adds to an answer that is not a preflight: `Vary: Origin` always, and the grant when the
 * origin is on the list (`allowed`: that origin; undefined for none, or a request without one).
 * The middleware below and the forward path (./forward.ts) both add it this way.
 */
export function corsAnswerHeaders(options: Pick<CorsOptions, 'exposeHeaders'>) {
  const exposeHeaders = options.exposeHeaders?.join(', ') ?? ''
  return function addCorsHeaders(headers: Headers, allowed: string | undefined): void {
    headers.append('Vary', 'Origin')
    if (allowed === undefined) return
    headers.set('Access-Control-Allow-Origin', allowed)
    headers.set('Access-Control-Allow-Credentials', 'true')
    if (exposeHeaders) headers.set('Access-Control-Expose-Headers', exposeHeaders)
  }
}

/**
 * @example app.use(allowListCors({ allowHeaders: ['Authorization'], allowMethods: ['GET'], maxAgeSeconds: 600 }))
 */
export const allowListCors = (options: CorsOptions): MiddlewareHandler<FrontAppEnv> => {
  if (options.allowHeaders.some((name) => name === '*')) throw new Error('cors: allowHeaders must list names, not *')
  const allowHeaders = options.allowHeaders.join(', ')
  const allowMethods = options.allowMethods.join(', ')
  const maxAge = String(options.maxAgeSeconds)
  const addCorsHeaders = corsAnswerHeaders(options)

  return async function allowListCorsHandler(c, next) {
    const origin = c.req.header('Origin')
    const allowed = origin !== undefined && c.get('settings').allowedOrigins.has(origin)
    const isPreflight = c.req.method === 'OPTIONS' && c.req.header('Access-Control-Request-Method') !== undefined

    if (isPreflight) {
      if (!allowed) throw new ApiError('origin_not_allowed', { headers: { Vary: 'Origin' } })
      return c.body(null, 204, {
        'Access-Control-Allow-Origin': origin,
        'Access-Control-Allow-Credentials': 'true',
        'Access-Control-Allow-Methods': allowMethods,
        'Access-Control-Allow-Headers': allowHeaders,
        'Access-Control-Max-Age': maxAge,
        Vary: 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers',
      })
    }

    // A browser request from a page outside the list is refused before any work
    // is done (and before SaaSus is called). Requests without Origin (curl,
    // servers) and same-origin ones are not cross-site and pass. The URL is parsed
    // only for an origin outside the list: an allowed one needs no comparison.
    const crossSite = origin !== undefined && !allowed && origin !== new URL(c.req.url).origin
    if (crossSite) throw new ApiError('origin_not_allowed', { headers: { Vary: 'Origin' } })

    await next()
    addCorsHeaders(c.res.headers, allowed ? origin : undefined)
  }
}
