/**
 * Sign-in sessions as SaaSus's hosted login leaves them: a one-time login code
 * (the `?code=` the login page redirects to the SPA's callback with) that is
 * exchanged once for tokens, and a refresh token that mints fresh ID and access
 * tokens until the session ends.
 */
import type { Credentials } from './saasus-types'
import { type EmulatedUser, issueTokens, randomToken } from './store'

/** SaaSus's temporary codes are valid for 10 seconds from issuance (authapi.yml, CreateAuthCredentials). */
export const LOGIN_CODE_LIFETIME_MS = 10 * 1000

interface Session {
  user: EmulatedUser
  /** Lifetime of every ID token of this session; the default is the store's (a day). */
  idTokenLifetimeSeconds?: number
}

interface LoginCode extends Session {
  expiresAt: number
  used: boolean
}

const loginCodes = new Map<string, LoginCode>()
const refreshTokens = new Map<string, Session>()

/** Why a code or a refresh token was refused, in the emulator's own words. */
export class SessionRefused extends Error {
  constructor(readonly reason: 'unknown_code' | 'expired_code' | 'used_code' | 'unknown_refresh_token') {
    super(reason)
  }
}

/** What the hosted login does once a user has signed in: a code for the SPA's callback. */
export function mintLoginCode(
  user: EmulatedUser,
  idTokenLifetimeSeconds?: number,
): { code: string; expiresAt: number } {
  const code = crypto.randomUUID()
  const expiresAt = Date.now() + LOGIN_CODE_LIFETIME_MS
  loginCodes.set(code, { user, expiresAt, used: false, idTokenLifetimeSeconds })
  return { code, expiresAt }
}

/** Ages a code past its lifetime, so tests need not wait 10 s. */
export function expireLoginCode(code: string): boolean {
  const entry = loginCodes.get(code)
  if (entry) entry.expiresAt = Date.now() - 1
  return entry !== undefined
}

/** `auth-flow=tempCodeAuth`: a code is good once, within its lifetime. */
export function redeemLoginCode(code: string): Credentials {
  const entry = loginCodes.get(code)
  if (!entry) throw new SessionRefused('unknown_code')
  if (entry.used) throw new SessionRefused('used_code')
  if (Date.now() >= entry.expiresAt) throw new SessionRefused('expired_code')
  entry.used = true
  const refreshToken = randomToken(48)
  refreshTokens.set(refreshToken, { user: entry.user, idTokenLifetimeSeconds: entry.idTokenLifetimeSeconds })
  return { ...issueTokens(entry.user, entry.idTokenLifetimeSeconds), refresh_token: refreshToken }
}

/**
 * `auth-flow=refreshTokenAuth`: fresh ID and access tokens. No new refresh
 * token, as Cognito's REFRESH_TOKEN_AUTH without rotation answers.
 */
export function redeemRefreshToken(token: string): Credentials {
  const session = refreshTokens.get(token)
  if (!session) throw new SessionRefused('unknown_refresh_token')
  return issueTokens(session.user, session.idTokenLifetimeSeconds)
}
