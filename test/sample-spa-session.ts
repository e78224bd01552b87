/**
 * The public SaaSus sample SPA's whole sign-in loop, as a browser runs it against
 * this API: the hosted login redirects to the SPA's callback with `?code=`, the
 * callback page calls /credentials, then /userinfo (twice: tenant count, then
 * role) and routes by role; the MFA dialog runs; once the ID token's `exp` has
 * passed the SPA's `idTokenCheck` calls /refresh with the cookie; sign-out.
 *
 * Shared by the workerd test (test/sample-spa-session.test.ts) and
 * `npm run replay:session` (scripts/session-replay.ts, against `wrangler dev`),
 * so both replay the same steps. It behaves as the browser does: a CORS
 * preflight before each call that carries a custom header, the response read
 * only with the CORS grant, and a cookie jar that honours `Path`.
 */
import { TOTP } from 'otpauth'

export interface ReplayTarget {
  /** A request to the API, by path (the target adds the base URL). */
  api(path: string, init: RequestInit): Promise<Response>
  /** A request to the SaaSus emulator's development endpoints, by path. */
  emulator(path: string, init?: RequestInit): Promise<Response>
  /** The SPA's origin; it must be in the API's ALLOWED_ORIGINS. */
  origin: string
}

export interface ReplayOptions {
  userId: string
  /** Lifetime of the session's ID tokens; the dialog must finish within it. */
  idTokenLifetimeSeconds: number
  log?: (line: string) => void
}

export interface ReplayResult {
  /** Each call the SPA made, as `METHOD /path status`, in order. */
  calls: string[]
  /** Where the callback page routed the user. */
  landing: string
  firstIdToken: string
  refreshedIdToken: string
  refreshCookie: string
}

const COOKIE_NAME = 'SaaSusRefreshToken'

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`replay: ${message}`)
}

/** The JWT payload, decoded as the sample SPA's idTokenCheck does. */
export function jwtPayload(token: string): { exp: number; sub: string; email: string } {
  const part = token.split('.')[1] ?? ''
  return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One cookie, kept as a browser keeps it: value, path, and whether it was deleted. */
interface StoredCookie {
  value: string
  path: string
  header: string
}

export async function replaySampleSpa(target: ReplayTarget, options: ReplayOptions): Promise<ReplayResult> {
  const calls: string[] = []
  const log = options.log ?? (() => {})
  const jar = new Map<string, StoredCookie>()

  function keepCookies(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
      const name = pair.slice(0, pair.indexOf('='))
      const value = pair.slice(pair.indexOf('=') + 1)
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/'
      const maxAge = attributes.find((a) => /^max-age=/i.test(a))?.slice(8)
      if (maxAge !== undefined && Number(maxAge) <= 0) jar.delete(name)
      else jar.set(name, { value, path, header })
    }
  }

  /** The Cookie header for a path (RFC 6265 §5.1.4 path-match). */
  function cookiesFor(path: string): string | undefined {
    const pathname = new URL(path, 'https://x').pathname
    const sent = [...jar].filter(
      ([, c]) => pathname === c.path || (pathname.startsWith(c.path) && pathname[c.path.length] === '/'),
    )
    return sent.length ? sent.map(([name, c]) => `${name}=${c.value}`).join('; ') : undefined
  }

  /** axios with `withCredentials: true` in a browser: preflight, call, CORS check. */
  async function browserCall(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    payload: unknown = method === 'POST' ? {} : undefined,
  ): Promise<Response> {
    const body = payload === undefined ? undefined : JSON.stringify(payload)
    if (body) headers = { ...headers, 'Content-Type': 'application/json' }
    const preflight = await target.api(path, {
      method: 'OPTIONS',
      headers: {
        Origin: target.origin,
        'Access-Control-Request-Method': method,
        'Access-Control-Request-Headers': Object.keys(headers)
          .map((name) => name.toLowerCase())
          .sort()
          .join(','),
      },
    })
    check(
      preflight.status === 204 && preflight.headers.get('Access-Control-Allow-Origin') === target.origin,
      `preflight of ${method} ${path} refused (${preflight.status})`,
    )
    const cookie = cookiesFor(path)
    const res = await target.api(path, {
      method,
      headers: { ...headers, Origin: target.origin, ...(cookie ? { Cookie: cookie } : {}) },
      ...(body ? { body } : {}),
    })
    check(
      res.headers.get('Access-Control-Allow-Origin') === target.origin &&
        res.headers.get('Access-Control-Allow-Credentials') === 'true',
      `${method} ${path}: the browser would refuse the response (no credentialed CORS grant)`,
    )
    keepCookies(res)
    calls.push(`${method} ${path.split('?')[0]} ${res.status}`)
    log(`${method.padEnd(4)} ${path.split('?')[0]?.padEnd(14)} ${res.status}`)
    return res
  }

  async function json<T>(res: Response, what: string, status = 200): Promise<T> {
    check(res.status === status, `${what}: ${res.status} ${await res.clone().text()}`)
    return (await res.json()) as T
  }

  const storage = { idToken: '', accessToken: '' }
  const spaHeaders = (page: string, extra: Record<string, string> = {}) => ({
    'X-Requested-With': 'XMLHttpRequest',
    'X-SaaSus-Referer': page,
    ...extra,
  })
  const bearer = () => ({ Authorization: `Bearer ${storage.idToken}` })

  // 1. SaaSus's hosted login redirects to the SPA's callback with a one-time code.
  const login = await target.emulator('/_emulator/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({
      user_id: options.userId,
      callback_url: `${target.origin}/callback`,
      id_token_lifetime_seconds: options.idTokenLifetimeSeconds,
    }),
  })
  const { callback_url } = await json<{ callback_url: string }>(login, 'hosted login', 201)
  const code = new URL(callback_url).searchParams.get('code')
  check(code, 'the callback URL carries no code')

  // 2. Callback.tsx getToken(): tokens to storage; the refresh token stays in the cookie.
  const credentials = await json<{ id_token: string; access_token: string; refresh_token?: string }>(
    await browserCall('GET', `/credentials?code=${code}`, spaHeaders('/callback')),
    '/credentials',
  )
  storage.idToken = credentials.id_token
  storage.accessToken = credentials.access_token
  const refreshCookie = jar.get(COOKIE_NAME)
  check(refreshCookie, '/credentials set no SaaSusRefreshToken cookie')
  check(/; HttpOnly/.test(refreshCookie.header) && /; Secure/.test(refreshCookie.header), 'cookie not HttpOnly+Secure')
  const firstIdToken = storage.idToken
  const firstExp = jwtPayload(firstIdToken).exp

  // 3. handleUserNavigation(): one tenant → navigateByRole() reads the role.
  type UserInfo = { id: string; tenants: { id: string; envs: { roles: { role_name: string }[] }[] }[] }
  const info = await json<UserInfo>(
    await browserCall('GET', '/userinfo', spaHeaders('/callback', bearer())),
    'userinfo',
  )
  check(info.id === options.userId, 'userinfo names another user')
  check(info.tenants.length === 1, `expected one tenant, got ${info.tenants.length}`)
  const again = await json<UserInfo>(
    await browserCall('GET', '/userinfo', spaHeaders('/callback', bearer())),
    'userinfo',
  )
  const tenant = again.tenants[0]
  const role = tenant?.envs[0]?.roles[0]?.role_name
  const landing =
    role === 'sadmin' || role === 'admin'
      ? `/${role}/toppage?tenant_id=${tenant?.id}`
      : `/user/toppage?tenant_id=${tenant?.id}`

  // 4. UserMfaSettingDialog: status → setup → verify → enable → status.
  const dialog = (extra: Record<string, string> = {}) =>
    spaHeaders('/user/toppage?action=mfa', { ...bearer(), ...extra })
  const status = async () =>
    (await json<{ enabled: boolean }>(await browserCall('GET', '/mfa_status', dialog()), 'mfa_status')).enabled
  check((await status()) === false, 'MFA is already on for this user')
  const { qrCodeUrl } = await json<{ qrCodeUrl: string }>(
    await browserCall('GET', '/mfa_setup', dialog({ 'X-Access-Token': storage.accessToken })),
    'mfa_setup',
  )
  const secret = new URL(qrCodeUrl).searchParams.get('secret') ?? ''
  const totp = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate()
  await json(
    await browserCall('POST', '/mfa_verify', dialog({ 'X-Access-Token': storage.accessToken }), {
      verification_code: totp,
    }),
    'mfa_verify',
  )
  await json(await browserCall('POST', '/mfa_enable', dialog()), 'mfa_enable')
  check((await status()) === true, 'MFA is not on after enable')
  check(storage.idToken === firstIdToken, 'the dialog outlasted the first ID token; raise its lifetime')

  // 5. idTokenCheck(): once `exp <= now` (in seconds, as the SPA compares), /refresh.
  const waitMs = firstExp * 1000 - Date.now() + 10
  log(`wait ${Math.max(0, waitMs)} ms for the ID token's exp`)
  if (waitMs > 0) await sleep(waitMs)
  check(firstExp <= Math.floor(Date.now() / 1000), 'the ID token has not expired yet')
  const expired = await browserCall('GET', '/userinfo', spaHeaders('/user/toppage', bearer()))
  check(expired.status === 401, `the expired ID token was accepted (${expired.status})`)
  const refreshed = await json<{ id_token: string; access_token: string }>(
    await browserCall('GET', '/refresh', spaHeaders('/user/toppage')),
    '/refresh',
  )
  storage.idToken = refreshed.id_token
  storage.accessToken = refreshed.access_token
  check(jwtPayload(storage.idToken).exp > firstExp, 'the refreshed ID token does not expire later')
  const after = await json<UserInfo>(
    await browserCall('GET', '/userinfo', spaHeaders('/user/toppage', bearer())),
    'userinfo',
  )
  check(after.id === options.userId, 'the refreshed ID token names another user')
  check((await status()) === true, 'MFA state lost across the refresh')

  // 6. The user turns MFA off again and signs out: the cookie is gone, /refresh is refused.
  await json(await browserCall('POST', '/mfa_disable', dialog()), 'mfa_disable')
  await json(await browserCall('POST', '/logout', spaHeaders('/user/toppage')), '/logout')
  check(!jar.has(COOKIE_NAME), '/logout left the cookie in place')
  const signedOut = await browserCall('GET', '/refresh', spaHeaders('/user/toppage'))
  check(signedOut.status === 401, `/refresh after sign-out answered ${signedOut.status}`)

  return { calls, landing, firstIdToken, refreshedIdToken: storage.idToken, refreshCookie: refreshCookie.header }
}
