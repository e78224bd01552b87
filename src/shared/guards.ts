/**
 * The request checks both Workers make, each written once as a plain function of what the
 * request carries. The front calls them where the user is, so a malformed request never travels
 * to the core; the core calls the same ones, so it is safe on its own. Each throws the catalogue's
 * error, which both Workers answer alike (./answer.ts).
 */
import { TrieRouter } from 'hono/router/trie-router'
import { ApiError } from './errors'
import { allowedMethods, PATH_ID, ROUTES, type RouteSpec } from './routes'
import { jwtExpiry } from './tokens'

/** RFC 6750 §2.1 b64token, bounded: an ID token is a JWT of a few KiB at most. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]{1,8192}=*)$/i

/**
 * RFC 6750 §3: the challenge says why, so an SPA knows to refresh rather than
 * sign in again.
 */
export const EXPIRED_CHALLENGE = 'Bearer error="invalid_token", error_description="The ID token has expired"'

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/i

/** The ID token in a request's Authorization header, or `401 invalid_token` if there is none. */
export function bearerToken(header: string | undefined): string {
  const match = BEARER.exec(header?.trim() ?? '')
  if (!match?.[1]) throw new ApiError('invalid_token')
  return match[1]
}

/**
 * Refuses a token whose own `exp` has passed, with the challenge that says so. Read unverified:
 * it can refuse a token early, never vouch for one (identity always comes from SaaSus).
 */
export function refuseExpired(token: string, now = Date.now()): void {
  const expiresAt = jwtExpiry(token)
  if (expiresAt !== undefined && expiresAt <= now) {
    throw new ApiError('invalid_token', { headers: { 'WWW-Authenticate': EXPIRED_CHALLENGE } })
  }
}

/**
 * Every path parameter a SaaSus id in lower case (PATH_ID), or `400 invalid_request` naming the
 * first that is not. Hono hands parameters over decoded, so an encoded slash or dot is checked
 * as the character it stands for.
 */
export function checkPathIds(params: Readonly<Record<string, string>>): void {
  // The tenant first, as the path names it first.
  const names = Object.keys(params).sort((a, b) => Number(b === 'tenant_id') - Number(a === 'tenant_id'))
  for (const name of names) {
    const value = params[name] ?? ''
    if (!PATH_ID.test(value)) {
      throw new ApiError('invalid_request', {
        field: { name, problem: 'must be a UUID in lower case, like 7f3c9a52-2b1e-4c6d-9e8f-0a1b2c3d4e5f' },
      })
    }
  }
}

/** Whether a Content-Type header declares JSON (`application/json`, `application/*+json`), parameters aside. */
export function declaresJson(contentType: string | undefined): boolean {
  return JSON_MEDIA_TYPE.test((contentType ?? '').split(';')[0]?.trim() ?? '')
}

/**
 * A body, when there is one, declared as JSON and parsing as JSON. An empty or blank body passes:
 * the sample SPA posts `{}` to enable and disable, other clients post nothing.
 */
export function checkJsonBody(contentType: string | undefined, text: string): void {
  if (text.trim() === '') return
  if (!declaresJson(contentType)) throw new ApiError('unsupported_media_type')
  try {
    JSON.parse(text)
  } catch (error) {
    throw new ApiError('invalid_json', { cause: error })
  }
}

/**
 * The method check of a route table: `405 method_not_allowed` with `Allow` (RFC 9110 §15.5.6) for a
 * path of the table asked with a method it does not answer. A path the table does not have passes:
 * its 404 is the app's. Paths are matched by Hono's router, as the apps match their routes.
 */
export function methodCheck(
  routes: Readonly<Record<string, RouteSpec>> = ROUTES,
): (method: string, path: string) => void {
  const byPath = allowedMethods(routes)
  // A path without parameters is looked up as it is; the router only matches the others.
  const router = new TrieRouter<string[]>()
  for (const [path, methods] of byPath) if (path.includes(':')) router.add('ALL', path, methods)
  return function checkMethod(method, path) {
    const allowed = byPath.get(path) ?? [...new Set(router.match(method, path)[0].flatMap(([methods]) => methods))]
    if (allowed.length > 0 && !allowed.includes(method)) {
      throw new ApiError('method_not_allowed', { headers: { Allow: allowed.join(', ') } })
    }
  }
}
