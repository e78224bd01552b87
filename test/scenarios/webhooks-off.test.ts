/**
 * Webhooks off (no SECURITY_WEBHOOK_URL, as wrangler.core.toml ships and the `workerd` project runs):
 * an event is recorded as before, with no outbox row and no queue traffic, and the dead-letter
 * routes answer `404 webhooks_off` whatever they are sent.
 */
import { runInDurableObject } from 'cloudflare:test'
import { describe, expect, it } from 'vitest'
import { enrolledUser, eventTypes, userAccount } from '../support/account'
import { call } from '../support/harness'
import { asOperator } from '../support/webhooks'

describe('with webhooks off', () => {
  it('records events and writes no outbox row', async () => {
    const { user } = await enrolledUser()
    expect(await eventTypes(user)).toContain('mfa_enabled')
    const rows = await runInDurableObject(
      userAccount(user.id),
      async (_instance, state: DurableObjectState) =>
        state.storage.sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM outbox').one().n,
    )
    expect(rows).toBe(0)
  })

  it('answers the dead-letter routes 404 webhooks_off, signed or not', async () => {
    for (const res of [await call('/webhooks/dead_letters'), await asOperator('/webhooks/dead_letters')]) {
      expect(res.status).toBe(404)
      expect(await res.json()).toMatchObject({ code: 'webhooks_off' })
    }
  })
})
