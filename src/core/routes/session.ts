/**
 * The sign-in loop of the public sample SPA, at the edge: the login code from
 * SaaSus's hosted login becomes tokens (/credentials), the refresh token lives in
 * an HttpOnly cookie that renews them (/refresh), /userinfo tells the SPA who is
 * signed in (through `requireUser`), and /logout forgets the cookies.
 */
import { Hono } from 'hono'
import * as z from 'zod/mini'
import { ApiError } from '../../shared/errors'
import { ROUTES } from '../../shared/routes'
import type { AppEnv } from '../app-env'
import type { Settings } from '../config'
import { expiredRefreshCookies, readRefreshCookie, refreshCookie } from '../refresh-cookie'
import type { Credentials } from '../saasus/types'
import {
  type CredentialsResponse,
  credentialsResponse,
  type MessageResponse,
  messageResponse,
  userInfoResponse,
} from '../schemas'
import { UPSTREAM_ERRORS, upstream } from '../upstream'
import { guarded } from './route'

/** SaaSus's temporary codes are UUIDs (authapi.yml `Code` → `Uuid`); anything else is refused unasked. */
const LOGIN_CODE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

// Tokens must never sit in a shared or browser cache (as RFC 6749 §5.1 asks of token responses).
const NO_STORE = { 'Cache-Control': 'no-store' }

function loginCode(value: string | undefined): string {
  if (value === undefined || value.trim() === '') {
    throw new ApiError('invalid_request', {
      field: { name: 'code', problem: 'is required (the ?code= of the login callback)' },
    })
  }
  if (!LOGIN_CODE.test(value)) throw new ApiError('invalid_login_code')
  return value
}

/** The body the SPA gets: the tokens, and the refresh token too if the settings say so. */
function responseBody(credentials: Credentials, settings: Settings): CredentialsResponse {
  const { id_token, access_token, refresh_token } = credentials
  return settings.refreshTokenInBody && refresh_token
    ? { id_token, access_token, refresh_token }
    : { id_token, access_token }
}

// The session routes call SaaSus without a user; a refusal of our credentials or an outage is all they share.
const SESSION_ERRORS = ['missing_requested_with', ...UPSTREAM_ERRORS] as const

const { getCredentials, refreshCredentials, getUserInfo, logout } = ROUTES

export const sessionRoutes = new Hono<AppEnv>()
  .on(
    getCredentials.method,
    getCredentials.path,
    guarded(getCredentials, {
      summary: "Trades the hosted login's one-time code for tokens; sets the refresh-token cookie",
      description:
        'SaaSus `GET /credentials?auth-flow=tempCodeAuth`. The refresh token goes into an HttpOnly cookie ' +
        '(`Path=/refresh`), and into the body too unless `REFRESH_TOKEN_IN_BODY` is false.',
      query: [
        {
          name: 'code',
          required: true,
          description: 'The `code` the hosted login appended to the callback URL (a UUID, valid 10 s, good once)',
          schema: z.string().check(z.describe('UUID')),
        },
      ],
      response: {
        schema: credentialsResponse,
        example: { id_token: 'eyJ…', access_token: 'eyJ…', refresh_token: 'eyJ…' },
        headers: NO_STORE,
      },
      setsRefreshCookie: true,
      errors: ['invalid_request', 'invalid_login_code', ...SESSION_ERRORS],
    }),
    async (c) => {
      const code = loginCode(c.req.query('code'))
      // SaaSus answers an unknown, expired or spent code with 404 (or a 500 in its own words).
      const credentials = await upstream(c.get('saasus').getCredentials({ code }), {
        unauthorized: 'upstream_error',
        rejected: 'invalid_login_code',
      })
      if (credentials.refresh_token) {
        c.header('Set-Cookie', refreshCookie(credentials.refresh_token, c.get('settings').refreshCookie))
      }
      return c.json(responseBody(credentials, c.get('settings')), 200, NO_STORE)
    },
  )

  .on(
    refreshCredentials.method,
    refreshCredentials.path,
    guarded(refreshCredentials, {
      summary: 'New ID and access tokens from the refresh-token cookie',
      description: 'SaaSus `GET /credentials?auth-flow=refreshTokenAuth`. A refused refresh token clears the cookie.',
      parameters: ['RefreshCookie'],
      response: {
        schema: credentialsResponse,
        example: { id_token: 'eyJ…', access_token: 'eyJ…' },
        headers: NO_STORE,
      },
      setsRefreshCookie: true,
      errors: ['missing_refresh_token', 'invalid_refresh_token', ...SESSION_ERRORS],
    }),
    async (c) => {
      const settings = c.get('settings').refreshCookie
      const refused = (cause?: unknown) =>
        new ApiError('invalid_refresh_token', { cause, headers: { 'Set-Cookie': expiredRefreshCookies(settings) } })

      const cookie = readRefreshCookie(c)
      if (cookie.state === 'missing') throw new ApiError('missing_refresh_token')
      if (cookie.state === 'malformed') throw refused()

      let credentials: Credentials
      try {
        credentials = await upstream(c.get('saasus').getCredentials({ refreshToken: cookie.token }), {
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
      return c.json(responseBody(credentials, c.get('settings')), 200, NO_STORE)
    },
  )

  .on(
    getUserInfo.method,
    getUserInfo.path,
    guarded(getUserInfo, {
      summary: "The caller's SaaSus UserInfo: e-mail or sign-in ID, tenants, environments and roles",
      response: {
        schema: userInfoResponse,
        example: {
          id: 'f94bfffc-8be2-11ec-b41a-0242ac120004',
          email: 'alice@example.com',
          sign_in_id: '',
          user_attribute: {},
          tenants: [],
        },
      },
    }),
    (c) => c.json(c.get('user')),
  )

  .on(
    logout.method,
    logout.path,
    guarded(logout, {
      summary: 'Forgets the refresh-token cookies (SaaSus has no call that revokes the token itself)',
      response: { schema: messageResponse, example: { message: 'Signed out' }, headers: NO_STORE },
      setsRefreshCookie: true,
    }),
    (c) => {
      // SaaSus offers no call that revokes a refresh token: forgetting it is what is possible here.
      for (const cookie of expiredRefreshCookies(c.get('settings').refreshCookie))
        c.header('Set-Cookie', cookie, { append: true })
      return c.json({ message: 'Signed out' } satisfies MessageResponse, 200, NO_STORE)
    },
  )
