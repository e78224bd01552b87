/**
 * GET /mfa_events: the caller's security activity of 90 days, newest first,
 * repeats counted in one entry, evidence kept whatever follows; and how many
 * storage round trips each route costs (the request log's `storage`, which
 * `npm run bench` reads).
 */
import { runInDurableObject } from 'cloudflare:test'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { createRecoveryCodes, enrolledUser, json, recover, userAccount, withStepUp } from '../support/account'
import {
  apiWith,
  bearer,
  call,
  codeAt,
  currentCode,
  freshUser,
  setup,
  type TestUser,
  verify,
  withAccessToken,
} from '../support/harness'
import { freshTenant, tenantRoutes, userIn } from '../support/tenant'

const DAY = 24 * 60 * 60 * 1000
const callerOf = (userId: string, now = Date.now()) => ({ userId, now, requestId: 'events-test' })
/** MFA turned off as the route does it (SaaSus's call in between left out): the `mfa_disabled` event at `now`. */
const disabledAt = async (userId: string, now: number) => {
  await userAccount(userId).admitDisable(callerOf(userId, now), null)
  await userAccount(userId).recordDisabled(callerOf(userId, now))
}

interface Listed {
  events: { type: string; at: string; country?: string; user_agent?: string }[]
}
const list = async (user: { id_token: string }) =>
  (await (await call('/mfa_events', { headers: { Authorization: `Bearer ${user.id_token}` } })).json()) as Listed

describe('GET /mfa_events', () => {
  it('lists what happened, newest first, with time and user agent and no address', async () => {
    const user = await freshUser()
    const headers = { 'User-Agent': 'Mozilla/5.0 (X11) events-test', 'CF-Connecting-IP': '203.0.113.9' }
    expect((await verify(user, currentCode(await setup(user, headers)), headers)).status).toBe(200)
    const { events } = await list(user)
    expect(events.map((event) => event.type)).toEqual(['authenticator_registered', 'authenticator_setup'])
    for (const event of events) {
      expect(Date.parse(event.at)).toBeGreaterThan(Date.now() - 60_000)
      expect(event.user_agent).toBe('Mozilla/5.0 (X11) events-test')
      expect(JSON.stringify(event)).not.toContain('203.0.113.9')
    }
  })

  it('is each user’s own', async () => {
    const { user } = await enrolledUser()
    const other = await freshUser()
    expect((await list(other)).events).toEqual([])
    expect((await list(user)).events.length).toBeGreaterThan(0)
  })

  it('needs the bearer ID token', async () => {
    const res = await call('/mfa_events')
    expect(res.status).toBe(401)
  })

  it('keeps the newest 50 routine entries, and every entry of evidence of the 90 days however many follow', async () => {
    const user = await freshUser()
    const start = Date.now() - 85 * DAY
    // Evidence first (MFA turned off), then 55 routine entries, each over a day after the last: none merges.
    await disabledAt(user.id, start)
    for (let i = 1; i <= 55; i++) {
      await userAccount(user.id).createRecoveryCodes(callerOf(user.id, start + i * 1.5 * DAY), null, [])
    }
    const listed = (await list(user)).events
    expect(listed.filter((event) => event.type === 'recovery_codes_created')).toHaveLength(50)
    expect(listed.at(-1)).toMatchObject({ type: 'mfa_disabled', at: new Date(start).toISOString() })
    const stored = await runInDurableObject(userAccount(user.id), (_instance, state) =>
      state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM events').one(),
    )
    expect(stored.n).toBe(51)
  })

  it('counts repeats within a day in one entry, with the first and the last time', async () => {
    const user = await freshUser()
    const first = Date.now() - 3 * 60 * 60 * 1000
    for (let i = 0; i < 3; i++) {
      await userAccount(user.id).createRecoveryCodes(callerOf(user.id, first + i * 60 * 60 * 1000), null, [])
    }
    expect((await list(user)).events).toEqual([
      {
        type: 'recovery_codes_created',
        at: new Date(first + 2 * 60 * 60 * 1000).toISOString(),
        first_at: new Date(first).toISOString(),
        count: 3,
      },
    ])
  })

  it('keeps none past 90 days, even for a user who never comes back: an alarm deletes them', async () => {
    const count = (userId: string) =>
      runInDurableObject(
        userAccount(userId),
        (_instance, state) => state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM events').one().n,
      )
    // The alarm is set for when the oldest event turns 90 days old.
    const recent = await freshUser()
    const at = Date.now() - 89 * DAY
    await disabledAt(recent.id, at)
    expect(await runInDurableObject(userAccount(recent.id), (_instance, state) => state.storage.getAlarm())).toBe(
      at + 90 * DAY,
    )
    expect(await count(recent.id)).toBe(1)
    // An event already past it: its alarm is due at once, and deletes it without any request.
    const gone = await freshUser()
    await disabledAt(gone.id, Date.now() - 91 * DAY)
    for (let tries = 0; tries < 40 && (await count(gone.id)) > 0; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(await count(gone.id)).toBe(0)
    expect((await list(gone)).events).toEqual([])
  })
})

describe('storage round trips per request (the request log’s `storage`)', () => {
  afterEach(() => vi.restoreAllMocks())

  /** `METHOD route` and `storage` of each request line logged since the spy was set. */
  const storageOf = (spy: { mock: { calls: unknown[][] } }) =>
    spy.mock.calls
      .map(([line]) => (typeof line === 'string' && line.startsWith('{') ? JSON.parse(line) : null))
      .filter((line) => line?.event === 'request')
      .map((line) => [`${line.method} ${line.route}`, line.storage])

  it('status none; reads one; setup, verify, enable, disable and new codes two; recovery three', async () => {
    const api = apiWith({})
    const spy = vi.spyOn(console, 'log')

    // In no tenant: /mfa_status has no tenant policy to read (see below for those).
    const user = await freshUser({ tenants: [] })
    await api('/mfa_status', { headers: bearer(user) })
    await api('/mfa_status', { headers: bearer(user) })
    const setupRes = await api('/mfa_setup', { headers: withAccessToken(user) })
    const secret =
      new URL(((await setupRes.json()) as { qrCodeUrl: string }).qrCodeUrl).searchParams.get('secret') ?? ''
    await api('/mfa_verify', json({ verification_code: currentCode(secret) }, withAccessToken(user)))
    await api('/mfa_enable', json({}, bearer(user)))
    const [code = ''] = await createRecoveryCodes(user, api)
    await api('/mfa_recovery_codes', { headers: bearer(user) })
    await api('/mfa_events', { headers: bearer(user) })
    await api('/mfa_recover', json({ recovery_code: code }, { 'CF-Connecting-IP': '2001:db8:77::1' }))
    expect((await recover('ABCD-EFGH-JKLM-NPQR')).status).toBe(400)
    await api('/mfa_disable', json({}, bearer(user)))

    expect(storageOf(spy)).toEqual([
      ['GET /mfa_status', 0],
      ['GET /mfa_status', 0],
      // The secret SaaSus minted, to be kept (a step-up code would be checked in one more).
      ['GET /mfa_setup', 2],
      // Admitted before SaaSus is asked, recorded after it answered.
      ['POST /mfa_verify', 2],
      ['POST /mfa_enable', 2],
      // The object indexes the codes on the way.
      ['POST /mfa_recovery_codes', 2],
      ['GET /mfa_recovery_codes', 1],
      ['GET /mfa_events', 1],
      // The index, then the owner's object before and after SaaSus.
      ['POST /mfa_recover', 3],
      // An unknown code is answered by the index alone.
      ['POST /mfa_recover', 1],
      ['POST /mfa_disable', 2],
    ])
  })

  it('tenant routes: policy read one, write two, members none, history one, reset three; step-up one more', async () => {
    const api = apiWith({})
    const stepUp = withStepUp()
    const tenant = await freshTenant()
    // Two admins with MFA on and a kept secret: a step-up code is good once, so one each.
    const enrolledAdmin = async (): Promise<{ user: TestUser; secret: string }> => {
      const user = await userIn([tenant, ['admin']])
      const secret = await setup(user)
      expect((await verify(user, currentCode(secret))).status).toBe(200)
      expect((await call('/mfa_enable', json({}, bearer(user)))).status).toBe(200)
      return { user, secret }
    }
    const [first, second] = [await enrolledAdmin(), await enrolledAdmin()]
    const [member, other] = [await userIn([tenant, ['user']]), await userIn([tenant, ['user']])]
    const routes = tenantRoutes(api)
    const stepped = tenantRoutes(stepUp)
    const spy = vi.spyOn(console, 'log')

    expect((await routes.policy(first.user, tenant.id)).status).toBe(200)
    expect((await routes.setPolicy(first.user, tenant.id, { required: true })).status).toBe(200)
    expect((await routes.members(first.user, tenant.id)).status).toBe(200)
    expect((await routes.events(first.user, tenant.id)).status).toBe(200)
    expect((await routes.reset(first.user, tenant.id, member.id)).status).toBe(200)
    // With step-up: the admin's code checked in their own object, one round trip more.
    const off = { required: false, verification_code: codeAt(first.secret, 1) }
    expect((await stepped.setPolicy(first.user, tenant.id, off)).status).toBe(200)
    const withCode = { verification_code: codeAt(second.secret, 1) }
    expect((await stepped.reset(second.user, tenant.id, other.id, withCode)).status).toBe(200)

    expect(storageOf(spy)).toEqual([
      ['GET /tenants/:tenant_id/mfa_policy', 1],
      // The policy read, then the write (with its event).
      ['PUT /tenants/:tenant_id/mfa_policy', 2],
      // Who is a member is SaaSus's, whether MFA is on too.
      ['GET /tenants/:tenant_id/mfa_members', 0],
      ['GET /tenants/:tenant_id/mfa_events', 1],
      // The member's object before and after SaaSus, then the tenant's.
      ['POST /tenants/:tenant_id/members/:user_id/mfa_reset', 3],
      ['PUT /tenants/:tenant_id/mfa_policy', 3],
      ['POST /tenants/:tenant_id/members/:user_id/mfa_reset', 4],
    ])
  })

  it('GET /mfa_status: one per tenant of the caller whose policy is not cached, none once they are', async () => {
    const api = apiWith({})
    const [a, b, c] = [await freshTenant(), await freshTenant(), await freshTenant()]
    const inThree = await userIn([a, ['user']], [b, ['user']], [c, ['admin']])
    const inA = await userIn([a, ['user']])
    const spy = vi.spyOn(console, 'log')

    await api('/mfa_status', { headers: bearer(inThree) })
    await api('/mfa_status', { headers: bearer(inThree) })
    // Another member of a tenant just read: served from this isolate's cache.
    await api('/mfa_status', { headers: bearer(inA) })
    // A policy written here refreshes this isolate's entry: still none to read.
    expect((await tenantRoutes(api).setPolicy(inThree, c.id, { required: true })).status).toBe(200)
    const status = await api('/mfa_status', { headers: bearer(inThree) })
    expect(await status.json()).toMatchObject({ required: true })

    expect(storageOf(spy)).toEqual([
      ['GET /mfa_status', 3],
      ['GET /mfa_status', 0],
      ['GET /mfa_status', 0],
      ['PUT /tenants/:tenant_id/mfa_policy', 2],
      ['GET /mfa_status', 0],
    ])
  })
})
