/**
 * The typed client an SPA gets from the app's exported type: `hc<AppType>(url)`
 * from `hono/client`, driving the running app (here through its fetch handler). An SPA imports
 * the type from `saasus-mfa-edge/client` (client/index.d.ts, generated); the last test holds it to the app's.
 */
import { exports } from 'cloudflare:workers'
import { hc } from 'hono/client'
import type { ExtractSchema } from 'hono/types'
import type { AppType as SpaAppType } from 'saasus-mfa-edge/client'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { AppType } from '../../src/core/index'
import { API, currentCode, freshUser } from '../support/harness'

const appFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init))

describe('hc<AppType>', () => {
  it('enrolls a user with typed calls from status to disable', async () => {
    const user = await freshUser({ sign_in_id: `client-${crypto.randomUUID().slice(0, 8)}` })
    const client = hc<AppType>(API, {
      fetch: appFetch,
      headers: { Authorization: `Bearer ${user.id_token}`, 'X-Access-Token': user.access_token },
    })

    const before = await (await client.mfa_status.$get()).json()
    expectTypeOf(before).toEqualTypeOf<{ enabled: boolean; method?: 'softwareToken' | 'email' | undefined }>()
    expect(before).toEqual({ enabled: false })

    const setup = await (await client.mfa_setup.$get()).json()
    expectTypeOf(setup).toEqualTypeOf<{ qrCodeUrl: string; secret: string; qrCodeSvg: string }>()
    expect(setup.qrCodeUrl).toContain(`secret=${setup.secret}`)

    const verification_code = currentCode(setup.secret)
    const verify = await client.mfa_verify.$post({ json: { verification_code } })
    expect(verify.status).toBe(200)
    expect((await verify.json()).message).toBe('MFA verification successful')

    expect((await client.mfa_enable.$post({ json: {} })).status).toBe(200)
    expect(await (await client.mfa_status.$get()).json()).toEqual({ enabled: true, method: 'softwareToken' })
    expect(await (await client.mfa_disable.$post({ json: {} })).json()).toEqual({ message: 'MFA has been disabled' })
  })

  it('types the request body, so a misspelt field does not compile', async () => {
    const client = hc<AppType>(API, { fetch: appFetch })
    // @ts-expect-error: the body's field is verification_code
    const res = await client.mfa_verify.$post({ json: { code: '123456' } })
    expect(res.status).toBe(401)
  })

  it('reads the error body of a refused call', async () => {
    const client = hc<AppType>(API, { fetch: appFetch })
    const res = await client.mfa_status.$get()
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'invalid_token' })
  })

  it('is the same client from saasus-mfa-edge/client, which an SPA imports without the Worker types', () => {
    expectTypeOf<ExtractSchema<SpaAppType>>().toEqualTypeOf<ExtractSchema<AppType>>()
    expectTypeOf(hc<SpaAppType>(API)).toEqualTypeOf(hc<AppType>(API))
  })
})
