/**
 * Headers every response carries, errors and preflights included: Hono's secure
 * headers tightened for a JSON API that no page should frame or render, and
 * `Cache-Control: no-store`, since MFA answers (a new secret, a user's MFA state)
 * are for one user at one moment and no cache may keep them (RFC 9111 §5.2.2.5).
 *
 * The front's (src/front/app.ts), on every answer it gives, its own and the core's: the core has
 * no public URL, so it does not write them too. A route may set its own value of any of these
 * (say, the reference page's CSP); the MFA routes set none, so they always get these.
 *
 * Registered before CORS: Cross-Origin-Resource-Policy only applies to no-cors
 * loads (Fetch standard, CORP check), so it blocks `<script src>` embedding of
 * these answers while the SPA's CORS requests stay as CORS grants them.
 */
import type { MiddlewareHandler } from 'hono'
import { secureHeaders } from 'hono/secure-headers'

export const responseHeaders = (): MiddlewareHandler => {
  const secure = secureHeaders({
    contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
    xFrameOptions: 'DENY',
    // A route that serves something else (an HTML page) may set its own policy; JSON routes set none.
    overwrite: false,
  })
  return async function responseHeadersHandler(c, next) {
    await secure(c, next)
    if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store')
  }
}
