/**
 * What the public SaaSus sample SPA sends, as a browser sends it: a CORS
 * preflight before each call (every call carries a custom header), the response
 * read only with the credentialed CORS grant, and a cookie jar that honours
 * `Path`. Two replays are built from it: the MFA dialog, and the whole sign-in
 * loop around it.
 *
 * One module for the workerd tests (test/scenarios/sample-spa-*.test.ts) and
 * `npm run replay:mfa` / `npm run replay:session` (scripts/, against a running
 * stack), so both replay the same requests. It uses fetch and Web APIs only.
 */
import { TOTP } from 'otpauth'

export interface SpaTarget {
  /** A request to the API, by path (the target adds the base URL). */
  api(path: string, init: RequestInit): Promise<Response>
  /** A request to the SaaSus emulator's development endpoints, by path. */
  emulator(path: string, init?: RequestInit): Promise<Response>
  /** The SPA's origin; it must be in the API's ALLOWED_ORIGINS. */
  origin: string
}

/** A target reached over HTTP, as the replay scripts reach a running API and emulator. */
export const overHttp = (api: string, emulator: string, origin: string): SpaTarget => ({
  api: (path, init) => fetch(`${api}${path}`, init),
  emulator: (path, init) => fetch(`${emulator}${path}`, init),
  origin,
})

const COOKIE_NAME = 'SaaSusRefreshToken'
/** The page the SPA's MFA dialog opens on. */
const DIALOG_PAGE = '/user/toppage?action=mfa'

function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new Error(`replay: ${message}`)
}

/** The JWT payload, decoded as the sample SPA's idTokenCheck does. */
export function jwtPayload(token: string): { exp: number; sub: string; email: string } {
  const part = token.split('.')[1] ?? ''
  return JSON.parse(atob(part.replace(/-/g, '+').replace(/_/g, '/')))
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** One cookie, kept as a browser keeps it. */
interface StoredCookie {
  value: string
  path: string
  header: string
}

/** The browser the SPA runs in: it records each call as `METHOD /path status`, in order. */
export class SpaBrowser {
  readonly calls: string[] = []
  readonly target: SpaTarget
  readonly log: (line: string) => void
  readonly #jar = new Map<string, StoredCookie>()

  // Fields assigned by hand: Node runs the replay scripts by stripping types, which parameter properties are not.
  constructor(target: SpaTarget, log: (line: string) => void = () => {}) {
    this.target = target
    this.log = log
  }

  /** The cookie the browser holds under a name, with the Set-Cookie header that set it. */
  cookie(name: string): StoredCookie | undefined {
    return this.#jar.get(name)
  }

  /** axios with `withCredentials: true` in a browser: preflight, call, CORS check. */
  async call(
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    payload: unknown = method === 'POST' ? {} : undefined,
  ): Promise<Response> {
    const { target } = this
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
      preflight.status === 204 &&
        preflight.headers.get('Access-Control-Allow-Origin') === target.origin &&
        preflight.headers.get('Access-Control-Allow-Credentials') === 'true',
      `preflight of ${method} ${path} refused (${preflight.status})`,
    )
    const cookie = this.#cookieHeader(path)
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
    this.#keepCookies(res)
    const route = path.split('?')[0] ?? path
    this.calls.push(`${method} ${route} ${res.status}`)
    this.log(`${method.padEnd(4)} ${route.padEnd(14)} ${res.status}`)
    return res
  }

  #keepCookies(res: Response): void {
    for (const header of res.headers.getSetCookie()) {
      const [pair = '', ...attributes] = header.split(';').map((part) => part.trim())
      const name = pair.slice(0, pair.indexOf('='))
      const value = pair.slice(pair.indexOf('=') + 1)
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/'
      const maxAge = attributes.find((a) => /^max-age=/i.test(a))?.slice(8)
      if (maxAge !== undefined && Number(maxAge) <= 0) this.#jar.delete(name)
      else this.#jar.set(name, { value, path, header })
    }
  }

  /** The Cookie header for a path (RFC 6265 §5.1.4 path-match). */
  #cookieHeader(path: string): string | undefined {
    const pathname = new URL(path, 'https://x').pathname
    const sent = [...this.#jar].filter(
      ([, c]) => pathname === c.path || (pathname.startsWith(c.path) && pathname[c.path.length] === '/'),
    )
    return sent.length ? sent.map(([name, c]) => `${name}=${c.value}`).join('; ') : undefined
  }
}

async function json<T>(res: Response, what: string, status = 200): Promise<T> {
  check(res.status === status, `${what}: ${res.status} ${await res.clone().text()}`)
  return (await res.json()) as T
}

/** The headers the SPA adds to every call from a page. */
const spaHeaders = (page: string, extra: Record<string, string> = {}) => ({
  'X-Requested-With': 'XMLHttpRequest',
  'X-SaaSus-Referer': page,
  ...extra,
})

/** What the SPA keeps in storage after sign-in. */
export interface SpaTokens {
  idToken: string
  accessToken: string
}

const dialogHeaders = (tokens: SpaTokens, withAccessToken = false) =>
  spaHeaders(DIALOG_PAGE, {
    Authorization: `Bearer ${tokens.idToken}`,
    ...(withAccessToken ? { 'X-Access-Token': tokens.accessToken } : {}),
  })

/** The dialog's status read (GET /mfa_status). */
async function mfaEnabled(browser: SpaBrowser, tokens: SpaTokens): Promise<boolean> {
  const res = await browser.call('GET', '/mfa_status', dialogHeaders(tokens))
  return (await json<{ enabled: boolean }>(res, 'mfa_status')).enabled
}

/**
 * UserMfaSettingDialog turning MFA on: status → setup → verify (the code an
 * authenticator app shows) → enable → status, which must then say on.
 */
async function enrollMfa(
  browser: SpaBrowser,
  tokens: SpaTokens,
): Promise<{ enabledBefore: boolean; qrCodeUrl: string }> {
  const enabledBefore = await mfaEnabled(browser, tokens)
  const setup = await browser.call('GET', '/mfa_setup', dialogHeaders(tokens, true))
  const { qrCodeUrl } = await json<{ qrCodeUrl: string }>(setup, 'mfa_setup')
  const secret = new URL(qrCodeUrl).searchParams.get('secret') ?? ''
  const code = new TOTP({ secret, algorithm: 'SHA1', digits: 6, period: 30 }).generate()
  await json(
    await browser.call('POST', '/mfa_verify', dialogHeaders(tokens, true), { verification_code: code }),
    'mfa_verify',
  )
  await json(await browser.call('POST', '/mfa_enable', dialogHeaders(tokens)), 'mfa_enable')
  check((await mfaEnabled(browser, tokens)) === true, 'MFA is not on after enable')
  return { enabledBefore, qrCodeUrl }
}

/** The dialog turning MFA off: disable → status, which must then say off. */
async function disableMfa(browser: SpaBrowser, tokens: SpaTokens): Promise<void> {
  await json(await browser.call('POST', '/mfa_disable', dialogHeaders(tokens)), 'mfa_disable')
  check((await mfaEnabled(browser, tokens)) === false, 'MFA is still on after disable')
}

/** The MFA dialog on, then off again, for a user already signed in. */
export async function replayMfaDialog(
  target: SpaTarget,
  tokens: SpaTokens,
  log?: (line: string) => void,
): Promise<{ enabledBefore: boolean; qrCodeUrl: string; calls: string[] }> {
  const browser = new SpaBrowser(target, log)
  const enrolled = await enrollMfa(browser, tokens)
  await disableMfa(browser, tokens)
  return { ...enrolled, calls: browser.calls }
}

export interface SessionOptions {
  userId: string
  /** Lifetime of the session's ID tokens; the dialog must finish within it. */
  idTokenLifetimeSeconds: number
  log?: (line: string) => void
}

export interface SessionResult {
  /** Each call the SPA made, as `METHOD /path status`, in order. */
  calls: string[]
  /** Where the callback page routed the user. */
  landing: string
  firstIdToken: string
  refreshedIdToken: string
  refreshCookie: string
}

type UserInfo = { id: string; tenants: { id: string; envs: { roles: { role_name: string }[] }[] }[] }

/**
 * The whole sign-in loop: the hosted login redirects to the SPA's callback with
 * `?code=`, the callback page calls /credentials, then /userinfo (twice: tenant
 * count, then role) and routes by role; the MFA dialog runs; once the ID token's
 * `exp` has passed the SPA's `idTokenCheck` calls /refresh with the cookie;
 * MFA goes off again; sign-out.
 */
export async function replaySampleSpa(target: SpaTarget, options: SessionOptions): Promise<SessionResult> {
  const browser = new SpaBrowser(target, options.log)
  const tokens: SpaTokens = { idToken: '', accessToken: '' }
  const bearer = () => ({ Authorization: `Bearer ${tokens.idToken}` })

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
  const credentials = await json<{ id_token: string; access_token: string }>(
    await browser.call('GET', `/credentials?code=${code}`, spaHeaders('/callback')),
    '/credentials',
  )
  tokens.idToken = credentials.id_token
  tokens.accessToken = credentials.access_token
  const refreshCookie = browser.cookie(COOKIE_NAME)
  check(refreshCookie, '/credentials set no SaaSusRefreshToken cookie')
  check(/; HttpOnly/.test(refreshCookie.header) && /; Secure/.test(refreshCookie.header), 'cookie not HttpOnly+Secure')
  const firstIdToken = tokens.idToken
  const firstExp = jwtPayload(firstIdToken).exp

  // 3. handleUserNavigation(): one tenant → navigateByRole() reads the role.
  const userinfo = async (page: string) =>
    json<UserInfo>(await browser.call('GET', '/userinfo', spaHeaders(page, bearer())), 'userinfo')
  const info = await userinfo('/callback')
  check(info.id === options.userId, 'userinfo names another user')
  check(info.tenants.length === 1, `expected one tenant, got ${info.tenants.length}`)
  const tenant = (await userinfo('/callback')).tenants[0]
  const role = tenant?.envs[0]?.roles[0]?.role_name
  const landing =
    role === 'sadmin' || role === 'admin'
      ? `/${role}/toppage?tenant_id=${tenant?.id}`
      : `/user/toppage?tenant_id=${tenant?.id}`

  // 4. The MFA dialog turns MFA on.
  const { enabledBefore } = await enrollMfa(browser, tokens)
  check(!enabledBefore, 'MFA was already on for this user')
  check(tokens.idToken === firstIdToken, 'the dialog outlasted the first ID token; raise its lifetime')

  // 5. idTokenCheck(): once `exp <= now` (in seconds, as the SPA compares), /refresh.
  const waitMs = firstExp * 1000 - Date.now() + 10
  options.log?.(`wait ${Math.max(0, waitMs)} ms for the ID token's exp`)
  if (waitMs > 0) await sleep(waitMs)
  check(firstExp <= Math.floor(Date.now() / 1000), 'the ID token has not expired yet')
  const expired = await browser.call('GET', '/userinfo', spaHeaders('/user/toppage', bearer()))
  check(expired.status === 401, `the expired ID token was accepted (${expired.status})`)
  const refreshed = await json<{ id_token: string; access_token: string }>(
    await browser.call('GET', '/refresh', spaHeaders('/user/toppage')),
    '/refresh',
  )
  tokens.idToken = refreshed.id_token
  tokens.accessToken = refreshed.access_token
  check(jwtPayload(tokens.idToken).exp > firstExp, 'the refreshed ID token does not expire later')
  check((await userinfo('/user/toppage')).id === options.userId, 'the refreshed ID token names another user')
  check((await mfaEnabled(browser, tokens)) === true, 'MFA state lost across the refresh')

  // 6. The user turns MFA off again and signs out: the cookie is gone, /refresh is refused.
  await disableMfa(browser, tokens)
  await json(await browser.call('POST', '/logout', spaHeaders('/user/toppage')), '/logout')
  check(!browser.cookie(COOKIE_NAME), '/logout left the cookie in place')
  const signedOut = await browser.call('GET', '/refresh', spaHeaders('/user/toppage'))
  check(signedOut.status === 401, `/refresh after sign-out answered ${signedOut.status}`)

  return {
    calls: browser.calls,
    landing,
    firstIdToken,
    refreshedIdToken: tokens.idToken,
    refreshCookie: refreshCookie.header,
  }
}
