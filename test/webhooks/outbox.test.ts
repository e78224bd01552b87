/**
 * Nothing lost (src/core/webhooks/outbox.ts): the outbox row is written in the change's transaction,
 * handed to the queue after the answer, and marked sent only once the queue has it. Each failure
 * between two writes is injected (src/core/storage/faults.ts) and what it leaves is checked: the
 * rows of the object, the alarm that sends them again, and what the receiver got.
 */
import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { HANDOFF_GRACE_MS } from '../../src/core/webhooks/outbox'
import { enrolledUser, userAccount } from '../support/account'
import { bearer, call, freshUser, setup } from '../support/harness'
import { company, tenantPolicyObject, tenantRoutes } from '../support/tenant'
import {
  acceptedEventually,
  acceptedFor,
  attemptsAt,
  eventually,
  OUTBOX_QUERY,
  type OutboxRow,
  steer,
} from '../support/webhooks'

type Stub = ReturnType<typeof userAccount> | ReturnType<typeof tenantPolicyObject>

const outboxOf = (stub: Stub) =>
  runInDurableObject(stub, async (_instance, state: DurableObjectState) =>
    state.storage.sql.exec<OutboxRow>(OUTBOX_QUERY).toArray(),
  )

const alarmOf = (stub: Stub) =>
  runInDurableObject(stub, async (_instance, state: DurableObjectState) => state.storage.getAlarm())

const eventCount = (stub: Stub) =>
  runInDurableObject(
    stub,
    async (_instance, state: DurableObjectState) =>
      state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM events').one().n,
  )

describe('the outbox', () => {
  it('writes no webhook for a change whose transaction failed (the row is in the transaction)', async () => {
    const user = await freshUser()
    const account = userAccount(user.id)
    await account.armFault('commit')
    const failed = await call('/mfa_setup', { headers: { ...bearer(user), 'X-Access-Token': user.access_token } })
    expect(failed.status).toBe(503)
    expect(await outboxOf(account)).toEqual([])
    expect(await eventCount(account)).toBe(0)

    // A change that commits, after it: once its webhook is in, a phantom of the first would be too.
    await setup(user)
    const events = await acceptedEventually(user.id, 1)
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect((await acceptedFor(user.id)).length).toBe(events.length)
    expect(events).toHaveLength(1)
  })

  it('keeps the row when the object stops between its commit and the queue, and the alarm sends it', async () => {
    const user = await freshUser()
    const account = userAccount(user.id)
    await account.armFault('handOff')
    const before = Date.now()
    await setup(user)
    const [row] = await outboxOf(account)
    expect(row?.id).toMatch(/^msg_/)
    // Set with the commit: HANDOFF_GRACE_MS after it.
    const alarm = (await alarmOf(account)) ?? 0
    expect(alarm).toBeGreaterThanOrEqual(before + HANDOFF_GRACE_MS)
    expect(alarm).toBeLessThanOrEqual(Date.now() + HANDOFF_GRACE_MS)
    await new Promise((resolve) => setTimeout(resolve, 1_500))
    expect(await acceptedFor(user.id)).toEqual([])

    expect(await runDurableObjectAlarm(account)).toBe(true)
    const [event] = await acceptedEventually(user.id, 1)
    expect(event?.webhook_id).toBe(row?.id)
    expect(await outboxOf(account)).toEqual([])
    // Nothing left to hand over: the alarm is the events' retention again, not another look.
    expect((await alarmOf(account)) ?? 0).toBeGreaterThan(Date.now() + 24 * 60 * 60 * 1000)
  })

  it('sends again, under the same webhook-id, a row the queue took before it was marked sent', async () => {
    const user = await freshUser()
    const account = userAccount(user.id)
    await account.armFault('sent')
    await setup(user)
    const [event] = await acceptedEventually(user.id, 1)
    const [row] = await outboxOf(account)
    expect(row?.id).toBe(event?.webhook_id)

    expect(await runDurableObjectAlarm(account)).toBe(true)
    const attempts = await eventually(async () => {
      const seen = await attemptsAt(row?.id ?? '')
      return seen.length >= 2 ? seen : undefined
    }, 'the second delivery')
    expect(attempts.map((attempt) => [attempt.webhook_id, attempt.verified, attempt.answered])).toEqual([
      [row?.id, true, 204],
      [row?.id, true, 204],
    ])
    expect(await outboxOf(account)).toEqual([])
  })

  it("does the same for a tenant's events", async () => {
    const { tenant, admin } = await company()
    const policy = tenantPolicyObject(tenant.id)
    await policy.armFault('handOff')
    expect((await tenantRoutes().setPolicy(admin, tenant.id, { required: true, grace_days: 3 })).status).toBe(200)
    const [row] = await outboxOf(policy)
    expect(JSON.parse(row?.body ?? '{}')).toMatchObject({
      type: 'mfa_policy_changed',
      data: { tenant_id: tenant.id, actor_user_id: admin.id },
    })
    expect(await runDurableObjectAlarm(policy)).toBe(true)
    const [event] = await acceptedEventually(admin.id, 1, ['mfa_policy_changed'])
    expect(event?.webhook_id).toBe(row?.id)
  })
})

describe('off the user’s path', () => {
  it('answers every change while the receiver refuses or stalls all of them', async () => {
    const { user } = await enrolledUser()
    await steer({ doomed_share: 0.5, stall_share: 0.5, stall_ms: 3_000, user_ids: [user.id] })
    try {
      const disabled = await call('/mfa_disable', { method: 'POST', headers: bearer(user) })
      expect(disabled.status).toBe(200)
      // Answered before the receiver answered anything of this user's.
      expect((await acceptedFor(user.id)).filter((event) => event.type === 'mfa_disabled')).toEqual([])
    } finally {
      await steer({})
    }
  })
})
