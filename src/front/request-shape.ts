/**
 * The front's first line of checks: those of a route's guards that need no SaaSus, made where
 * the user is so a malformed request never travels to the core. Which route gets which, in which
 * order, is read off the core's own guards at build time (src/core/openapi/front-checks.ts →
 * route-checks.json). The core still makes every check itself: it must be safe alone.
 *
 * The bearer and media-type patterns repeat the core's private ones (src/core/middleware/user.ts,
 * json-body.ts); test/security/front-checks.test.ts holds the two to the same answers.
 */
import type { MiddlewareHandler } from 'hono'
import { ApiError } from '../shared/errors'
import type { FrontCheck } from '../core/openapi/front-checks'
import { jwtExpiry, OPAQUE_TOKEN } from '../shared/tokens'
import type { FrontAppEnv } from './app-env'
import routeChecks from './route-checks.json'

const CHECKS: Readonly<Record<string, readonly FrontCheck[] | undefined>> = routeChecks as Record<string, FrontCheck[]>

/** RFC 6750 §2.1 b64token, bounded, as the core's `bearerToken`. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]{1,8192}=*)$/i

/** The core's challenge for an expired token (RFC 6750 §3), so an SPA knows to refresh. */
const EXPIRED_CHALLENGE = 'Bearer error="invalid_token", error_description="The ID token has expired"'

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i

type Context = Parameters<MiddlewareHandler<FrontAppEnv>>[0]

function checkBearer(c: Context): void {
  const token = BEARER.exec(c.req.header('Authorization')?.trim() ?? '')?.[1]
  if (!token) throw new ApiError('invalid_token')
  // The payload only, unverified: it can refuse a token early, never vouch for one (the core asks SaaSus).
  const expiresAt = jwtExpiry(token)
  if (expiresAt !== undefined && expiresAt <= Date.now()) {
    throw new ApiError('invalid_token', { headers: { 'WWW-Authenticate': EXPIRED_CHALLENGE } })
  }
}

function checkAccessToken(c: Context): void {
  if (!OPAQUE_TOKEN.test(c.req.header('X-Access-Token')?.trim() ?? '')) throw new ApiError('missing_access_token')
}

/** A body, when there is one, declared as JSON and parsing as JSON (the bytes ./body.ts kept). */
function checkJson(c: Context): void {
  const bytes = c.get('body')
  if (bytes === null || bytes.byteLength === 0) return
  const text = new TextDecoder().decode(bytes)
  if (text.trim() === '') return
  const mediaType = (c.req.header('Content-Type') ?? '').split(';')[0]?.trim() ?? ''
  if (!JSON_MEDIA_TYPE.test(mediaType)) throw new ApiError('unsupported_media_type')
  try {
    JSON.parse(text)
  } catch (error) {
    throw new ApiError('invalid_json', { cause: error })
  }
}

export const requestShape = (): MiddlewareHandler<FrontAppEnv> =>
  async function requestShapeHandler(c, next) {
    const method = c.req.method === 'HEAD' ? 'GET' : c.req.method
    for (const check of CHECKS[`${method} ${c.req.path}`] ?? []) {
      if (check === 'bearer') checkBearer(c)
      else if (check === 'accessToken') checkAccessToken(c)
      else checkJson(c)
    }
    await next()
  }
