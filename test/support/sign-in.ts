/**
 * Signing in as the session routes expect: the emulator's stand-in for SaaSus's
 * hosted login (a one-time code per sign-in), and the callback's GET /credentials.
 */
import { call, EMULATOR, freshUser, type TestUser } from './harness'

/** What the sample SPA adds to its session calls. */
export const XHR = { 'X-Requested-With': 'XMLHttpRequest' } as const

/** Signs a user in at the emulated hosted login and returns the one-time code for the callback. */
export async function loginCode(userId: string, options: { idTokenLifetimeSeconds?: number } = {}): Promise<string> {
  const res = await fetch(`${EMULATOR}/_emulator/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ user_id: userId, id_token_lifetime_seconds: options.idTokenLifetimeSeconds }),
  })
  if (res.status !== 201) throw new Error(`emulator refused the login: ${res.status}`)
  return ((await res.json()) as { code: string }).code
}

/** Ages a login code past its 10 s, as if the SPA had been slow to call back. */
export async function expireLoginCode(code: string): Promise<void> {
  const res = await fetch(`${EMULATOR}/_emulator/login-codes/${code}/expire`, { method: 'POST' })
  if (res.status !== 204) throw new Error(`emulator could not expire the code: ${res.status}`)
}

export interface SignedIn {
  user: TestUser
  credentials: { id_token: string; access_token: string; refresh_token?: string }
  /** The `SaaSusRefreshToken=…` pair, ready for a Cookie header. */
  cookie: string
}

/** The whole callback: a fresh user, a login code, and GET /credentials. */
export async function signIn(options: { idTokenLifetimeSeconds?: number } = {}): Promise<SignedIn> {
  const user = await freshUser()
  const code = await loginCode(user.id, options)
  const res = await call(`/credentials?code=${code}`, { headers: XHR })
  if (res.status !== 200) throw new Error(`/credentials answered ${res.status}`)
  const setCookie = res.headers.getSetCookie()[0] ?? ''
  return { user, credentials: await res.json(), cookie: setCookie.split(';')[0] ?? '' }
}
