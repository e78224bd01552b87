/**
 * The dead-letter routes take only a request signed with SECURITY_WEBHOOK_SECRET over that very
 * request (src/core/middleware/operator.ts): each way of getting the signature wrong is refused
 * with `401 invalid_operator_signature`, before the dead letters are read.
 */
import { describe, expect, it } from 'vitest'
import { call } from '../support/harness'
import { asOperator } from '../support/webhooks'

const OTHER_SECRET = `whsec_${btoa(String.fromCharCode(...new Uint8Array(32).fill(7)))}`
// Names no kept letter: other files' dead letters stay where their tests look for them.
const replayBody = JSON.stringify({ webhook_ids: ['msg_kept_by_nobody'] })
const replayInit = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: replayBody }

async function refused(res: Response): Promise<void> {
  expect(res.status).toBe(401)
  expect(await res.json()).toMatchObject({ code: 'invalid_operator_signature' })
}

describe('the dead-letter routes', () => {
  it('list for a request signed with the webhook secret', async () => {
    const res = await asOperator('/webhooks/dead_letters?limit=5')
    expect(res.status).toBe(200)
    const body = (await res.json()) as { depth: number; dead_letters: unknown[] }
    expect(body.dead_letters.length).toBeLessThanOrEqual(5)
    expect(body.depth).toBeGreaterThanOrEqual(body.dead_letters.length)
  })

  it('refuse a request with no signature', async () => {
    await refused(await call('/webhooks/dead_letters'))
    await refused(await call('/webhooks/dead_letters/replay', replayInit))
  })

  it('refuse a signature made with another secret', async () => {
    await refused(await asOperator('/webhooks/dead_letters', {}, { secret: OTHER_SECRET }))
  })

  it('refuse a signature more than five minutes old', async () => {
    await refused(await asOperator('/webhooks/dead_letters', {}, { at: new Date(Date.now() - 6 * 60_000) }))
  })

  it('refuse a signature of another request: another query, another path, another body', async () => {
    await refused(
      await asOperator('/webhooks/dead_letters?limit=100', {}, { signedPath: '/webhooks/dead_letters?limit=1' }),
    )
    await refused(
      await asOperator('/webhooks/dead_letters/replay', replayInit, { signedPath: '/webhooks/dead_letters' }),
    )
    await refused(
      await asOperator('/webhooks/dead_letters/replay', replayInit, {
        signedBody: JSON.stringify({ webhook_ids: ['msg_another'] }),
      }),
    )
    // The same request signed as it is sent passes.
    expect((await asOperator('/webhooks/dead_letters/replay', replayInit)).status).toBe(200)
  })

  it('check the body and query after the signature: 400 naming the field', async () => {
    const res = await asOperator('/webhooks/dead_letters/replay', {
      ...replayInit,
      body: JSON.stringify({ webhook_ids: ['not an id'] }),
    })
    expect(res.status).toBe(400)
    expect(await res.json()).toMatchObject({ code: 'invalid_request', field: 'webhook_ids.0' })
    const query = await asOperator('/webhooks/dead_letters?limit=0')
    expect(query.status).toBe(400)
  })
})
