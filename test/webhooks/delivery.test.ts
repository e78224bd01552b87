/**
 * Every recorded security event leaves the API as one signed webhook, through the real queue, to the
 * emulator's receiver, which checks each signature with the `standardwebhooks` package (the
 * `webhooks` project of vitest.config.ts). What a body holds, and never holds.
 */
import { describe, expect, it } from 'vitest'
import { createRecoveryCodes, enrolledUser, json, recover } from '../support/account'
import { DEV_WEBHOOK_SECRET } from '../support/bindings'
import { bearer, call, currentCode, freshUser, setup, verify, wrongCode } from '../support/harness'
import { company, tenantRoutes } from '../support/tenant'
import { acceptedEventually, acceptedFor, attemptsAt, received } from '../support/webhooks'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) webhooks-test'
const DATA_KEYS = ['actor_user_id', 'country', 'tenant_id', 'user_agent', 'user_id']

describe('security webhooks', () => {
  it('sends one verified webhook per event of an enrollment, in the body form the issue gives', async () => {
    const user = await freshUser()
    const secret = await setup(user, { 'User-Agent': BROWSER })
    expect((await verify(user, currentCode(secret))).status).toBe(200)
    const enabled = await call('/mfa_enable', { method: 'POST', headers: { ...bearer(user), 'User-Agent': BROWSER } })
    expect(enabled.status).toBe(200)

    const events = await acceptedEventually(user.id, 3)
    expect(events.map((event) => event.type).sort()).toEqual([
      'authenticator_registered',
      'authenticator_setup',
      'mfa_enabled',
    ])
    const enabling = events.find((event) => event.type === 'mfa_enabled')
    expect(enabling).toMatchObject({
      type: 'mfa_enabled',
      data: { user_id: user.id, country: null, user_agent: BROWSER },
    })
    expect(Object.keys(enabling ?? {}).sort()).toEqual(['attempts', 'data', 'timestamp', 'type', 'webhook_id'])
    for (const event of events) {
      expect(new Date(event.timestamp).toISOString()).toBe(event.timestamp)
      expect(Object.keys(event.data).every((key) => DATA_KEYS.includes(key))).toBe(true)
      expect(event.webhook_id).toMatch(/^msg_[\w-]{22}$/)
    }
    // Each webhook its own id, every attempt signed and checked by the receiver.
    expect(new Set(events.map((event) => event.webhook_id)).size).toBe(3)
    const attempts = (await received()).attempts.filter((attempt) => attempt.event?.data.user_id === user.id)
    expect(attempts.every((attempt) => attempt.verified)).toBe(true)
  })

  it('never carries a token, a code, a recovery code, the secret or an address', async () => {
    const { user, secret } = await enrolledUser()
    const codes = await createRecoveryCodes(user)
    const address = '2001:db8:77::1'
    const recovered = await recover(codes[0] ?? '', { 'CF-Connecting-IP': address })
    expect(recovered.status).toBe(200)

    const events = await acceptedEventually(user.id, 6)
    expect(events.map((event) => event.type)).toEqual(
      expect.arrayContaining(['recovery_codes_created', 'recovery_code_used', 'mfa_disabled']),
    )
    const text = JSON.stringify(await acceptedFor(user.id))
    const secrets = [user.id_token, user.access_token, secret, DEV_WEBHOOK_SECRET, address, ...codes]
    for (const value of secrets) expect(text).not.toContain(value)
    expect(text).not.toContain(currentCode(secret))
  })

  it('sends the attempts that locked an account out, each occurrence its own webhook', async () => {
    const user = await freshUser()
    const secret = await setup(user)
    for (let n = 0; n < 5; n++) expect((await verify(user, wrongCode(secret))).status).toBe(400)
    expect((await verify(user, wrongCode(secret))).status).toBe(429)

    const [lockout] = await acceptedEventually(user.id, 1, ['locked_out'])
    expect(lockout?.data.user_id).toBe(user.id)
  })

  it("sends a tenant admin's changes with the tenant and the admin, and a reset to both sides", async () => {
    const { tenant, admin, members } = await company()
    const routes = tenantRoutes()
    expect((await routes.setPolicy(admin, tenant.id, { required: true, grace_days: 7 })).status).toBe(200)
    const [member] = members
    const reset = await call(`/tenants/${tenant.id}/members/${member.id}/mfa_reset`, json({}, bearer(admin)))
    expect(reset.status).toBe(200)

    const [policy] = await acceptedEventually(admin.id, 1, ['mfa_policy_changed'])
    expect(policy?.data).toEqual({
      user_id: admin.id,
      tenant_id: tenant.id,
      actor_user_id: admin.id,
      country: null,
      user_agent: null,
    })
    const resets = await acceptedEventually(member.id, 2, ['member_mfa_reset', 'mfa_reset_by_admin'])
    for (const event of resets) {
      expect(event.data).toMatchObject({ user_id: member.id, tenant_id: tenant.id, actor_user_id: admin.id })
    }
  })

  it('gives each webhook one webhook-id and a fresh timestamp per attempt', async () => {
    const user = await freshUser()
    await setup(user)
    const [event] = await acceptedEventually(user.id, 1)
    const attempts = await attemptsAt(event?.webhook_id ?? '')
    expect(attempts).toHaveLength(1)
    // The signature's timestamp is the attempt's, within the receiver's five minutes of its clock.
    const signedAt = Number(attempts[0]?.webhook_timestamp) * 1000
    expect(Math.abs(Date.parse(attempts[0]?.received_at ?? '') - signedAt)).toBeLessThan(60_000)
  })
})
