/**
 * The sign-in loop of the public sample SPA, at the edge: the login code from
 * SaaSus's hosted login becomes tokens (/credentials), the refresh token lives in
 * an HttpOnly cookie that renews them (/refresh), /userinfo tells the SPA who is
 * signed in (through `requireUser`), and /logout forgets the cookies.
 */
import { Hono } from 'hono'
import type { AppEnv } from '../app-env'
import type { Config } from '../config'
import { ApiError } from '../errors'
import { requireRequestedWith } from '../middleware/requested-with'
import { requireUser } from '../middleware/user'
import { expiredRefreshCookies, readRefreshCookie, refreshCookie } from '../refresh-cookie'
import type { Credentials } from '../saasus/types'
import type { CredentialsResponse, MessageResponse } from '../schemas'
import { upstream } from '../upstream'

/** SaaSus's temporary codes are UUIDs (authapi.yml `Code` → `Uuid`); anything else is refused unasked. */
const LOGIN_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// Tokens must never sit in a shared or browser cache (as RFC 6749 §5.1 asks of token responses).
const NO_STORE = { 'Cache-Control': 'no-store' }

function loginCode(value: string | undefined): string {
  if (value === undefined || value.trim() === '') throw new ApiError('invalid_request')
  if (!LOGIN_CODE.test(value)) throw new ApiError('invalid_login_code')
  return value
}

/** The body the SPA gets: the tokens, and the refresh token too if the settings say so. */
function responseBody(credentials: Credentials, config: Config): CredentialsResponse {
  const { id_token, access_token, refresh_token } = credentials
  return config.refreshTokenInBody && refresh_token
    ? { id_token, access_token, refresh_token }
    : { id_token, access_token }
}

export const sessionRoutes = new Hono<AppEnv>()
  .get('/credentials', requireRequestedWith(), async (c) => {
    const code = loginCode(c.req.query('code'))
    // SaaSus answers an unknown, expired or spent code with 404 (or a 500 in its own words).
    const credentials = await upstream(c.var.saasus.getCredentials({ code }), {
      unauthorized: 'upstream_error',
      rejected: 'invalid_login_code',
    })
    if (credentials.refresh_token) {
      c.header('Set-Cookie', refreshCookie(credentials.refresh_token, c.var.config.refreshCookie))
    }
    return c.json(responseBody(credentials, c.var.config), 200, NO_STORE)
  })

  .get('/refresh', requireRequestedWith(), async (c) => {
    const settings = c.var.config.refreshCookie
    const refused = (cause?: unknown) =>
      new ApiError('invalid_refresh_token', { cause, headers: { 'Set-Cookie': expiredRefreshCookies(settings) } })

    const cookie = readRefreshCookie(c)
    if (cookie.state === 'missing') throw new ApiError('missing_refresh_token')
    if (cookie.state === 'malformed') throw refused()

    let credentials: Credentials
    try {
      credentials = await upstream(c.var.saasus.getCredentials({ refreshToken: cookie.token }), {
        unauthorized: 'invalid_refresh_token',
        rejected: 'invalid_refresh_token',
      })
    } catch (error) {
      // Only a refusal ends the session; an outage keeps the cookie for the next try.
      throw error instanceof ApiError && error.code === 'invalid_refresh_token' ? refused(error) : error
    }
    // SaaSus renews ID and access tokens only; should it ever rotate the refresh token, keep the new one.
    if (credentials.refresh_token && credentials.refresh_token !== cookie.token) {
      c.header('Set-Cookie', refreshCookie(credentials.refresh_token, settings))
    }
    return c.json(responseBody(credentials, c.var.config), 200, NO_STORE)
  })

  .get('/userinfo', requireUser(), (c) => c.json(c.var.user))

  .post('/logout', requireRequestedWith(), (c) => {
    // SaaSus offers no call that revokes a refresh token: forgetting it is what is possible here.
    for (const cookie of expiredRefreshCookies(c.var.config.refreshCookie))
      c.header('Set-Cookie', cookie, { append: true })
    return c.json({ message: 'Signed out' } satisfies MessageResponse, 200, NO_STORE)
  })
