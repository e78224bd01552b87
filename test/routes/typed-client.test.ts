/**
 * The typed client an SPA gets from the app's exported type: `hc<AppType>(url)`
 * from `hono/client`, driving the running app (here through its fetch handler).
 */
import { exports } from 'cloudflare:workers'
import { hc } from 'hono/client'
import { TOTP } from 'otpauth'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { AppType } from '../src/index'

const appFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init))

async function freshUser(): Promise<{ id_token: string; access_token: string }> {
  const res = await fetch('https://api.saasus.io/_emulator/users', {
    method: 'POST',
    body: JSON.stringify({ sign_in_id: `client-${crypto.randomUUID().slice(0, 8)}` }),
  })
  return (await res.json()) as { id_token: string; access_token: string }
}

describe('hc<AppType>', () => {
  it('enrolls a user with typed calls from status to disable', async () => {
    const user = await freshUser()
    const client = hc<AppType>('https://mfa.example.com', {
      fetch: appFetch,
      headers: { Authorization: `Bearer ${user.id_token}`, 'X-Access-Token': user.access_token },
    })

    const before = await (await client.mfa_status.$get()).json()
    expectTypeOf(before).toEqualTypeOf<{ enabled: boolean; method?: 'softwareToken' | 'email' | undefined }>()
    expect(before).toEqual({ enabled: false })

    const setup = await (await client.mfa_setup.$get()).json()
    expectTypeOf(setup).toEqualTypeOf<{ qrCodeUrl: string; secret: string; qrCodeSvg: string }>()
    expect(setup.qrCodeUrl).toContain(`secret=${setup.secret}`)

    const verification_code = new TOTP({ secret: setup.secret }).generate()
    const verify = await client.mfa_verify.$post({ json: { verification_code } })
    expect(verify.status).toBe(200)
    expect((await verify.json()).message).toBe('MFA verification successful')

    expect((await client.mfa_enable.$post({ json: {} })).status).toBe(200)
    expect(await (await client.mfa_status.$get()).json()).toEqual({ enabled: true, method: 'softwareToken' })
    expect(await (await client.mfa_disable.$post({ json: {} })).json()).toEqual({ message: 'MFA has been disabled' })
  })

  it('types the request body, so a misspelt field does not compile', async () => {
    const client = hc<AppType>('https://mfa.example.com', { fetch: appFetch })
    // @ts-expect-error: the body's field is verification_code
    const res = await client.mfa_verify.$post({ json: { code: '123456' } })
    expect(res.status).toBe(401)
  })

  it('reads the error body of a refused call', async () => {
    const client = hc<AppType>('https://mfa.example.com', { fetch: appFetch })
    const res = await client.mfa_status.$get()
    expect(res.status).toBe(401)
    expect(await res.json()).toMatchObject({ code: 'invalid_token' })
  })
})
