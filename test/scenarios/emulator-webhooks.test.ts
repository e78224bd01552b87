/**
 * The emulator's webhook receiver (emulator/src/webhook-receiver.ts), the stand-in for the SaaS
 * team's endpoint. Threat: a webhook nobody signed with the shared secret (forged, or altered on the
 * way) is counted as delivered, so a development run "proves" a delivery that a real receiver would
 * refuse. And it must answer as its behaviour plans, per webhook-id, for the API's retries to be
 * shown: every attempt of a doomed id fails, a flaky id fails a set number of times, a stalled id's
 * first answer comes too late.
 *
 * The emulator's memory is shared with the other files run after this one: each test uses its own
 * webhook ids, reads records by id, and the default behaviour (every attempt 204) is put back.
 */
import { Webhook } from 'standardwebhooks'
import { afterEach, describe, expect, it } from 'vitest'
import { DEV_WEBHOOK_SECRET } from '../../emulator/src/credentials'
import type { Attempt, Behaviour, Plan } from '../../emulator/src/webhook-receiver'
import { EMULATOR } from '../support/harness'

const RECEIVER = `${EMULATOR}/_emulator/webhooks`
const PLANS: Plan[] = ['doomed', 'flaky', 'stall', 'ok']
const devSigner = new Webhook(DEV_WEBHOOK_SECRET)

interface Accepted {
  webhook_id: string
  type: string
  timestamp: string
  data: Record<string, unknown>
  attempts: number
}
interface Records {
  behaviour: Behaviour
  attempts: Attempt[]
  accepted: Accepted[]
  next: number
}

/** A webhook-id of the API's form: `msg_` + 22 base64url characters. */
function newId(): string {
  const text = btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))))
  return `msg_${text.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '')}`
}

/** A body of the API's shape (src/core/webhooks/message.ts). */
function eventBody(type = 'mfa_enabled', data: Record<string, unknown> = {}): string {
  const user = { user_id: crypto.randomUUID(), country: 'JP', user_agent: 'test', ...data }
  return JSON.stringify({ type, timestamp: new Date().toISOString(), data: user })
}

/** POSTs a webhook as the API's delivery does: signed for this attempt, unless `signer` or `sentBody` say otherwise. */
async function post(id: string, body: string, { signer = devSigner, sentBody = body, timeoutMs = 5_000 } = {}) {
  const now = new Date()
  const started = Date.now()
  const res = await fetch(RECEIVER, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json',
      'webhook-id': id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signer.sign(id, now, body),
    },
    body: sentBody,
    signal: AbortSignal.timeout(timeoutMs),
  })
  const answer = await res.text()
  return { status: res.status, ms: Date.now() - started, answer }
}

async function records(query = ''): Promise<Records> {
  const res = await fetch(`${RECEIVER}${query}`)
  expect(res.status).toBe(200)
  return res.json()
}

const attemptsOf = async (id: string) => (await records()).attempts.filter((a) => a.webhook_id === id)
const acceptedOf = async (id: string) => (await records()).accepted.filter((a) => a.webhook_id === id)

function putBehaviour(behaviour: unknown) {
  return fetch(`${RECEIVER}/behaviour`, {
    method: 'PUT',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(behaviour),
  })
}

async function behave(behaviour: Partial<Behaviour>): Promise<void> {
  expect((await putBehaviour(behaviour)).status).toBe(200)
}

/** The plan the receiver must give an id: its SHA-256's first 4 bytes over 2^32, in ranges from 0. */
async function expectedPlan(id: string, b: Pick<Behaviour, 'doomed_share' | 'flaky_share' | 'stall_share'>) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(id))
  const position = new DataView(digest).getUint32(0) / 2 ** 32
  const ranges: [Plan, number][] = [
    ['doomed', b.doomed_share],
    ['flaky', b.doomed_share + b.flaky_share],
    ['stall', b.doomed_share + b.flaky_share + b.stall_share],
  ]
  return ranges.find(([, end]) => position < end)?.[0] ?? 'ok'
}

afterEach(async () => {
  await behave({})
})

describe('a signed webhook', () => {
  it('is answered 204 and listed, with its event, as accepted once', async () => {
    const id = newId()
    const body = eventBody('member_mfa_reset', { tenant_id: crypto.randomUUID() })

    expect((await post(id, body)).status).toBe(204)

    const event = JSON.parse(body)
    expect(await attemptsOf(id)).toEqual([
      expect.objectContaining({ attempt: 1, verified: true, plan: 'ok', answered: 204, event }),
    ])
    expect(await acceptedOf(id)).toEqual([{ webhook_id: id, ...event, attempts: 1 }])
  })
})

describe('a signed body that is no JSON object', () => {
  it.each(['not json', 'null', '["mfa_enabled"]'])(
    'is answered 400 (%s), recorded verified, never accepted',
    async (body) => {
      const id = newId()

      expect((await post(id, body)).status).toBe(400)

      expect(await attemptsOf(id)).toEqual([expect.objectContaining({ verified: true, answered: 400 })])
      expect(await acceptedOf(id)).toEqual([])
    },
  )
})

describe('a webhook not signed with the secret', () => {
  it.each([
    ['signed with another secret', { signer: new Webhook(`whsec_${btoa('another secret, 32 bytes long...')}`) }],
    ['altered after signing', { sentBody: eventBody('mfa_disabled') }],
  ])('is refused 401 when %s, recorded unverified and never accepted', async (_, how) => {
    const id = newId()

    const res = await post(id, eventBody('mfa_enabled'), how)

    expect(res.status).toBe(401)
    expect(JSON.parse(res.answer)).toMatchObject({ error: 'signature' })
    const [attempt] = await attemptsOf(id)
    expect(attempt).toMatchObject({ attempt: 1, verified: false, answered: 401 })
    expect(attempt?.event).toBeUndefined()
    expect(await acceptedOf(id)).toEqual([])
  })
})

describe('the behaviour', () => {
  it('plans each id by the hash of its id: doomed, then flaky, then stall, then ok', async () => {
    const shares = { doomed_share: 0.25, flaky_share: 0.25, stall_share: 0.25, stall_ms: 0 }
    await behave(shares)
    const seen = new Map<Plan, number>()
    const everyPlanTwice = () => PLANS.every((plan) => (seen.get(plan) ?? 0) >= 2)
    // Random ids until every plan was met twice (about 10 ids; at most 200).
    for (let i = 0; i < 200 && !everyPlanTwice(); i++) {
      const id = newId()
      await post(id, eventBody())
      const plan = await expectedPlan(id, shares)
      seen.set(plan, (seen.get(plan) ?? 0) + 1)
      expect((await attemptsOf(id))[0]?.plan, id).toBe(plan)
    }
    expect(everyPlanTwice()).toBe(true)
  })

  it("plans only the webhooks of user_ids when given; any other user's are ok", async () => {
    const planned = crypto.randomUUID()
    await behave({ doomed_share: 1, user_ids: [planned] })
    const [mine, theirs] = [newId(), newId()]

    expect((await post(mine, eventBody('mfa_enabled', { user_id: planned }))).status).toBe(503)
    expect((await post(theirs, eventBody('mfa_enabled'))).status).toBe(204)

    expect((await attemptsOf(mine))[0]?.plan).toBe('doomed')
    expect((await attemptsOf(theirs))[0]?.plan).toBe('ok')
  })

  it('doomed: every attempt of an id is answered failure_status', async () => {
    await behave({ doomed_share: 1, failure_status: 500 })
    const id = newId()
    const body = eventBody()

    const statuses = []
    for (let attempt = 1; attempt <= 4; attempt++) statuses.push((await post(id, body)).status)

    expect(statuses).toEqual([500, 500, 500, 500])
    expect((await attemptsOf(id)).map((a) => [a.attempt, a.plan])).toEqual([
      [1, 'doomed'],
      [2, 'doomed'],
      [3, 'doomed'],
      [4, 'doomed'],
    ])
    expect(await acceptedOf(id)).toEqual([])
  })

  it('flaky: the first flaky_failures attempts of an id fail, then 204', async () => {
    await behave({ flaky_share: 1, flaky_failures: 3 })
    const id = newId()
    const body = eventBody()

    const statuses = []
    for (let attempt = 1; attempt <= 5; attempt++) statuses.push((await post(id, body)).status)

    expect(statuses).toEqual([503, 503, 503, 204, 204])
    expect(await acceptedOf(id)).toEqual([expect.objectContaining({ webhook_id: id, attempts: 5 })])
  })

  it("stall: an id's first attempt is answered 204 after stall_ms, later ones at once", async () => {
    const stallMs = 600
    await behave({ stall_share: 1, stall_ms: stallMs })
    const id = newId()
    const body = eventBody()

    const first = await post(id, body)
    const second = await post(id, body)

    // Loosely: a timer may fire a little early by the caller's clock; a busy machine answers slower.
    expect(first).toMatchObject({ status: 204 })
    expect(first.ms).toBeGreaterThanOrEqual(stallMs - 50)
    expect(second).toMatchObject({ status: 204 })
    expect(second.ms).toBeLessThan(stallMs / 2)
  })

  it('stall: a sender that gives up sooner sends the same id again, and it is accepted once', async () => {
    await behave({ stall_share: 1, stall_ms: 300 })
    const id = newId()
    const body = eventBody()

    await expect(post(id, body, { timeoutMs: 50 })).rejects.toThrow()
    expect((await post(id, body)).status).toBe(204)

    expect((await attemptsOf(id)).map((a) => [a.attempt, a.plan, a.answered])).toEqual([
      [1, 'stall', 204],
      [2, 'stall', 204],
    ])
    expect(await acceptedOf(id)).toEqual([expect.objectContaining({ webhook_id: id, attempts: 2 })])
  })

  it('is set whole: omitted settings take their defaults', async () => {
    const res = await putBehaviour({ flaky_share: 0.5 })

    expect(await res.json()).toEqual({
      doomed_share: 0,
      flaky_share: 0.5,
      flaky_failures: 2,
      stall_share: 0,
      stall_ms: 15_000,
      failure_status: 503,
    })
  })

  it('takes shares adding up to exactly 1, however floating point adds them', async () => {
    const shares = { doomed_share: 0.33, flaky_share: 0.56, stall_share: 0.11 }

    expect((await putBehaviour(shares)).status).toBe(200)
  })

  it.each([
    ['shares adding up to more than 1', { doomed_share: 0.5, flaky_share: 0.4, stall_share: 0.2 }],
    ['an unknown setting', { doomed_share: 0.1, doom_share: 0.5 }],
    ['a share above 1', { stall_share: 1.5 }],
  ])('refuses %s with 400, keeping the one it had', async (_, behaviour) => {
    await behave({ flaky_share: 0.1 })

    expect((await putBehaviour(behaviour)).status).toBe(400)

    expect((await records('?summary=1')).behaviour.flaky_share).toBe(0.1)
  })
})

describe('reading the records', () => {
  it('?since=n gives the attempts from index n on; ?summary=1 only their counts', async () => {
    const before = newId()
    await post(before, eventBody())
    const { next } = await records('?summary=1')
    const good = newId()
    const forged = newId()

    await post(good, eventBody())
    await post(forged, eventBody(), { sentBody: eventBody() })

    const since = await records(`?since=${next}`)
    expect(since.attempts.map((a) => a.webhook_id)).toEqual([good, forged])
    expect(since.accepted.map((a) => a.webhook_id)).toEqual([good])
    expect(since.next).toBe(next + 2)
    expect(await records(`?since=${next}&summary=1`)).toEqual({
      behaviour: since.behaviour,
      attempts: 2,
      accepted: 1,
      unverified: 1,
      next: next + 2,
    })
  })

  it('DELETE forgets every record, count and the behaviour', async () => {
    const id = newId()
    await post(id, eventBody())
    await behave({ doomed_share: 1 })

    expect((await fetch(RECEIVER, { method: 'DELETE' })).status).toBe(204)

    const after = await records()
    expect(after).toMatchObject({ attempts: [], accepted: [], next: 0 })
    expect(after.behaviour.doomed_share).toBe(0)
    expect((await post(id, eventBody())).status).toBe(204)
    expect((await attemptsOf(id)).map((a) => a.attempt)).toEqual([1])
  })
})
