/**
 * Threat: a sign-out that leaves a working refresh token in the browser. The
 * sample SPA writes refresh_token from the /credentials body into a readable
 * cookie of its own origin (`SaaSusRefreshToken; Path=/`) and never deletes it.
 * Cookies ignore ports, so when the SPA and the API share a host the browser
 * sends that copy to /refresh as well, and /refresh renewed tokens after
 * /logout. /logout (and a refused /refresh) must expire every copy it can reach.
 */
import { describe, expect, it } from 'vitest'
import { call, codeOf } from '../support/harness'
import { jwtPayload } from '../support/sample-spa'
import { type SignedIn, signIn, XHR } from '../support/sign-in'

interface SetCookie {
  name: string
  value: string
  /** Attribute names in lower case; a flag's value is ''. */
  attributes: Map<string, string>
}

function parseSetCookie(header: string): SetCookie {
  const [pair = '', ...rest] = header.split(';').map((part) => part.trim())
  const attributes = new Map(
    rest.map((part) => {
      const eq = part.indexOf('=')
      return eq === -1 ? [part.toLowerCase(), ''] : [part.slice(0, eq).toLowerCase(), part.slice(eq + 1)]
    }),
  )
  return { name: pair.slice(0, pair.indexOf('=')), value: pair.slice(pair.indexOf('=') + 1), attributes }
}

function isExpiring(cookie: SetCookie): boolean {
  const maxAge = cookie.attributes.get('max-age')
  const expires = cookie.attributes.get('expires')
  return (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= Date.now())
}

/** The expiring `SaaSusRefreshToken` Set-Cookie headers of a response, parsed. */
function expired(res: Response): SetCookie[] {
  return res.headers
    .getSetCookie()
    .map(parseSetCookie)
    .filter((cookie) => cookie.name === 'SaaSusRefreshToken' && isExpiring(cookie))
}

const at = (path: string, partitioned: boolean) => (cookie: SetCookie) =>
  cookie.attributes.get('path') === path && cookie.attributes.has('partitioned') === partitioned

/**
 * A browser's cookie jar for one host and one top-level site: a cookie is known
 * by name, path and partition (RFC 6265bis, CHIPS), and the Cookie header lists
 * longer paths first, then older cookies first (RFC 6265 §5.4).
 */
class Jar {
  readonly #cookies = new Map<string, { name: string; value: string; path: string }>()

  /** What the SPA's `document.cookie = 'SaaSusRefreshToken=…; path=/'` does. */
  write(name: string, value: string, path: string, partitioned = false): void {
    this.#cookies.set(`${name} ${path} ${partitioned}`, { name, value, path })
  }

  apply(res: Response): void {
    for (const cookie of res.headers.getSetCookie().map(parseSetCookie)) {
      const path = cookie.attributes.get('path') ?? '/'
      const key = `${cookie.name} ${path} ${cookie.attributes.has('partitioned')}`
      if (isExpiring(cookie)) this.#cookies.delete(key)
      else this.write(cookie.name, cookie.value, path, cookie.attributes.has('partitioned'))
    }
  }

  header(pathname: string): string | undefined {
    const sent = [...this.#cookies.values()]
      .filter((c) => pathname === c.path || pathname.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort((a, b) => b.path.length - a.path.length)
    return sent.length ? sent.map((c) => `${c.name}=${c.value}`).join('; ') : undefined
  }

  send(path: string, init: RequestInit = {}): Promise<Response> {
    const cookie = this.header(path)
    return call(path, { ...init, headers: { ...XHR, ...(cookie ? { Cookie: cookie } : {}) } })
  }
}

/** A browser after the sample SPA's callback: our cookie from the response, its own copy from the body. */
async function sampleSpaBrowser(): Promise<{ jar: Jar; session: SignedIn }> {
  const session = await signIn()
  const jar = new Jar()
  const token = session.cookie.slice(session.cookie.indexOf('=') + 1)
  jar.write('SaaSusRefreshToken', token, '/refresh', true)
  jar.write('SaaSusRefreshToken', session.credentials.refresh_token ?? '', '/')
  return { jar, session }
}

const logout = (settings: Record<string, string> = {}) => call('/logout', { method: 'POST', headers: XHR }, settings)

describe('POST /logout expires every SaaSusRefreshToken it can reach', () => {
  it('expires ours at Path=/refresh with the attributes it was set with', async () => {
    const ours = expired(await logout()).filter(at('/refresh', true))
    expect(ours).toHaveLength(1)
    expect(ours[0]?.value).toBe('')
    expect(Object.fromEntries(ours[0]?.attributes ?? [])).toMatchObject({
      httponly: '',
      secure: '',
      samesite: 'None',
    })
  })

  it('expires an unpartitioned one at Path=/refresh too, set while SameSite was Lax or Strict', async () => {
    const unpartitioned = expired(await logout()).filter(at('/refresh', false))
    expect(unpartitioned).toHaveLength(1)
    expect(unpartitioned[0]?.attributes.get('samesite')).toBe('None')
  })

  it('expires a partitioned one at Path=/refresh too when SameSite is Lax, set while it was None', async () => {
    const cookies = expired(await logout({ REFRESH_COOKIE_SAMESITE: 'Lax' }))
    expect(cookies.filter(at('/refresh', false))[0]?.attributes.get('samesite')).toBe('Lax')
    expect(cookies.filter(at('/refresh', true))).toHaveLength(1)
  })

  it("expires the sample SPA's unpartitioned Path=/ copy, Secure and SameSite=None so any context accepts it", async () => {
    const spaCopy = expired(await logout()).filter(at('/', false))
    expect(spaCopy).toHaveLength(1)
    expect(spaCopy[0]?.value).toBe('')
    expect(spaCopy[0]?.attributes.has('secure')).toBe(true)
    expect(spaCopy[0]?.attributes.get('samesite')).toBe('None')
  })

  it('sends one Set-Cookie header per cookie, the configured one first', async () => {
    const headers = (await logout()).headers.getSetCookie()
    expect(headers).toHaveLength(3)
    expect(headers[0]).toBe(
      'SaaSusRefreshToken=; Max-Age=0; Path=/refresh; HttpOnly; Secure; SameSite=None; Partitioned',
    )
  })

  it("leaves a browser that held both ours and the SPA's copy with nothing /refresh accepts", async () => {
    const { jar } = await sampleSpaBrowser()
    expect((await jar.send('/refresh')).status).toBe(200)
    jar.apply(await jar.send('/logout', { method: 'POST' }))
    expect(jar.header('/refresh')).toBeUndefined()
    const res = await jar.send('/refresh')
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('missing_refresh_token')
  })
})

describe('GET /refresh with the SPA copy beside ours', () => {
  it("expires the SPA's Path=/ copy along with ours when SaaSus refuses the token", async () => {
    const res = await call('/refresh', { headers: { ...XHR, Cookie: 'SaaSusRefreshToken=made-up-token' } })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('invalid_refresh_token')
    const cookies = expired(res)
    expect(cookies.filter(at('/refresh', true))).toHaveLength(1)
    expect(cookies.filter(at('/', false))).toHaveLength(1)
  })

  it('uses the first SaaSusRefreshToken of the Cookie header, which browsers make ours (longer path)', async () => {
    const ours = await signIn()
    const other = await signIn()
    const otherToken = other.credentials.refresh_token ?? ''
    const res = await call('/refresh', {
      headers: { ...XHR, Cookie: `${ours.cookie}; SaaSusRefreshToken=${otherToken}` },
    })
    expect(res.status).toBe(200)
    expect(jwtPayload(((await res.json()) as { id_token: string }).id_token).sub).toBe(ours.user.id)
  })

  it('does not fall back to the second when the first cannot hold a refresh token', async () => {
    const other = await signIn()
    const otherToken = other.credentials.refresh_token ?? ''
    const res = await call('/refresh', {
      headers: { ...XHR, Cookie: `SaaSusRefreshToken=not\\valid; SaaSusRefreshToken=${otherToken}` },
    })
    expect(res.status).toBe(401)
    expect(await codeOf(res)).toBe('invalid_refresh_token')
  })

  it('takes only a cookie named exactly SaaSusRefreshToken, wherever it stands', async () => {
    const session = await signIn()
    const res = await call('/refresh', {
      headers: { ...XHR, Cookie: `theme=dark; SaaSusRefreshTokenOld=x; ${session.cookie}` },
    })
    expect(res.status).toBe(200)
  })
})
