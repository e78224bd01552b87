/**
 * Resolves the caller from `Authorization: Bearer <ID token>` through SaaSus
 * `GET /userinfo`. Anything short of a user SaaSus vouches for is a 401.
 *
 * A route that only reads may ask for `requireUser({ cached: true })` and reuse
 * a user resolved moments ago for the same token (./user-cache.ts); every route
 * that changes state asks SaaSus afresh, so a revoked token can never enable,
 * disable or register anything.
 */
import type { MiddlewareHandler } from 'hono'
import { bearerToken, refuseExpired } from '../../shared/guards'
import type { AppEnv } from '../app-env'
import { documented } from '../openapi/describe'
import { UPSTREAM_ERRORS, upstream } from '../upstream'
import { userCache } from './user-cache'

/** The ID token, and the tracing headers forwarded with the `/userinfo` call. */
const USER_FACTS = {
  bearer: true,
  parameters: ['SaasusReferer', 'TraceId'],
  errors: ['invalid_token', ...UPSTREAM_ERRORS],
} as const

export interface RequireUserOptions {
  /**
   * Reuse the user resolved for the same token within USER_CACHE_TTL_SECONDS.
   * Only for routes that change nothing. @default false
   */
  cached?: boolean
}

/**
 * @example routes.get('/mfa_status', requireUser({ cached: true }), handler)
 */
export const requireUser = (options: RequireUserOptions = {}): MiddlewareHandler<AppEnv> =>
  documented(async function requireUserHandler(c, next) {
    const token = bearerToken(c.req.header('Authorization'))
    // SaaSus refusing the token, as 401 or in its own words, is the same to the caller.
    const codes = { unauthorized: 'invalid_token', rejected: 'invalid_token' } as const
    // Only on a cache miss: a cached entry never outlives the token's exp, so a hit needs no check.
    const resolve = () => {
      refuseExpired(token)
      return upstream(c.get('saasus').getUserInfo(token), codes)
    }
    const ttlSeconds = options.cached ? c.get('settings').userCacheTtlSeconds : 0
    c.set('user', await userCache.resolve(token, ttlSeconds, resolve))
    await next()
  }, USER_FACTS)
