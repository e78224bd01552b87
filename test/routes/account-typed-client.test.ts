/**
 * The typed client (`hc<AppType>` from `hono/client`) covers the account
 * routes: their answers are typed from the app, request bodies included.
 */
import { exports } from 'cloudflare:workers'
import { hc } from 'hono/client'
import { describe, expect, expectTypeOf, it } from 'vitest'
import type { AppType } from '../../src/core/index'
import { enrolledUser, freshAddress } from '../support/account'
import { company, enroll, tenantRoutes } from '../support/tenant'

const appFetch: typeof fetch = (input, init) => exports.default.fetch(new Request(input, init))

describe('hc<AppType> and the account routes', () => {
  it('makes recovery codes, reads their count and the activity, and recovers', async () => {
    const { user } = await enrolledUser()
    const client = hc<AppType>('https://mfa.example.com', {
      fetch: appFetch,
      headers: { Authorization: `Bearer ${user.id_token}` },
    })

    const created = await (await client.mfa_recovery_codes.$post({ json: {} })).json()
    expectTypeOf(created).toEqualTypeOf<{ recovery_codes: string[] }>()
    expect(created.recovery_codes).toHaveLength(10)

    const summary = await (await client.mfa_recovery_codes.$get()).json()
    expectTypeOf(summary).toEqualTypeOf<{ remaining: number; created_at: string | null }>()
    expect(summary.remaining).toBe(10)

    const anonymous = hc<AppType>('https://mfa.example.com', { fetch: appFetch, headers: freshAddress() })
    const recovered = await anonymous.mfa_recover.$post({ json: { recovery_code: created.recovery_codes[0] ?? '' } })
    expect(recovered.status).toBe(200)
    expectTypeOf(await recovered.json()).toEqualTypeOf<{ message: string }>()

    const { events } = await (await client.mfa_events.$get()).json()
    expectTypeOf(events[0]?.type).toEqualTypeOf<
      | 'authenticator_setup'
      | 'authenticator_registered'
      | 'mfa_enabled'
      | 'mfa_disabled'
      | 'recovery_codes_created'
      | 'recovery_code_used'
      | 'step_up_failed'
      | 'locked_out'
      | 'recovery_locked_out'
      | 'mfa_reset_by_admin'
      | undefined
    >()
    expect(events.map((event) => event.type).slice(0, 2)).toEqual(['mfa_disabled', 'recovery_code_used'])
  })

  it("types the member's record of an admin's reset: mfa_reset_by_admin with the admin's actor_id", async () => {
    const { tenant, admin, members } = await company()
    const [member] = members
    await enroll(member)
    expect((await tenantRoutes().reset(admin, tenant.id, member.id)).status).toBe(200)

    const client = hc<AppType>('https://mfa.example.com', {
      fetch: appFetch,
      headers: { Authorization: `Bearer ${member.id_token}` },
    })
    const { events } = await (await client.mfa_events.$get()).json()
    expectTypeOf(events[0]?.actor_id).toEqualTypeOf<string | undefined>()
    expect(events[0]).toMatchObject({ type: 'mfa_reset_by_admin', actor_id: admin.id, count: 1 })
    // Entries of the member's own doing name no actor.
    expect(events.slice(1).every((event) => event.actor_id === undefined)).toBe(true)
  })

  it('types the recovery body, so a misspelt field does not compile', async () => {
    const client = hc<AppType>('https://mfa.example.com', { fetch: appFetch, headers: freshAddress() })
    // @ts-expect-error: the body's field is recovery_code
    const res = await client.mfa_recover.$post({ json: { code: 'ABCD-EFGH-JKLM-NPQR' } })
    expect(res.status).toBe(400)
  })
})
