/**
 * The `SaaSusRefreshToken` cookie: the name the public sample SPA and servers
 * use, holding the SaaSus refresh token where the SPA's JavaScript cannot read it.
 *
 * `HttpOnly` (no script reads it), `Secure` (HTTPS only; browsers also accept it
 * from http://localhost), `Path` the refresh route's as browsers call it (`/refresh`, or
 * REFRESH_COOKIE_PATH behind a proxy that strips a prefix: sent to the one route that reads it),
 * `SameSite` from the settings, and `Partitioned` when `SameSite=None`: a
 * cross-site cookie keyed to the SPA's site (CHIPS), which browsers that block
 * third-party cookies still keep, and which no other site can use.
 */
import type { Context } from 'hono'
import { generateCookie } from 'hono/cookie'
import { type CookieOptions, parse } from 'hono/utils/cookie'
import { OPAQUE_TOKEN } from '../shared/tokens'
import type { Settings } from './config'

export const REFRESH_COOKIE = 'SaaSusRefreshToken'

function attributes(settings: Settings['refreshCookie']): CookieOptions {
  const sameSite = settings.sameSite === 'none' ? 'None' : settings.sameSite === 'lax' ? 'Lax' : 'Strict'
  return {
    // The only route the cookie is sent to (RFC 6265 §5.1.4 path-match).
    path: settings.path,
    httpOnly: true,
    secure: true,
    sameSite,
    ...(sameSite === 'None' ? { partitioned: true } : {}),
  }
}

/** `Set-Cookie` value that stores a refresh token for the configured lifetime. */
export function refreshCookie(token: string, settings: Settings['refreshCookie']): string {
  return generateCookie(REFRESH_COOKIE, token, { ...attributes(settings), maxAge: settings.maxAgeSeconds })
}

/**
 * `Set-Cookie` values that remove every `SaaSusRefreshToken` this API can reach,
 * the configured one first: ours as configured; ours with `Partitioned` the other
 * way (the settings may have changed since it was set); and the sample SPA's
 * `Path=/` copy, which it writes from the /credentials body into a cookie of its
 * own origin, and which reaches /refresh too when the SPA and the API share a host.
 */
export function expiredRefreshCookies(settings: Settings['refreshCookie']): string[] {
  // A deletion replaces only the cookie with the same name, domain and path (RFC 6265bis
  // storage model) and partition key (CHIPS): one per variant. SameSite=None, because
  // browsers drop a Lax or Strict Set-Cookie from a cross-site response.
  const ours = attributes(settings)
  const anySite = { secure: true, sameSite: 'None', maxAge: 0 } as const
  return [
    generateCookie(REFRESH_COOKIE, '', { ...ours, maxAge: 0 }),
    generateCookie(REFRESH_COOKIE, '', {
      ...anySite,
      path: ours.path,
      httpOnly: true,
      ...(ours.partitioned ? {} : { partitioned: true }),
    }),
    generateCookie(REFRESH_COOKIE, '', { ...anySite, path: '/' }),
  ]
}

export type RefreshCookieValue = { state: 'missing' } | { state: 'malformed' } | { state: 'present'; token: string }

/**
 * The refresh token the request's cookie carries, if any. With the SPA's `Path=/`
 * copy beside ours, the first pair decides: browsers send longer paths first
 * (RFC 6265 §5.4), so that is ours. Hono's getCookie would skip a first value it
 * cannot parse and take the next, so the pair is picked here.
 */
export function readRefreshCookie(c: Context): RefreshCookieValue {
  const pair = c.req
    .header('Cookie')
    ?.split(';')
    .find((part) => part.includes('=') && part.slice(0, part.indexOf('=')).trim() === REFRESH_COOKIE)
  if (pair === undefined) return { state: 'missing' }
  const value = parse(pair, REFRESH_COOKIE)[REFRESH_COOKIE]
  if (value === '') return { state: 'missing' }
  return value !== undefined && OPAQUE_TOKEN.test(value) ? { state: 'present', token: value } : { state: 'malformed' }
}
