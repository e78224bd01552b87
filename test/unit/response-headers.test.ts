/**
 * The front's secure headers are Hono's `secureHeaders` values, written as lists so that the forward
 * path adds them without running middleware (src/front/response-headers.ts). Every answer gets those
 * that protect a JSON answer; the reference page, a document, gets the rest of Hono's set too.
 */
import { Hono } from 'hono'
import { secureHeaders } from 'hono/secure-headers'
import { describe, expect, it } from 'vitest'
import { DOCUMENT_HEADERS, RESPONSE_HEADERS } from '../../src/front/response-headers'
import { apiWith, bearer, freshUser } from '../support/harness'

/** What `secureHeaders` sets with the options the front used it with, lower-case names. */
async function honoSecureHeaders(): Promise<[string, string][]> {
  const app = new Hono()
    .use(
      secureHeaders({
        contentSecurityPolicy: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] },
        xFrameOptions: 'DENY',
        overwrite: false,
      }),
    )
    .get('/', (c) => c.body(null, 204))
  return [...(await app.request('/')).headers].sort()
}

const lowerCase = (list: readonly (readonly [string, string])[]) =>
  list.map(([name, value]): [string, string] => [name.toLowerCase(), value])

describe('the secure headers', () => {
  it("are Hono's secureHeaders values: a JSON answer's and a document's together make its whole set", async () => {
    const ours = lowerCase([...RESPONSE_HEADERS, ...DOCUMENT_HEADERS]).filter(([name]) => name !== 'cache-control')
    expect(ours.sort()).toEqual(await honoSecureHeaders())
  })

  it('a JSON answer carries its list and no document header', async () => {
    const user = await freshUser()
    const res = await apiWith({})('/mfa_status', { headers: bearer(user) })
    expect(res.status).toBe(200)
    for (const [name, value] of RESPONSE_HEADERS) expect(res.headers.get(name)).toBe(value)
    for (const [name] of DOCUMENT_HEADERS) expect(res.headers.has(name)).toBe(false)
  })

  it('the reference page carries both, with its own CSP', async () => {
    const res = await apiWith({ SERVE_API_REFERENCE: 'true' })('/docs')
    expect(res.status).toBe(200)
    for (const [name, value] of [...RESPONSE_HEADERS, ...DOCUMENT_HEADERS]) {
      if (name !== 'Content-Security-Policy') expect(res.headers.get(name)).toBe(value)
    }
    expect(res.headers.get('Content-Security-Policy')).toContain("script-src 'self'")
  })
})
