/**
 * The typed client an SPA gets from the app's exported type: `hc<AppType>(url)`
 * from `hono/client`, driving the running app (here through its fetch handler). An SPA imports
 * the type from `saasus-mfa-edge/client` (client/index.d.ts, generated); the last test holds it to the app's.
 */
import { exports } from 'cloudflare:workers'
import { hc } from 'hono/client'
import type { ExtractSchema } from 'hono/types'
import type { JSONValue } from 'hono/utils/types'
import type { AppType as SpaAppType } from 'saasus-mfa-edge/client'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { AppType } from '../../src/core/index'
import { API, currentCode, freshUser, type TestUser } from '../support/harness'
import { company, userIn } from '../support/tenant'

const appFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init))

/**
 * A type written out, its intersections merged into single objects at every depth, as
 * client/index.d.ts writes the app's (`{ json } & { param }` becomes `{ json; param }`). Hono's
 * recursive JSONValue is left as it is.
 */
type Plain<T> = JSONValue extends T ? T : T extends object ? { [K in keyof T]: Plain<T[K]> } : T

/** The paths of a schema, which Hono builds as a union of the schemas of the apps it routes to. */
type PathsOf<S> = S extends unknown ? keyof S : never

/** Every path of the API, the tenant routes included: a route added or lost shows here. */
type ApiPath =
  | '/mfa_status'
  | '/mfa_setup'
  | '/mfa_verify'
  | '/mfa_enable'
  | '/mfa_disable'
  | '/mfa_recovery_codes'
  | '/mfa_recover'
  | '/mfa_events'
  | '/credentials'
  | '/refresh'
  | '/userinfo'
  | '/logout'
  | '/tenants/:tenant_id/mfa_policy'
  | '/tenants/:tenant_id/mfa_members'
  | '/tenants/:tenant_id/mfa_events'
  | '/tenants/:tenant_id/members/:user_id/mfa_reset'
  | '/webhooks/dead_letters'
  | '/webhooks/dead_letters/replay'

const clientOf = (user: TestUser) =>
  hc<AppType>(API, { fetch: appFetch, headers: { Authorization: `Bearer ${user.id_token}` } })

describe('hc<AppType>', () => {
  it('enrolls a user with typed calls from status to disable', async () => {
    // In no tenant: nothing requires MFA of them, whatever other tests do to theirs.
    const user = await freshUser({ sign_in_id: `client-${crypto.randomUUID().slice(0, 8)}`, tenants: [] })
    const client = hc<AppType>(API, {
      fetch: appFetch,
      headers: { Authorization: `Bearer ${user.id_token}`, 'X-Access-Token': user.access_token },
    })

    const before = await (await client.mfa_status.$get()).json()
    expectTypeOf(before).toEqualTypeOf<{
      enabled: boolean
      method?: 'softwareToken' | 'email' | undefined
      required: boolean
      enroll_by: string | null
    }>()
    expect(before).toEqual({ enabled: false, required: false, enroll_by: null })

    const setup = await (await client.mfa_setup.$get()).json()
    expectTypeOf(setup).toEqualTypeOf<{ qrCodeUrl: string; secret: string; qrCodeSvg: string }>()
    expect(setup.qrCodeUrl).toContain(`secret=${setup.secret}`)

    const verification_code = currentCode(setup.secret)
    const verify = await client.mfa_verify.$post({ json: { verification_code } })
    expect(verify.status).toBe(200)
    expect((await verify.json()).message).toBe('MFA verification successful')

    expect((await client.mfa_enable.$post({ json: {} })).status).toBe(200)
    expect(await (await client.mfa_status.$get()).json()).toEqual({
      enabled: true,
      method: 'softwareToken',
      required: false,
      enroll_by: null,
    })
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
    // The same routes, requests and answers, the generated file's merged intersections aside.
    expectTypeOf<Plain<ExtractSchema<SpaAppType>>>().toEqualTypeOf<Plain<ExtractSchema<AppType>>>()
    expectTypeOf<PathsOf<ExtractSchema<SpaAppType>>>().toEqualTypeOf<ApiPath>()
    expectTypeOf<PathsOf<ExtractSchema<AppType>>>().toEqualTypeOf<ApiPath>()
    // Either client stands for the other.
    expectTypeOf(hc<SpaAppType>(API)).toExtend<ReturnType<typeof hc<AppType>>>()
    expectTypeOf(hc<AppType>(API)).toExtend<ReturnType<typeof hc<SpaAppType>>>()
  })
})

describe('hc<AppType> and the tenant routes', () => {
  it('reads and sets the policy, lists members, reads the history and resets a member, typed', async () => {
    const { tenant, admin, members } = await company()
    const client = clientOf(admin)
    const route = client.tenants[':tenant_id']
    const param = { tenant_id: tenant.id }

    const policy = await (await route.mfa_policy.$get({ param })).json()
    expectTypeOf(policy).toEqualTypeOf<{
      tenant_id: string
      required: boolean
      grace_days: number
      required_since: string | null
    }>()
    expect(policy).toEqual({ tenant_id: tenant.id, required: false, grace_days: 14, required_since: null })

    const set = await route.mfa_policy.$put({ param, json: { required: true, grace_days: 7 } })
    expect(set.status).toBe(200)
    expect(await set.json()).toMatchObject({ required: true, grace_days: 7 })

    const page = await (await route.mfa_members.$get({ param })).json()
    expectTypeOf(page).toEqualTypeOf<{
      members: { user_id: string; email: string; sign_in_id: string; mfa_enabled: boolean }[]
      next_cursor: string | null
    }>()
    expect(page.members).toHaveLength(3)

    const reset = await route.members[':user_id'].mfa_reset.$post({
      param: { tenant_id: tenant.id, user_id: members[0].id },
      json: {},
    })
    expect(reset.status).toBe(200)
    expectTypeOf(await reset.json()).toEqualTypeOf<{ message: string }>()

    const { events } = await (await route.mfa_events.$get({ param })).json()
    expectTypeOf(events[0]?.type).toEqualTypeOf<'mfa_policy_changed' | 'member_mfa_reset' | undefined>()
    expect(events.map((event) => event.type)).toEqual(['member_mfa_reset', 'mfa_policy_changed'])
  })

  it('types the path parameters and the policy body, so a misspelt one does not compile', async () => {
    const stranger = await userIn()
    const route = clientOf(stranger).tenants[':tenant_id']
    // @ts-expect-error: the parameter is tenant_id
    const misnamed = await route.mfa_policy.$get({ param: { tenantId: crypto.randomUUID() } })
    expect(misnamed.status).toBe(400)
    const stringly = await route.mfa_policy.$put({
      param: { tenant_id: crypto.randomUUID() },
      // @ts-expect-error: required is a boolean
      json: { required: 'yes' },
    })
    expect(stringly.status).toBe(400)
  })
})
