/**
 * Requires an `X-Requested-With` header on the routes that set or read the
 * session cookie (the "custom request header" CSRF defence of the OWASP CSRF
 * cheat sheet).
 *
 * Why it is needed on top of the CORS allow-list: a browser sends no `Origin`
 * on a simple cross-site GET (`<img src>`, a link, a top-level navigation), so
 * the allow-list cannot see that such a request comes from another site. A
 * custom header cannot be added to a simple request; a script must ask with a
 * CORS preflight first, and the allow-list refuses the preflight of any origin
 * it does not list. The header's value is not checked: its presence is the proof.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../../shared/errors'
import type { AppEnv } from '../app-env'
import { documented } from '../openapi/describe'

export const requireRequestedWith = (): MiddlewareHandler<AppEnv> =>
  documented(
    async function requireRequestedWithHandler(c, next) {
      if (!c.req.header('X-Requested-With')?.trim()) throw new ApiError('missing_requested_with')
      await next()
    },
    { parameters: ['RequestedWith'], errors: ['missing_requested_with'] },
  )
